"""The batches one job origin works on: created, locked, resumed, pruned and released in one place.

An origin is who runs a batch — the Protect panel ("gui"), capture ("capture"), `trustnxt protect`
("cli") — and a batch kind is what its jobs are ("protect", "capture"). A batch is worked on by one
process at a time (JobStore.lock_batch: an OS lock that dies with its process), so a session holds the
lock of every batch it creates or takes up until `release()`; after a crash the next session of the
same origin may take the batch up and knows that a job still marked `protecting` was interrupted.

Every method touches the disk (sqlite, lock files): call them from a worker thread when an event loop
is running (services/jobs/queue.py does). The session itself may be used from several threads.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from typing import Any

from ...domain.jobs import UNFINISHED
from .store import BatchLock, BatchRecord, BatchSummary, JobRecord, JobStore


class BatchSession:
    def __init__(self, store: JobStore, kind: str, origin: str) -> None:
        self.store, self.kind, self.origin = store, kind, origin
        self._locks: dict[int, BatchLock] = {}
        self._guard = threading.Lock()

    @property
    def held(self) -> frozenset[int]:
        """The ids of the batches this session holds."""
        with self._guard:
            return frozenset(self._locks)

    def create(self, *, backend: str | None = None, profile: str | None = None,
               options: dict[str, Any] | None = None) -> BatchRecord:
        """A new batch of this kind and origin, held by this session from the start."""
        batch = self.store.create_batch(self.kind, self.origin, backend=backend, profile=profile, options=options)
        self.lock(batch.id)
        return batch

    def lock(self, batch_id: int) -> bool:
        """Hold the batch (True), or False when another living process holds it."""
        with self._guard:
            if batch_id in self._locks:
                return True
            lock = self.store.lock_batch(batch_id)
            if lock is None:
                return False
            self._locks[batch_id] = lock
            return True

    def batches(self) -> list[BatchSummary]:
        """Every batch of this kind and origin, newest first, with job counts by state."""
        return self.store.batches(kind=self.kind, origin=self.origin)

    def last_unfinished(self) -> BatchRecord | None:
        """The newest batch that still has waiting or interrupted jobs (not locked by this call)."""
        return self.store.last_unfinished_batch(self.kind, self.origin)

    def resume(self) -> list[tuple[BatchRecord, list[JobRecord]]]:
        """Take up the batches an earlier run left unfinished (after a quit, crash or power cut), oldest
        first, with their unfinished jobs. Batches this session already holds, and those another living
        process holds, are left out."""
        taken = []
        for summary in reversed(self.batches()):
            if summary.unfinished == 0 or summary.batch.id in self.held or not self.lock(summary.batch.id):
                continue
            taken.append((summary.batch, self.store.jobs(summary.batch.id, UNFINISHED)))
        return taken

    def prune(self, keep: int, finished: Iterable[int] | None = None) -> list[int]:
        """Forget all but the `keep` newest finished batches (their outputs stay where they were written).
        `finished`: the ids of the batches to count as finished (default: those without unfinished jobs).
        A batch another living process holds is never forgotten. Returns the ids of those forgotten."""
        if finished is None:
            finished = [s.batch.id for s in self.batches() if s.unfinished == 0]
        gone = []
        for batch_id in sorted(finished, reverse=True)[keep:]:
            if not self.lock(batch_id):
                continue
            self.store.delete_batch(batch_id)
            with self._guard:
                lock = self._locks.pop(batch_id)
            lock.close()
            gone.append(batch_id)
        return gone

    def release(self) -> None:
        """Let go of every batch this session holds (their unfinished jobs wait for a later run)."""
        with self._guard:
            locks, self._locks = list(self._locks.values()), {}
        for lock in locks:
            lock.close()

    def __enter__(self) -> BatchSession:
        return self

    def __exit__(self, *_: object) -> None:
        self.release()


__all__ = ["BatchSession"]
