"""The live protect queue on a real LocalBackend and a temporary job store: concurrency, cancel before and
during work, retry."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

from tests.conftest import CORPUS
from tests.expect import present
from trustnxt_desktop.domain.jobs import JobState
from trustnxt_desktop.domain.protect import ProtectOptions
from trustnxt_desktop.services.account.settings import Settings
from trustnxt_desktop.services.backends.local import LocalBackend
from trustnxt_desktop.services.jobs.protect_queue import ProtectQueue
from trustnxt_desktop.services.jobs.store import JobStore


async def test_queue_runs_cancels_and_retries(home: Path, secret_store, tmp_path: Path) -> None:
    backend = LocalBackend(home, secret_store, Settings())
    changes: list[tuple[int, JobState]] = []
    store = JobStore(tmp_path / "store")
    queue = ProtectQueue(lambda: backend, ProtectOptions, 2, lambda job: changes.append((job.id, job.state)),
                         store=store)
    sources = []
    for i in range(6):
        src = tmp_path / f"p{i}.jpg"
        shutil.copy(CORPUS / "media" / "trustnxt-icon.jpg", src)
        sources.append(src)
    jobs = await queue.add([(s, tmp_path / "out") for s in sources])
    assert queue.counts().running == 2 and queue.counts().waiting == 4
    queue.cancel(jobs[5].id)  # waiting: cancelled at once
    assert jobs[5].state is JobState.CANCELLED
    queue.cancel(jobs[0].id)  # running (or about to): must end cancelled, not stuck
    await queue.wait_idle()
    assert jobs[0].state is JobState.CANCELLED
    assert [j.state for j in jobs[1:5]] == [JobState.DONE] * 4
    assert not (tmp_path / "out" / "p0.protected.jpg").exists()
    assert len(await queue.retry()) == 2
    await queue.wait_idle()
    assert queue.counts().done == 6 and len(list((tmp_path / "out").glob("*.jpg"))) == 6
    assert (jobs[0].id, JobState.PROTECTING) in changes
    await queue.aclose()
    await backend.aclose()
    store.close()


async def test_a_broken_backend_fails_the_job_not_the_queue(tmp_path: Path) -> None:
    class Broken:
        async def protect(self, src, options, *, idempotency_key=None):
            await asyncio.sleep(0)
            raise RuntimeError("disk on fire")

    store = JobStore(tmp_path / "store")
    queue = ProtectQueue(lambda: Broken(), ProtectOptions, 1, store=store)
    (tmp_path / "x.jpg").write_bytes(b"\xff\xd8 a photo")
    (job,) = await queue.add([(tmp_path / "x.jpg", None)])
    await queue.wait_idle()
    assert job.state is JobState.FAILED and "disk on fire" in job.message
    assert present(store.job(job.id)).state is JobState.FAILED
    await queue.aclose()
    store.close()
