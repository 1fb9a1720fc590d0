"""Captures are jobs in the persistent job store: a crash at any point of a capture's protection is
finished at the next start with exactly one protected copy, and the raw file stays private until then."""

from __future__ import annotations

import asyncio
import hashlib
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from tests.conftest import PROJECT
from tests.media_tools import make_jpeg
from trustnxt_desktop.domain.protect import DIGITAL_CAPTURE, ProtectOptions, ProtectResult, ProtectStatus
from trustnxt_desktop.runtime.atomic import PARTIAL_SUFFIX
from trustnxt_desktop.services.account.settings import Settings
from trustnxt_desktop.services.backends.local import LocalBackend
from trustnxt_desktop.services.backends.protocol import Backend
from trustnxt_desktop.services.jobs.capture_queue import CAPTURE, CaptureProtector
from trustnxt_desktop.services.jobs.capture_store import CaptureStore, PendingCapture
from trustnxt_desktop.services.jobs.runner import run_protect_job, staging_dir
from trustnxt_desktop.services.jobs.store import JobState, JobStore


class Counting:
    def __init__(self, inner: Backend) -> None:
        self.inner, self.calls = inner, 0

    async def protect(self, src: Path, options: ProtectOptions, *, idempotency_key: str | None = None) -> ProtectResult:
        self.calls += 1
        return await self.inner.protect(src, options, idempotency_key=idempotency_key)


def capture(captures: CaptureStore, seed: int = 0) -> PendingCapture:
    pending = captures.reserve("photo", ".jpg", "Test camera")
    tmp = captures.pending_dir / f"shot{seed}.tmp"
    make_jpeg(tmp, 320, 200, seed=seed)
    captures.write_raw(pending, tmp.read_bytes())
    tmp.unlink()
    return pending


def outputs(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.is_file())


def hidden(folder: Path) -> list[str]:
    """Anything but the pending folder that is not a published copy: staging folders, partial files."""
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(".") and p.name != ".pending")


def protector(captures: CaptureStore, jobs: JobStore, backend) -> CaptureProtector:
    return CaptureProtector(captures, jobs, lambda: backend, ProtectOptions)


@pytest.fixture
async def setup(home: Path, secret_store, tmp_path: Path):
    """A capture folder, the job store and a local backend that counts its protect calls."""
    captures, jobs = CaptureStore(tmp_path / "captures"), JobStore(home)
    backend = Counting(LocalBackend(home, secret_store, Settings()))
    yield captures, jobs, backend


async def queued_then_stopped(captures: CaptureStore, jobs: JobStore, backend) -> tuple[PendingCapture, int]:
    """A capture whose job is stored, and an app that died before its protection ran."""
    first = protector(captures, jobs, backend)
    pending = capture(captures)
    item = await first.submit(pending)
    await first.aclose()
    return pending, item.job_id


async def test_a_capture_interrupted_mid_protect_is_finished_once_at_the_next_start(
        setup) -> None:
    captures, jobs, backend = setup
    pending, job_id = await queued_then_stopped(captures, jobs, backend)
    # The crash fell mid-protect: the job is marked running, half a copy lies in its staging folder.
    record = jobs.start(job_id)
    staging = staging_dir(record)
    jobs.set_staging(record.id, staging)
    staging.mkdir(parents=True)
    (staging / f".{pending.raw.name}.99{PARTIAL_SUFFIX}").write_bytes(b"half a photo")
    assert pending.raw.is_file(), "the raw capture waits in the private folder"

    second = protector(captures, jobs, backend)  # the next start
    (resumed,) = await second.resume()
    assert resumed.job_id == job_id and resumed.pending.info.device == "Test camera"
    await second.wait_idle()
    assert resumed.state is JobState.DONE, resumed.error
    (published,) = outputs(captures.folder)
    assert published == resumed.output and published.name == pending.raw.stem + ".protected.jpg"
    assert not pending.raw.exists() and not pending.sidecar.exists(), "the raw file goes once published"
    assert hidden(captures.folder) == [], "the half copy and its staging folder are gone"
    assert jobs.job(job_id).state is JobState.DONE
    report = await backend.inner.inspect(published)
    assert report.actions[0].digital_source_type == DIGITAL_CAPTURE, "still protected as a capture"
    assert report.actions[0].when == pending.info.captured_at

    third = protector(captures, jobs, backend)  # and nothing is done again after that
    assert await third.resume() == [] and backend.calls == 1
    await second.aclose()
    await third.aclose()


