"""The one job queue: N workers, one change callback, the after-done hook, store work off the loop's thread,
cancel versus suspend, retry, and a halt that stops the batch."""

from __future__ import annotations

import asyncio
import shutil
import threading
from pathlib import Path
from typing import Any

import pytest

from tests.expect import present
from trustnxt_desktop.domain.errors import ConfigurationError
from trustnxt_desktop.domain.jobs import JobState
from trustnxt_desktop.domain.protect import ProtectOptions, ProtectResult, ProtectStatus
from trustnxt_desktop.services.jobs.queue import Job, JobQueue, run_jobs
from trustnxt_desktop.services.jobs.session import BatchSession
from trustnxt_desktop.services.jobs.store import JobStore


class Copier:
    """A backend that writes a copy of the file where the runner asks, once the test lets it (`gate`);
    it counts the calls running at once and can refuse (`refuse`: a problem every file would hit)."""

    def __init__(self) -> None:
        self.gate = asyncio.Event()
        self.gate.set()
        self.running = self.most = 0
        self.refuse: Exception | None = None

    async def protect(self, src: Path, options: ProtectOptions, *, idempotency_key: str | None = None
                      ) -> ProtectResult:
        self.running += 1
        self.most = max(self.most, self.running)
        try:
            await self.gate.wait()
            if self.refuse is not None:
                raise self.refuse
            assert options.out_dir is not None
            out = options.out_dir / f"{src.stem}.staged{src.suffix}"
            shutil.copy(src, out)
            return ProtectResult(src, ProtectStatus.DONE, output=out, engine="copier")
        finally:
            self.running -= 1


class LoopWatchedStore(JobStore):
    """Notes every database access made on the event loop's thread."""

    def __init__(self, root: Path) -> None:
        self.loop_thread, self.on_loop = threading.get_ident(), list[str]()
        super().__init__(root)

    def _query(self, sql: str, args: Any = ()) -> Any:
        if threading.get_ident() == self.loop_thread:
            self.on_loop.append(sql.split()[0])
        return super()._query(sql, args)

    def _tx(self) -> Any:
        if threading.get_ident() == self.loop_thread:
            self.on_loop.append("transaction")
        return super()._tx()


def files(folder: Path, count: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for i in range(count):
        path = folder / f"f{i}.jpg"
        path.write_bytes(f"file {i}".encode())
        out.append(path)
    return out


def queue_of(store: JobStore, backend: Copier, workers: int, seen: list[tuple[int, JobState]],
             **kwargs: Any) -> JobQueue[Job]:
    session = BatchSession(store, "protect", "gui")
    return JobQueue(session, lambda: backend, lambda job: ProtectOptions(out_dir=job.out_dir),
                    workers, lambda job: seen.append((job.id, job.state)), **kwargs)


async def queued(queue: JobQueue[Job], sources: list[Path], out: Path) -> list[Job]:
    records = await queue.off_loop(lambda: queue.store.add_jobs(queue.session.create().id,
                                                                [(s, out) for s in sources]))
    return queue.enqueue(Job(r.id, r.source, r.out_dir) for r in records)


async def test_workers_callback_and_after_done_with_the_store_off_the_loop_thread(tmp_path: Path) -> None:
    store = LoopWatchedStore(tmp_path / "store")
    backend, seen, after = Copier(), list[tuple[int, JobState]](), list[tuple[int, JobState, bool]]()
    backend.gate.clear()

    def after_done(job: Job) -> None:
        after.append((job.id, job.state, threading.get_ident() != store.loop_thread))

    queue = queue_of(store, backend, 2, seen, after_done=after_done)
    jobs = await queued(queue, files(tmp_path / "in", 5), tmp_path / "out")
    assert queue.counts().running == 2 and queue.counts().waiting == 3
    while backend.running < 2:
        await asyncio.sleep(0.01)
    backend.gate.set()
    await queue.wait_idle()
    assert backend.most == 2, "never more than the queue's workers at once"
    assert [job.state for job in jobs] == [JobState.DONE] * 5
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [f"f{i}.protected.jpg" for i in range(5)]
    assert [(job.id, JobState.PROTECTING) in seen and (job.id, JobState.DONE) in seen for job in jobs] == [True] * 5
    assert sorted(after) == [(job.id, JobState.DONE, True) for job in jobs], \
        "after-done runs once per done job, in a worker thread"
    assert store.on_loop == [], f"store work on the event loop's thread: {store.on_loop}"
    assert {r.state for r in store.jobs()} == {JobState.DONE}
    await queue.aclose()
    store.close()


async def test_cancel_is_recorded_but_close_only_suspends(tmp_path: Path) -> None:
    store = JobStore(tmp_path / "store")
    backend, seen = Copier(), list[tuple[int, JobState]]()
    backend.gate.clear()
    queue = queue_of(store, backend, 1, seen)
    first, second, third = await queued(queue, files(tmp_path / "in", 3), tmp_path / "out")
    while backend.running < 1:
        await asyncio.sleep(0.01)
    queue.cancel(third.id)  # waiting: cancelled at once
    assert third.state is JobState.CANCELLED and third.error == "Cancelled."
    queue.cancel(first.id)  # running: cancelled by its worker, nothing published
    await asyncio.sleep(0)
    await queue.stop()  # the app quits: the second, by then running, is suspended, not cancelled
    assert (first.state, second.state) == (JobState.CANCELLED, JobState.WAITING)
    states = {r.id: r.state for r in store.jobs()}
    assert states == {first.id: JobState.CANCELLED, second.id: JobState.WAITING, third.id: JobState.CANCELLED}
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir()), "nothing half-written"
    await queue.aclose()

    backend.gate.set()
    later = queue_of(store, backend, 1, seen)  # the next start takes up what waits, and retries on demand
    (resumed,) = await later.take_up(lambda batch, record: Job(record.id, record.source, record.out_dir))
    assert resumed.id == second.id
    await later.wait_idle()
    assert resumed.state is JobState.DONE
    assert await later.retry() == [], "the cancelled jobs are not this queue's"
    await later.aclose()
    store.close()


