"""`trustnxt watch DIR... --out DIR`: protect every new file in these folders once it is complete, until stopped.

The same watch service as the app (services/watch/service.py): each file is a job in the persistent job store
the moment it is queued, so a crash or `kill -9` loses nothing, and the next `trustnxt watch` of the same
folder takes up what was left and protects nothing twice. Ctrl+C (SIGINT) or SIGTERM stops cleanly: running
jobs are put back to wait in the store, and the command says what was done.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import signal
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .common import EXIT_FAILED, EXIT_OK, UsageError, add_backend_options, jobs_arg, open_backend
from .protect_cmd import add_protect_options, protect_options
from .terminal import visible

if TYPE_CHECKING:  # imported when the command runs, not for --help
    from ..services.watch.folders import WatchFolder
    from ..services.watch.service import BatchFinished, WatchJob, WatchService


def _seconds(text: str) -> float:
    value = float(text)
    if not 0 <= value <= 3600:
        raise argparse.ArgumentTypeError("give 0 to 3600 seconds")
    return value


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    w = sub.add_parser("watch", help="protect new files arriving in folders, until stopped (Ctrl+C)",
                       epilog="A file is taken once it is complete: its size stayed the same for --settle seconds "
                              "and no process has it open for writing; temporary names (.part, .crdownload, …), "
                              "hidden files and protected copies are left alone. Files already in the folders "
                              "when watching starts are protected too, unless an earlier run already did. Every "
                              "file is a job in the job store: after a crash, run the same command again.")
    w.add_argument("dirs", nargs="+", metavar="DIR", help="folders to watch (with their subfolders)")
    w.add_argument("--out", metavar="DIR", required=True,
                   help="write protected copies here, in the same subfolders (several DIRs: one folder each, "
                        "named as the DIR)")
    w.add_argument("--settle", type=_seconds, default=2.0, metavar="S",
                   help="seconds a new file's size must stay the same before it is taken (default 2)")
    w.add_argument("--rescan", type=_seconds, default=30.0, metavar="S",
                   help="seconds between full looks at the folders, for what events miss (default 30)")
    w.add_argument("--once", action="store_true",
                   help="protect what is in the folders now (and what completes meanwhile), then stop")
    w.add_argument("--jobs", type=jobs_arg, metavar="N", help="files processed at once (default from settings: 2)")
    add_protect_options(w)
    w.add_argument("-q", "--quiet", action="store_true", help="no line per file on stderr")
    add_backend_options(w)
    w.set_defaults(handler=run)


def _absolute(path: Path) -> Path:
    return Path(os.path.abspath(path))


def _folders(args: argparse.Namespace) -> list[WatchFolder]:
    from ..services.watch.folders import WatchFolder, folder_problem

    out = _absolute(Path(args.out))
    dirs = [_absolute(Path(d)) for d in args.dirs]
    folders: list[WatchFolder] = []
    for d in dirs:
        target = out if len(dirs) == 1 else out / d.name
        if problem := folder_problem(d, target, folders):
            raise UsageError(problem)
        folders.append(WatchFolder(d, target))
    if len({f.out_dir for f in folders}) != len(folders):
        raise UsageError("two watched folders have the same name: watch them with separate commands")
    return folders


async def run(args: argparse.Namespace) -> int:
    from ..services.jobs.runner import STOPS_BATCH
    from ..services.jobs.store import JobStore
    from ..services.paths import data_root
    from ..services.watch.service import WatchService

    folders = _folders(args)
    backend = open_backend(args, parsers_early=True)
    store = JobStore(data_root())
    stop = asyncio.Event()
    failed = 0

    def changed(job: WatchJob) -> None:
        nonlocal failed
        if not job.state.finished:
            return
        failed += job.error is not None and job.output is None
        if not args.quiet:
            outcome = f" -> {job.output}" if job.output else f": {job.error}" if job.error else ""
            print(visible(f"{job.state.value:<9} {job.source}{outcome}"), file=sys.stderr, flush=True)
        for warning in job.result.warnings if job.result else []:
            print(visible(f"trustnxt: warning: {job.source}: {warning}"), file=sys.stderr, flush=True)

    def finished(summary: BatchFinished) -> None:
        print(visible(f"trustnxt: {summary.text}"), file=sys.stderr, flush=True)

    base = protect_options(args, backend.settings)
    service = WatchService(store, lambda: backend, lambda: base, backend.settings.jobs, settle=args.settle,
                           rescan=args.rescan, on_finished=finished, halt_on=STOPS_BATCH)
    service.subscribe(changed)
    try:
        with _stopped_by_signals(stop):
            notice = await backend.ready("protect")
            if notice and not args.quiet:
                print(notice, file=sys.stderr)
            taken = await service.start(folders)
            watched = 0
            for state in service.states():
                if state.problem:
                    print(visible(f"trustnxt: {state.folder.folder}: {state.problem}"), file=sys.stderr)
                if state.watching:
                    watched += 1
                    print(visible(f"trustnxt: watching {state.folder.folder} -> {state.folder.out_dir}"),
                          file=sys.stderr, flush=True)
            if not watched:
                return EXIT_FAILED
            if taken:
                print(f"trustnxt: taking up {len(taken)} file(s) an earlier run left unfinished", file=sys.stderr)
            if not args.once:
                print("trustnxt: press Ctrl+C to stop", file=sys.stderr, flush=True)
            await _until_stopped(service, stop, args.once)
    finally:
        await service.aclose()  # running jobs go back to waiting in the store, for the next run
        await backend.aclose()
        counts = service.counts()
        left = counts.waiting + counts.running
        store.close()
        print(f"trustnxt: stopped; {counts.done} protected, {counts.failed} failed"
              + (f", {left} waiting for the next run" if left else ""), file=sys.stderr, flush=True)
    return EXIT_FAILED if failed else EXIT_OK


async def _until_stopped(service: WatchService, stop: asyncio.Event, once: bool) -> None:
    settled = asyncio.ensure_future(service.wait_settled()) if once else None
    try:
        while not stop.is_set():
            waiters: set[asyncio.Future[Any]] = {asyncio.ensure_future(stop.wait())}
            if settled is not None:
                waiters.add(settled)
            await asyncio.wait(waiters, timeout=0.5, return_when=asyncio.FIRST_COMPLETED)
            for w in waiters - {settled}:
                w.cancel()
            if service.queue.halted is not None:
                raise service.queue.halted  # e.g. no signing identity: every file would fail the same way
            if settled is not None and settled.done():
                settled.result()
                return
    finally:
        if settled is not None:
            settled.cancel()


@contextlib.contextmanager
def _stopped_by_signals(stop: asyncio.Event) -> Iterator[None]:
    loop = asyncio.get_running_loop()
    wanted = [signal.SIGINT, signal.SIGTERM]
    installed: list[signal.Signals] = []
    for sig in wanted:
        try:
            loop.add_signal_handler(sig, stop.set)
            installed.append(sig)
        except (NotImplementedError, RuntimeError):  # Windows: no loop signal handlers
            signal.signal(sig, lambda *_: loop.call_soon_threadsafe(stop.set))
    try:
        yield
    finally:
        for sig in installed:
            loop.remove_signal_handler(sig)
