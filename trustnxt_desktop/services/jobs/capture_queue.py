"""Background protection of captures: the preview never waits, the protected copy follows.

One capture at a time, in capture order, with whichever backend is active. Every capture is a job in
the persistent job store (batches of kind and origin "capture", `<data root>/jobs.sqlite3`) and runs
through services.jobs.runner like any protect job: staged privately, published under its final name
only when complete, journalled so that a crash or `kill -9` at any instant neither loses the capture
nor makes a second copy. The raw file stays in the private pending folder until its protected copy is
published; `resume()` when the Capture view opens finishes whatever an earlier run left.

The job store is sqlite with fsync'd commits, and resuming stats, fingerprints and removes files: all of
that runs in worker threads (`resume`, `submit` and `retry_failed` are coroutines), one call at a time
and in the order asked, so the GUI thread never waits on the disk. Queueing and `on_change` stay on the
event loop's thread.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any, TypeVar

from ...domain.protect import ProtectOptions, ProtectStatus
from ...runtime.threads import run_to_end
from ..backends.local import Backend
from .capture_store import CaptureStore, PendingCapture
from .runner import run_protect_job
from .store import UNFINISHED, BatchLock, Fingerprint, JobRecord, JobState, JobStore

log = logging.getLogger(__name__)  # failures reach the app's log (services/records/app_log.py)

CAPTURE = "capture"  # the job store's batch kind and origin for captures
KEEP_FINISHED_BATCHES = 20  # older finished capture batches are forgotten at start (outputs stay)
_RETRYABLE = (JobState.FAILED, JobState.CANCELLED)
_T = TypeVar("_T")


class CaptureState(str, Enum):
    WAITING = "waiting"
    PROTECTING = "protecting"
    PROTECTED = "protected"
    FAILED = "failed"


@dataclass
class CaptureItem:
    pending: PendingCapture
    job_id: int
    state: CaptureState = CaptureState.WAITING
    output: Path | None = None
    error: str | None = None


class CaptureProtector:
    def __init__(self, store: CaptureStore, jobs: JobStore, backend: Callable[[], Backend],
                 options: Callable[[], ProtectOptions], on_change: Callable[[CaptureItem], None] | None = None) -> None:
        self.store = store  # where new captures are reserved (the folder may change; jobs keep their own)
        self.jobs = jobs
        self._backend = backend
        self._options = options
        self._on_change = on_change or (lambda item: None)
        self.items: list[CaptureItem] = []
        self._todo: deque[CaptureItem] = deque()
        self._worker: asyncio.Task[None] | None = None
        self._idle = asyncio.Event()
        self._idle.set()
        self._batch_id: int | None = None
        self._locks: list[BatchLock] = []
        self._serial = asyncio.Lock()  # store work one call at a time, in the order it was asked for
        self._busy: set[asyncio.Future[Any]] = set()  # store work running in worker threads
        self._closed = False

    async def resume(self) -> list[CaptureItem]:
        """Queue every capture an earlier run left unprotected (crash, quit, failure): its unfinished and
        failed jobs, and raw files in the pending folder that never became a job. A raw file whose job is
        done (the crash fell after publishing) is only removed. Batches another running app holds are
        left alone. The store and file work runs in a worker thread, never on the GUI thread."""
        async with self._serial:
            known = {item.job_id for item in self.items}
            found, orphans = await self._off_loop(self._scan, known, self._batch_id, self.store)
            resumed = [self._queue(CaptureItem(pending, job_id)) for job_id, pending in found]
            records = await self._off_loop(self._record, orphans) if orphans else []
            return resumed + [self._queue(CaptureItem(p, r.id)) for p, r in zip(orphans, records)]

    def _scan(self, known: set[int], own_batch: int | None,
              store: CaptureStore) -> tuple[list[tuple[int, PendingCapture]], list[PendingCapture]]:
        """(worker thread) The earlier runs' captures to queue again, as (job id, capture), and the raw
        files that never became a job."""
        queued: set[tuple[Path, Fingerprint | None]] = set()  # raw files the store knows, as queued
        found: list[tuple[int, PendingCapture]] = []
        finished = []
        for summary in reversed(self.jobs.batches(kind=CAPTURE, origin=CAPTURE)):
            records = self.jobs.jobs(summary.batch.id)
            queued.update((r.source, r.fingerprint) for r in records)
            if summary.batch.id == own_batch:
                continue
            lock = self.jobs.lock_batch(summary.batch.id)
            if lock is None:
                continue
            self._locks.append(lock)  # released by aclose(), which waits for this thread first
            live = [r for r in records if r.id not in known and self._take_up(r)]
            for record in self.jobs.requeue([r.id for r in live if r.state in _RETRYABLE]) + \
                    [r for r in live if r.state in UNFINISHED]:
                found.append((record.id, CaptureStore.load(record.source)))
            if not live and all(not r.source.exists() for r in records):
                finished.append(summary.batch.id)
        for batch_id in sorted(finished, reverse=True)[KEEP_FINISHED_BATCHES:]:
            self.jobs.delete_batch(batch_id)
        orphans = [p for p in store.pending()
                   if not store.in_progress(p.raw) and (p.raw, Fingerprint.of(p.raw)) not in queued]
        return found, orphans

    def _take_up(self, record: JobRecord) -> bool:
        """(worker thread) Whether an earlier run's job still needs protecting (else it is settled here)."""
        if not record.source.is_file():
            if not record.state.finished:  # e.g. the folder was deleted: nothing left to protect
                self.jobs.finish(record.id, JobState.FAILED, error="The capture is no longer in its folder.")
            return False
        if record.state is JobState.DONE:
            if Fingerprint.of(record.source) == record.fingerprint:
                CaptureStore.discard(CaptureStore.load(record.source))  # published, then interrupted
            return False
        return record.state is not JobState.SKIPPED

    async def submit(self, pending: PendingCapture) -> CaptureItem:
        """A complete raw capture: recorded in the store (durably, off the GUI thread) before its protection
        starts. Captures are recorded and queued in the order they were submitted. A caller cancelled while
        the store writes (the view is closing) still waits for the write to end; the job is then recorded but
        not queued, and a later run protects it (the raw file waits in the pending folder)."""
        async with self._serial:
            (record,) = await self._off_loop(self._record, [pending])
            return self._queue(CaptureItem(pending, record.id))

    def _record(self, pendings: list[PendingCapture]) -> list[JobRecord]:
        """(worker thread) One job per raw capture, in this run's own capture batch."""
        return self.jobs.add_jobs(self._own_batch(), [(p.raw, p.raw.parent.parent) for p in pendings])

    def _own_batch(self) -> int:
        if self._batch_id is None:
            batch = self.jobs.create_batch(CAPTURE, CAPTURE)
            lock = self.jobs.lock_batch(batch.id)
            if lock is not None:
                self._locks.append(lock)
            self._batch_id = batch.id
        return self._batch_id

    async def retry_failed(self) -> int:
        async with self._serial:
            failed = [i for i in self.items if i.state is CaptureState.FAILED]
            if not failed:
                return 0
            # Jobs that stopped early (no keyring) are still waiting and are simply not requeued.
            await self._off_loop(self.jobs.requeue, [i.job_id for i in failed])
            for item in failed:
                if item.state is CaptureState.FAILED:
                    item.error = None
                    self._enqueue(item)
            return len(failed)

    async def _off_loop(self, fn: Callable[..., _T], *args: Any) -> _T:
        """Store and file work in a worker thread, finished before a cancel takes effect (so the next call
        never overlaps it); aclose() waits for any still running before it releases the batch locks."""
        return await run_to_end(fn, *args, running=self._busy)

    def counts(self) -> tuple[int, int, int]:
        """(pending, protected, failed)"""
        states = [i.state for i in self.items]
        pending = states.count(CaptureState.WAITING) + states.count(CaptureState.PROTECTING)
        return pending, states.count(CaptureState.PROTECTED), states.count(CaptureState.FAILED)

    async def wait_idle(self) -> None:
        await self._idle.wait()

    async def aclose(self) -> None:
        """Stop protecting; whatever was not finished stays queued in the store for the next start."""
        self._closed = True
        if self._worker is not None:
            self._worker.cancel()
            await asyncio.gather(self._worker, return_exceptions=True)
            self._worker = None
        self._todo.clear()
        while self._busy:  # store work still running in a thread may yet take a batch lock
            await asyncio.gather(*list(self._busy), return_exceptions=True)
        for lock in self._locks:
            lock.close()
        self._locks.clear()
        self._idle.set()

    def _queue(self, item: CaptureItem) -> CaptureItem:
        self.items.append(item)
        self._enqueue(item)
        return item

    def _enqueue(self, item: CaptureItem) -> None:
        item.state = CaptureState.WAITING
        self._on_change(item)
        if self._closed:  # after aclose(): the job waits in the store for a later run
            return
        self._todo.append(item)
        self._idle.clear()
        if self._worker is None or self._worker.done():
            self._worker = asyncio.ensure_future(self._run())

    async def _run(self) -> None:
        try:
            while self._todo:
                await self._protect(self._todo.popleft())
        finally:
            if not self._todo:
                self._idle.set()

    async def _protect(self, item: CaptureItem) -> None:
        item.state = CaptureState.PROTECTING
        self._on_change(item)
        try:
            record = await asyncio.to_thread(self.jobs.job, item.job_id)
            if record is None:  # removed meanwhile (`trustnxt jobs clear --all`); the raw file stays
                raise RuntimeError("This capture was removed from the job list; it is protected at the next start.")
            options = self.store.options(item.pending, self._options())
            result = await run_protect_job(self.jobs, self._backend(), record, options)
        except asyncio.CancelledError:
            item.state = CaptureState.WAITING  # the job waits in the store; the next start picks it up
            self._on_change(item)
            raise
        except Exception as e:  # noqa: BLE001 - a failure is shown on the capture and can be retried
            item.state, item.error = CaptureState.FAILED, str(e) or type(e).__name__
        else:
            if result.status is ProtectStatus.DONE and result.output is not None:
                # The job is done (stored, output published): say so before the raw file goes, so a
                # cancel during the discard cannot leave a capture looking unprotected with no raw file.
                # A crash right here is recognised at the next start: the job is done, the raw file goes.
                item.state, item.output = CaptureState.PROTECTED, result.output
                self._on_change(item)
                await self._off_loop(CaptureStore.discard, item.pending)
            else:
                item.state, item.error = CaptureState.FAILED, result.error or "The capture could not be protected."
        if item.state is CaptureState.FAILED:
            log.warning("protecting the capture %s failed: %s", item.pending.raw.name, item.error)
        self._on_change(item)
