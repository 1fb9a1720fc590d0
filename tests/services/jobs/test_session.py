"""The batch-session helper: one origin's batches created, locked, resumed, pruned and released."""

from __future__ import annotations

from pathlib import Path

from trustnxt_desktop.domain.jobs import JobState
from trustnxt_desktop.services.jobs.session import BatchSession
from trustnxt_desktop.services.jobs.store import JobStore


def test_a_created_batch_is_held_until_released(tmp_path: Path) -> None:
    store, other = JobStore(tmp_path), JobStore(tmp_path)  # `other`: as another process sees the store
    session = BatchSession(store, "protect", "cli")
    batch = session.create(backend="local", options={"content_source": "ai"})
    assert (batch.kind, batch.origin, batch.backend, batch.options) == ("protect", "cli", "local",
                                                                        {"content_source": "ai"})
    assert session.held == {batch.id}
    assert other.lock_batch(batch.id) is None, "another process cannot take a batch a session holds"
    assert session.lock(batch.id), "taking a batch it already holds again is a no-op"
    session.release()
    assert session.held == frozenset()
    lock = other.lock_batch(batch.id)
    assert lock is not None, "released: the next process may take it"
    lock.close()
    store.close()
    other.close()


def test_resume_takes_up_unfinished_batches_of_its_origin_oldest_first(tmp_path: Path) -> None:
    store = JobStore(tmp_path)
    first = store.create_batch("protect", "gui")
    second = store.create_batch("protect", "gui")
    done = store.create_batch("protect", "gui")
    elsewhere = store.create_batch("protect", "cli")
    a, b = store.add_jobs(first.id, [(tmp_path / "a.jpg", None), (tmp_path / "b.jpg", None)])
    store.finish(a.id, JobState.DONE)
    store.start(b.id)  # interrupted mid-protect
    (c,) = store.add_jobs(second.id, [(tmp_path / "c.jpg", None)])
    (d,) = store.add_jobs(done.id, [(tmp_path / "d.jpg", None)])
    store.finish(d.id, JobState.FAILED, error="no")
    store.add_jobs(elsewhere.id, [(tmp_path / "e.jpg", None)])
    busy = JobStore(tmp_path).lock_batch(second.id)  # another living process works on it
    assert busy is not None

    session = BatchSession(store, "protect", "gui")
    taken = session.resume()
    assert [(batch.id, [r.id for r in records]) for batch, records in taken] == [(first.id, [b.id])]
    assert session.held == {first.id}
    assert session.resume() == [], "a batch already taken up is not taken up twice"
    busy.close()
    assert [(batch.id, [r.id for r in records]) for batch, records in session.resume()] == [(second.id, [c.id])]
    assert session.last_unfinished() == second
    session.release()
    store.close()


def test_prune_keeps_the_newest_finished_batches_and_any_another_process_holds(tmp_path: Path) -> None:
    store = JobStore(tmp_path)
    session = BatchSession(store, "protect", "cli")
    batches = [store.create_batch("protect", "cli") for _ in range(5)]
    for batch in batches:
        (job,) = store.add_jobs(batch.id, [(tmp_path / f"{batch.id}.jpg", None)])
        store.finish(job.id, JobState.DONE)
    (waiting,) = store.add_jobs(batches[0].id, [(tmp_path / "later.jpg", None)])  # unfinished: never pruned
    held = JobStore(tmp_path).lock_batch(batches[1].id)
    assert held is not None
    gone = session.prune(keep=2)
    assert gone == [batches[2].id], "the two newest finished stay; the held one and the unfinished one too"
    assert [s.batch.id for s in store.batches()] == [b.id for b in reversed(batches) if b.id != batches[2].id]
    assert store.job(waiting.id) is not None
    held.close()
    assert session.prune(keep=0, finished=[batches[1].id]) == [batches[1].id], "an explicit list of finished ones"
    assert session.held == frozenset(), "a pruned batch is not held afterwards"
    store.close()
