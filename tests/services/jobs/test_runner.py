"""services/jobs/runner.py: one attempt of one stored protect job, with the real local engine: staged in a
hidden folder inside the output folder, published under a name that replaces nothing, and every way it can
fail recorded as that job's clear error (or, for what every file would hit, the job put back in the queue).
A crash at each instant of an attempt is in tests/services/jobs/test_store.py and tests/reliability."""

from __future__ import annotations

import asyncio
import hashlib
import os
import shutil
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from tests.conftest import CORPUS
from tests.secrets import MemorySecretStore
from tests.small_disk import remount, tmpfs
from trustnxt_desktop.domain.errors import IdentityError
from trustnxt_desktop.domain.jobs import JobState
from trustnxt_desktop.domain.protect import ProtectOptions, ProtectResult, ProtectStatus
from trustnxt_desktop.domain.report import Verdict
from trustnxt_desktop.engine.identity import IdentityStore
from trustnxt_desktop.services.account.settings import Settings
from trustnxt_desktop.services.backends.local import LocalBackend
from trustnxt_desktop.services.jobs.runner import STAGING_PREFIX, result_of, run_protect_job, staging_dir
from trustnxt_desktop.services.jobs.store import JobRecord, JobStore


class Watching(LocalBackend):
    """The local engine, with what the runner asked of it noted: the folder it was told to write into, the
    idempotency key, and what the output folder held at that moment. `hold`: wait there until cancelled."""

    def __init__(self, root: Path, secrets: MemorySecretStore, settings: Settings) -> None:
        super().__init__(root, secrets, settings)
        self.calls: list[tuple[Path | None, str | None, list[str]]] = []
        self.hold = False
        self.entered = asyncio.Event()

    async def protect(self, src: Path, options: ProtectOptions, *,
                      idempotency_key: str | None = None) -> ProtectResult:
        folder = options.out_dir
        seen = sorted(p.name for p in folder.parent.iterdir()) if folder is not None else []
        self.calls.append((folder, idempotency_key, seen))
        self.entered.set()
        if self.hold:
            await asyncio.Event().wait()  # until the job is cancelled
        return await super().protect(src, options, idempotency_key=idempotency_key)


@pytest.fixture
async def engine(home: Path, memory_secrets: MemorySecretStore) -> AsyncIterator[Watching]:
    backend = Watching(home, memory_secrets, Settings(display_name="Runner Test"))
    try:
        yield backend
    finally:
        await backend.aclose()


class Journalling(JobStore):
    """The real store, noting each journal write of an attempt and whether its file existed at that moment."""

    def __init__(self, root: Path) -> None:
        super().__init__(root)
        self.journal: list[tuple[str, Path, bool]] = []

    def set_staged(self, job_id: int, staged: Path, sha256: str, *, media_type: str | None, engine: str,
                   warnings: list[str]) -> None:
        self.journal.append(("staged", staged, staged.is_file() and sha(staged) == sha256))
        super().set_staged(job_id, staged, sha256, media_type=media_type, engine=engine, warnings=warnings)

    def set_intended(self, job_id: int, final: Path) -> None:
        self.journal.append(("intended", final, final.exists()))
        super().set_intended(job_id, final)


@pytest.fixture
def store(home: Path) -> Iterator[Journalling]:
    jobs = Journalling(home)
    try:
        yield jobs
    finally:
        jobs.close()


def queued(store: JobStore, source: Path, out: Path | None) -> JobRecord:
    (job,) = store.add_jobs(store.create_batch(backend="local").id, [(source, out)])
    return job


def photo(folder: Path, name: str = "p.jpg", original: str = "trustnxt-icon.jpg") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    return Path(shutil.copy(CORPUS / "media" / original, folder / name))


def hidden(folder: Path) -> list[str]:
    return [p.name for p in folder.rglob(".*")] if folder.exists() else []


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def stored(store: JobStore, job: JobRecord) -> JobRecord:
    found = store.job(job.id)
    assert found is not None
    return found


