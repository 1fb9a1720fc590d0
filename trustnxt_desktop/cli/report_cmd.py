"""`trustnxt report verify FILE.pdf…`: check the signature of a PDF evidence report.

Says, per file, whether the report is exactly as it was signed, who signed it (name, organisation, the
certificate's SHA-256 and issuer), when (the timestamp authority's time for PAdES B-T, else the signer's own clock)
and whether that certificate is trusted under the trust sources in force here. Exit 0 when every file is signed
and unchanged, 4 when one is not (changed, damaged or unsigned), 2 for a file that cannot be read.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .common import EXIT_FAILED, EXIT_OK, Parser, UsageError
from .terminal import print_json, visible


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    rp = sub.add_parser("report", help="PDF evidence reports")
    rs = rp.add_subparsers(dest="report_cmd", required=True, parser_class=Parser)
    verify = rs.add_parser("verify", help="check a PDF evidence report's signature: unchanged, who signed, when",
                           description="Check the PAdES signature of PDF evidence reports made by this program "
                           "(or any PDF signed once over its whole file): whether any byte changed since, who "
                           "signed and when, and whether the signer is trusted here.")
    verify.add_argument("files", nargs="+", metavar="FILE.pdf")
    verify.add_argument("--json", action="store_true", help="print a JSON array of the checks")
    rp.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from ..services.account.keyring_store import KeyringSecretStore
    from ..services.paths import data_root
    from ..services.records.report_signing import verify_file

    root, secrets = data_root(), KeyringSecretStore()
    checks = []
    for name in args.files:
        try:
            checks.append(verify_file(Path(name), root, secrets))
        except OSError as e:
            raise UsageError(f"cannot read {name}: {e.strerror or e}") from None
    if args.json:
        print_json(json.dumps([c.to_dict() for c in checks], indent=2, ensure_ascii=False))
    else:
        for check in checks:
            for line in check.lines():
                print(visible(line))
    if any(not c.intact for c in checks):
        if not args.json:
            print("trustnxt: a report that is not signed, or was changed since, proves nothing about what was "
                  "inspected.", file=sys.stderr)
        return EXIT_FAILED
    return EXIT_OK
