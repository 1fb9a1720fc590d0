"""What every `trustnxt` subcommand shares: exit codes, argument parsing, progress, the backend."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..services.backend import Backend
from ..services.backends import describe_engine, make_backend
from ..services.credentials import DEFAULT_PROFILE
from ..services.keyring_store import KeyringSecretStore
from ..services.paths import data_root
from ..services.settings import BACKENDS, SettingsStore
from ..services.store_health import StoreNotice, listen
from .terminal import visible

EXIT_OK, EXIT_USAGE, EXIT_CONFIG, EXIT_FAILED = 0, 2, 3, 4


class UsageError(Exception):
    """The command line asks for something that cannot be done as asked (exit code 2)."""


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        print(f"{self.prog}: error: {message}", file=sys.stderr)
        raise SystemExit(EXIT_USAGE)


class Progress:
    """One line per finished file on stderr, so stdout stays clean for --json."""

    def __init__(self, total: int, quiet: bool) -> None:
        self.total, self.done, self.quiet = total, 0, quiet or total < 2

    def __call__(self, text: str) -> None:
        self.done += 1
        if not self.quiet:
            print(visible(f"[{self.done}/{self.total}] {text}"), file=sys.stderr, flush=True)


def say_store_notices() -> None:
    """A damaged local store found while a command runs is said at once, on stderr (stdout stays clean for
    --json): what happened and where the damaged file is now."""
    listen(_print_notice)


def _print_notice(notice: StoreNotice) -> None:
    print(f"trustnxt: {notice.text}", file=sys.stderr, flush=True)


def given_paths(texts: list[str]) -> list[Path]:
    """The files and folders named on the command line. A mistyped one is a usage error (exit 2), found
    before any work starts, so a run never half-happens because of a typo."""
    paths = [Path(t) for t in texts]
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        raise UsageError("no such file: " + ", ".join(missing))
    return paths


def jobs_arg(text: str) -> int:
    value = int(text)
    if not 1 <= value <= 16:
        raise argparse.ArgumentTypeError("--jobs takes 1 to 16")
    return value


def add_backend_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--backend", choices=BACKENDS,
                   help="local: this computer, offline; cloud: the TrustNXT service (default from settings)")
    p.add_argument("--profile", default=DEFAULT_PROFILE, metavar="NAME",
                   help="which stored API key the cloud backend uses (default: default)")


def open_backend(args: argparse.Namespace) -> Backend:
    """The engine chosen by --backend (else the settings), announced on stderr."""
    root = data_root()
    settings = SettingsStore(root).load()
    if getattr(args, "jobs", None):
        settings.jobs = args.jobs
    if getattr(args, "fetch_remote", False):
        settings.remote_manifest_fetch = True
    backend = make_backend(root, settings, KeyringSecretStore(), getattr(args, "backend", None),
                           profile=getattr(args, "profile", None) or DEFAULT_PROFILE)
    # Always said, on stderr (stdout stays clean for --json): the cloud engine bills every call.
    print(f"engine: {describe_engine(backend)}", file=sys.stderr, flush=True)
    return backend
