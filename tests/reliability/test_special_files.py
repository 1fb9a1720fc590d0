"""A FIFO, a socket, a device or a link to one where a file should be: each gets its own result, "not a
regular file (…)", at once, and is never opened; a worker that stalls never makes the app read the file.
Before, `trustnxt inspect` hung for ever on a FIFO or a link to /dev/zero (the report for a stalled worker
was built by hashing the file in the app's own process)."""

from __future__ import annotations

import json
import os
import shutil
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import CORPUS
from tests.reliability.conftest import cli
from tests.special_files import REGULAR, SPECIAL, make_special_files, reason
from trustnxt_desktop.domain.jobs import JobState
from trustnxt_desktop.domain.protect import ProtectOptions, ProtectStatus
from trustnxt_desktop.domain.report import Verdict
from trustnxt_desktop.engine.trust import TrustConfig
from trustnxt_desktop.engine.untrusted import inspect_isolated
from trustnxt_desktop.runtime.isolation import FAULT_ENV, IsolatedPool, Limits
from trustnxt_desktop.services.account.settings import Settings
from trustnxt_desktop.services.backends.batch import inspect_batch
from trustnxt_desktop.services.backends.local import LocalBackend
from trustnxt_desktop.services.files import expand
from trustnxt_desktop.services.jobs.capture_queue import CaptureProtector
from trustnxt_desktop.services.jobs.capture_store import CaptureStore
from trustnxt_desktop.services.jobs.store import JobStore

TASKS = "trustnxt_desktop.engine.untrusted_tasks"


@pytest.fixture
def specials(tmp_path: Path) -> dict[str, Path]:
    return make_special_files(tmp_path / "received")


# Paths this process opened while `_opened` is being recorded (an audit hook cannot be removed: it stays
# cheap and silent outside these tests).
_recording = threading.Event()
_opened: list[str] = []


def _audit(event: str, args: tuple[object, ...]) -> None:
    if event == "open" and _recording.is_set() and isinstance(args[0], (str, bytes, os.PathLike)):
        _opened.append(os.fsdecode(args[0]))


sys.addaudithook(_audit)


@pytest.fixture
def opened_here() -> Iterator[list[str]]:
    """Every path this process (any thread) opens during the test."""
    _opened.clear()
    _recording.set()
    try:
        yield _opened
    finally:
        _recording.clear()


def test_cli_inspect_answers_each_special_file_at_once(specials: dict[str, Path], home: Path) -> None:
    proc = cli("inspect", "--json", str(specials[REGULAR].parent), "/dev/null", home=home, timeout=90)
    assert proc.returncode == 4, proc.stderr  # some files could not be checked
    reports = {r["file"]["path"]: r for r in json.loads(proc.stdout)}
    assert set(reports) == {str(p) for p in specials.values()} | {"/dev/null"}
    for name in SPECIAL:
        r = reports[str(specials[name])]
        assert (r["verdict"], r["error"], r["file"]["sha256"]) == ("error", reason(name), ""), name
        assert r["summary"] == f"This is not a regular file but {SPECIAL[name]}, so it was not opened."
    assert reports["/dev/null"]["error"] == "not a regular file (a character device)"
    assert reports[str(specials[REGULAR])]["verdict"] == "valid"
    assert "Traceback" not in proc.stderr


def test_a_stalled_worker_never_makes_the_app_read_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                            opened_here: list[str]) -> None:
    """The worker stalls (as it would on a FIFO swapped in, or a file on a hung network disk): the report is
    made from stat alone, and the app never opens the file (checked with an audit hook on every open)."""
    target = tmp_path / "hangme.jpg"
    shutil.copy(CORPUS / "c2pa" / "adobe-20220124-CA.jpg", target)
    monkeypatch.setenv(FAULT_ENV, "hang:hangme")
    opened_here.clear()  # (the copy above)
    with IsolatedPool(TASKS, size=1, limits=Limits(seconds=2)) as pool:
        report = inspect_isolated(pool, target, TrustConfig())
    assert report.verdict is Verdict.ERROR and "stalled" in (report.error or "")
    assert report.file.size == target.stat().st_size and report.file.sha256 == ""
    assert str(target) not in opened_here and os.path.realpath(target) not in opened_here


async def test_batch_inspect_gives_each_special_file_its_result(specials: dict[str, Path], home: Path,
                                                                memory_secrets, opened_here: list[str]) -> None:
    pool = IsolatedPool(TASKS, size=2, limits=Limits(seconds=10))
    backend = LocalBackend(home, memory_secrets, Settings(jobs=2), pool=pool)
    paths = [f.path for f in expand([specials[REGULAR].parent])]
    assert {p.name for p in paths} == set(SPECIAL) | {REGULAR}, "a folder's special files are listed, not skipped"
    reports = await inspect_batch(backend, paths, 2)
    await backend.aclose()
    pool.close()
    by_name = {r.file.name: r for r in reports if r is not None}
    for name in SPECIAL:
        assert by_name[name].verdict is Verdict.ERROR and by_name[name].error == reason(name), name
    assert by_name[REGULAR].verdict is Verdict.VALID
    assert pool.stats.failures == {}, "no worker stalled on a special file (it would be cut off at its time limit)"
    special_paths = {str(specials[n]) for n in SPECIAL} | {os.path.realpath(specials[n]) for n in SPECIAL}
    assert not special_paths & set(opened_here), "no special file was opened"


