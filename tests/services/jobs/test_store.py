"""The persistent job store and the crash-safe job runner: every instant of a crash is recoverable."""

from __future__ import annotations

import asyncio
import hashlib
import os
import shutil
from pathlib import Path

import pytest

from tests.conftest import CORPUS
from tests.damaged_files import SQLITE_DAMAGE, damage_sqlite, set_aside_copies
from tests.expect import present
from trustnxt_desktop.domain.protect import ProtectOptions, ProtectResult, ProtectStatus
from trustnxt_desktop.runtime.atomic import PARTIAL_SUFFIX
from trustnxt_desktop.services.account.settings import Settings
from trustnxt_desktop.services.backends.local import LocalBackend
from trustnxt_desktop.services.backends.protocol import Backend
from trustnxt_desktop.services.jobs.protect_queue import ProtectQueue
from trustnxt_desktop.services.jobs.runner import STAGING_PREFIX, run_protect_job, staging_dir
from trustnxt_desktop.services.jobs.store import (
    DB_NAME,
    JobRecord,
    JobState,
    JobStore,
    options_from_json,
    options_to_json,
)
from trustnxt_desktop.services.store_health import take_notices


class Counting:
    """A backend wrapper that counts protect calls and remembers the idempotency keys it was given."""

    def __init__(self, inner: Backend) -> None:
        self.inner, self.calls, self.keys = inner, 0, list[str | None]()

    async def protect(self, src: Path, options: ProtectOptions, *, idempotency_key: str | None = None) -> ProtectResult:
        self.calls += 1
        self.keys.append(idempotency_key)
        return await self.inner.protect(src, options, idempotency_key=idempotency_key)


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def photos(folder: Path, n: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for i in range(n):
        out.append(folder / f"p{i}.jpg")
        shutil.copy(CORPUS / "media" / "trustnxt-icon.jpg", out[-1])
    return out


def interrupted_job(store: JobStore, tmp_path: Path) -> tuple[Path, Path, JobRecord, Path]:
    """One job, started and given its staging folder, as a crash would leave it: (source, out, job, staging)."""
    (src,) = photos(tmp_path / "in", 1)
    out = tmp_path / "out"
    (job,) = store.add_jobs(store.create_batch().id, [(src, out)])
    store.start(job.id)
    staging = staging_dir(job)
    store.set_staging(job.id, staging)
    return src, out, job, staging


def everything(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


async def test_a_crash_between_publishing_and_done_is_recognised_not_redone(home: Path, secret_store,
                                                                            tmp_path: Path) -> None:
    store = JobStore(home)
    backend = Counting(LocalBackend(home, secret_store, Settings()))
    (src,) = photos(tmp_path / "in", 1)
    out = tmp_path / "out"
    batch = store.create_batch()
    (job,) = store.add_jobs(batch.id, [(src, out)])
    first = await run_protect_job(store, backend, job, ProtectOptions())
    assert first.status is ProtectStatus.DONE and first.output == out / "p0.protected.jpg"
    # The journal as it stood just after the link, before "done" reached the disk:
    store.start(job.id)
    store._update(job.id, staged=str(staging_dir(job) / "p0.protected.jpg"), staged_sha256=sha(first.output),
                  intended=str(first.output), output=None)
    again = await run_protect_job(store, backend, present(store.job(job.id)), ProtectOptions())
    assert again.status is ProtectStatus.DONE and again.output == first.output
    assert backend.calls == 1, "recognised as published: not protected a second time"
    assert everything(out) == ["p0.protected.jpg"]
    assert present(store.job(job.id)).state is JobState.DONE
    await backend.inner.aclose()
    store.close()


async def test_a_crash_after_staging_publishes_the_staged_copy(home: Path, secret_store, tmp_path: Path) -> None:
    store = JobStore(home)
    local = LocalBackend(home, secret_store, Settings())
    backend = Counting(local)
    src, out, job, staging = interrupted_job(store, tmp_path)
    staged = (await local.protect(src, ProtectOptions(out_dir=staging))).output
    assert staged is not None
    digest = sha(staged)
    store.set_staged(job.id, staged, digest, media_type="image/jpeg", engine="local", warnings=[])
    result = await run_protect_job(store, backend, present(store.job(job.id)), ProtectOptions())
    assert result.status is ProtectStatus.DONE and backend.calls == 0
    assert everything(out) == ["p0.protected.jpg"], "published under its name; the staging folder is gone"
    assert sha(out / "p0.protected.jpg") == digest, "the very copy that was staged"
    await local.aclose()
    store.close()


async def test_an_interrupted_attempt_is_swept_and_redone(home: Path, secret_store, tmp_path: Path) -> None:
    store = JobStore(home)
    backend = Counting(LocalBackend(home, secret_store, Settings()))
    src, out, job, staging = interrupted_job(store, tmp_path)
    staging.mkdir(parents=True)
    (staging / f".p0.jpg.1234{PARTIAL_SUFFIX}").write_bytes(b"half a file")  # killed mid-write
    result = await run_protect_job(store, backend, present(store.job(job.id)), ProtectOptions())
    assert result.status is ProtectStatus.DONE and backend.calls == 1
    assert everything(out) == ["p0.protected.jpg"]
    assert present(store.job(job.id)).attempts == 2
    await backend.inner.aclose()
    store.close()


async def test_changed_or_vanished_sources_fail_clearly_and_retry_takes_the_file_as_it_is(
        home: Path, secret_store, tmp_path: Path) -> None:
    store = JobStore(home)
    backend = Counting(LocalBackend(home, secret_store, Settings()))
    a, b, c = photos(tmp_path / "in", 3)
    out = tmp_path / "out"
    jobs = store.add_jobs(store.create_batch().id, [(a, out), (b, out), (c, out)])
    keys = [j.idempotency_key for j in jobs]
    b.unlink()
    with open(c, "ab") as f:  # edited after it was queued
        f.write(b"\0")
    os.utime(c, ns=(c.stat().st_atime_ns, c.stat().st_mtime_ns + 10_000_000))
    results = [await run_protect_job(store, backend, j, ProtectOptions()) for j in jobs]
    assert [r.status for r in results] == [ProtectStatus.DONE, ProtectStatus.FAILED, ProtectStatus.FAILED]
    assert results[1].error == "The file no longer exists."
    assert "changed after it was queued" in (results[2].error or "")
    assert everything(out) == ["p0.protected.jpg"], "nothing partial for the failed ones"
    assert backend.calls == 1, "a vanished or changed source is never sent to the backend"
    shutil.copy(a, b)
    again = store.requeue([jobs[1].id, jobs[2].id])
    assert again[0].idempotency_key != keys[1] and again[1].idempotency_key != keys[2], \
        "a changed source must not replay the old content's answer"
    assert store.requeue([jobs[0].id]) == [], "a done job is not requeued"
    results = [await run_protect_job(store, backend, j, ProtectOptions()) for j in again]
    assert [r.status for r in results] == [ProtectStatus.DONE, ProtectStatus.DONE]
    assert everything(out) == ["p0.protected.jpg", "p1.protected.jpg", "p2.protected.jpg"]
    await backend.inner.aclose()
    store.close()


async def test_every_attempt_of_a_job_uses_its_one_idempotency_key(tmp_path: Path) -> None:
    store = JobStore(tmp_path / "home")
    (src,) = photos(tmp_path / "in", 1)

    class Flaky:
        keys: list[str | None] = []

        async def protect(self, src: Path, options: ProtectOptions, *,
                          idempotency_key: str | None = None) -> ProtectResult:
            self.keys.append(idempotency_key)
            return ProtectResult(src, ProtectStatus.FAILED, error="The connection to the TrustNXT service broke off.")

    flaky = Flaky()
    (job,) = store.add_jobs(store.create_batch(backend="cloud").id, [(src, tmp_path / "out")])
    await run_protect_job(store, flaky, job, ProtectOptions())
    reopened = JobStore(tmp_path / "home")  # as after a restart
    (again,) = reopened.requeue([job.id])
    await run_protect_job(reopened, flaky, again, ProtectOptions())
    assert flaky.keys == [job.idempotency_key] * 2 and job.idempotency_key.startswith("tnxt-job-")
    assert not (tmp_path / "out").exists() or not [p for p in (tmp_path / "out").iterdir()
                                                     if p.name.startswith(STAGING_PREFIX)]
    store.close()
    reopened.close()


def test_options_round_trip_and_batch_listing(tmp_path: Path) -> None:
    store = JobStore(tmp_path)
    options = ProtectOptions(thumbnail_edge=256, author="A. Person", do_not_train=False, tsa_url=None)
    batch = store.create_batch("protect", "cli", backend="local", options=options_to_json(options))
    store.add_jobs(batch.id, [(tmp_path / "a.jpg", None), (tmp_path / "b.jpg", tmp_path / "o")])
    assert options_from_json(present(store.batch(batch.id)).options) == options
    (summary,) = store.batches()
    assert summary.total == 2 and summary.unfinished == 2
    assert store.last_unfinished_batch() == batch
    lock = store.lock_batch(batch.id)
    assert lock is not None and JobStore(tmp_path).lock_batch(batch.id) is None, "one process per batch"
    lock.close()
    assert store.lock_batch(batch.id) is not None


async def test_persistent_queue_survives_a_restart(home: Path, secret_store, tmp_path: Path) -> None:
    sources = photos(tmp_path / "in", 6)
    out = tmp_path / "out"
    backend = LocalBackend(home, secret_store, Settings())
    store = JobStore(home)
    queue = ProtectQueue(lambda: backend, ProtectOptions, 1, store=store)
    jobs = await queue.add([(s, out) for s in sources])
    assert [j.id for j in jobs] == [r.id for r in store.jobs()], "queue ids are the store's ids"
    queue.cancel(jobs[5].id)
    while queue.counts().done < 2:
        await asyncio.sleep(0.01)
    await queue.aclose()  # the app quits mid-batch: running and waiting jobs stay queued, not cancelled
    states = [r.state for r in store.jobs()]
    assert states.count(JobState.WAITING) >= 2 and states[5] is JobState.CANCELLED
    store.close()

    store = JobStore(home)  # the next start
    changes: list[int] = []
    queue = ProtectQueue(lambda: backend, ProtectOptions, 2, lambda job: changes.append(job.id), store=store)
    resumed = await queue.resume()
    assert {j.id for j in resumed} == {r.id for r in store.jobs() if not r.state.finished}
    await queue.wait_idle()
    assert [r.state for r in store.jobs()] == [JobState.DONE] * 5 + [JobState.CANCELLED]
    assert await queue.retry() == [], "the cancelled job is not in this queue's list; it stays in the store"
    assert len(list(out.glob("*.protected*.jpg"))) == 5 and not list(out.glob(".*"))
    (again,) = await queue.add([(sources[0], out)])  # a file protected again gets a second, numbered copy
    await queue.wait_idle()
    assert present(queue.items[again.id].result).output == out / "p0.protected (2).jpg"
    assert set(queue.remove_finished()) == {j.id for j in resumed} | {again.id}
    await queue.wait_idle()  # the store forgets them in a worker thread
    assert store.job(again.id) is None
    await queue.aclose()
    await backend.aclose()
    store.close()


@pytest.mark.parametrize("kind", SQLITE_DAMAGE)
def test_a_damaged_job_store_is_set_aside_and_a_new_one_started(tmp_path: Path, kind: str) -> None:
    take_notices()
    store = JobStore(tmp_path)
    store.add_jobs(store.create_batch().id, [(tmp_path / f"p{i}.jpg", None) for i in range(400)])
    store.close()
    damage_sqlite(tmp_path / DB_NAME, kind)

    store = JobStore(tmp_path)  # before: sqlite3.DatabaseError, or "unable to open database file"
    try:
        batch = store.create_batch()
        assert [b.batch.id for b in store.batches()] == [batch.id]
    finally:
        store.close()
    notices = take_notices()
    if kind == "zero length":
        assert notices == [] and set_aside_copies(tmp_path / DB_NAME) == []
        return
    (aside,) = set_aside_copies(tmp_path / DB_NAME)
    (notice,) = notices
    assert notice.store == "job queue" and notice.damaged == aside and "cannot be resumed" in notice.text
