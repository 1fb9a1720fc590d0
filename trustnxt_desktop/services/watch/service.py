"""Watch folders: new, complete files become durable protect jobs of origin "watch".

One `WatchService` per process (the app's AppContext, or `trustnxt watch`). File-system events
(watchdog: inotify, FSEvents, ReadDirectoryChangesW) say where to look at once; a rescan of every
watched folder (at start and every `rescan` seconds) finds what arrived while nothing was watching or
what an event missed (network shares). A file is queued when it is complete (services/watch/complete.py).

Durability: a file is a job row in the job store (`<data root>/jobs.sqlite3`) the moment it is queued,
in its watch folder's batch (kind "protect", origin "watch", the folder and its protect options in the
batch's options), and runs through services/jobs/runner.py like every protect job (staged, journalled,
published without ever overwriting). After a crash or `kill -9`, `start()` takes up the unfinished jobs
and the rescan skips every file the store already knows with the same size and modification time: no
file is lost and none is protected twice. A file changed after it was protected is new content and is
protected again (its copy gets the next free name).

A folder is watched by one process at a time: the batches of a folder are held (BatchSession locks) by
the process watching it; another process finds them held and reports the folder as watched elsewhere.

Threads: the store, the scans and the writer checks run in worker threads one step at a time (the queue's
`serial` lock); watchdog calls back on its own thread and only records a path and wakes the loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import stat
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

from ...domain.jobs import JobState
from ...domain.protect import ProtectOptions
from ..jobs.queue import Job, JobQueue, QueueCounts
from ..jobs.runner import STAGING_PREFIX
from ..jobs.session import BatchSession
from ..jobs.store import BatchRecord, Fingerprint, JobRecord, JobStore, options_from_json, options_to_json
from .complete import SettleTracker, is_candidate, open_for_writing
from .folders import WatchFolder, folder_problem

if TYPE_CHECKING:
    from watchdog.observers.api import BaseObserver

    from ..backends.protocol import Backend

log = logging.getLogger(__name__)  # failed jobs reach the app's log (services/records/app_log.py)

ORIGIN = "watch"
FOLDER_KEY = "watch_folder"  # in a batch's options: the watched folder its jobs came from
LABEL_KEY = "label"  # in a batch's options: what a person calls where its files came from
DEFAULT_SETTLE = 2.0  # seconds a file's size and time must stay the same
DEFAULT_RESCAN = 30.0  # seconds between full rescans of every watched folder
DEFAULT_TICK = 0.5  # seconds between looks at files that are still settling


@dataclass(eq=False)
class WatchJob(Job):
    batch_id: int = 0
    label: str = ""  # the watched folder or the card the file came from


@dataclass(frozen=True)
class FolderState:
    folder: WatchFolder
    watching: bool
    problem: str | None = None  # why it is not watched (or watched by rescans only)


@dataclass(frozen=True)
class BatchFinished:
    """What a burst of watched files came to, said once the queue has nothing left to do."""

    done: int
    failed: int
    skipped: int
    cancelled: int
    labels: tuple[str, ...]  # where the files came from, in the order first seen

    @property
    def total(self) -> int:
        return self.done + self.failed + self.skipped + self.cancelled

    @property
    def title(self) -> str:
        return "Protection finished" if not self.failed else "Protection finished with failures"

    @property
    def text(self) -> str:
        """One sentence, e.g. "12 files protected from /photos/in; 1 failed."."""
        where = f" from {', '.join(self.labels)}" if self.labels else ""
        parts = [f"{self.done} file{'s' if self.done != 1 else ''} protected{where}"]
        parts += [f"{n} {word}" for n, word in ((self.failed, "failed"), (self.skipped, "skipped"),
                                                (self.cancelled, "cancelled")) if n]
        return "; ".join(parts) + "."


@dataclass
class _Watched:
    folder: WatchFolder
    batches: list[int] = field(default_factory=list)  # its batches this process holds, oldest first
    batch_id: int | None = None  # where new files go (options as they are now); made with the first file
    problem: str | None = None  # why it is not watched
    note: str | None = None  # watched, with a caveat (e.g. found by rescans only)

    @property
    def active(self) -> bool:
        return self.problem is None


class _Events(FileSystemEventHandler):
    """watchdog's thread: note the path, wake the loop. Nothing else happens on that thread."""

    def __init__(self, sink: Callable[[Iterable[str], bool], None]) -> None:
        self._sink = sink

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in ("created", "modified", "moved", "closed"):
            paths = [p for p in (event.src_path, getattr(event, "dest_path", "")) if p]
            self._sink([os.fsdecode(p) for p in paths], event.is_directory)


