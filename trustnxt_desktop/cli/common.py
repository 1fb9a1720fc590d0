"""What every `trustnxt` subcommand shares: exit codes, argument parsing, progress, the backend."""

from __future__ import annotations

import argparse
import importlib.util
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from ..services.account.credentials import DEFAULT_PROFILE
from ..services.backends.registry import BACKENDS, BackendKind
from .terminal import visible

if TYPE_CHECKING:  # imported when a command runs, not for parsing or --help
    from ..services.backends.protocol import Backend
    from ..services.store_health import StoreNotice

EXIT_OK, EXIT_USAGE, EXIT_CONFIG, EXIT_FAILED = 0, 2, 3, 4


class UsageError(Exception):
    """The command line asks for something that cannot be done as asked (exit code 2)."""


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
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
    from ..services.store_health import listen

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
    p.add_argument("--backend", choices=[b.kind.value for b in BACKENDS],
                   help="; ".join(f"{b.kind.value}: {b.cli_help}" for b in BACKENDS) + " (default from settings)")
    p.add_argument("--profile", default=DEFAULT_PROFILE, metavar="NAME",
                   help="which stored API key the cloud backend uses (default: default)")


def open_backend(args: argparse.Namespace, *, parsers_early: bool = False) -> Backend:
    """The engine chosen by --backend (else the settings), announced on stderr.

    `parsers_early`: the local engine starts the fork server of its isolated parser workers at once, in
    the background (runtime/isolation.py): loading c2pa and Pillow there overlaps the rest of this
    command's set-up, and the first worker then forks from it in milliseconds."""
    from ..services.account.settings import SettingsStore
    from ..services.paths import data_root

    root = data_root()
    settings = SettingsStore(root).load()
    if getattr(args, "jobs", None):
        settings.jobs = args.jobs
    if getattr(args, "fetch_remote", False):
        settings.remote_manifest_fetch = True
    if getattr(args, "single_validator", False):
        settings.cross_check = False
    if getattr(args, "check_revocation", None) is not None:  # for this command only: never saved
        settings.revocation_check = args.check_revocation
    if parsers_early and (getattr(args, "backend", None) or settings.backend) == BackendKind.LOCAL:
        threading.Thread(target=_start_parsers, name="trustnxt-parsers-early", daemon=True).start()
    from ..services.account.keyring_store import KeyringSecretStore
    from ..services.backends.registry import describe_engine, make_backend

    backend = make_backend(root, settings, KeyringSecretStore(), getattr(args, "backend", None),
                           profile=getattr(args, "profile", None) or DEFAULT_PROFILE)
    # Always said, on stderr (stdout stays clean for --json): the cloud engine bills every call.
    print(f"engine: {describe_engine(backend)}", file=sys.stderr, flush=True)
    return backend


def _start_parsers() -> None:
    from ..runtime.isolation import start_fork_server

    try:  # engine.untrusted.TASKS_MODULE, by name: c2pa and Pillow load there, not here
        start_fork_server(importlib.util.resolve_name("..engine.untrusted_tasks", __package__))
    except Exception:  # noqa: BLE001 - only a head start: the first worker starts the server and reports
        pass
