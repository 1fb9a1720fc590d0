"""One live queue of stored protect jobs, for every origin: the Protect panel, capture and the command line.

Qt-free: it runs on whatever asyncio loop is current (qasync in the app) with N workers, and reports
every change of a job through one callback, which the GUI turns into model updates. Every job is a row
in the job store (services/jobs/store.py) and runs through services.jobs.runner: staged privately,
published crash-safely, with a lifelong Idempotency-Key. The store is sqlite with fsynced commits, so
every store call runs in a worker thread (`off_loop`), never on the event loop's (the GUI's) thread;
store work an owner asks for runs one call at a time, in the order asked (`serial`).

States (domain.jobs.JobState): a job waits, is protected by a worker, then ends done, failed, skipped or
cancelled. `cancel()` cancels a job for good (recorded in the store); `aclose()` only suspends: the
jobs go back to waiting in the store, for a later run to resume (services/jobs/session.py).
Errors every other job would hit too (runner.STOPS_BATCH: no keyring, a refused key, quota used up)
leave the job waiting in the store; the item shows the error, and `retry()` runs it again. A queue
built with `halt_on` stops at such an error instead, and `drain()` raises it (the command line).
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections import deque
from collections.abc import Awaitable, Callable, Coroutine, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

from ...domain.jobs import RETRYABLE, JobState
from ...domain.protect import ProtectOptions, ProtectResult, ProtectStatus
from ...runtime.threads import run_to_end
from .runner import Protector, run_protect_job
from .session import BatchSession
from .store import BatchRecord, JobRecord, JobStore

log = logging.getLogger(__name__)  # failed jobs reach the app's log (services/records/app_log.py)
T = TypeVar("T")


@dataclass(eq=False)
class Job:
    """One queued job as the queue's owner shows it: its store row id, its file, where the copy goes."""

    id: int
    source: Path
    out_dir: Path | None  # None: next to the original
    state: JobState = JobState.WAITING
    result: ProtectResult | None = None

    @property
    def output(self) -> Path | None:
        return self.result.output if self.result is not None else None

    @property
    def error(self) -> str | None:
        return self.result.error if self.result is not None else None

    @property
    def message(self) -> str:
        """The error, or the warnings of a finished job ("" when there is nothing to say)."""
        if self.result is None:
            return ""
        if self.result.error:
            return self.result.error
        return "; ".join(self.result.warnings)


J = TypeVar("J", bound=Job)


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