async def test_a_problem_every_file_would_hit_fails_the_row_and_retry_runs_it_again(tmp_path: Path) -> None:
    store = JobStore(tmp_path / "store")
    backend, seen = Copier(), list[tuple[int, JobState]]()
    backend.refuse = ConfigurationError("No keyring is available.")
    queue = queue_of(store, backend, 1, seen)
    (job,) = await queued(queue, files(tmp_path / "in", 1), tmp_path / "out")
    await queue.wait_idle()
    assert job.state is JobState.FAILED and job.error == "No keyring is available."
    assert present(store.job(job.id)).state is JobState.WAITING, "it stays queued in the store"
    backend.refuse = None
    assert [j.id for j in await queue.retry()] == [job.id]
    await queue.wait_idle()
    assert job.state.value == "done" and job.output == tmp_path / "out" / "f0.protected.jpg"
    await queue.aclose()
    store.close()


async def test_run_jobs_halts_the_batch_on_a_stopping_error_and_keeps_its_jobs_queued(tmp_path: Path) -> None:
    store = JobStore(tmp_path / "store")
    batch = store.create_batch("protect", "cli")
    records = store.add_jobs(batch.id, [(s, tmp_path / "out") for s in files(tmp_path / "in", 4)])
    backend = Copier()
    backend.refuse = ConfigurationError("The API key was refused.")
    landed: list[int] = []
    with pytest.raises(ConfigurationError):
        await run_jobs(store, backend, records, lambda r: ProtectOptions(out_dir=r.out_dir), 2,
                       lambda i, r, result: landed.append(i), halt_on=(ConfigurationError,))
    assert landed == [] and {r.state for r in store.jobs()} == {JobState.WAITING}
    backend.refuse = None
    results = await run_jobs(store, backend, records, lambda r: ProtectOptions(out_dir=r.out_dir), 2,
                             lambda i, r, result: landed.append(i))
    assert [r.status for r in results] == [ProtectStatus.DONE] * 4
    assert [r.source.name for r in results] == [f"f{i}.jpg" for i in range(4)], "results in input order"
    assert sorted(landed) == [0, 1, 2, 3]
    store.close()


async def test_more_workers_take_effect_at_once(tmp_path: Path) -> None:
    store = JobStore(tmp_path / "store")
    backend, seen = Copier(), list[tuple[int, JobState]]()
    backend.gate.clear()
    queue = queue_of(store, backend, 1, seen)
    await queued(queue, files(tmp_path / "in", 4), tmp_path / "out")
    assert queue.counts().running == 1
    queue.workers = 3
    assert queue.counts().running == 3
    backend.gate.set()
    await queue.wait_idle()
    assert queue.counts().done == 4
    await queue.aclose()
    store.close()