async def test_a_job_is_staged_in_a_hidden_folder_then_published_and_recorded(
        store: Journalling, engine: Watching, tmp_path: Path) -> None:
    src, out = photo(tmp_path / "in"), tmp_path / "out"
    job = queued(store, src, out)
    result = await run_protect_job(store, engine, job, ProtectOptions())
    assert result.status is ProtectStatus.DONE and result.output == out / "p.protected.jpg" and result.error is None
    ((folder, key, seen),) = engine.calls
    assert folder == staging_dir(job) and folder.parent == out and folder.name.startswith(STAGING_PREFIX)
    assert seen == [folder.name], "the engine writes into the job's own hidden folder, inside the output folder"
    assert key == job.idempotency_key
    assert sorted(p.name for p in out.iterdir()) == ["p.protected.jpg"], "the staging folder is gone"
    record = stored(store, job)
    assert (record.state, record.output, record.attempts) == (JobState.DONE, result.output, 1)
    assert store.journal == [("staged", folder / "p.protected.jpg", True), ("intended", result.output, False)], \
        "the staged copy's hash, then its final name, are journalled before the name is taken"
    assert (record.staging, record.staged, record.staged_sha256, record.intended) == (None,) * 4, "then cleared"
    assert record.seconds is not None and record.seconds > 0 and record.media_type == "image/jpeg"
    assert result.fingerprints and result.manifest_store, "the live result hands the repository its record"
    assert result_of(record) == result, "the recorded result is the live one (the repository's record aside)"
    assert (await engine.inspect(result.output)).verdict is Verdict.TRUSTED
    assert src.read_bytes() == (CORPUS / "media" / "trustnxt-icon.jpg").read_bytes(), "the original untouched"


async def test_without_an_output_folder_the_copy_goes_next_to_the_original(
        store: JobStore, engine: Watching, tmp_path: Path) -> None:
    src = photo(tmp_path / "in")
    result = await run_protect_job(store, engine, queued(store, src, None), ProtectOptions())
    assert result.output == src.with_name("p.protected.jpg")
    assert sorted(p.name for p in src.parent.iterdir()) == ["p.jpg", "p.protected.jpg"]


async def test_a_name_already_taken_is_never_replaced(store: Journalling, engine: Watching, tmp_path: Path) -> None:
    src, out = photo(tmp_path / "in"), tmp_path / "out"
    out.mkdir()
    (out / "p.protected.jpg").write_bytes(b"someone else's file")
    result = await run_protect_job(store, engine, queued(store, src, out), ProtectOptions())
    assert result.status is ProtectStatus.DONE and result.output is not None
    assert result.output.parent == out and result.output.name != "p.protected.jpg"
    assert (out / "p.protected.jpg").read_bytes() == b"someone else's file"
    assert [path for step, path, _ in store.journal if step == "intended"] == [result.output], \
        "a name already taken is not even journalled"
    assert not hidden(out)


async def test_a_source_that_is_gone_or_unreadable_fails_before_the_engine_is_asked(
        store: JobStore, engine: Watching, tmp_path: Path) -> None:
    gone, out = photo(tmp_path / "in", "gone.jpg"), tmp_path / "out"
    dangling = tmp_path / "in" / "link.jpg"
    dangling.symlink_to(tmp_path / "in" / "nowhere.jpg")
    jobs = [queued(store, gone, out), queued(store, dangling, out)]
    gone.unlink()
    results = [await run_protect_job(store, engine, job, ProtectOptions()) for job in jobs]
    assert [(r.status, r.error) for r in results] == [
        (ProtectStatus.FAILED, "The file no longer exists."), (ProtectStatus.FAILED, "The file cannot be read.")]
    assert engine.calls == [] and not out.exists()
    assert [stored(store, j).state for j in jobs] == [JobState.FAILED, JobState.FAILED]


async def test_a_file_the_engine_does_not_protect_is_skipped_and_leaves_nothing(
        store: JobStore, engine: Watching, tmp_path: Path) -> None:
    src, out = tmp_path / "notes.txt", tmp_path / "out"
    shutil.copy(CORPUS / "hostile" / "unsupported_type.txt", src)
    job = queued(store, src, out)
    result = await run_protect_job(store, engine, job, ProtectOptions())
    assert result.status is ProtectStatus.SKIPPED and result.output is None and result.error
    assert len(engine.calls) == 1 and not hidden(out)
    assert (stored(store, job).state, stored(store, job).error) == (JobState.SKIPPED, result.error)


async def test_an_output_folder_that_cannot_be_made_is_the_jobs_clear_error(
        store: JobStore, engine: Watching, tmp_path: Path) -> None:
    src = photo(tmp_path / "in")
    (tmp_path / "a-file").write_bytes(b"not a folder")
    out = tmp_path / "a-file" / "out"
    result = await run_protect_job(store, engine, queued(store, src, out), ProtectOptions())
    assert result.status is ProtectStatus.FAILED and engine.calls == []
    assert result.error == f"Could not write to the output folder {out}: Not a directory"
    assert (tmp_path / "a-file").read_bytes() == b"not a folder"


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    with tmpfs(tmp_path / "small-disk", "128k") as folder:
        yield folder


