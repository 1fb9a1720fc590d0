"""A live queue of protect jobs for the GUI (and capture): add any time, cancel one or all, retry.

Qt-free: it runs on whatever asyncio loop is current (qasync in the app) and reports every change
through one callback, which the GUI turns into model updates.

With a JobStore the queue is persistent: every job is a row in `<data root>/jobs.sqlite3`, runs through
services.jobs.runner (crash-safe publishing, a lifelong Idempotency-Key per job), and `resume()` after a
restart picks up whatever an earlier run left unfinished. Closing the queue then suspends running jobs
instead of cancelling them. Without a store it is the in-memory queue it always was.

Every job carries the claim chosen when it was added (ContentSource: camera, edited, ai, …). In the
store, jobs with different claims go to different batches whose options record the claim, so a
resumed job says what it was queued to say, whatever the panel shows by then.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from ...domain.protect import ContentSource, ProtectOptions, ProtectResult, ProtectStatus
from ..backends.local import Backend
from .runner import STATE_OF as _FROM_STATUS
from .runner import result_of, run_protect_job
from .store import UNFINISHED, BatchLock, JobRecord, JobState, JobStore

__all__ = ["JobState", "ProtectJob", "ProtectQueue", "QueueCounts"]

CLAIM_KEY = "content_source"  # in a stored batch's options
log = logging.getLogger(__name__)  # failed jobs reach the app's log (services/records/app_log.py)


def _stored_claim(options: dict[str, object]) -> ContentSource | None:
    try:
        return ContentSource(options[CLAIM_KEY])
    except (KeyError, ValueError):
        return None  # a batch stored before claims were recorded


@dataclass
class ProtectJob:
    id: int
    source: Path
    out_dir: Path | None  # None: next to the original
    state: JobState = JobState.WAITING
    result: ProtectResult | None = None
    content_source: ContentSource = ContentSource.CAMERA  # what the protected copy claims the file is

    @property
    def message(self) -> str:
        if self.result is None:
            return ""
        if self.result.error:
            return self.result.error
        return "; ".join(self.result.warnings)


@dataclass(frozen=True)
class QueueCounts:
    total: int
    waiting: int
    running: int
    done: int
    failed: int
    skipped: int
    cancelled: int

    @property
    def finished(self) -> int:
        return self.done + self.failed + self.skipped + self.cancelled


class ProtectQueue:
    def __init__(self, backend: Callable[[], Backend], options: Callable[[], ProtectOptions], jobs: int,
                 on_change: Callable[[ProtectJob], None] | None = None, *, store: JobStore | None = None,
                 origin: str = "gui") -> None:
        self._backend = backend  # a callable: the active backend may change while the queue lives
        self._options = options
        self.jobs = max(1, jobs)
        self._on_change = on_change or (lambda job: None)
        self._ids = itertools.count(1)
        self.items: dict[int, ProtectJob] = {}
        self._pending: deque[int] = deque()
        self._running: dict[int, asyncio.Task[None]] = {}
        self._idle = asyncio.Event()
        self._idle.set()
        self._store = store
        self._origin = origin  # batches this queue creates and resumes: "gui", later "capture"
        self._batches: dict[ContentSource, int] = {}  # this queue's own store batch for each claim
        self._locks: list[BatchLock] = []
        self._closing = False

    # -- what people do -------------------------------------------------------------------------
    def add(self, sources: list[tuple[Path, Path | None]], content_source: ContentSource | None = None
            ) -> list[ProtectJob]:
        """(source, output folder or None) pairs; work starts at once. `content_source`: what their
        protected copies claim (default: the options' current claim)."""
        added = []
        claim = content_source or self._options().content_source
        if self._store is not None:
            records = self._store.add_jobs(self._own_batch(claim), sources)
            new = [ProtectJob(r.id, r.source, r.out_dir, content_source=claim) for r in records]
        else:
            new = [ProtectJob(next(self._ids), source, out_dir, content_source=claim) for source, out_dir in sources]
        for job in new:
            self.items[job.id] = job
            self._pending.append(job.id)
            added.append(job)
            self._on_change(job)
        self._pump()
        return added

    def resume(self) -> list[ProtectJob]:
        """Take up the unfinished jobs an earlier run of this queue's origin left in the store (after a
        quit, crash or power cut) and run them; batches another living process holds are left alone."""
        if self._store is None:
            return []
        resumed = []
        for summary in reversed(self._store.batches(kind="protect", origin=self._origin)):
            if summary.unfinished == 0 or summary.batch.id in self._batches.values():
                continue
            lock = self._store.lock_batch(summary.batch.id)
            if lock is None:
                continue
            self._locks.append(lock)
            claim = _stored_claim(summary.batch.options) or self._options().content_source
            for record in self._store.jobs(summary.batch.id, UNFINISHED):
                if record.id in self.items:
                    continue
                job = ProtectJob(record.id, record.source, record.out_dir, content_source=claim)
                self.items[job.id] = job
                self._pending.append(job.id)
                resumed.append(job)
                self._on_change(job)
        self._pump()
        return resumed

    def _own_batch(self, claim: ContentSource) -> int:
        assert self._store is not None
        if claim not in self._batches:
            # The key is ProtectOptions' own field name, so `trustnxt jobs retry` honours it too.
            batch = self._store.create_batch("protect", self._origin, options={CLAIM_KEY: claim.value})
            lock = self._store.lock_batch(batch.id)
            if lock is not None:
                self._locks.append(lock)
            self._batches[claim] = batch.id
        return self._batches[claim]

    def cancel(self, job_id: int) -> None:
        job = self.items.get(job_id)
        if job is None or job.state.finished:
            return
        if job_id in self._running:
            self._running[job_id].cancel()  # the worker marks it cancelled; no output is published
        else:
            self._pending.remove(job_id)
            self._finish(job, JobState.CANCELLED, None, persist=True)

    def cancel_all(self) -> None:
        for job_id in list(self._pending) + list(self._running):
            self.cancel(job_id)

    def retry(self, job_ids: list[int] | None = None) -> int:
        """Queue failed or cancelled jobs again (all of them when no ids are given)."""
        again = 0
        chosen = [job for job in self.items.values()
                  if job.state in (JobState.FAILED, JobState.CANCELLED) and (job_ids is None or job.id in job_ids)]
        if self._store is not None:  # the store decides (a changed source gets a new idempotency key)
            requeued = {r.id for r in self._store.requeue([job.id for job in chosen])}
            chosen = [job for job in chosen if job.id in requeued]
        for job in chosen:
            job.state, job.result = JobState.WAITING, None
            self._pending.append(job.id)
            self._on_change(job)
            again += 1
        self._pump()
        return again

    def remove_finished(self) -> list[int]:
        gone = [j.id for j in self.items.values() if j.state.finished]
        for job_id in gone:
            del self.items[job_id]
        if self._store is not None:
            self._store.delete_jobs(gone)
        return gone

    def counts(self) -> QueueCounts:
        states = [j.state for j in self.items.values()]
        return QueueCounts(len(states), states.count(JobState.WAITING), states.count(JobState.PROTECTING),
                           states.count(JobState.DONE), states.count(JobState.FAILED),
                           states.count(JobState.SKIPPED), states.count(JobState.CANCELLED))

    async def wait_idle(self) -> None:
        await self._idle.wait()

    async def aclose(self) -> None:
        """Without a store: cancel everything. With one: stop running jobs but keep them and the waiting
        ones queued in the store, for resume() after the next start."""
        if self._store is None:
            self.cancel_all()
        else:
            self._closing = True
            self._pending.clear()
            for task in self._running.values():
                task.cancel()
        if self._running:
            await asyncio.gather(*self._running.values(), return_exceptions=True)
        for lock in self._locks:
            lock.close()
        self._locks.clear()

    # -- machinery -----------------------------------------------------------------------------
    def _pump(self) -> None:
        started = False
        while self._pending and len(self._running) < self.jobs:
            job = self.items[self._pending.popleft()]
            job.state = JobState.PROTECTING
            self._on_change(job)
            task = asyncio.ensure_future(self._work(job))
            self._running[job.id] = task
            task.add_done_callback(lambda t, job=job: self._done(job, t))
            started = True
        soon = getattr(self._backend(), "protect_soon", None) if started and self._pending else None
        if soon is not None:  # the local engine decodes the next file's thumbnail while these are signed
            upcoming = self.items[self._pending[0]]
            soon(upcoming.source, self._options_for(upcoming))
        if self._pending or self._running:
            self._idle.clear()
        else:
            self._idle.set()

    async def _work(self, job: ProtectJob) -> None:
        persist = self._store is not None  # the job runner records its own outcomes; these are ours
        try:
            options = self._options_for(job)
            if self._store is not None:
                record = self._store.job(job.id)
                if record is None:  # removed from the store meanwhile (e.g. `trustnxt jobs clear`)
                    raise RuntimeError("This job was removed from the job list.")
                result = await run_protect_job(self._store, self._backend(), record, options)
            else:
                result = await self._backend().protect(job.source, options)
        except asyncio.CancelledError:
            if self._closing:
                return  # suspended, not cancelled: it waits in the store for resume()
            self._finish(job, JobState.CANCELLED, ProtectResult(job.source, ProtectStatus.CANCELLED, error="Cancelled."),
                         persist=persist)
        except Exception as e:  # noqa: BLE001 - a job's failure is shown on its row, never crashes the app
            self._finish(job, JobState.FAILED, ProtectResult(job.source, ProtectStatus.FAILED, error=str(e)),
                         persist=persist)
        else:
            self._finish(job, _FROM_STATUS[result.status], result)

    def _options_for(self, job: ProtectJob) -> ProtectOptions:
        return replace(self._options(), out_dir=job.out_dir, content_source=job.content_source)

    def _done(self, job: ProtectJob, task: asyncio.Task[None]) -> None:
        # Also runs when a task was cancelled before it ever started, so no job is left "protecting".
        if task.cancelled() and not job.state.finished and not self._closing:
            self._finish(job, JobState.CANCELLED, ProtectResult(job.source, ProtectStatus.CANCELLED, error="Cancelled."),
                         persist=self._store is not None)
        self._running.pop(job.id, None)
        self._pump()

    def _finish(self, job: ProtectJob, state: JobState, result: ProtectResult | None, *, persist: bool = False) -> None:
        job.state, job.result = state, result
        if state is JobState.FAILED:
            log.warning("protect %s failed: %s", job.source, result.error if result else "")
        if persist and self._store is not None:
            self._store.finish(job.id, state, error=result.error if result else "Cancelled.")
        self._on_change(job)

    def record(self, job_id: int) -> JobRecord | None:
        """The job as stored (None without a store)."""
        return self._store.job(job_id) if self._store is not None else None

    def stored_result(self, job_id: int) -> ProtectResult | None:
        record = self.record(job_id)
        return result_of(record) if record is not None else None