async def test_protect_fails_each_special_file_with_its_reason(specials: dict[str, Path], home: Path,
                                                               tmp_path: Path, memory_secrets) -> None:
    backend = LocalBackend(home, memory_secrets, Settings())
    out = tmp_path / "out"
    results = {name: await backend.protect(path, ProtectOptions(out_dir=out)) for name, path in specials.items()}
    await backend.aclose()
    for name in SPECIAL:
        kind = SPECIAL[name]
        assert (results[name].status, results[name].error) == (ProtectStatus.FAILED, f"Not a regular file ({kind}).")
    assert results[REGULAR].status is ProtectStatus.DONE, results[REGULAR].error
    assert sorted(p.name for p in out.iterdir()) == ["photo.protected.jpg"]


def test_cli_protect_fails_special_files_and_protects_the_rest(specials: dict[str, Path], home: Path,
                                                               tmp_path: Path, secret_store) -> None:
    proc = cli("protect", "--json", "-q", "--out", str(tmp_path / "out"), *map(str, specials.values()), "/dev/null",
               home=home, timeout=90)
    assert proc.returncode == 4, proc.stderr
    results = {Path(r["source"]).name: r for r in json.loads(proc.stdout)}
    for name in SPECIAL:
        assert (results[name]["status"], results[name]["error"]) == ("failed", f"Not a regular file ({SPECIAL[name]}).")
    assert results["null"]["error"] == "Not a regular file (a character device)."
    assert results[REGULAR]["status"] == "done"
    assert "Traceback" not in proc.stderr


async def test_capture_import_skips_special_files_and_reads_no_fifo_sidecar(tmp_path: Path, home: Path,
                                                                            memory_secrets) -> None:
    """What an earlier run left in the pending folder is taken up at the next start: a FIFO in place of a
    capture's sidecar, a FIFO or a link to /dev/zero in place of a capture never block that."""
    import asyncio

    from tests.media_tools import make_jpeg

    captures = CaptureStore(tmp_path / "captures")
    pending = captures.reserve("photo", ".jpg", "Test camera")
    make_jpeg(pending.raw, 320, 200, seed=3)
    pending.sidecar.unlink()
    os.mkfifo(pending.sidecar)  # nobody writes to it: reading it would never return
    os.mkfifo(captures.pending_dir / "photo-20260101-000000-000.jpg")
    (captures.pending_dir / "photo-20260101-000000-001.jpg").symlink_to("/dev/zero")
    jobs = JobStore(home)
    backend = LocalBackend(home, memory_secrets, Settings())
    protector = CaptureProtector(CaptureStore(captures.folder), jobs, lambda: backend, ProtectOptions)
    (item,) = await asyncio.wait_for(protector.resume(), 20)
    assert item.pending.raw == pending.raw and item.pending.info.device == "", "the sidecar was not read"
    await asyncio.wait_for(protector.wait_idle(), 60)
    assert item.state is JobState.DONE, item.error
    assert [p.name for p in captures.folder.iterdir() if p.is_file()] == [pending.raw.stem + ".protected.jpg"]
    await protector.aclose()
    await backend.aclose()
    jobs.close()


async def test_the_cloud_engine_sends_no_special_file(specials: dict[str, Path], home: Path, tmp_path: Path,
                                                      sandbox) -> None:
    """Through the real sandbox service: a special file gets its result here, is never opened, never
    sent and never billed; the picture beside it is checked by the service."""
    from tests.services.backends.test_cloud import cloud

    backend = cloud(home, sandbox.url)
    try:
        reports = {name: await backend.inspect(path) for name, path in specials.items()}
        protected = {name: await backend.protect(specials[name], ProtectOptions(out_dir=tmp_path / "out"))
                     for name in SPECIAL}
    finally:
        await backend.aclose()
    for name in SPECIAL:
        assert (reports[name].verdict, reports[name].error) == (Verdict.ERROR, reason(name)), name
        assert (protected[name].status, protected[name].error) == (ProtectStatus.FAILED,
                                                                   f"Not a regular file ({SPECIAL[name]}).")
    assert reports[REGULAR].verdict is Verdict.VALID
    usage = backend.ledger.snapshot(backend="cloud")
    assert (usage.inspect_calls, usage.protect_calls) == (1, 0), "only the picture was sent"
    assert not (tmp_path / "out").exists()


def test_exports_never_open_a_special_file_in_their_place(tmp_path: Path, home: Path) -> None:
    """An export named by a FIFO or a link to /dev/zero is written beside it and renamed over it: the run
    ends, and the export is a regular file with the reports."""
    os.mkfifo(tmp_path / "reports.csv")
    (tmp_path / "reports.json").symlink_to("/dev/zero")
    proc = cli("inspect", "-q", str(CORPUS / "c2pa" / "adobe-20220124-CA.jpg"), "--csv", str(tmp_path / "reports.csv"),
               "--json-out", str(tmp_path / "reports.json"), home=home, timeout=90)
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "reports.csv").is_file() and not (tmp_path / "reports.json").is_symlink()
    assert json.loads((tmp_path / "reports.json").read_text())[0]["verdict"] == "valid"