class JobQueue(Generic[J]):
    def __init__(self, session: BatchSession, backend: Callable[[], Protector], options: Callable[[J], ProtectOptions],
                 workers: int = 1, on_change: Callable[[J], None] | None = None, *,
                 after_done: Callable[[J], None] | None = None,
                 removed: str = "This job was removed from the job list.",
                 halt_on: tuple[type[BaseException], ...] = (), logger: logging.Logger = log) -> None:
        """`session`: the batches this queue holds (released by aclose()). `backend`: the active backend,
        asked for each job (it may change while the queue lives). `options`: a job's protect options.
        `after_done(job)` runs in a worker thread once a job is done and shown as done (capture discards
        its raw file there). `removed`: a job's error when its row left the store meanwhile. `logger`:
        where failed jobs are noted (the owner's, so the app's log says which part failed)."""
        self.session = session
        self.store: JobStore = session.store
        self._backend = backend
        self._options = options
        self._workers = max(1, workers)
        self._on_change = on_change
        self._after_done = after_done
        self._removed = removed
        self._halt_on = halt_on
        self._log = logger
        self.items: dict[int, J] = {}  # in the order they were queued
        self.halted: BaseException | None = None
        self.serial = asyncio.Lock()  # owners' store work: one call at a time, in the order asked
        self._pending: deque[int] = deque()
        self._running: dict[int, asyncio.Task[None]] = {}
        self._cancelled: set[int] = set()  # running jobs cancelled by the person (not suspended by a close)
        self._busy: set[asyncio.Future[Any]] = set()  # store work running in worker threads
        self._writes: set[asyncio.Future[Any]] = set()  # store work started by a sync call (cancel, retry, …)
        self._arriving = 0  # adds under way: jobs about to join the queue
        self._idle = asyncio.Event()
        self._idle.set()
        self._closed = False

    # -- subscribing and settings -----------------------------------------------------------------
    def subscribe(self, on_change: Callable[[J], None] | None) -> None:
        """The one callback told of every change of a job (None: nobody listens any more)."""
        self._on_change = on_change

    @property
    def workers(self) -> int:
        return self._workers

    @workers.setter
    def workers(self, count: int) -> None:
        """More workers start waiting jobs at once; fewer let running jobs finish."""
        self._workers = max(1, count)
        self._pump()

    # -- store work off the event loop -------------------------------------------------------------
    async def off_loop(self, fn: Callable[..., T], *args: Any) -> T:
        """fn(*args) in a worker thread, finished before a cancel takes effect (so the next store call never
        overlaps it); aclose() waits for any still running before it releases the batches."""
        return await run_to_end(fn, *args, running=self._busy)

    # -- what people do ---------------------------------------------------------------------------
    def enqueue(self, jobs: Iterable[J]) -> list[J]:
        """Jobs already in the store (waiting) join the queue; work starts at once. After aclose() they
        are only shown: they wait in the store for a later run."""
        added = []
        for job in jobs:
            self.items[job.id] = job
            job.state, job.result = JobState.WAITING, None
            self._changed(job)
            if not self._closed and job.id not in self._pending:
                self._pending.append(job.id)
            added.append(job)
        self._pump()
        return added

    async def take_up(self, make: Callable[[BatchRecord, JobRecord], J]) -> list[J]:
        """Take up the unfinished jobs earlier runs of this origin left in the store (batches another
        living process holds are left alone); `make` turns a stored job into this queue's item."""
        async with self.serial:
            taken = await self.off_loop(self.session.resume)
            return self.enqueue(make(batch, record) for batch, records in taken for record in records
                                if record.id not in self.items)

    def cancel(self, job_id: int) -> None:
        """Cancel a waiting or running job: no output is published, and the store records it cancelled."""
        job = self.items.get(job_id)
        if job is None or job.state.finished:
            return
        if job_id in self._running:
            self._cancelled.add(job_id)
            self._running[job_id].cancel()  # the worker records it cancelled
        elif job_id in self._pending:
            self._pending.remove(job_id)
            self._finish(job, JobState.CANCELLED, _cancelled(job))
            self._in_background(self._serially(_record_cancel, self.store, job_id))
            self._pump()

    def cancel_all(self) -> None:
        for job_id in list(self._pending) + list(self._running):
            self.cancel(job_id)

    def retry(self, job_ids: Iterable[int] | None = None, states: Sequence[JobState] = RETRYABLE
              ) -> asyncio.Future[list[J]]:
        """Queue these jobs again (default: every failed or cancelled one), for their sources as they are now;
        await the answer for the jobs that went back into the queue (wait_idle() already waits for them).
        The store decides (a changed source gets a new Idempotency-Key); a job an error stopped before it
        began (it still waits in the store) goes again as it is; a job no longer in the store does not."""
        wanted = None if job_ids is None else set(job_ids)
        chosen = [job for job in self.items.values() if job.state in states and (wanted is None or job.id in wanted)]

        async def requeue() -> list[J]:
            if not chosen:
                return []
            records = await self._serially(_requeue, self.store, [job.id for job in chosen])
            waiting = {r.id for r in records if r.state is JobState.WAITING}
            return self.enqueue(job for job in chosen if job.id in waiting and job.state in states)

        return self._in_background(self._arrival(requeue()))

    def remove_finished(self) -> list[int]:
        """Forget the finished jobs, here at once and in the store in the background (their outputs stay;
        wait_idle() waits for the store). Returns their ids."""
        gone = [job.id for job in self.items.values() if job.state.finished]
        for job_id in gone:
            del self.items[job_id]
        if gone:
            self._in_background(self._serially(self.store.delete_jobs, gone))
        return gone

    def counts(self) -> QueueCounts:
        states = [job.state for job in self.items.values()]
        return QueueCounts(len(states), states.count(JobState.WAITING), states.count(JobState.PROTECTING),
                           states.count(JobState.DONE), states.count(JobState.FAILED),
                           states.count(JobState.SKIPPED), states.count(JobState.CANCELLED))

    async def wait_idle(self) -> None:
        """Until no job waits, runs or is being added or retried, and the store has every change (jobs
        suspended by stop() or a halt do not count)."""
        await self._idle.wait()

    async def drain(self) -> None:
        """Until idle; raises the error that halted the queue, if one did (see `halt_on`)."""
        await self.wait_idle()
        if self.halted is not None:
            raise self.halted

    async def stop(self) -> None:
        """Stop working: running jobs are suspended, and they and the waiting ones stay queued in the store
        for a later run; returns once no job runs and no store work is left. The batches stay held."""
        self._closed = True
        self._suspend()
        while self._running or self._writes or self._busy:
            await asyncio.gather(*self._running.values(), *self._writes, *self._busy, return_exceptions=True)
        self._idle.set()

    async def aclose(self) -> None:
        """stop(), then release the batches. Safe to call more than once."""
        await self.stop()
        await asyncio.to_thread(self.session.release)

    # -- machinery --------------------------------------------------------------------------------
    def _suspend(self) -> None:
        self._pending.clear()
        for task in self._running.values():
            task.cancel()

    def _pump(self) -> None:
        started: list[J] = []
        while self._pending and len(self._running) < self._workers and self.halted is None and not self._closed:
            job = self.items[self._pending.popleft()]
            job.state = JobState.PROTECTING
            self._changed(job)
            task = asyncio.ensure_future(self._work(job))
            self._running[job.id] = task
            task.add_done_callback(functools.partial(self._done, job))
            started.append(job)
        if started:
            # The local engine decodes thumbnails meanwhile: for the jobs starting and the next to start.
            soon = getattr(self._backend(), "protect_soon", None)
            if soon is not None:
                for job in started + ([self.items[self._pending[0]]] if self._pending else []):
                    soon(job.source, self._options(job))
        self._update_idle()

    def _update_idle(self) -> None:
        if self._pending or self._running or self._arriving or self._writes:
            self._idle.clear()
        else:
            self._idle.set()

    async def _work(self, job: J) -> None:
        try:
            record = await self.off_loop(self.store.job, job.id)
            if record is None:  # removed from the store meanwhile (e.g. `trustnxt jobs clear`)
                raise RuntimeError(self._removed)
            result = await run_protect_job(self.store, self._backend(), record, self._options(job))
        except asyncio.CancelledError:
            if job.id in self._cancelled:
                self._finish(job, JobState.CANCELLED, _cancelled(job))
                await self.off_loop(_record_cancel, self.store, job.id)
            else:  # suspended: the runner put it back to waiting in the store, for a later run
                self._finish(job, JobState.WAITING, None)
            return
        except self._halt_on as e:  # the batch stops here; the job waits in the store, as the runner left it
            self.halted = e
            self._finish(job, JobState.WAITING, None)
            self._suspend()
            return
        except Exception as e:  # noqa: BLE001 - a job's failure is shown on its row, never crashes the app
            self._finish(job, JobState.FAILED, ProtectResult(job.source, ProtectStatus.FAILED,
                                                             error=str(e) or type(e).__name__))
            return
        self._finish(job, JobState.of(result.status), result)
        if job.state is JobState.DONE and self._after_done is not None:
            # After it is shown done: a stop meanwhile cannot make it look unprotected.
            await self.off_loop(self._after_done, job)

    def _done(self, job: J, task: asyncio.Task[None]) -> None:
        # Also runs when a task was cancelled before it ever started, so no job is left "protecting".
        if task.cancelled() and not job.state.finished:
            if job.id in self._cancelled:
                self._finish(job, JobState.CANCELLED, _cancelled(job))
                self._in_background(self._serially(_record_cancel, self.store, job.id))
            else:
                self._finish(job, JobState.WAITING, None)
        self._cancelled.discard(job.id)
        self._running.pop(job.id, None)
        self._pump()

    def _finish(self, job: J, state: JobState, result: ProtectResult | None) -> None:
        job.state, job.result = state, result
        if state is JobState.FAILED:
            self._log.warning("protect %s failed: %s", job.source, job.error or "")
        self._changed(job)

    async def _serially(self, fn: Callable[..., T], *args: Any) -> T:
        async with self.serial:
            return await self.off_loop(fn, *args)

    async def _arrival(self, adding: Awaitable[T]) -> T:
        """Jobs on their way into the queue count as work: wait_idle() waits for them."""
        self._arriving += 1
        self._idle.clear()
        try:
            return await adding
        finally:
            self._arriving -= 1
            self._update_idle()

    def _in_background(self, work: Coroutine[Any, Any, T]) -> asyncio.Future[T]:
        """Store work a sync call started: tracked (stop() waits for it; wait_idle() too), failures logged."""
        task = asyncio.ensure_future(work)
        self._writes.add(task)
        self._idle.clear()
        task.add_done_callback(self._written)
        return task

    def _written(self, task: asyncio.Future[Any]) -> None:
        self._writes.discard(task)
        if not task.cancelled() and (e := task.exception()) is not None:
            self._log.error("the job store could not be updated: %s", e)
        self._update_idle()

    def _changed(self, job: J) -> None:
        if self._on_change is not None:
            self._on_change(job)


