"""`trustnxt`: protect and inspect media from scripts and terminals. Imports no Qt.

Exit codes: 0 ran fine, 2 usage error, 3 configuration error (e.g. no keyring, no or refused API key),
4 some files failed (or the TrustNXT service failed), 141 the reader of its output went away (`| head`).

Each subcommand lives in its own module with a `register(subparsers)` that sets `handler`. Start-up is
part of every scripted call: a command module imports at its top only what its arguments need, and its
handler imports the engine, the services and the libraries it uses (tests/e2e/test_cli_startup.py).
"""

from __future__ import annotations

import argparse
import gc
import sys

from .. import APP_NAME, __version__
from . import (
    account_cmd,
    caption_cmd,
    export_web_cmd,
    identity_cmd,
    inspect_cmd,
    jobs_cmd,
    log_cmd,
    protect_cmd,
    report_cmd,
    repository_cmd,
    timestamp_cmd,
    trust_cmd,
    watch_cmd,
)
from .common import EXIT_CONFIG, EXIT_FAILED, EXIT_USAGE, Parser, UsageError

COMMANDS = (protect_cmd, inspect_cmd, account_cmd, identity_cmd, trust_cmd, jobs_cmd, log_cmd, export_web_cmd,
            caption_cmd, watch_cmd, report_cmd, timestamp_cmd, repository_cmd)


def parser() -> argparse.ArgumentParser:
    p = Parser(prog="trustnxt", description=f"{APP_NAME}: protect media with Content Credentials and inspect "
               "what you receive. Works offline with a local signing identity.",
               epilog="Exit codes: 0 ok, 2 usage error, 3 configuration error, 4 some files failed, "
               "141 the output pipe was closed (e.g. by `| head`).")
    p.add_argument("--version", action="version", version=f"trustnxt {__version__}")
    sub = p.add_subparsers(dest="command", required=True, parser_class=Parser)
    for command in COMMANDS:
        command.register(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    """Run one command. What it prints for people has hidden characters from file names and manifests
    escaped (cli/terminal.py); a reader that closes the pipe early ends the run quietly, exit 141."""
    from .terminal import reader_gone, visible_output

    try:
        with visible_output():
            return _run(argv)
    except BrokenPipeError:
        return reader_gone()
    finally:
        # The command is over: what it loaded (c2pa, Pillow, cryptography) is left to the operating system
        # at exit, not to the garbage collector's last passes over every object (40 ms of each run).
        gc.freeze()


def _run(argv: list[str] | None) -> int:
    args = parser().parse_args(argv)
    import asyncio
    import inspect
    import sqlite3

    from ..domain.errors import ConfigurationError, IdentityError, TrustNXTError
    from .common import say_store_notices
    from .terminal import visible

    say_store_notices()
    try:
        outcome = args.handler(args)
        code: int = asyncio.run(outcome) if inspect.iscoroutine(outcome) else outcome
        return code
    except UsageError as e:
        print(f"trustnxt: error: {visible(str(e))}", file=sys.stderr)
        return EXIT_USAGE
    except (ConfigurationError, IdentityError) as e:
        print(f"trustnxt: {visible(str(e))}", file=sys.stderr)
        return EXIT_CONFIG
    except TrustNXTError as e:
        print(f"trustnxt: {visible(str(e))}", file=sys.stderr)
        return EXIT_FAILED
    except FileNotFoundError as e:
        print(f"trustnxt: no such file: {visible(str(e.filename))}", file=sys.stderr)
        return EXIT_USAGE
    except sqlite3.DatabaseError as e:
        # Damage that the check on opening (PRAGMA quick_check) cannot see, met in the middle of a command.
        print(f"trustnxt: a local database in the TrustNXT data folder is damaged ({e}); the command stopped. "
              "Move the damaged file out of the data folder and run it again.", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print("trustnxt: interrupted", file=sys.stderr)
        return 130
