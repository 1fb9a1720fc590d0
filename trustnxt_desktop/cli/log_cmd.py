"""`trustnxt log export | verify`: the hash-chained log of every inspection made on this computer."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..domain.display import plural
from .common import EXIT_FAILED, EXIT_OK, Parser


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    lp = sub.add_parser("log", help="the verification log: every inspection, hash-chained")
    ls = lp.add_subparsers(dest="log_cmd", required=True, parser_class=Parser)
    export = ls.add_parser("export", help="print or save the log with its hashes")
    fmt = export.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_const", dest="format", const="json", help="JSON (the default)")
    fmt.add_argument("--csv", action="store_const", dest="format", const="csv", help="CSV, one row per entry")
    export.add_argument("--out", metavar="FILE", help="write to FILE instead of standard output")
    ls.add_parser("verify", help="check that no entry was edited, removed or moved and that the log matches its "
                  "anchor in the OS keyring and its signed checkpoint (exit 4 if not)")
    lp.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from ..services.account.keyring_store import KeyringSecretStore
    from ..services.paths import data_root
    from ..services.records.exports import write_text
    from ..services.records.verification_log import VerificationLog

    log = VerificationLog(data_root(), KeyringSecretStore())
    if args.log_cmd == "verify":
        try:
            result = log.verify()
        finally:
            log.close()
        if result.ok:
            head = f"; head {result.head}" if result.head else ""
            print(f"Verification log intact: {plural(result.entries, 'entry', 'entries')}{head}")
        else:
            where = f" at entry {result.first_bad}" if result.first_bad is not None else ""
            print(f"Verification log damaged{where}: {result.problem}", file=sys.stderr)
        for note in result.notes:
            print(f"note: {note}", file=sys.stderr)
        return EXIT_OK if result.ok else EXIT_FAILED
    text = log.export_csv() if args.format == "csv" else log.export_json()
    if args.out:
        write_text(Path(args.out), text)
        print(f"Wrote {args.out}", file=sys.stderr)
    else:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
    return EXIT_OK
