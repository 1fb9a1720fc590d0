"""A live queue of protect jobs for the GUI (and capture): add any time, cancel one or all, retry.

Qt-free: it runs on whatever asyncio loop is current (qasync in the app) and reports every change
through one callback, which the GUI turns into model updates.
"""

from __future__ import annotations

import asyncio
import itertools
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, replace
from enum import Enum
from pathlib import Path

from ..domain.protect import ProtectOptions, ProtectResult, ProtectStatus
from .backend import Backend


class JobState(str, Enum):
    WAITING = "waiting"
    PROTECTING = "protecting"
    DONE = "done"
    FAILED = "failed"
    SKIPPED = "skipped"
    CANCELLED = "cancelled"

    @property
    def finished(self) -> bool:
        return self not in (JobState.WAITING, JobState.PROTECTING)


_FROM_STATUS = {
    ProtectStatus.DONE: JobState.DONE,
    ProtectStatus.FAILED: JobState.FAILED,
    ProtectStatus.SKIPPED: JobState.SKIPPED,
    ProtectStatus.CANCELLED: JobState.CANCELLED,
}


@dataclass
class ProtectJob:
    id: int
    source: Path
    out_dir: Path | None  # None: next to the original
    state: JobState = JobState.WAITING
    result: ProtectResult | None = None

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
                 on_change: Callable[[ProtectJob], None] | None = None) -> None:
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

    # -- what people do -------------------------------------------------------------------------
    def add(self, sources: list[tuple[Path, Path | None]]) -> list[ProtectJob]:
        """(source, output folder or None) pairs; work starts at once."""
        added = []
        for source, out_dir in sources:
            job = ProtectJob(next(self._ids), source, out_dir)
            self.items[job.id] = job
            self._pending.append(job.id)
            added.append(job)
            self._on_change(job)
        self._pump()
        return added

    def cancel(self, job_id: int) -> None:
        job = self.items.get(job_id)
        if job is None or job.state.finished:
            return
        if job_id in self._running:
            self._running[job_id].cancel()  # the worker marks it cancelled; no output is published
        else:
            self._pending.remove(job_id)
            self._finish(job, JobState.CANCELLED, None)

    def cancel_all(self) -> None:
        for job_id in list(self._pending) + list(self._running):
            self.cancel(job_id)

    def retry(self, job_ids: list[int] | None = None) -> int:
        """Queue failed or cancelled jobs again (all of them when no ids are given)."""
        again = 0
        for job in self.items.values():
            if job.state in (JobState.FAILED, JobState.CANCELLED) and (job_ids is None or job.id in job_ids):
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
        return gone

    def counts(self) -> QueueCounts:
        states = [j.state for j in self.items.values()]
        return QueueCounts(len(states), states.count(JobState.WAITING), states.count(JobState.PROTECTING),
                           states.count(JobState.DONE), states.count(JobState.FAILED),
                           states.count(JobState.SKIPPED), states.count(JobState.CANCELLED))

    async def wait_idle(self) -> None:
        await self._idle.wait()

    async def aclose(self) -> None:
        self.cancel_all()
        if self._running:
            await asyncio.gather(*self._running.values(), return_exceptions=True)

    # -- machinery -----------------------------------------------------------------------------
    def _pump(self) -> None:
        while self._pending and len(self._running) < self.jobs:
            job = self.items[self._pending.popleft()]
            job.state = JobState.PROTECTING
            self._on_change(job)
            task = asyncio.ensure_future(self._work(job))
            self._running[job.id] = task
            task.add_done_callback(lambda t, job=job: self._done(job, t))
        if self._pending or self._running:
            self._idle.clear()
        else:
            self._idle.set()

    async def _work(self, job: ProtectJob) -> None:
        try:
            options = replace(self._options(), out_dir=job.out_dir)
            result = await self._backend().protect(job.source, options)
        except asyncio.CancelledError:
            self._finish(job, JobState.CANCELLED, ProtectResult(job.source, ProtectStatus.CANCELLED, error="Cancelled."))
        except Exception as e:  # noqa: BLE001 - a job's failure is shown on its row, never crashes the app
            self._finish(job, JobState.FAILED, ProtectResult(job.source, ProtectStatus.FAILED, error=str(e)))
        else:
            self._finish(job, _FROM_STATUS[result.status], result)

    def _done(self, job: ProtectJob, task: asyncio.Task[None]) -> None:
        # Also runs when a task was cancelled before it ever started, so no job is left "protecting".
        if task.cancelled() and not job.state.finished:
            self._finish(job, JobState.CANCELLED, ProtectResult(job.source, ProtectStatus.CANCELLED, error="Cancelled."))
        self._running.pop(job.id, None)
        self._pump()

    def _finish(self, job: ProtectJob, state: JobState, result: ProtectResult | None) -> None:
        job.state, job.result = state, result
        self._on_change(job)
