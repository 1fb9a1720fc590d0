"""Background protection of captures: the preview never waits, the protected copy follows.

One capture at a time, in capture order, with whichever backend is active. Every capture is a job in
the persistent job store (batches of kind and origin "capture", `<data root>/jobs.sqlite3`) and runs
through services.job_runner like any protect job: staged privately, published under its final name
only when complete, journalled so that a crash or `kill -9` at any instant neither loses the capture
nor makes a second copy. The raw file stays in the private pending folder until its protected copy is
published; `resume()` at the next start finishes whatever an earlier run left.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from ..domain.protect import ProtectOptions, ProtectStatus
from .backend import Backend
from .capture_store import CaptureStore, PendingCapture
from .job_runner import run_protect_job
from .job_store import UNFINISHED, BatchLock, Fingerprint, JobRecord, JobState, JobStore

CAPTURE = "capture"  # the job store's batch kind and origin for captures
KEEP_FINISHED_BATCHES = 20  # older finished capture batches are forgotten at start (outputs stay)
_RETRYABLE = (JobState.FAILED, JobState.CANCELLED)


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

    def resume(self) -> list[CaptureItem]:
        """Queue every capture an earlier run left unprotected (crash, quit, failure): its unfinished and
        failed jobs, and raw files in the pending folder that never became a job. A raw file whose job is
        done (the crash fell after publishing) is only removed. Batches another running app holds are
        left alone."""
        known = {item.job_id for item in self.items}
        queued: set[tuple[Path, Fingerprint | None]] = set()  # raw files the store knows, as queued
        resumed: list[CaptureItem] = []
        finished = []
        for summary in reversed(self.jobs.batches(kind=CAPTURE, origin=CAPTURE)):
            records = self.jobs.jobs(summary.batch.id)
            queued.update((r.source, r.fingerprint) for r in records)
            if summary.batch.id == self._batch_id:
                continue
            lock = self.jobs.lock_batch(summary.batch.id)
            if lock is None:
                continue
            self._locks.append(lock)
            live = [r for r in records if r.id not in known and self._take_up(r)]
            for record in self.jobs.requeue([r.id for r in live if r.state in _RETRYABLE]) + \
                    [r for r in live if r.state in UNFINISHED]:
                resumed.append(self._queue(CaptureItem(CaptureStore.load(record.source), record.id)))
            if not live and all(not r.source.exists() for r in records):
                finished.append(summary.batch.id)
        for batch_id in sorted(finished, reverse=True)[KEEP_FINISHED_BATCHES:]:
            self.jobs.delete_batch(batch_id)
        orphans = [p for p in self.store.pending() if (p.raw, Fingerprint.of(p.raw)) not in queued]
        return resumed + [self.submit(p) for p in orphans]

    def _take_up(self, record: JobRecord) -> bool:
        """Whether an earlier run's job still needs protecting (else it is settled here)."""
        if not record.source.is_file():
            if not record.state.finished:  # e.g. the folder was deleted: nothing left to protect
                self.jobs.finish(record.id, JobState.FAILED, error="The capture is no longer in its folder.")
            return False
        if record.state is JobState.DONE:
            if Fingerprint.of(record.source) == record.fingerprint:
                CaptureStore.discard(CaptureStore.load(record.source))  # published, then interrupted
            return False
        return record.state is not JobState.SKIPPED

    def submit(self, pending: PendingCapture) -> CaptureItem:
        """A complete raw capture: recorded in the store (durably) before its protection starts."""
        (record,) = self.jobs.add_jobs(self._own_batch(), [(pending.raw, pending.raw.parent.parent)])
        return self._queue(CaptureItem(pending, record.id))

    def _own_batch(self) -> int:
        if self._batch_id is None:
            batch = self.jobs.create_batch(CAPTURE, CAPTURE)
            lock = self.jobs.lock_batch(batch.id)
            if lock is not None:
                self._locks.append(lock)
            self._batch_id = batch.id
        return self._batch_id

    def retry_failed(self) -> int:
        failed = [i for i in self.items if i.state is CaptureState.FAILED]
        self.jobs.requeue([i.job_id for i in failed])  # jobs that stopped early (no keyring) still wait
        for item in failed:
            item.error = None
            self._enqueue(item)
        return len(failed)

    def counts(self) -> tuple[int, int, int]:
        """(pending, protected, failed)"""
        states = [i.state for i in self.items]
        pending = states.count(CaptureState.WAITING) + states.count(CaptureState.PROTECTING)
        return pending, states.count(CaptureState.PROTECTED), states.count(CaptureState.FAILED)

    async def wait_idle(self) -> None:
        await self._idle.wait()

    async def aclose(self) -> None:
        """Stop protecting; whatever was not finished stays queued in the store for the next start."""
        if self._worker is not None:
            self._worker.cancel()
            await asyncio.gather(self._worker, return_exceptions=True)
            self._worker = None
        self._todo.clear()
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
        self._todo.append(item)
        self._on_change(item)
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
                # A crash right here is recognised at the next start: the job is done, the raw file goes.
                await asyncio.to_thread(CaptureStore.discard, item.pending)
                item.state, item.output = CaptureState.PROTECTED, result.output
            else:
                item.state, item.error = CaptureState.FAILED, result.error or "The capture could not be protected."
        self._on_change(item)