async def test_a_full_disk_is_named_as_such_and_a_retry_after_freeing_space_finishes(
        store: JobStore, engine: Watching, tmp_path: Path, small_disk: Path) -> None:
    src = photo(tmp_path / "in", original="P1000827.jpg")
    assert src.stat().st_size > 128 * 1024, "the copy cannot fit"
    out = small_disk / "out"
    job = queued(store, src, out)
    result = await run_protect_job(store, engine, job, ProtectOptions())
    assert result.status is ProtectStatus.FAILED
    assert result.error == (f"The output folder {out} is full (no space left on the disk); "
                            "free some space and retry.")
    assert not hidden(small_disk), "no staging folder or partial copy is left on the full disk"
    assert stored(store, job).error == result.error
    remount(small_disk, "size=4m")
    (again,) = store.requeue([job.id])
    done = await run_protect_job(store, engine, again, ProtectOptions())
    assert done.status is ProtectStatus.DONE and done.output == out / "p.protected.jpg"
    assert stored(store, job).attempts == 2 and not hidden(small_disk)


async def test_a_read_only_output_folder_is_the_jobs_clear_error(
        store: JobStore, engine: Watching, tmp_path: Path, small_disk: Path) -> None:
    out = small_disk / "out"
    out.mkdir()
    remount(small_disk, "ro")
    try:
        result = await run_protect_job(store, engine, queued(store, photo(tmp_path / "in"), out), ProtectOptions())
    finally:
        remount(small_disk, "rw")
    assert result.status is ProtectStatus.FAILED and engine.calls == []
    assert result.error == (f"Cannot write to the output folder {out} (Read-only file system); "
                            "choose another folder or retry.")
    assert os.listdir(out) == []


async def test_a_problem_every_file_would_hit_puts_the_job_back_and_stops(
        home: Path, store: JobStore, tmp_path: Path) -> None:
    IdentityStore(home, MemorySecretStore()).create("Someone")  # its passphrase is in another keyring
    engine = Watching(home, MemorySecretStore(), Settings())
    src, out = photo(tmp_path / "in"), tmp_path / "out"
    job = queued(store, src, out)
    try:
        with pytest.raises(IdentityError, match="passphrase of your signing key is missing"):
            await run_protect_job(store, engine, job, ProtectOptions())
    finally:
        await engine.aclose()
    record = stored(store, job)
    assert (record.state, record.error) == (JobState.WAITING, None), "queued again for a later resume"
    assert not hidden(out)


async def test_a_cancelled_attempt_puts_the_job_back_and_the_next_one_finishes(
        store: JobStore, engine: Watching, tmp_path: Path) -> None:
    src, out = photo(tmp_path / "in"), tmp_path / "out"
    job = queued(store, src, out)
    engine.hold = True
    attempt = asyncio.create_task(run_protect_job(store, engine, job, ProtectOptions()))
    await engine.entered.wait()
    assert stored(store, job).state is JobState.PROTECTING and staging_dir(job).is_dir()
    attempt.cancel()
    with pytest.raises(asyncio.CancelledError):
        await attempt
    assert stored(store, job).state is JobState.WAITING and not hidden(out)
    engine.hold = False
    result = await run_protect_job(store, engine, stored(store, job), ProtectOptions())
    assert result.status is ProtectStatus.DONE and sorted(os.listdir(out)) == ["p.protected.jpg"]
    assert [key for _, key, _ in engine.calls] == [job.idempotency_key] * 2, "one key for every attempt"


class Breaks(Watching):
    async def protect(self, src: Path, options: ProtectOptions, *,
                      idempotency_key: str | None = None) -> ProtectResult:
        await super().protect(src, options, idempotency_key=idempotency_key)
        raise RuntimeError("the engine fell over")


async def test_an_unexpected_error_is_that_jobs_failure(
        home: Path, memory_secrets: MemorySecretStore, store: JobStore, tmp_path: Path) -> None:
    engine = Breaks(home, memory_secrets, Settings())
    src, out = photo(tmp_path / "in"), tmp_path / "out"
    job = queued(store, src, out)
    try:
        result = await run_protect_job(store, engine, job, ProtectOptions())
    finally:
        await engine.aclose()
    assert (result.status, result.error) == (ProtectStatus.FAILED, "the engine fell over")
    assert stored(store, job).state is JobState.FAILED and not hidden(out)


def test_an_unfinished_job_reads_as_not_finished_yet(store: JobStore, tmp_path: Path) -> None:
    job = queued(store, photo(tmp_path / "in"), tmp_path / "out")
    result = result_of(job)
    assert (result.status, result.error, result.output) == (
        ProtectStatus.FAILED, "Not finished yet; run it again to continue.", None)
