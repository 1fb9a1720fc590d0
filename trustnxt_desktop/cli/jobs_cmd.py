"""`trustnxt jobs list | retry | clear`: the persistent protect batches (command line and app)."""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from typing import TYPE_CHECKING

from ..domain.display import plural
from .common import EXIT_OK, Parser, UsageError, add_backend_options, jobs_arg
from .protect_cmd import run_stored
from .terminal import print_json, visible

if TYPE_CHECKING:  # the job store is opened when a command runs, not for --help
    from ..services.jobs.store import BatchSummary, JobStore


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    jp = sub.add_parser("jobs", help="list, retry or clear protect batches (they survive crashes and restarts)")
    js = jp.add_subparsers(dest="jobs_cmd", required=True, parser_class=Parser)
    ls = js.add_parser("list", help="batches with their counts, or one batch's files with --batch")
    ls.add_argument("--batch", type=int, metavar="N", help="list the files of batch N")
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(handler=list_jobs)
    rt = js.add_parser("retry", help="queue failed and cancelled files again and run their batch")
    rt.add_argument("ids", nargs="*", type=int, metavar="JOB_ID", help="only these jobs (default: all failed ones)")
    rt.add_argument("--batch", type=int, metavar="N", help="the batch (default: the newest with failures)")
    rt.add_argument("--jobs", type=jobs_arg, metavar="N")
    rt.add_argument("--json", action="store_true", help="print the batch's results as JSON")
    rt.add_argument("-q", "--quiet", action="store_true")
    add_backend_options(rt)
    rt.set_defaults(handler=retry)
    cl = js.add_parser("clear", help="forget finished batches (outputs stay where they are)")
    cl.add_argument("--all", action="store_true",
                    help="also forget unfinished batches that no running trustnxt process is working on")
    cl.set_defaults(handler=clear)


def _open_store() -> JobStore:
    from ..services.jobs.store import JobStore
    from ..services.paths import data_root

    return JobStore(data_root())


def _counts_text(summary: BatchSummary) -> str:
    from ..domain.jobs import JobState

    order = (JobState.DONE, JobState.FAILED, JobState.SKIPPED, JobState.CANCELLED, JobState.WAITING,
             JobState.PROTECTING)
    return ", ".join(f"{summary.counts[s]} {s.value}" for s in order if summary.counts.get(s))


def _files_text(summary: BatchSummary) -> str:
    """'3 files: 2 done, 1 failed'; a batch whose files were all cleared (the app's Clear finished) says so."""
    if not summary.total:
        return "no files left (cleared)"
    return f"{plural(summary.total, 'file')}: {_counts_text(summary)}"


def list_jobs(args: argparse.Namespace) -> int:
    store = _open_store()
    try:
        if args.batch is not None:
            if store.batch(args.batch) is None:
                raise UsageError(f"there is no batch {args.batch}")
            jobs = store.jobs(args.batch)
            if args.json:
                print_json(json.dumps([{"id": j.id, "source": str(j.source), "state": j.state.value,
                                       "output": str(j.output) if j.output else None, "error": j.error,
                                       "attempts": j.attempts} for j in jobs], indent=2))
            for j in [] if args.json else jobs:
                tail = f" -> {j.output}" if j.output else f": {j.error}" if j.error else ""
                print(visible(f"{j.id:>6}  {j.state.value:<10} {j.source}{tail}"))
            return EXIT_OK
        summaries = store.batches()
        if args.json:
            print_json(json.dumps([{"batch": s.batch.id, "kind": s.batch.kind, "origin": s.batch.origin,
                                   "created_at": s.batch.created_at, "backend": s.batch.backend,
                                   "counts": {k.value: v for k, v in s.counts.items()}} for s in summaries], indent=2))
            return EXIT_OK
        if not summaries:
            print("No batches.")
        for s in summaries:
            hint = "  (unfinished: trustnxt protect --resume)" if s.unfinished and s.batch.origin == "cli" else ""
            print(f"batch {s.batch.id:>4}  {s.batch.created_at[:19].replace('T', ' ')}  {s.batch.origin:<3}  "
                  f"{s.batch.backend or '-':<5}  {_files_text(s)}{hint}")
        return EXIT_OK
    finally:
        store.close()


async def retry(args: argparse.Namespace) -> int:
    from ..domain.jobs import JobState

    store = _open_store()
    try:
        retryable = (JobState.FAILED, JobState.CANCELLED)
        if args.batch is not None:
            batch = store.batch(args.batch)
            if batch is None:
                raise UsageError(f"there is no batch {args.batch}")
            if batch.kind != "protect":  # captures need each capture's device and time: the app has them
                raise UsageError(f"batch {args.batch} holds captures: the app retries them when Capture opens")
        else:
            batch = next((s.batch for s in store.batches(kind="protect")
                          if any(s.counts.get(state) for state in retryable)), None)
            if batch is None:
                print("trustnxt: no failed or cancelled files to retry", file=sys.stderr)
                return EXIT_OK
        chosen = [j.id for j in store.jobs(batch.id, retryable) if not args.ids or j.id in args.ids]
        unknown = set(args.ids) - {j.id for j in store.jobs(batch.id)}
        if unknown:
            raise UsageError(f"batch {batch.id} has no job {', '.join(map(str, sorted(unknown)))}")
        requeued = store.requeue(chosen)
        if not args.quiet:
            print(f"trustnxt: retrying {plural(len(requeued), 'file')} of batch {batch.id}", file=sys.stderr)
        return await run_stored(args, store, batch)
    finally:
        store.close()


def clear(args: argparse.Namespace) -> int:
    from ..services.jobs.runner import STAGING_PREFIX, staging_dir  # the engine: only when a batch is cleared
    from ..services.jobs.store import UNFINISHED

    store = _open_store()
    try:
        cleared = kept = 0
        for summary in store.batches():
            if summary.unfinished and not args.all:
                kept += 1
                continue
            lock = store.lock_batch(summary.batch.id)
            if lock is None:  # a living process works on it
                kept += 1
                continue
            with lock:
                for job in store.jobs(summary.batch.id, UNFINISHED):
                    folder = staging_dir(job)  # what an interrupted attempt may have left
                    if folder.name.startswith(STAGING_PREFIX) and folder.is_dir():
                        shutil.rmtree(folder, ignore_errors=True)
            store.delete_batch(summary.batch.id)
            cleared += 1
        print(f"Cleared {plural(cleared, 'batch', 'batches')}"
              + (f"; kept {kept} unfinished or in use (see --all)" if kept else "") + ".")
        return EXIT_OK
    finally:
        store.close()
