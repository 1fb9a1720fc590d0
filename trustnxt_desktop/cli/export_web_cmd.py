"""`trustnxt export-web FILE...`: smaller copies for the web (JPEG, WebP or AVIF), each signed with its file as
the parent ingredient and `c2pa.resized` / `c2pa.transcoded` actions, so their history leads back to it."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..domain.derive import DEFAULT_LONG_EDGE, DEFAULT_QUALITY, LONG_EDGE_RANGE, WebFormat
from .common import UsageError
from .copies import add_output_options, derived_copies, report


def _long_edge(text: str) -> int:
    low, high = LONG_EDGE_RANGE
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of pixels: {text!r}") from None
    if not low <= value <= high:
        raise argparse.ArgumentTypeError(f"must be {low}–{high} pixels")
    return value


def _quality(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not 1 <= value <= 100:
        raise argparse.ArgumentTypeError("must be 1–100")
    return value


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("export-web", help="write smaller signed copies for the web that keep their history",
                       epilog="Each copy is named <name>.web.<jpg|webp|avif> and signed with your own signing "
                              "identity; the file it was made from (with its own Content Credentials) is its "
                              "parent ingredient. The files themselves are never changed.")
    p.add_argument("files", nargs="+", metavar="FILE", help="pictures (protected copies, camera originals, …)")
    p.add_argument("--long-edge", type=_long_edge, default=DEFAULT_LONG_EDGE, metavar="N",
                   help=f"longest side in pixels (default {DEFAULT_LONG_EDGE}; smaller pictures are not enlarged)")
    p.add_argument("--format", choices=[f.value for f in WebFormat], default=WebFormat.JPEG.value,
                   help="picture format (default jpeg)")
    p.add_argument("--quality", type=_quality, default=DEFAULT_QUALITY, metavar="Q",
                   help=f"encoder quality 1–100 (default {DEFAULT_QUALITY})")
    p.add_argument("--remove-location", action="store_true",
                   help="leave the GPS position and place names out of the copy's metadata (recorded in its "
                        "history as c2pa.edited.metadata)")
    add_output_options(p)
    p.set_defaults(handler=run)


async def run(args: argparse.Namespace) -> int:
    from ..domain.derive import WebExport

    files = [Path(f) for f in args.files]
    if missing := [f for f in files if not f.is_file()]:
        raise UsageError(f"not a file: {missing[0]}")
    export = WebExport(args.long_edge, WebFormat(args.format), args.quality, args.remove_location)
    copies = derived_copies()
    out = Path(args.out) if args.out else None
    results = [await copies.export_for_web(f, export, out) for f in files]
    return report(args, results, "exported")
