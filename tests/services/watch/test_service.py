"""Watch folders on a real LocalBackend and a temporary job store: files that arrive whole, slowly, or renamed
into place are protected once each; a restart takes up what was left and duplicates nothing."""

from __future__ import annotations

import asyncio
import shutil
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from tests.conftest import CORPUS
from trustnxt_desktop.domain.jobs import JobState
from trustnxt_desktop.domain.protect import ProtectOptions
from trustnxt_desktop.domain.report import Verdict
from trustnxt_desktop.services.account.settings import Settings
from trustnxt_desktop.services.backends.local import LocalBackend
from trustnxt_desktop.services.jobs.store import JobStore
from trustnxt_desktop.services.watch.folders import WatchFolder
from trustnxt_desktop.services.watch.service import BatchFinished, WatchService

PHOTO = CORPUS / "media" / "trustnxt-icon.jpg"


@pytest.fixture
async def backend(home: Path, secret_store) -> AsyncIterator[LocalBackend]:
    engine = LocalBackend(home, secret_store, Settings())
    yield engine
    await engine.aclose()


@pytest.fixture
async def watcher(backend: LocalBackend) -> AsyncIterator[Callable[..., WatchService]]:
    """Makes watch services; those a test leaves open (it failed) are closed before the backend."""
    made: list[WatchService] = []

    def make(store: JobStore, finished: list[BatchFinished] | None = None, settle: float = 0.4) -> WatchService:
        service = WatchService(store, lambda: backend, ProtectOptions, 2, settle=settle, tick=0.1,
                               on_finished=finished.append if finished is not None else None)
        made.append(service)
        return service

    yield make
    for service in made:
        await service.aclose()


async def until(condition: Callable[[], bool], seconds: float = 30.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.05)


def outputs(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file())


async def test_new_files_are_protected_into_the_output_folder_once(backend, watcher, tmp_path: Path) -> None:
    inbox, out = tmp_path / "in", tmp_path / "out"
    (inbox / "day1").mkdir(parents=True)
    shutil.copy(PHOTO, inbox / "before.jpg")  # there before watching starts: found by the first scan
    store = JobStore(tmp_path / "store")
    finished: list[BatchFinished] = []
    service = watcher(store, finished)
    await service.start([WatchFolder(inbox, out)])
    shutil.copy(PHOTO, inbox / "day1" / "a.jpg")
    (inbox / "notes.txt").write_text("not media")
    (inbox / ".hidden.jpg").write_bytes(PHOTO.read_bytes())
    shutil.copy(PHOTO, inbox / "x.protected.jpg")  # looks like a protected copy: never protected again
    await service.wait_settled()
    assert [p.relative_to(out).as_posix() for p in outputs(out)] == ["before.protected.jpg",
                                                                    "day1/a.protected.jpg"]
    for output in outputs(out):
        assert (await backend.inspect(output)).verdict in (Verdict.VALID, Verdict.TRUSTED)
    await until(lambda: sum(f.done for f in finished) == 2)
    assert finished[-1].failed == 0 and str(inbox) in finished[-1].text
    # Nothing is queued twice: a rescan finds the same files as they were.
    service._rescan_due = True
    service._wake.set()
    await asyncio.sleep(0.5)
    await service.wait_settled()
    assert len(outputs(out)) == 2 and len(store.jobs()) == 2
    await service.aclose()
    store.close()


