"""The desktop app's own log, for support: `<data root>/logs/trustnxt.log`.

What it holds: the app's start, every warning or error the person was shown, failed protect jobs,
failed calls to the TrustNXT service (after their retries), failed trust-list updates, and whatever
else the program's modules log at INFO or above. Help › Save diagnostics puts it in its zip.

- Rotating: at LOG_BYTES the file becomes trustnxt.log.1 (then .2, .3); older ones are deleted.
- Owner-only like the rest of the data root (runtime/private_files.py): each file is created 0600
  before anything is written to it.
- No secret is ever written: each line passes through services.redact, which removes every value read
  from or written to the keyring in this process, secret-named environment variables, and anything
  shaped like a TrustNXT key, a credential header or a credential in a URL. Hidden and control
  characters (a file name with terminal escapes) are escaped (domain.display.visible).

Only the GUI installs it; the `trustnxt` command says everything on its own stderr.
"""

from __future__ import annotations

import io
import logging
import logging.handlers
import os
import platform
import sys
import time
from collections.abc import Mapping
from pathlib import Path

from ... import APP_NAME, __version__
from ...domain.display import visible
from ...runtime.private_files import create_private_file
from ..redact import SECRET_NAME, redact, remember_secrets

LOG_FILE = "trustnxt.log"
LOG_BYTES = 1024 * 1024  # per file: diagnostics keeps the last MiB of each
LOG_BACKUPS = 3
PACKAGE_LOGGER = (__package__ or __name__).partition(".")[0]  # "trustnxt_desktop": every module of the program


class _PrivateRotatingFile(logging.handlers.RotatingFileHandler):
    def _open(self) -> io.TextIOWrapper:
        # Created 0600 before the first byte, whatever the umask: also each new file after a rotation.
        create_private_file(Path(self.baseFilename))
        return super()._open()


class RedactingFormatter(logging.Formatter):
    """`2026-11-30T14:12:03Z WARNING trustnxt_desktop.ui.main_window: …`, secrets and hidden characters out."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s", datefmt="%Y-%m-%dT%H:%M:%SZ")
        self.converter = time.gmtime  # times in UTC, as the Z in datefmt says

    def format(self, record: logging.LogRecord) -> str:
        return visible(redact(super().format(record)), keep_newlines=True)


def log_path(root: Path) -> Path:
    return root / "logs" / LOG_FILE


def install_app_log(root: Path, environ: Mapping[str, str] | None = None) -> logging.Handler:
    """Write the program's log records (INFO and above) to log_path(root) from now on; returns the handler
    (remove_app_log takes it away again). Creates the logs folder owner-only; raises OSError when it cannot."""
    env = os.environ if environ is None else environ
    remember_secrets(*(value for name, value in env.items() if SECRET_NAME.search(name)))
    folder = log_path(root).parent
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    handler = _PrivateRotatingFile(log_path(root), maxBytes=LOG_BYTES, backupCount=LOG_BACKUPS, encoding="utf-8",
                                   delay=True)
    handler.setFormatter(RedactingFormatter())
    handler.setLevel(logging.INFO)
    logger = logging.getLogger(PACKAGE_LOGGER)
    logger.addHandler(handler)
    if logger.getEffectiveLevel() > logging.INFO:
        logger.setLevel(logging.INFO)
    logger.info("%s %s started (Python %s, %s)", APP_NAME, __version__, platform.python_version(),
                platform.platform(terse=True) or sys.platform)
    return handler


def remove_app_log(handler: logging.Handler) -> None:
    logging.getLogger(PACKAGE_LOGGER).removeHandler(handler)
    handler.close()


__all__ = ["LOG_FILE", "RedactingFormatter", "install_app_log", "log_path", "remove_app_log"]
