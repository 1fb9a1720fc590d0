"""Background protection of captures: the preview never waits, the protected copy follows.

One capture at a time, in capture order, with whichever backend is active: a JobQueue
(services/jobs/queue.py) of batches of kind and origin "capture" in the persistent job store
(`<data root>/jobs.sqlite3`). Every capture runs through services.jobs.runner like any protect job:
staged privately, published under its final name only when complete, journalled so that a crash or
`kill -9` at any instant neither loses the capture nor makes a second copy. The raw file stays in the
private pending folder until its protected copy is published (the queue's after-done hook removes it);
`resume()` when the Capture view opens finishes whatever an earlier run left.

The job store is sqlite with fsync'd commits, and resuming stats, fingerprints and removes files: all of
that runs in worker threads (`resume`, `submit` and `retry_failed` are coroutines), one call at a time
and in the order asked, so the GUI thread never waits on the disk. Queueing and the change callback stay
on the event loop's thread.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ...domain.jobs import RETRYABLE, UNFINISHED, JobState
from ...domain.protect import ProtectOptions
from .capture_store import CaptureStore, PendingCapture
from .queue import Job, JobQueue
from .session import BatchSession
from .store import Fingerprint, JobRecord, JobStore

if TYPE_CHECKING:
    from ..backends.protocol import Backend

log = logging.getLogger(__name__)  # failures reach the app's log (services/records/app_log.py)

CAPTURE = "capture"  # the job store's batch kind and origin for captures
KEEP_FINISHED_BATCHES = 20  # older finished capture batches are forgotten at start (outputs stay)


@dataclass(eq=False)
class CaptureItem(Job):
    pending: PendingCapture = field(kw_only=True)

    @property
    def job_id(self) -> int:
        return self.id

    @property
    def error(self) -> str | None:
        error = super().error
        if error is None and self.state.finished and self.state is not JobState.DONE:
            return "The capture could not be protected."
        return error


def _item(record: JobRecord, pending: PendingCapture) -> CaptureItem:
    return CaptureItem(record.id, record.source, record.out_dir, pending=pending)


class CaptureProtector:
    def __init__(self, store: CaptureStore, jobs: JobStore, backend: Callable[[], Backend],
                 options: Callable[[], ProtectOptions], on_change: Callable[[CaptureItem], None] | None = None) -> None:
        self.store = store  # where new captures are reserved (the folder may change; jobs keep their own)
        self.jobs = jobs
        self._options = options
        self._own_batch: int | None = None  # this run's capture batch, made with its first capture
        self.queue: JobQueue[CaptureItem] = JobQueue(
            BatchSession(jobs, CAPTURE, CAPTURE), backend, self._job_options, 1, on_change,
            after_done=self._discard, logger=log,
            removed="This capture was removed from the job list; it is protected at the next start.")

    @property
    def items(self) -> list[CaptureItem]:
        """Every capture of this run and the ones it took up, in the order they were queued."""
        return list(self.queue.items.values())

    def subscribe(self, on_change: Callable[[CaptureItem], None] | None) -> None:
        self.queue.subscribe(on_change)

    def set_folder(self, folder: Path) -> None:
        """New captures are reserved here; those already waiting keep their place and are still protected."""
        self.store = CaptureStore(folder)

    async def resume(self) -> list[CaptureItem]:
        """Queue every capture an earlier run left unprotected (crash, quit, failure): its unfinished and
        failed jobs, and raw files in the pending folder that never became a job. A raw file whose job is
        done (the crash fell after publishing) is only removed. Batches another running app holds are
        left alone. The store and file work runs in a worker thread, never on the GUI thread."""
        async with self.queue.serial:
            known = set(self.queue.items)
            found, orphans = await self.queue.off_loop(self._scan, known, self.store)
            resumed = self.queue.enqueue(_item(record, pending) for record, pending in found)
            records = await self.queue.off_loop(self._record, orphans) if orphans else []
            return resumed + self.queue.enqueue(_item(r, p) for p, r in zip(orphans, records, strict=True))

    def _scan(self, known: set[int], store: CaptureStore
              ) -> tuple[list[tuple[JobRecord, PendingCapture]], list[PendingCapture]]:
        """(worker thread) The earlier runs' captures to queue again, with their stored jobs, and the raw
        files that never became a job."""
        session = self.queue.session
        queued: set[tuple[Path, Fingerprint | None]] = set()  # raw files the store knows, as queued
        found: list[tuple[JobRecord, PendingCapture]] = []
        finished = []
        for summary in reversed(session.batches()):
            records = self.jobs.jobs(summary.batch.id)
            queued.update((r.source, r.fingerprint) for r in records)
            # This run's own batch and those taken up before are not taken up again; nor those another
            # running app holds (its lock is released by aclose(), which waits for this thread first).
            if summary.batch.id in session.held or not session.lock(summary.batch.id):
                continue
            live = [r for r in records if r.id not in known and self._take_up(r)]
            for record in self.jobs.requeue([r.id for r in live if r.state in RETRYABLE]) + \
                    [r for r in live if r.state in UNFINISHED]:
                found.append((record, CaptureStore.load(record.source)))
            if not live and all(not r.source.exists() for r in records):
                finished.append(summary.batch.id)
        session.prune(KEEP_FINISHED_BATCHES, finished)
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
        async with self.queue.serial:
            (record,) = await self.queue.off_loop(self._record, [pending])
            (item,) = self.queue.enqueue([_item(record, pending)])
            return item

    def _record(self, pendings: list[PendingCapture]) -> list[JobRecord]:
        """(worker thread) One job per raw capture, in this run's own capture batch."""
        if self._own_batch is None:
            self._own_batch = self.queue.session.create().id
        return self.jobs.add_jobs(self._own_batch, [(p.raw, p.raw.parent.parent) for p in pendings])

    async def retry_failed(self) -> int:
        """Protect the failed captures again; how many went back into the queue."""
        return len(await self.queue.retry())

    def counts(self) -> tuple[int, int, int]:
        """(pending, protected, failed)"""
        c = self.queue.counts()
        return c.waiting + c.running, c.done, c.failed + c.skipped + c.cancelled

    async def wait_idle(self) -> None:
        await self.queue.wait_idle()

    async def aclose(self) -> None:
        """Stop protecting; whatever was not finished stays queued in the store for the next start."""
        await self.queue.aclose()

    def _job_options(self, item: CaptureItem) -> ProtectOptions:
        return self.store.options(item.pending, self._options())

    @staticmethod
    def _discard(item: CaptureItem) -> None:
        """(worker thread, once the capture's protected copy is published) The raw file goes."""
        CaptureStore.discard(item.pending)


__all__ = ["CAPTURE", "KEEP_FINISHED_BATCHES", "CaptureItem", "CaptureProtector"]