async def test_a_file_written_slowly_is_taken_only_when_complete(backend, watcher, tmp_path: Path) -> None:
    inbox, out = tmp_path / "in", tmp_path / "out"
    inbox.mkdir()
    store = JobStore(tmp_path / "store")
    service = watcher(store, settle=0.3)
    await service.start([WatchFolder(inbox, out)])
    data = PHOTO.read_bytes()
    target = inbox / "slow.jpg"
    with target.open("wb") as f:  # open for writing the whole time, with pauses longer than `settle`
        for start in range(0, len(data), len(data) // 4 + 1):
            f.write(data[start:start + len(data) // 4 + 1])
            f.flush()
            await asyncio.sleep(0.6)
            assert store.jobs() == [], "queued while a process was still writing it"
    await service.wait_settled()
    (job,) = store.jobs()
    assert job.state is JobState.DONE and job.fingerprint is not None and job.fingerprint.size == len(data)
    assert job.output is not None and (await backend.inspect(job.output)).verdict in (Verdict.VALID, Verdict.TRUSTED)
    await service.aclose()
    store.close()


async def test_a_file_renamed_into_place_is_protected_under_its_final_name(backend, watcher, tmp_path: Path) -> None:
    inbox, out = tmp_path / "in", tmp_path / "out"
    inbox.mkdir()
    store = JobStore(tmp_path / "store")
    service = watcher(store)
    await service.start([WatchFolder(inbox, out)])
    partial = inbox / "upload.jpg.part"
    partial.write_bytes(PHOTO.read_bytes())
    await asyncio.sleep(0.8)
    assert store.jobs() == []  # a temporary name is never taken
    partial.rename(inbox / "upload.jpg")
    await until(lambda: len(store.jobs()) == 1)
    await service.wait_settled()
    assert [p.name for p in outputs(out)] == ["upload.protected.jpg"]
    await service.aclose()
    store.close()


async def test_a_restart_takes_up_unfinished_jobs_and_duplicates_nothing(backend, watcher, tmp_path: Path) -> None:
    inbox, out = tmp_path / "in", tmp_path / "out"
    inbox.mkdir()
    for i in range(8):
        shutil.copy(PHOTO, inbox / f"p{i}.jpg")
    store = JobStore(tmp_path / "store")
    first = watcher(store)
    await first.start([WatchFolder(inbox, out)])
    await until(lambda: len(store.jobs()) == 8)
    await first.aclose()  # quit mid-batch: running jobs are suspended, the rest wait in the store
    left = [j for j in store.jobs() if not j.state.finished]
    second = watcher(store)
    taken = await second.start([WatchFolder(inbox, out)])
    assert {j.id for j in taken} == {j.id for j in left}
    await second.wait_settled()
    assert len(outputs(out)) == 8 and len(store.jobs()) == 8
    assert all(j.state is JobState.DONE for j in store.jobs())
    await second.aclose()
    # A third run finds everything known: nothing new is queued or written.
    third = watcher(store)
    assert await third.start([WatchFolder(inbox, out)]) == []
    await third.wait_settled()
    assert len(outputs(out)) == 8 and len(store.jobs()) == 8
    await third.aclose()
    store.close()


async def test_a_changed_file_is_new_content_and_protected_again(backend, watcher, tmp_path: Path) -> None:
    inbox, out = tmp_path / "in", tmp_path / "out"
    inbox.mkdir()
    shutil.copy(PHOTO, inbox / "a.jpg")
    store = JobStore(tmp_path / "store")
    service = watcher(store)
    await service.start([WatchFolder(inbox, out)])
    await service.wait_settled()
    shutil.copy(CORPUS / "media" / "no_manifest.jpg", inbox / "a.jpg")
    service._rescan_due = True
    await service.wait_settled()
    assert [p.name for p in outputs(out)] == ["a.protected (2).jpg", "a.protected.jpg"]
    await service.aclose()
    store.close()


async def test_a_folder_is_watched_by_one_process_at_a_time(backend, watcher, tmp_path: Path) -> None:
    inbox, out = tmp_path / "in", tmp_path / "out"
    inbox.mkdir()
    shutil.copy(PHOTO, inbox / "a.jpg")
    store = JobStore(tmp_path / "store")
    first = watcher(store)
    await first.start([WatchFolder(inbox, out)])
    await first.wait_settled()
    other = JobStore(tmp_path / "store")  # as another process would open it
    second = watcher(other)
    await second.start([WatchFolder(inbox, out)])
    (state,) = second.states()
    assert not state.watching and state.problem and "Another TrustNXT process" in state.problem
    await second.aclose()
    await first.aclose()
    store.close()
    other.close()


async def test_folders_that_cannot_be_watched_say_why(backend, watcher, tmp_path: Path) -> None:
    store = JobStore(tmp_path / "store")
    service = watcher(store)
    (tmp_path / "in").mkdir()
    await service.start([WatchFolder(tmp_path / "missing", tmp_path / "out"),
                         WatchFolder(tmp_path / "in", tmp_path / "in")])
    problems = {s.folder.folder.name: s.problem for s in service.states()}
    assert problems["missing"] is not None and "does not exist" in problems["missing"]
    assert problems["in"] is not None and "own output folder" in problems["in"]
    assert not any(s.watching for s in service.states())
    await service.aclose()
    store.close()


async def test_a_folders_options_are_the_jobs_options(backend, watcher, tmp_path: Path) -> None:
    inbox, out = tmp_path / "in", tmp_path / "out"
    inbox.mkdir()
    shutil.copy(PHOTO, inbox / "a.jpg")
    store = JobStore(tmp_path / "store")
    service = watcher(store)
    await service.start([WatchFolder(inbox, out, {"content_source": "edited", "thumbnail_edge": 0})])
    await service.wait_settled()
    (job,) = service.items
    options = service._job_options(job)
    assert options.content_source.value == "edited" and options.thumbnail_edge == 0 and options.out_dir == out
    report = await backend.inspect(out / "a.protected.jpg")
    assert any("humanEdits" in (a.digital_source_type or "") for a in report.actions)
    await service.aclose()
    store.close()
