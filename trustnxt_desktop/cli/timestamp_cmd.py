"""`trustnxt timestamp FILE...` / `trustnxt timestamp --waiting`: add a timestamp to protected copies made while the
timestamp authority could not be used ("no timestamp yet"), so they stay valid after your certificate expires.

Each copy gets an update manifest with a `c2pa.time-stamp` assertion (C2PA 2.2) signed with your signing identity;
the copy is replaced in one atomic rename, only while its bytes are what was read. The job store's "no timestamp
yet" mark is dropped for every copy that has its timestamp.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from .common import EXIT_CONFIG, EXIT_FAILED, EXIT_OK, Progress, UsageError
from .terminal import print_json, visible

if TYPE_CHECKING:  # imported when the command runs, not for --help
    from ..services.jobs.store import JobStore
    from ..services.later_timestamps import LaterTimestamps, TimestampOutcome


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("timestamp", help="add a timestamp to protected copies that have none yet",
                       epilog="Only copies signed with your own signing identity whose Content Credentials still "
                              "match their content are changed; a copy that already has a timestamp is left as it "
                              "is. Exit code 4 when a copy could not be timestamped (it is then unchanged).")
    p.add_argument("files", nargs="*", metavar="FILE", help="protected copies to timestamp")
    p.add_argument("--waiting", action="store_true",
                   help="every copy the job store marks 'no timestamp yet' (protected by the app, "
                        "`trustnxt protect` or `trustnxt watch` while offline)")
    p.add_argument("--list", action="store_true", help="with --waiting: only list those copies, change nothing")
    p.add_argument("--tsa-url", help="RFC 3161 timestamp authority URL (default: the one in Settings)")
    p.add_argument("--json", action="store_true", help="print a JSON array of results on stdout")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress on stderr")
    p.set_defaults(handler=run)


async def run(args: argparse.Namespace) -> int:
    if args.list and not args.waiting:
        raise UsageError("--list goes with --waiting")
    if bool(args.files) == bool(args.waiting):
        raise UsageError("give the protected copies to timestamp, or --waiting (not both)")
    files = [Path(f) for f in args.files]
    if missing := [str(f) for f in files if not f.is_file()]:
        raise UsageError("not a file: " + ", ".join(missing))
    later, store = _service()
    try:
        if args.waiting:
            waiting = await later.waiting()
            if args.list:
                return _list(args, [w.output for w in waiting])
            files = [w.output for w in waiting]
            if not files and not args.json:
                print("trustnxt: no protected copy is waiting for a timestamp", file=sys.stderr)
        url = args.tsa_url or later.authority()
        if files and not url:
            from ..services.later_timestamps import NO_AUTHORITY

            print(f"trustnxt: {NO_AUTHORITY}", file=sys.stderr)
            return EXIT_CONFIG
        progress = Progress(len(files), args.quiet)
        outcomes = []
        for f in files:
            outcome = await later.add(f, url)
            progress(f"{outcome.status:<19} {f}")
            outcomes.append(outcome)
        return _report(args, outcomes)
    finally:
        store.close()


def _service() -> tuple[LaterTimestamps, JobStore]:
    from ..services.account.keyring_store import KeyringSecretStore
    from ..services.account.settings import SettingsStore
    from ..services.jobs.store import JobStore
    from ..services.later_timestamps import LaterTimestamps
    from ..services.paths import data_root

    root = data_root()
    settings = SettingsStore(root).load()
    store = JobStore(root)
    return LaterTimestamps(root, KeyringSecretStore(), lambda: settings, store), store


def _list(args: argparse.Namespace, copies: list[Path]) -> int:
    if args.json:
        print_json(json.dumps([str(c) for c in copies], indent=2))
    else:
        for c in copies:
            print(visible(str(c)))
        print(f"{len(copies)} protected {'copy is' if len(copies) == 1 else 'copies are'} waiting for a timestamp",
              file=sys.stderr)
    return EXIT_OK


def _report(args: argparse.Namespace, outcomes: list[TimestampOutcome]) -> int:
    from ..services.later_timestamps import ALREADY, FAILED, TIMESTAMPED

    if args.json:
        print_json(json.dumps([o.to_dict() for o in outcomes], indent=2))
    else:
        for o in outcomes:
            detail = f" ({o.error})" if o.error else f" (by {o.authority})" if o.status == TIMESTAMPED else ""
            print(visible(f"{o.status}: {o.path}{detail}"))
        if len(outcomes) > 1:
            counts = {s: sum(o.status == s for o in outcomes) for s in (TIMESTAMPED, ALREADY, FAILED)}
            print(f"{counts[TIMESTAMPED]} timestamped, {counts[ALREADY]} already timestamped, {counts[FAILED]} failed",
                  file=sys.stderr)
    return EXIT_FAILED if any(o.status == FAILED for o in outcomes) else EXIT_OK