async def test_a_crash_after_publishing_removes_the_raw_file_without_a_second_copy(
        setup) -> None:
    captures, jobs, backend = setup
    pending, job_id = await queued_then_stopped(captures, jobs, backend)
    # Run the job to the end, but "crash" before the raw file was removed.
    result = await run_protect_job(jobs, backend, jobs.job(job_id), captures.options(pending, ProtectOptions()))
    assert result.output is not None and pending.raw.is_file()

    second = protector(captures, jobs, backend)
    assert await second.resume() == []
    assert outputs(captures.folder) == [result.output] and backend.calls == 1
    assert not pending.raw.exists() and not pending.sidecar.exists()


async def test_a_capture_that_never_became_a_job_is_queued_and_a_busy_batch_left_alone(
        setup) -> None:
    captures, jobs, backend = setup
    orphan = capture(CaptureStore(captures.folder), seed=1)  # an app died between saving and queueing it
    other = protector(captures, jobs, backend)  # another running instance holds its own batch
    other_item = await other.submit(capture(captures, seed=2))
    for task in other.queue._running.values():  # noqa: SLF001 - it is busy elsewhere; keep its job where it is
        task.cancel()

    mine = protector(CaptureStore(captures.folder), jobs, backend)
    (item,) = await mine.resume()
    assert item.pending.raw == orphan.raw, "the other instance's capture is not taken over"
    await mine.wait_idle()
    assert item.state is JobState.DONE, item.error
    batch_id = jobs.job(item.job_id).batch_id
    assert [s.counts for s in jobs.batches(kind=CAPTURE, origin=CAPTURE) if s.batch.id == batch_id] == \
        [{JobState.DONE: 1}]
    await other.aclose()
    await mine.aclose()
    later = protector(CaptureStore(captures.folder), jobs, backend)  # the other instance is gone: its capture
    (taken,) = await later.resume()
    assert taken.job_id == other_item.job_id
    await later.wait_idle()
    assert len(outputs(captures.folder)) == 2 and not captures.pending()
    await later.aclose()


class Gate:
    """A backend whose protect calls wait until the test opens the gate, then fail or go through."""

    def __init__(self, inner: Backend) -> None:
        self.inner, self.open, self.fail = inner, asyncio.Event(), True

    async def protect(self, src: Path, options: ProtectOptions, *, idempotency_key: str | None = None) -> ProtectResult:
        await self.open.wait()
        if self.fail:
            return ProtectResult(src, ProtectStatus.FAILED, error="no keyring")
        return await self.inner.protect(src, options, idempotency_key=idempotency_key)


class WatchedJobStore(JobStore):
    """Notes every database access and batch lock made on the event loop's (the GUI's) thread."""

    def __init__(self, root: Path) -> None:
        self.loop_thread, self.on_loop, self.elsewhere = threading.get_ident(), list[str](), 0
        super().__init__(root)

    def _note(self, what: str) -> None:
        if threading.get_ident() == self.loop_thread:
            self.on_loop.append(what)
        else:
            self.elsewhere += 1

    def _query(self, sql, args=()):
        self._note(sql.split()[0])
        return super()._query(sql, args)

    def _tx(self):
        self._note("transaction")
        return super()._tx()

    def lock_batch(self, batch_id: int):
        self._note("lock")
        return super().lock_batch(batch_id)


async def test_resume_submit_and_retry_do_their_store_work_off_the_event_loop_thread(
        home: Path, secret_store, tmp_path: Path) -> None:
    captures = CaptureStore(tmp_path / "captures")
    jobs = WatchedJobStore(home)
    earlier = jobs.create_batch(CAPTURE, CAPTURE)  # an earlier run: one capture failed, one never became a job
    (failed,) = jobs.add_jobs(earlier.id, [(capture(CaptureStore(captures.folder), seed=1).raw, captures.folder)])
    jobs.finish(failed.id, JobState.FAILED, error="no keyring")
    orphan = capture(CaptureStore(captures.folder), seed=2)
    gate = Gate(LocalBackend(home, secret_store, Settings()))
    queue = protector(captures, jobs, gate)
    jobs.on_loop.clear()

    resumed = await queue.resume()
    assert [i.job_id for i in resumed][0] == failed.id and resumed[1].pending.raw == orphan.raw
    new = await queue.submit(capture(captures, seed=3))
    assert [i.job_id for i in queue.items] == [failed.id, resumed[1].job_id, new.job_id], "in order"
    assert jobs.on_loop == [] and jobs.elsewhere, "the store was only used from worker threads"

    gate.open.set()  # all three fail; the runner records each result from a worker thread too
    await queue.wait_idle()
    assert queue.counts() == (0, 0, 3)
    assert jobs.on_loop == [], "results were recorded off the event loop's thread"
    gate.open.clear()
    gate.fail = False
    jobs.on_loop.clear()
    assert await queue.retry_failed() == 3
    assert jobs.on_loop == [] and queue.counts() == (3, 0, 0)
    assert {j.state for j in jobs.jobs()} <= {JobState.WAITING, JobState.PROTECTING}
    jobs.on_loop.clear()  # (that check itself read the store here)
    gate.open.set()  # this time they are protected and published
    await queue.wait_idle()
    assert queue.counts() == (0, 3, 0) and len(outputs(captures.folder)) == 3
    assert jobs.on_loop == [], "publishing and recording happened off the event loop's thread"
    assert await queue.retry_failed() == 0
    await queue.aclose()


