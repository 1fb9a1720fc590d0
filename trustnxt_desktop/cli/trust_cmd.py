"""`trustnxt trust status | update | list | add | remove`: published trust lists and your own anchors."""

from __future__ import annotations

import argparse
import json
from collections.abc import Coroutine
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..domain.display import plural
from .common import EXIT_FAILED, EXIT_OK, Parser
from .terminal import print_json

if TYPE_CHECKING:  # certificates, trust lists and their HTTP client load when the command runs, not for --help
    from ..services.trust.lists import TrustListsStatus
    from ..services.trust.sources import AnchorStore


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    tp = sub.add_parser("trust", help="trust lists and the certificates you trust besides your own identity")
    ts = tp.add_subparsers(dest="trust_cmd", required=True, parser_class=Parser)
    status = ts.add_parser("status", help="every trust list in use (source, snapshot date, sha256, age, shipped "
                                          "with the app or downloaded) and your anchors")
    status.add_argument("--json", action="store_true")
    update = ts.add_parser("update", help="download the published trust lists now")
    update.add_argument("--force", action="store_true",
                        help="accept a list even when it is much smaller than the one in use")
    ts.add_parser("list", help="list your own trust anchors")
    add = ts.add_parser("add", help="trust a CA certificate (PEM)")
    add.add_argument("name")
    add.add_argument("file")
    rm = ts.add_parser("remove", help="stop trusting an anchor")
    rm.add_argument("name")
    tp.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int | Coroutine[Any, Any, int]:
    from ..services.account.settings import SettingsStore
    from ..services.paths import data_root
    from ..services.trust.lists import TrustLists
    from ..services.trust.sources import AnchorStore

    root = data_root()
    anchors = AnchorStore(root)
    if args.trust_cmd == "add":
        path = anchors.add(args.name, Path(args.file).read_bytes())
        print(f"Added trust anchor “{args.name}” ({path})")
    elif args.trust_cmd == "remove":
        anchors.remove(args.name)
        print(f"Removed trust anchor “{args.name}”")
    elif args.trust_cmd == "list":
        _print_anchors(anchors)
    elif args.trust_cmd == "status":
        lists = TrustLists(root, SettingsStore(root).load())
        status = lists.status()
        if args.json:
            print_json(json.dumps(_status_json(status, anchors), indent=2, ensure_ascii=False))
        else:
            _print_status(status)
            print()
            _print_anchors(anchors)
    else:
        return _update(root, args.force)
    return EXIT_OK


async def _update(root: Path, force: bool) -> int:
    from ..services.account.settings import SettingsStore
    from ..services.trust.lists import TrustLists

    lists = TrustLists(root, SettingsStore(root).load())
    report = await lists.update(force=force)
    for r in report.results:
        print(f"{r.spec.title:<22} {r.describe()}")
    return EXIT_OK if report.ok else EXIT_FAILED


def _age(days: int | None) -> str:
    if days is None:
        return ""
    return "today" if days == 0 else f"{plural(days, 'day')} old"


def _print_status(status: TrustListsStatus) -> None:
    now = status.now
    print(status.summary())
    if status.mirror:
        print(f"Mirror: {status.mirror}")
    for s in status.lists:
        if s.snapshot is None:
            print(f"\n{s.spec.title}: {s.problem}")
            continue
        snap = s.snapshot
        print(f"\n{s.source_name}  [{_age(s.age_days(now))}, sha256 {snap.sha256[:16]}…]")
        print(f"  {snap.origin_text()}; list sha256 {snap.sha256}")
        if note := s.note(now):
            print(f"  note: {note}")
        if s.problem:
            print(f"  note: {s.problem}")
        for f in snap.files:
            what = "OIDs" if f.name.endswith(".cfg") else "certificates"
            print(f"  {f.name}: {f.certificates} {what}, sha256 {f.sha256[:16]}…, from {f.url}")
    checked = status.last_success or "never"
    print(f"\nLast successful update: {checked}" + ("  (an update is due)" if status.due else ""))
    if status.last_error:
        print(f"Last problem: {status.last_error}")


def _print_anchors(anchors: AnchorStore) -> None:
    from ..engine import certs

    listed = anchors.list()
    if not listed:
        print("No trust anchors of your own. Your local identity's root is always trusted.")
    for name, path in listed:
        chain = certs.load_pem_chain(path.read_bytes())
        print(f"Your anchor: {name}: {', '.join(certs.common_name(c) for c in chain)}")


def _status_json(status: TrustListsStatus, anchors: AnchorStore) -> dict[str, object]:
    return {
        "lists": [{"list": s.spec.key, "title": s.spec.title, "kind": s.spec.kind, "name": s.source_name,
                   "snapshot": s.snapshot.to_json() if s.snapshot else None, "problem": s.problem,
                   "note": s.note(status.now)}
                  for s in status.lists],
        "last_attempt": status.last_attempt, "last_success": status.last_success,
        "last_error": status.last_error, "due": status.due, "mirror": status.mirror,
        "anchors": [name for name, _ in anchors.list()],
    }