def _cancelled(job: Job) -> ProtectResult:
    return ProtectResult(job.source, ProtectStatus.CANCELLED, error="Cancelled.")


def _record_cancel(store: JobStore, job_id: int) -> None:
    store.finish(job_id, JobState.CANCELLED, error="Cancelled.")


def _requeue(store: JobStore, ids: list[int]) -> list[JobRecord]:
    store.requeue(ids)
    return store.jobs_by_id(ids)


async def run_jobs(store: JobStore, backend: Protector, jobs: Sequence[JobRecord],
                   options: Callable[[JobRecord], ProtectOptions], workers: int,
                   on_done: Callable[[int, JobRecord, ProtectResult], None] | None = None, *,
                   halt_on: tuple[type[BaseException], ...] = ()) -> list[ProtectResult]:
    """Run stored jobs to the end with a JobQueue, in order, `workers` at a time; their results in input order
    (`on_done(index, job, result)` hears of each as it lands). The caller holds their batch (a BatchSession).
    Raises an error of `halt_on` that stopped the batch (its jobs stay queued in the store) and
    cancellation (running jobs go back to waiting)."""
    index = {record.id: i for i, record in enumerate(jobs)}

    def changed(job: Job) -> None:
        if on_done is not None and job.state.finished and job.result is not None:
            on_done(index[job.id], jobs[index[job.id]], job.result)

    session = BatchSession(store, "protect", "cli")  # takes no lock: the batch is the caller's
    queue: JobQueue[Job] = JobQueue(session, lambda: backend, lambda job: options(jobs[index[job.id]]), workers,
                                    changed, halt_on=halt_on)
    queued = queue.enqueue([Job(r.id, r.source, r.out_dir) for r in jobs])
    try:
        await queue.drain()
    finally:
        await queue.stop()  # e.g. the caller was cancelled: no job runs on
    return [job.result or ProtectResult(job.source, ProtectStatus.FAILED, error=job.error) for job in queued]


__all__ = ["Job", "JobQueue", "QueueCounts", "run_jobs"]
