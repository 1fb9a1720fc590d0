"""The app's own log: owner-only files, rotation, and never a secret or a hidden character in a line."""

from __future__ import annotations

import logging
import logging.handlers
import stat
from pathlib import Path

from trustnxt_desktop.services.records import app_log
from trustnxt_desktop.services.records.app_log import install_app_log, log_path, remove_app_log

log = logging.getLogger("trustnxt_desktop.services.records.sample")


def test_lines_are_redacted_escaped_and_owner_only(tmp_path: Path) -> None:
    handler = install_app_log(tmp_path, environ={"MY_API_TOKEN": "hunter2-hunter2", "PATH": "/usr/bin"})
    try:
        log.warning("refused tnxt_live_abcdef0123456789 with token hunter2-hunter2 for \x1b]0;evil\x07name.jpg")
        log.debug("not kept: below INFO")
        logging.getLogger("somebody.else").warning("another program's logger")
    finally:
        remove_app_log(handler)
    path = log_path(tmp_path)
    text = path.read_text("utf-8")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600 and stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    first, line = text.splitlines()[:2]
    assert " INFO trustnxt_desktop" in first and "started" in first
    assert "WARNING trustnxt_desktop.services.records.sample: refused tnxt_live_…[redacted]" in line
    assert "hunter2" not in text and "abcdef0123456789" not in text, "secret-named variables are secrets"
    assert "\x1b" not in text and "\x07" not in text
    assert "not kept" not in text and "another program" not in text
    assert line[:20].endswith("Z") and line[4] == "-" and line[10] == "T", "UTC, ISO 8601"


def test_the_log_rotates_and_every_file_is_private(tmp_path: Path) -> None:
    handler = install_app_log(tmp_path, environ={})
    assert isinstance(handler, logging.handlers.RotatingFileHandler)
    handler.maxBytes = 2000  # rotate quickly: the same rule as at LOG_BYTES
    try:
        for i in range(200):
            log.info("line %d %s", i, "x" * 60)
    finally:
        remove_app_log(handler)
    folder = log_path(tmp_path).parent
    names = sorted(p.name for p in folder.iterdir())
    assert names == [app_log.LOG_FILE] + [f"{app_log.LOG_FILE}.{n}" for n in range(1, app_log.LOG_BACKUPS + 1)]
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in folder.iterdir())
    assert "line 199" in log_path(tmp_path).read_text()
    assert all(p.stat().st_size <= 2100 for p in folder.iterdir())
