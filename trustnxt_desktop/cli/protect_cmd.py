"""`trustnxt protect PATH...`: write protected copies carrying a signed Trust Label.

Every run is a batch in the persistent job store (`<data root>/jobs.sqlite3`): if the process is
killed or the machine loses power, `trustnxt protect --resume` finishes it — jobs that were done stay
done, none is published twice, and a cloud job keeps its Idempotency-Key so it is not billed twice.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..domain.privacy import LocationChoice
from ..domain.protect import THUMBNAIL_EDGES, ContentSource, ProtectOptions, ProtectResult, ProtectStatus
from .common import EXIT_FAILED, EXIT_OK, Progress, UsageError, add_backend_options, given_paths, jobs_arg, open_backend
from .terminal import print_json, visible

if TYPE_CHECKING:  # the job store and runner are imported when the command runs, not for --help
    from ..services.files import FoundFile
    from ..services.jobs.session import BatchSession
    from ..services.jobs.store import BatchRecord, JobRecord, JobStore

KEEP_FINISHED_BATCHES = 20  # older finished command-line batches are pruned when a new one starts


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    pr = sub.add_parser("protect", help="write protected copies carrying a signed Trust Label",
                        epilog="An interrupted run (crash, kill, power cut) is finished by `trustnxt protect "
                               "--resume`; see also `trustnxt jobs`.")
    pr.add_argument("paths", nargs="*", metavar="PATH", help="files or folders (folders recurse)")
    pr.add_argument("--resume", action="store_true",
                    help="finish the last interrupted protect run (with the options it was started with)")
    pr.add_argument("--out", metavar="DIR", help="write copies here (default: next to each original)")
    pr.add_argument("--jobs", type=jobs_arg, metavar="N", help="files processed at once (default from settings: 2)")
    pr.add_argument("--json", action="store_true", help="print a JSON array of results on stdout")
    add_protect_options(pr)
    pr.add_argument("--check-privacy", action="store_true",
                    help="protect nothing: list what each copy would reveal (location, device, serial numbers, "
                         "owner, software, dates, unique IDs) and what the choices do to it")
    pr.add_argument("-q", "--quiet", action="store_true", help="no progress on stderr")
    add_backend_options(pr)
    pr.set_defaults(handler=run)


def add_protect_options(p: argparse.ArgumentParser) -> None:
    """The options of what a protected copy says and reveals (`trustnxt protect` and `trustnxt watch`);
    `protect_options(args, settings)` reads them."""
    p.add_argument("--source", choices=[s.value for s in ContentSource],
                   help="what the Trust Label says the files are (IPTC digital source type): "
                        + "; ".join(f"{s.value}: {s.claim} ({_term(s)})" for s in ContentSource)
                        + " (default: the choice the app last remembered; camera on a fresh install)")
    p.add_argument("--thumbnail", type=int, choices=THUMBNAIL_EDGES, help="thumbnail long edge in px, 0 for none")
    p.add_argument("--author", help="author name written into the Trust Label ('' for none)")
    p.add_argument("--allow-training", action="store_true", help="omit the 'do not train' assertion")
    p.add_argument("--tsa-url", help="RFC 3161 timestamp authority URL ('' for none)")
    p.add_argument("--identity-assertion", action=argparse.BooleanOptionalAction, default=None,
                   help="name the person of the signing identity in a CAWG identity assertion signed with its "
                        "certificate (default: the app's setting, on)")
    p.add_argument("--location", choices=[c.value for c in LocationChoice],
                   help="the copies' location: keep it, coarsen it to the city (looked up offline) or remove it "
                        "from every place in the file (default: the choice the app last remembered; keep)")
    p.add_argument("--strip-serials", action=argparse.BooleanOptionalAction, default=None,
                   help="remove serial numbers and owner names (camera owner, artist, creator, copyright) from "
                        "the copies (default: the choice the app last remembered; off)")
    p.add_argument("--single-validator", action="store_true",
                   help="do not have the second validator (encypher-c2pa) read each copy after signing "
                        "(default: the app's setting, on)")


def protect_options(args: argparse.Namespace, backend_settings: Any) -> ProtectOptions:
    """The settings' protect options with what the command line chose (add_protect_options, `--out`)."""
    return _options(args, backend_settings)


def _term(source: ContentSource) -> str:
    return source.digital_source_type.rsplit("/", 1)[-1]


def _options(args: argparse.Namespace, backend_settings: Any) -> ProtectOptions:
    base = backend_settings.protect_options(Path(args.out) if args.out else None)
    overrides: dict[str, Any] = {}
    if args.source is not None:
        overrides["content_source"] = ContentSource(args.source)
    if args.thumbnail is not None:
        overrides["thumbnail_edge"] = args.thumbnail
    if args.author is not None:
        overrides["author"] = args.author or None
    if args.allow_training:
        overrides["do_not_train"] = False
    if args.tsa_url is not None:
        overrides["tsa_url"] = args.tsa_url or None
    if args.identity_assertion is not None:
        overrides["identity_assertion"] = args.identity_assertion
    if args.location is not None:
        overrides["location"] = LocationChoice(args.location)
    if args.strip_serials is not None:
        overrides["strip_serials"] = args.strip_serials
    options: ProtectOptions = dataclasses.replace(base, **overrides)
    return options


def _absolute(path: Path) -> Path:
    return Path(os.path.abspath(path))  # not resolve(): a symlinked folder keeps the name the person used