async def test_a_submit_cancelled_while_the_store_writes_keeps_the_capture_for_the_next_start(
        setup) -> None:
    captures, jobs, backend = setup
    first = protector(captures, jobs, backend)
    pending = capture(captures)
    submitting = asyncio.ensure_future(first.submit(pending))
    await asyncio.sleep(0)  # the job is being written in a worker thread
    submitting.cancel()
    with pytest.raises(asyncio.CancelledError):
        await submitting
    (job,) = jobs.jobs()  # the cancelled caller waited for the store write to end: the job is recorded
    assert job.source == pending.raw and pending.raw.is_file() and first.items == []
    await first.aclose()
    assert backend.calls == 0

    second = protector(CaptureStore(captures.folder), jobs, backend)  # the next start
    (resumed,) = await second.resume()
    assert resumed.job_id == job.id, "the recorded job is taken up, not a second one for the raw file"
    await second.wait_idle()
    assert resumed.state is JobState.DONE, resumed.error
    assert len(outputs(captures.folder)) == 1 and backend.calls == 1 and len(jobs.jobs()) == 1
    await second.aclose()


async def test_a_capture_still_being_made_is_not_taken_for_a_crashed_one(setup) -> None:
    captures, jobs, backend = setup
    queue = protector(captures, jobs, backend)
    recording = captures.reserve("audio", ".wav", "Test microphone")
    recording.raw.write_bytes(b"RIFF and some sound so far")  # the recorder is still writing it
    assert await queue.resume() == [] and jobs.jobs() == []
    assert CaptureStore(captures.folder).in_progress(recording.raw) is False, "only this run's own"
    await queue.aclose()


