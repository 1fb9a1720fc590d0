"""What `trustnxt export-web` and `trustnxt caption` share: the service that signs derived copies with this
computer's identity, and the one-line-per-file report (or --json)."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING

from .common import EXIT_FAILED, EXIT_OK
from .terminal import print_json, visible

if TYPE_CHECKING:  # imported when the command runs, not for --help
    from ..domain.protect import ProtectResult
    from ..services.derive import DerivedCopies


def add_output_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--out", metavar="DIR", help="write the copies here (default: next to each file)")
    p.add_argument("--json", action="store_true", help="print a JSON array of results on stdout")
    p.add_argument("-q", "--quiet", action="store_true", help="no summary on stderr")


def derived_copies() -> DerivedCopies:
    from ..services.account.keyring_store import KeyringSecretStore
    from ..services.account.settings import SettingsStore
    from ..services.derive import DerivedCopies
    from ..services.paths import data_root

    root = data_root()
    settings = SettingsStore(root).load()
    print("engine: local (derived copies are signed with your own signing identity)", file=sys.stderr, flush=True)
    return DerivedCopies(root, KeyringSecretStore(), lambda: settings)


def report(args: argparse.Namespace, results: list[ProtectResult], made: str) -> int:
    """Exit 4 when a file failed, else 0 (a skipped file is said, not a failure). `made`: "exported", …"""
    from ..domain.protect import ProtectStatus

    if args.json:
        print_json(json.dumps([r.to_dict() for r in results], indent=2))
    else:
        for r in results:
            outcome = f" -> {r.output}" if r.output else f" ({r.error})" if r.error else ""
            print(visible(f"{r.status.value}: {r.source}{outcome}"))
            for warning in r.warnings:
                print(visible(f"  warning: {warning}"), file=sys.stderr)
    failed = sum(r.status is ProtectStatus.FAILED for r in results)
    if not args.json and not args.quiet and len(results) > 1:
        done = sum(r.status is ProtectStatus.DONE for r in results)
        skipped = sum(r.status is ProtectStatus.SKIPPED for r in results)
        print(f"{done} {made}, {skipped} skipped, {failed} failed", file=sys.stderr)
    return EXIT_FAILED if failed else EXIT_OK