async def run(args: argparse.Namespace) -> int:
    from ..services.jobs.session import BatchSession
    from ..services.jobs.store import JobStore
    from ..services.paths import data_root

    if args.check_privacy:
        if args.resume or not args.paths:
            raise UsageError("--check-privacy takes the files or folders to check (and no --resume)")
        from .privacy_report import check_privacy

        return await check_privacy(args, given_paths(args.paths), _options)
    store = JobStore(data_root())
    session = BatchSession(store, "protect", "cli")
    try:
        if args.resume:
            if args.paths:
                raise UsageError("--resume takes no paths: it finishes the last interrupted run as it was started")
            if args.source is not None:
                raise UsageError("--resume keeps what the interrupted run claims about its files: drop --source")
            batch = session.last_unfinished()
            if batch is None:
                print("trustnxt: nothing to resume: every protect run has finished", file=sys.stderr)
                return EXIT_OK
            return await run_stored(args, store, batch, session=session)
        if not args.paths:
            raise UsageError("give the files or folders to protect, or --resume")
        return await _run_new(args, session, given_paths(args.paths))
    finally:
        session.release()
        store.close()


async def _run_new(args: argparse.Namespace, session: BatchSession, paths: list[Path]) -> int:
    backend = open_backend(args, parsers_early=True)  # first: its workers start while the rest loads
    from ..services.files import expand
    from ..services.jobs.store import options_to_json

    try:
        found = expand(paths, skip_protected_copies=True)
        base = _options(args, backend.settings)
        out_root = _absolute(base.out_dir) if base.out_dir else None
        session.prune(KEEP_FINISHED_BATCHES)
        batch = session.create(backend=backend.kind.value, profile=args.profile, options=options_to_json(base))
        session.store.add_jobs(batch.id, [(_absolute(f.path), _out_dir(out_root, f)) for f in found])
    except BaseException:
        await backend.aclose()
        raise
    return await run_stored(args, session.store, batch, backend=backend, session=session)


def _out_dir(out_root: Path | None, f: FoundFile) -> Path | None:
    return out_root / f.relative_dir if out_root else None


async def run_stored(args: argparse.Namespace, store: JobStore, batch: BatchRecord, backend: Any = None,
                     session: BatchSession | None = None) -> int:
    """Run a stored batch's unfinished jobs with the backend and options it was created with; print the
    whole batch's results. Also used by `trustnxt jobs retry`. `session`: the caller's, which then releases
    the batch (default: one of the batch's own origin, released here)."""
    from ..services.jobs.queue import run_jobs
    from ..services.jobs.runner import STOPS_BATCH, result_of
    from ..services.jobs.session import BatchSession
    from ..services.jobs.store import UNFINISHED, options_from_json

    own = session or BatchSession(store, batch.kind, batch.origin)
    if not own.lock(batch.id):
        if backend is not None:
            await backend.aclose()
        print(f"trustnxt: batch {batch.id} is being processed by another trustnxt process", file=sys.stderr)
        return EXIT_FAILED
    with own if session is None else contextlib.nullcontext(own):
        if backend is None:
            if getattr(args, "backend", None) is None:
                args.backend = batch.backend
            if batch.profile and getattr(args, "profile", None) in (None, "default"):
                args.profile = batch.profile
            backend = open_backend(args, parsers_early=True)
        pending = store.jobs(batch.id, UNFINISHED)
        options = options_from_json(batch.options, backend.settings.protect_options())
        progress = Progress(len(pending), args.quiet)

        def job_options(job: JobRecord) -> ProtectOptions:
            return dataclasses.replace(options, out_dir=job.out_dir)

        def done(_: int, job: JobRecord, r: ProtectResult) -> None:
            outcome = f" -> {r.output}" if r.output else f": {r.error}" if r.error else ""
            progress(f"{r.status.value:<9} {job.source}{outcome}")
            for warning in r.warnings:  # e.g. the original's own credentials are broken: said even with -q
                print(visible(f"trustnxt: warning: {job.source}: {warning}"), file=sys.stderr, flush=True)

        try:
            if pending:
                soon = getattr(backend, "protect_soon", None)  # the local engine: first thumbnails decode meanwhile
                if soon is not None:
                    for job in pending[:backend.settings.jobs]:
                        soon(job.source, job_options(job))
                notice = await backend.ready("protect")
                if notice and not args.quiet:
                    print(notice, file=sys.stderr)
                if not args.quiet:
                    claim = options.content_source
                    print(f"trustnxt: the Trust Labels will say the files were {claim.claim} "
                          f"(IPTC {_term(claim)}); choose with --source", file=sys.stderr)
                await run_jobs(store, backend, pending, job_options, backend.settings.jobs, done,
                               halt_on=STOPS_BATCH)
        except BaseException:
            print(f"trustnxt: batch {batch.id} was interrupted; its unfinished files are kept: run "
                  "`trustnxt protect --resume` to finish it", file=sys.stderr)
            raise
        finally:
            await backend.aclose()
    return _report(args, [result_of(j) for j in store.jobs(batch.id)])


def _report(args: argparse.Namespace, results: list[ProtectResult]) -> int:
    if args.json:
        print_json(json.dumps([r.to_dict() for r in results], indent=2))
    elif len(results) == 1 or args.quiet:
        for r in results:
            outcome = f" -> {r.output}" if r.output else f" ({r.error})" if r.error else ""
            print(visible(f"{r.status.value}: {r.source}{outcome}"))
    failed = sum(r.status is ProtectStatus.FAILED for r in results)
    if not args.json and len(results) > 1:
        counts = {s: sum(r.status is s for r in results) for s in ProtectStatus}
        print(f"{counts[ProtectStatus.DONE]} protected, {counts[ProtectStatus.SKIPPED]} skipped, {failed} failed",
              file=sys.stderr)
    return EXIT_FAILED if failed else EXIT_OK