class WatchService:
    def __init__(self, store: JobStore, backend: Callable[[], Backend], options: Callable[[], ProtectOptions],
                 workers: int = 1, *, settle: float = DEFAULT_SETTLE, rescan: float = DEFAULT_RESCAN,
                 tick: float = DEFAULT_TICK, events: bool = True,
                 on_finished: Callable[[BatchFinished], None] | None = None,
                 halt_on: tuple[type[BaseException], ...] = ()) -> None:
        """`backend`: the active backend (asked per job); `options`: the settings' protect options, which a
        folder's own options override; `workers`: files protected at once; `events`: listen to file-system
        events (False: rescans only); `on_finished`: told when a burst of jobs has finished."""
        self.store = store
        self.session = BatchSession(store, "protect", ORIGIN)
        self.queue: JobQueue[WatchJob] = JobQueue(self.session, backend, self._job_options, workers, self._changed,
                                                  logger=log, halt_on=halt_on,
                                                  removed="This file was removed from the job list.")
        self._base = options
        self._rescan, self._tick, self._use_events = rescan, tick, events
        self._on_finished = on_finished
        self._listener: Callable[[WatchJob], None] | None = None
        self._tracker = SettleTracker(settle)
        # Touched only by _step and _attach, which run one at a time (queue.serial) in a worker thread.
        self._watched: dict[Path, _Watched] = {}
        self._known: dict[Path, set[tuple[int, int]]] | None = None  # every stored job's source as queued
        self._batch_options: dict[int, dict[str, Any]] = {}
        self._pending_events: set[Path] = set()
        self._rescan_due = True
        self._events_lock = threading.Lock()
        self._observer: BaseObserver | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._finished: dict[JobState, int] = {}
        self._finished_labels: dict[str, None] = {}
        self._closed = False

    # -- what owners do ---------------------------------------------------------------------------
    def subscribe(self, on_change: Callable[[WatchJob], None] | None) -> None:
        """The one callback told of every change of a job (None: nobody listens)."""
        self._listener = on_change

    def on_finished(self, callback: Callable[[BatchFinished], None] | None) -> None:
        self._on_finished = callback

    @property
    def items(self) -> list[WatchJob]:
        return list(self.queue.items.values())

    def counts(self) -> QueueCounts:
        return self.queue.counts()

    @property
    def settling(self) -> int:
        """Files seen that are not complete yet."""
        return len(self._tracker)

    async def start(self, folders: Iterable[WatchFolder]) -> list[WatchJob]:
        """Take up the jobs earlier runs left unfinished, then watch `folders`; returns the jobs taken up."""
        self._loop = asyncio.get_running_loop()
        taken = await self.queue.take_up(self._stored_job)
        if self._use_events and self._observer is None:
            self._observer = Observer()
            self._observer.daemon = True
            await asyncio.to_thread(self._observer.start)
        await self.set_folders(folders)
        if self._task is None:
            self._task = asyncio.ensure_future(self._run())
        return taken

    async def set_folders(self, folders: Iterable[WatchFolder]) -> list[FolderState]:
        """Watch exactly these folders (paused ones are kept but not watched). Jobs already queued from a
        folder no longer watched still run."""
        wanted = [f for f in folders if f.enabled]
        async with self.queue.serial:
            await self.queue.off_loop(self._attach, wanted, self._base())
        self._rescan_due = True
        self._wake.set()
        return self.states()

    def states(self) -> list[FolderState]:
        return [FolderState(w.folder, w.active, w.problem or w.note) for w in list(self._watched.values())]

    async def add_files(self, label: str, files: list[tuple[Path, Path]], options: dict[str, Any] | None = None
                        ) -> list[WatchJob]:
        """Queue these (source, output folder) pairs at once, in a batch of their own (a card's copies):
        files the store already knows as they are now are left out. `options`: ProtectOptions overrides."""
        base = self._base()

        def record() -> tuple[int, list[JobRecord]]:
            known = self._known_sources()
            fresh = [(s, o) for s, o in files if (fp := Fingerprint.of(s)) is None
                     or (fp.size, fp.mtime_ns) not in known.get(s, set())]
            if not fresh:
                return 0, []
            stored = {LABEL_KEY: label, **_options_json(base, options or {})}
            batch = self.session.create(options=stored)
            self._batch_options[batch.id] = stored
            records = self.store.add_jobs(batch.id, fresh)
            self._remember(records)
            return batch.id, records

        async with self.queue.serial:
            batch_id, records = await self.queue.off_loop(record)
        return self.queue.enqueue(WatchJob(r.id, r.source, r.out_dir, batch_id=batch_id, label=label)
                                  for r in records)

    async def wait_settled(self) -> None:
        """Until no file is settling, the last scan is done and no job waits or runs (tests, --once)."""
        while True:
            await self.queue.wait_idle()
            async with self.queue.serial:
                pass  # a step under way has queued its files
            if not self._rescan_due and not self._tracker and not self._pending_events and \
                    self.queue.counts().waiting == 0 and self.queue.counts().running == 0:
                self._say_finished()  # now, not at the loop's next turn
                return
            await asyncio.sleep(self._tick / 2)

    async def aclose(self) -> None:
        """Stop watching; running jobs are suspended and wait in the store with the others for the next run."""
        self._closed = True
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        if self._observer is not None:
            observer, self._observer = self._observer, None
            observer.stop()
            await asyncio.to_thread(observer.join, 5)
        await self.queue.aclose()

    # -- the loop ---------------------------------------------------------------------------------
    async def _run(self) -> None:
        last_scan = last_step = -1e18
        while not self._closed:
            now = time.monotonic()
            rescan = self._rescan_due or now - last_scan >= self._rescan
            self._rescan_due = False
            try:
                async with self.queue.serial:
                    queued = await self.queue.off_loop(self._step, rescan)
            except Exception:  # noqa: BLE001 - a failed look (store, disk) is logged; the next one tries again
                log.exception("watching folders failed for a moment")
                queued = []
            last_step = time.monotonic()
            if rescan:
                last_scan = last_step
            for batch_id, label, records in queued:
                self.queue.enqueue(WatchJob(r.id, r.source, r.out_dir, batch_id=batch_id, label=label)
                                   for r in records)
            self._say_finished()
            busy = bool(self._tracker) or bool(self._pending_events)
            timeout = self._tick if busy else max(self._tick, self._rescan - (time.monotonic() - last_scan))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout)
            self._wake.clear()
            pause = self._tick - (time.monotonic() - last_step)  # a flood of events makes one step per tick
            if pause > 0:
                await asyncio.sleep(pause)

    def _event(self, paths: Iterable[str], is_directory: bool) -> None:
        with self._events_lock:
            if is_directory:
                self._rescan_due = True  # a folder moved in: its files are found by a scan
            else:
                self._pending_events.update(Path(p) for p in paths)
        if self._loop is not None and not self._closed:
            with contextlib.suppress(RuntimeError):  # the loop is closing
                self._loop.call_soon_threadsafe(self._wake.set)

    # -- worker-thread steps ----------------------------------------------------------------------
    def _attach(self, folders: list[WatchFolder], base: ProtectOptions) -> None:
        self._known_sources()  # loaded once, before the first look
        by_folder: dict[str, list[BatchRecord]] = {}
        for summary in reversed(self.session.batches()):
            name = summary.batch.options.get(FOLDER_KEY)
            if isinstance(name, str):
                by_folder.setdefault(name, []).append(summary.batch)
        wanted: dict[Path, WatchFolder] = {}
        for f in folders:
            absolute = replace(f, folder=Path(os.path.abspath(f.folder)), out_dir=Path(os.path.abspath(f.out_dir)))
            wanted[absolute.folder] = absolute
        for path in [p for p in self._watched if p not in wanted]:
            del self._watched[path]
        if self._observer is not None:
            self._observer.unschedule_all()
        for path, folder in wanted.items():
            watched = _Watched(folder, problem=folder_problem(folder.folder, folder.out_dir))
            if watched.problem is None:
                batches = by_folder.get(str(path), [])
                if not all(self.session.lock(b.id) for b in batches):
                    watched.problem = "Another TrustNXT process is watching this folder."
                else:
                    watched.batches = [b.id for b in batches]
                    stored = _folder_options(folder, base)
                    for b in batches:
                        self._batch_options[b.id] = b.options
                        if _same(b.options, stored):
                            watched.batch_id = b.id
            if watched.active and self._observer is not None:
                try:
                    self._observer.schedule(_Events(self._event), str(path), recursive=folder.recursive)
                except OSError as e:  # e.g. the system's limit of watches: the rescans still find the files
                    watched.note = (f"New files are found by looking every {self._rescan:g} s "
                                    f"(the system does not report them: {e.strerror or e}).")
            self._watched[path] = watched

    def _step(self, rescan: bool) -> list[tuple[int, str, list[JobRecord]]]:
        known = self._known_sources()
        with self._events_lock:
            events, self._pending_events = self._pending_events, set()
        candidates = set(self._tracker.paths) | events
        if rescan:
            for watched in self._watched.values():
                if watched.active:
                    candidates.update(_walk(watched.folder))
        ready: list[tuple[_Watched, Path]] = []
        for path in candidates:
            owner = self._owner(path)
            fp = _file_fingerprint(path) if owner is not None and is_candidate(path) else None
            if owner is None or fp is None or (fp.size, fp.mtime_ns) in known.get(path, ()):
                self._tracker.forget(path)
                continue
            if self._tracker.observe(path, fp):
                ready.append((owner, path))
        busy = open_for_writing([p for _, p in ready])
        for path in busy:
            self._tracker.restart(path)
        by_batch: dict[int, tuple[str, list[tuple[Path, Path | None]]]] = {}
        base = self._base()
        for owner, path in sorted(ready, key=lambda pair: str(pair[1])):
            if path in busy:
                continue
            batch_id = self._batch_for(owner, base)
            by_batch.setdefault(batch_id, (str(owner.folder.folder), []))[1].append(
                (path, owner.folder.output_folder_for(path)))
        queued = []
        for batch_id, (label, pairs) in by_batch.items():
            records = self.store.add_jobs(batch_id, pairs)  # durable before anything else happens to them
            self._remember(records)
            for path, _ in pairs:
                self._tracker.forget(path)
            queued.append((batch_id, label, records))
        return queued

    def _owner(self, path: Path) -> _Watched | None:
        for folder, watched in self._watched.items():
            if watched.active and watched.folder.contains(path) and path != folder:
                return watched
        return None

    def _batch_for(self, watched: _Watched, base: ProtectOptions) -> int:
        stored = _folder_options(watched.folder, base)
        if watched.batch_id is None or not _same(self._batch_options.get(watched.batch_id, {}), stored):
            batch = self.session.create(options=stored)  # the settings changed: later files get the new options
            self._batch_options[batch.id] = stored
            watched.batches.append(batch.id)
            watched.batch_id = batch.id
        return watched.batch_id

    def _known_sources(self) -> dict[Path, set[tuple[int, int]]]:
        if self._known is None:
            self._known = {}
            self._remember(r for s in self.session.batches() for r in self.store.jobs(s.batch.id))
        return self._known

    def _remember(self, records: Iterable[JobRecord]) -> None:
        if self._known is None:
            self._known = {}
        for r in records:
            if r.fingerprint is not None:
                self._known.setdefault(r.source, set()).add((r.fingerprint.size, r.fingerprint.mtime_ns))

    # -- queue glue -------------------------------------------------------------------------------
    def _stored_job(self, batch: BatchRecord, record: JobRecord) -> WatchJob:
        self._batch_options[batch.id] = batch.options
        label = batch.options.get(LABEL_KEY) or batch.options.get(FOLDER_KEY) or ""
        return WatchJob(record.id, record.source, record.out_dir, batch_id=batch.id, label=str(label))

    def _job_options(self, job: WatchJob) -> ProtectOptions:
        stored = self._batch_options.get(job.batch_id, {})
        return replace(options_from_json(stored, self._base()), out_dir=job.out_dir)

    def _changed(self, job: WatchJob) -> None:
        if job.state.finished:
            self._finished[job.state] = self._finished.get(job.state, 0) + 1
            self._finished_labels.setdefault(job.label, None)
            self._wake.set()  # the loop says it once nothing is left
        if self._listener is not None:
            self._listener(job)

    def _say_finished(self) -> None:
        counts = self.queue.counts()
        if not self._finished or counts.waiting or counts.running:
            return
        f = self._finished
        done = BatchFinished(f.get(JobState.DONE, 0), f.get(JobState.FAILED, 0), f.get(JobState.SKIPPED, 0),
                             f.get(JobState.CANCELLED, 0), tuple(label for label in self._finished_labels if label))
        self._finished, self._finished_labels = {}, {}
        if self._on_finished is not None:
            self._on_finished(done)


