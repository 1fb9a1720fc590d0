"""`trustnxt caption FILE...`: show a file's caption, credit line and keywords, or write new ones into a signed
copy whose history shows the metadata edit (`c2pa.edited.metadata`) with the file kept as its parent."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .common import EXIT_OK, UsageError
from .copies import add_output_options, derived_copies, report
from .terminal import print_json, visible


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("caption", help="edit the caption, credit line and keywords into a new signed copy",
                       epilog="Without --caption, --credit, --keyword or --clear-keywords it shows the fields. The "
                              "copy is named <name>.captioned.<ext> (JPEG, PNG, WebP, TIFF); IPTC-IIM and XMP are "
                              "written. The files themselves are never changed.")
    p.add_argument("files", nargs="+", metavar="FILE", help="pictures (protected copies, camera originals, …)")
    p.add_argument("--caption", help="the description ('' clears it)")
    p.add_argument("--credit", help="the credit line ('' clears it)")
    p.add_argument("--keyword", action="append", metavar="WORD",
                   help="a keyword (repeat for several); replaces the file's keywords")
    p.add_argument("--clear-keywords", action="store_true", help="remove every keyword")
    add_output_options(p)
    p.set_defaults(handler=run)


async def run(args: argparse.Namespace) -> int:
    from ..domain.derive import CaptionEdit

    files = [Path(f) for f in args.files]
    if missing := [f for f in files if not f.is_file()]:
        raise UsageError(f"not a file: {missing[0]}")
    if args.keyword and args.clear_keywords:
        raise UsageError("--keyword and --clear-keywords contradict each other")
    keywords = () if args.clear_keywords else tuple(args.keyword) if args.keyword else None
    if args.caption is None and args.credit is None and keywords is None:
        return await _show(args, files)
    try:
        edit = CaptionEdit(args.caption, args.credit, keywords)
    except ValueError as e:
        raise UsageError(str(e)) from None
    copies = derived_copies()
    out = Path(args.out) if args.out else None
    results = [await copies.save_caption(f, edit, out) for f in files]
    return report(args, results, "captioned")


async def _show(args: argparse.Namespace, files: list[Path]) -> int:
    from ..engine.derive import read_caption

    found = [(f, read_caption(f)) for f in files]
    if args.json:
        print_json(json.dumps([{"file": str(f), "caption": c.caption, "credit": c.credit,
                                "keywords": list(c.keywords)} for f, c in found], indent=2))
        return EXIT_OK
    for f, c in found:
        print(visible(f"{f}:"))
        print(visible(f"  caption:  {c.caption or '(none)'}"))
        print(visible(f"  credit:   {c.credit or '(none)'}"))
        print(visible(f"  keywords: {', '.join(c.keywords) or '(none)'}"))
    sys.stdout.flush()
    return EXIT_OK
