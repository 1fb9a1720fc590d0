"""`trustnxt trust list | add | remove`: certificates you trust besides your own identity."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..engine import certs
from ..services.paths import data_root
from ..services.trust_sources import AnchorStore
from .common import EXIT_OK, Parser


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    tp = sub.add_parser("trust", help="certificates you trust besides your own identity")
    ts = tp.add_subparsers(dest="trust_cmd", required=True, parser_class=Parser)
    ts.add_parser("list", help="list your trust anchors")
    add = ts.add_parser("add", help="trust a CA certificate (PEM)")
    add.add_argument("name")
    add.add_argument("file")
    rm = ts.add_parser("remove", help="stop trusting an anchor")
    rm.add_argument("name")
    tp.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    anchors = AnchorStore(data_root())
    if args.trust_cmd == "add":
        path = anchors.add(args.name, Path(args.file).read_bytes())
        print(f"Added trust anchor “{args.name}” ({path})")
    elif args.trust_cmd == "remove":
        anchors.remove(args.name)
        print(f"Removed trust anchor “{args.name}”")
    else:
        listed = anchors.list()
        if not listed:
            print("No trust anchors of your own. Your local identity's root is always trusted.")
        for name, path in listed:
            chain = certs.load_pem_chain(path.read_bytes())
            print(f"{name}: {', '.join(certs.common_name(c) for c in chain)}")
    return EXIT_OK