def _folder_options(folder: WatchFolder, base: ProtectOptions) -> dict[str, Any]:
    return {FOLDER_KEY: str(folder.folder), LABEL_KEY: str(folder.folder), **_options_json(base, folder.options)}


def _options_json(base: ProtectOptions, overrides: dict[str, Any]) -> dict[str, Any]:
    options = WatchFolder(Path("."), Path("."), overrides).protect_options(base)
    stored: dict[str, Any] = json.loads(json.dumps(options_to_json(options), default=str))
    return stored


def _same(a: dict[str, Any], b: dict[str, Any]) -> bool:
    return json.dumps(a, sort_keys=True, default=str) == json.dumps(b, sort_keys=True, default=str)


def _file_fingerprint(path: Path) -> Fingerprint | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return Fingerprint(st.st_size, st.st_mtime_ns) if stat.S_ISREG(st.st_mode) else None


def _walk(folder: WatchFolder) -> list[Path]:
    """The files below a watched folder (hidden folders, staging folders and its output folder left out)."""
    found: list[Path] = []
    out_dir = str(folder.out_dir)
    for dirpath, dirnames, filenames in os.walk(folder.folder, followlinks=False):
        dirnames[:] = [d for d in dirnames if not d.startswith((".", STAGING_PREFIX))
                       and os.path.join(dirpath, d) != out_dir] if folder.recursive else []
        found.extend(Path(dirpath) / name for name in filenames)
    return found


__all__ = ["BatchFinished", "FolderState", "ORIGIN", "WatchJob", "WatchService"]
