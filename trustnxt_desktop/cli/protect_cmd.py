"""`trustnxt protect PATH...`: write protected copies carrying a signed Trust Label."""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from pathlib import Path
from typing import Any

from ..domain.protect import THUMBNAIL_EDGES, ProtectResult, ProtectStatus
from ..services.batch import run_batch
from ..services.files import FoundFile, expand
from .common import EXIT_FAILED, EXIT_OK, Progress, add_backend_options, jobs_arg, open_backend


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    pr = sub.add_parser("protect", help="write protected copies carrying a signed Trust Label")
    pr.add_argument("paths", nargs="+", metavar="PATH", help="files or folders (folders recurse)")
    pr.add_argument("--out", metavar="DIR", help="write copies here (default: next to each original)")
    pr.add_argument("--jobs", type=jobs_arg, metavar="N", help="files processed at once (default from settings: 2)")
    pr.add_argument("--json", action="store_true", help="print a JSON array of results on stdout")
    pr.add_argument("--thumbnail", type=int, choices=THUMBNAIL_EDGES, help="thumbnail long edge in px, 0 for none")
    pr.add_argument("--author", help="author name written into the Trust Label ('' for none)")
    pr.add_argument("--allow-training", action="store_true", help="omit the 'do not train' assertion")
    pr.add_argument("--tsa-url", help="RFC 3161 timestamp authority URL ('' for none)")
    pr.add_argument("-q", "--quiet", action="store_true", help="no progress on stderr")
    add_backend_options(pr)
    pr.set_defaults(handler=run)


def _options(args: argparse.Namespace, backend_settings: Any) -> Any:
    base = backend_settings.protect_options(Path(args.out) if args.out else None)
    overrides: dict[str, Any] = {}
    if args.thumbnail is not None:
        overrides["thumbnail_edge"] = args.thumbnail
    if args.author is not None:
        overrides["author"] = args.author or None
    if args.allow_training:
        overrides["do_not_train"] = False
    if args.tsa_url is not None:
        overrides["tsa_url"] = args.tsa_url or None
    return dataclasses.replace(base, **overrides)


async def run(args: argparse.Namespace) -> int:
    backend = open_backend(args)
    found = expand([Path(p) for p in args.paths], skip_protected_copies=True)
    base = _options(args, backend.settings)
    progress = Progress(len(found), args.quiet)

    async def work(f: FoundFile) -> ProtectResult:
        out_dir = (base.out_dir / f.relative_dir) if base.out_dir else None
        return await backend.protect(f.path, dataclasses.replace(base, out_dir=out_dir))

    def done(_: int, f: FoundFile, r: ProtectResult) -> None:
        progress(f"{r.status.value:<9} {f.path}" + (f" -> {r.output}" if r.output else f": {r.error}" if r.error else ""))

    try:
        notice = await backend.ready("protect")
        if notice and not args.quiet:
            print(notice, file=sys.stderr)
        results = await run_batch(found, work, backend.settings.jobs, done)
    finally:
        await backend.aclose()
    if args.json:
        print(json.dumps([r.to_dict() for r in results], indent=2))
    elif len(results) == 1 or args.quiet:
        for r in results:
            print(f"{r.status.value}: {r.source}" + (f" -> {r.output}" if r.output else f" ({r.error})" if r.error else ""))
    failed = sum(r.status is ProtectStatus.FAILED for r in results)
    if not args.json and len(results) > 1:
        counts = {s: sum(r.status is s for r in results) for s in ProtectStatus}
        print(f"{counts[ProtectStatus.DONE]} protected, {counts[ProtectStatus.SKIPPED]} skipped, {failed} failed",
              file=sys.stderr)
    return EXIT_FAILED if failed else EXIT_OK