async def test_a_relative_capture_folder_is_resumed_from_another_working_directory(
        setup, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _, jobs, backend = setup
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    monkeypatch.chdir(tmp_path / "a")
    relative = CaptureStore(Path("captures"))
    assert relative.pending_dir == tmp_path / "a" / "captures" / ".pending"
    pending = capture(relative)
    assert pending.raw.is_absolute()
    first = protector(relative, jobs, backend)
    item = await first.submit(pending)
    await first.aclose()
    stored = jobs.job(item.job_id)
    assert stored is not None and stored.source == tmp_path / "a" / "captures" / ".pending" / pending.raw.name

    monkeypatch.chdir(tmp_path / "b")  # the next start, from elsewhere
    second = protector(CaptureStore(Path("captures")), jobs, backend)
    (resumed,) = await second.resume()
    assert resumed.job_id == item.job_id
    await second.wait_idle()
    assert resumed.state is JobState.DONE, resumed.error
    assert resumed.output is not None and resumed.output.parent == tmp_path / "a" / "captures"
    assert len(jobs.jobs()) == 1 and not (tmp_path / "b" / "captures").exists()
    await second.aclose()


_CAPTURING = textwrap.dedent("""
    import asyncio, sys
    from pathlib import Path
    from tests.media_tools import make_jpeg
    from trustnxt_desktop.domain.protect import ProtectOptions
    from trustnxt_desktop.services.backends.local import LocalBackend
    from trustnxt_desktop.services.jobs.capture_queue import CaptureProtector
    from trustnxt_desktop.services.jobs.capture_store import CaptureStore
    from trustnxt_desktop.services.jobs.store import JobStore
    from trustnxt_desktop.services.account.keyring_store import KeyringSecretStore
    from trustnxt_desktop.services.account.settings import Settings

    async def main() -> None:
        home, folder, count = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
        captures, jobs = CaptureStore(folder), JobStore(home)
        backend = LocalBackend(home, KeyringSecretStore(), Settings())
        protector = CaptureProtector(captures, jobs, lambda: backend, ProtectOptions)
        await protector.resume()
        for i in range(count):
            pending = captures.reserve("photo", ".jpg", "Test camera")
            make_jpeg(folder / f"shot{i}.tmp", 2400, 1600, seed=i)
            captures.write_raw(pending, (folder / f"shot{i}.tmp").read_bytes())
            (folder / f"shot{i}.tmp").unlink()
            await protector.submit(pending)
            print("captured", flush=True)
            await asyncio.sleep(0)
        await protector.wait_idle()
        print("idle", flush=True)

    asyncio.run(main())
""")


def test_kill_9_while_capturing_then_resume_gives_one_copy_per_capture(home: Path, secret_store,
                                                                        tmp_path: Path) -> None:
    folder, count = tmp_path / "captures", 6
    folder.mkdir()
    env = {**os.environ, "TRUSTNXT_HOME": str(home)}
    proc = subprocess.Popen([sys.executable, "-c", _CAPTURING, str(home), str(folder), str(count)], cwd=PROJECT,
                            env=env, stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    for _ in range(count):  # killed right after the last capture, while the queue is still protecting
        assert proc.stdout.readline().strip() == "captured"
    deadline = time.monotonic() + 30
    while not list(folder.glob(".trustnxt-job-*")):  # killed while a capture is being protected
        assert time.monotonic() < deadline and proc.poll() is None, "never caught a capture mid-protect"
        time.sleep(0.002)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(30)
    raws = {p.stem for p in folder.joinpath(".pending").glob("photo-*.jpg")}
    done_before = {p.name.split(".protected")[0] for p in folder.glob("*.protected.jpg")}
    assert raws, "the capture in progress (and any after it) is still waiting"
    assert len(raws | done_before) == count, "every capture is either protected or still waiting"

    again = subprocess.run([sys.executable, "-c", _CAPTURING, str(home), str(folder), "0"], cwd=PROJECT, env=env,
                           capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr
    published = sorted(p.name for p in folder.iterdir() if p.is_file())
    assert len(published) == count and all(".protected." in name for name in published), published
    assert {name.split(".protected")[0] for name in published} == raws | done_before
    assert hidden(folder) == [] and sorted(folder.joinpath(".pending").iterdir()) == []
    digests = {hashlib.sha256((folder / name).read_bytes()).hexdigest() for name in published}
    assert len(digests) == count
    jobs = JobStore(home)
    states = [j.state for j in jobs.jobs()]
    jobs.close()
    assert states.count(JobState.DONE) == count and all(s is JobState.DONE for s in states)


def test_the_command_line_leaves_capture_batches_to_the_app(home: Path, tmp_path: Path) -> None:
    from tests.reliability.conftest import cli

    captures, jobs = CaptureStore(tmp_path / "captures"), JobStore(home)
    batch = jobs.create_batch(CAPTURE, CAPTURE)
    (job,) = jobs.add_jobs(batch.id, [(capture(captures).raw, captures.folder)])
    jobs.finish(job.id, JobState.FAILED, error="no keyring")
    jobs.close()
    refused = cli("jobs", "retry", "--batch", str(batch.id), home=home, timeout=60)
    assert refused.returncode != 0 and "holds captures" in refused.stderr, refused.stderr
    assert "no failed or cancelled files" in cli("jobs", "retry", home=home, timeout=60).stderr
    assert not list(captures.folder.glob("*.protected*")), "nothing was protected without its capture details"


async def test_a_stop_while_the_raw_file_is_discarded_still_shows_the_capture_protected(
        setup, monkeypatch) -> None:
    captures, jobs, backend = setup
    discarding, release = threading.Event(), threading.Event()
    real_discard = CaptureStore.discard

    def slow_discard(pending: PendingCapture) -> None:
        discarding.set()
        release.wait(10)
        real_discard(pending)

    monkeypatch.setattr(CaptureStore, "discard", staticmethod(slow_discard))
    queue = protector(captures, jobs, backend)
    item = await queue.submit(capture(captures))
    while not discarding.is_set():  # the copy is published and the job done; the raw file is going
        await asyncio.sleep(0.01)
    closing = asyncio.ensure_future(queue.aclose())  # the app quits right now
    await asyncio.sleep(0.05)
    release.set()
    await closing
    assert not item.pending.raw.exists()
    assert item.state is JobState.DONE and item.output is not None and item.output.is_file()
