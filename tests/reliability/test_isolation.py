"""Untrusted files are parsed in worker processes: a crash, a hang or a memory blow-up costs that one
file an `error` verdict, the pool replaces the worker, and the rest of the batch completes."""

from __future__ import annotations

import json
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.conftest import CORPUS, EXPECTED, shipped_verdict
from tests.expect import present
from tests.reliability.conftest import cli
from trustnxt_desktop.domain.protect import ProtectOptions, ProtectStatus
from trustnxt_desktop.domain.report import Verdict
from trustnxt_desktop.engine.inspect import inspect_file
from trustnxt_desktop.engine.trust import TrustConfig
from trustnxt_desktop.engine.untrusted import CRASH_SUMMARY, bytes_from_worker, inspect_isolated
from trustnxt_desktop.runtime.isolation import FAULT_ENV, IsolatedPool, Limits, TaskError, WorkerFailure
from trustnxt_desktop.services import previews
from trustnxt_desktop.services.account.settings import Settings
from trustnxt_desktop.services.backends.batch import inspect_batch, run_batch
from trustnxt_desktop.services.backends.local import LocalBackend
from trustnxt_desktop.services.backends.recording import RecordingBackend
from trustnxt_desktop.services.backends.registry import make_backend
from trustnxt_desktop.services.records.ledger import UsageLedger
from trustnxt_desktop.services.records.verification_log import VerificationLog

TASKS = "trustnxt_desktop.engine.untrusted_tasks"
NAMES = ["adobe-20220124-CA.jpg", "adobe-20220124-E-sig-CA.jpg", "adobe-20220124-A.jpg", "boxhash.jpg",
         "video1.mp4", "adobe-20240110-single_manifest_store.pdf"]


def folder_with_traps(tmp_path: Path) -> Path:
    folder = tmp_path / "received"
    folder.mkdir()
    for name in NAMES:
        shutil.copy(CORPUS / "c2pa" / name, folder / name)
    shutil.copy(CORPUS / "c2pa" / "adobe-20220124-C.jpg", folder / "crashme.jpg")
    shutil.copy(CORPUS / "c2pa" / "adobe-20220124-C.jpg", folder / "hangme.jpg")
    return folder


async def test_a_crash_and_a_hang_cost_one_file_each(tmp_path: Path, home: Path, memory_secrets,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    folder = folder_with_traps(tmp_path)
    monkeypatch.setenv(FAULT_ENV, "abort:crashme")
    pool = IsolatedPool(TASKS, size=2, limits=Limits(seconds=3))
    backend = LocalBackend(home, memory_secrets, Settings(), pool=pool)
    files = sorted(folder.iterdir())
    reports = await run_batch(files, backend.inspect, 2)
    by_name = {r.file.name: r for r in reports}
    assert by_name["crashme.jpg"].verdict is Verdict.ERROR
    assert CRASH_SUMMARY in by_name["crashme.jpg"].summary and "SIGABRT" in by_name["crashme.jpg"].summary
    assert by_name["crashme.jpg"].file.sha256, "the report still identifies the file"
    for name in NAMES:
        assert by_name[name].verdict.value == shipped_verdict(EXPECTED["c2pa"][name]), name
    assert by_name["hangme.jpg"].verdict is not Verdict.ERROR, "the hang hook is not set yet"

    monkeypatch.setenv(FAULT_ENV, "hang:hangme")
    pool.close()  # workers take the hook when they start
    pool = backend._pool = IsolatedPool(TASKS, size=2, limits=Limits(seconds=3))
    reports = await run_batch(files, backend.inspect, 2)
    by_name = {r.file.name: r for r in reports}
    assert by_name["hangme.jpg"].verdict is Verdict.ERROR and "stalled" in by_name["hangme.jpg"].summary
    assert all(by_name[n].verdict.value == shipped_verdict(EXPECTED["c2pa"][n]) for n in NAMES)
    assert pool.stats.failures == {"timeout": 1}, "the hang was cut off by its time limit, once"
    await backend.aclose()
    pool.close()


def test_memory_blow_up_is_capped_and_the_pool_goes_on(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "greedy.jpg"
    shutil.copy(CORPUS / "media" / "no_manifest.jpg", target)
    monkeypatch.setenv(FAULT_ENV, "oom:greedy")
    cap = 512 * 1024 ** 2
    with IsolatedPool(TASKS, size=1, limits=Limits(memory_bytes=cap, seconds=20)) as pool:
        report = inspect_isolated(pool, target, TrustConfig())
        assert report.verdict is Verdict.ERROR and "ran out of memory" in report.summary
        assert pool.stats.peak_rss_bytes <= cap
        again = inspect_isolated(pool, CORPUS / "c2pa" / "adobe-20220124-CA.jpg", TrustConfig())
        assert again.verdict is Verdict.VALID
        assert pool.stats.started == 2 and pool.stats.failures == {"memory": 1}


def test_a_worker_killed_from_outside_is_replaced(tmp_path: Path) -> None:
    with IsolatedPool(TASKS, size=1, limits=Limits(seconds=5)) as pool:
        assert inspect_isolated(pool, CORPUS / "c2pa" / "boxhash.jpg", TrustConfig()).verdict is Verdict.VALID
        (worker,) = pool._idle
        worker.process.kill()
        worker.process.join()
        assert inspect_isolated(pool, CORPUS / "c2pa" / "boxhash.jpg", TrustConfig()).verdict is Verdict.VALID
        with pytest.raises(RuntimeError, match="KeyError"):
            pool.call("no-such-task")  # an ordinary exception in a task is reported, the worker survives
        assert pool.stats.failures == {}


async def test_previews_and_protect_thumbnails_survive_a_crashing_decoder(tmp_path: Path, home: Path, memory_secrets,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    src = tmp_path / "boom.jpg"
    shutil.copy(CORPUS / "media" / "P1000827.jpg", src)
    monkeypatch.setenv(FAULT_ENV, "abort:boom.jpg")  # the picture, not its protected copy (boom.protected.jpg)
    with IsolatedPool(TASKS, size=1, limits=Limits(seconds=5)) as pool:
        assert previews.file_preview(src, 128, pool) is None
        assert present(previews.file_preview(CORPUS / "media" / "no_manifest.jpg", 128, pool))[:2] == b"\xff\xd8"
        backend = LocalBackend(home, memory_secrets, Settings(), pool=pool)
        result = await backend.protect(src, ProtectOptions(out_dir=tmp_path / "out"))
        await backend.aclose()
        assert result.status is ProtectStatus.DONE, result.error
        assert any("No thumbnail" in w for w in result.warnings), result.warnings
        assert any("No soft binding" in w for w in result.warnings), result.warnings
        assert not any("second, independent validator" in w for w in result.warnings), result.warnings
        # Each decoding of the picture crashed once: the preview, and protect's thumbnail and fingerprints.
        assert pool.stats.failures == {"crash": 3}
        assert {t: pool.stats.sent[t] for t in ("thumbnail", "fingerprint")} == {"thumbnail": 3, "fingerprint": 1}


def test_cli_inspect_reports_the_crashing_file_and_finishes_the_rest(tmp_path: Path, home: Path) -> None:
    folder = folder_with_traps(tmp_path)
    (folder / "hangme.jpg").unlink()
    proc = cli("inspect", str(folder), "--json", home=home, env={FAULT_ENV: "abort:crashme"}, timeout=120)
    assert proc.returncode == 4, proc.stderr  # some files failed
    reports = {r["file"]["name"]: r for r in json.loads(proc.stdout)}
    assert set(reports) == set(NAMES) | {"crashme.jpg"}
    assert reports["crashme.jpg"]["verdict"] == "error" and CRASH_SUMMARY in reports["crashme.jpg"]["summary"]
    assert all(reports[n]["verdict"] == shipped_verdict(EXPECTED["c2pa"][n]) for n in NAMES)


def test_the_isolated_pool_gives_the_same_reports_as_threads(tmp_path: Path) -> None:
    """200 small files, two at a time, in warm workers and in threads: the same verdicts, file for file. What the
    isolated batch costs against a plain Reader loop is measured in bench/batch_inspect_bench.py, not asserted here."""
    sources = [p for p in (CORPUS / "c2pa").glob("*.jpg") if p.stat().st_size < 200_000]
    files = []
    for i in range(200):
        src = sources[i % len(sources)]
        files.append(tmp_path / f"f{i:03d}{src.suffix}")
        shutil.copy(src, files[-1])
    trust = TrustConfig()
    with IsolatedPool(TASKS, size=2) as pool:
        pool.warm_up()
        with ThreadPoolExecutor(2) as threads:
            in_thread = list(threads.map(lambda p: inspect_file(p, trust), files))
            isolated = list(threads.map(lambda p: inspect_isolated(pool, p, trust), files))
        assert pool.stats.failures == {}
    assert [r.verdict for r in isolated] == [r.verdict for r in in_thread]
    assert [r.file.sha256 for r in isolated] == [r.file.sha256 for r in in_thread]


def test_worker_failure_carries_its_kind(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    target = tmp_path / "x-crash.jpg"
    shutil.copy(CORPUS / "media" / "no_manifest.jpg", target)
    monkeypatch.setenv(FAULT_ENV, "abort:x-crash")
    with IsolatedPool(TASKS, size=1, limits=Limits(seconds=5)) as pool:
        with pytest.raises(WorkerFailure) as caught:
            pool.call("thumbnail", str(target), None, 64)
        assert caught.value.kind == "crash"


def test_workers_never_import_from_the_folder_they_were_started_in(tmp_path: Path, home: Path) -> None:
    """`trustnxt inspect` run inside a folder of received files: a planted module there is never loaded
    by the parser processes (they start as `python -c ...`, which would look in the current folder)."""
    import os
    import subprocess
    import sys

    folder = tmp_path / "received"
    marker = tmp_path / "planted-code-ran"
    for name in ("multiprocessing", "trustnxt_desktop", "c2pa", "PIL"):
        (folder / name).mkdir(parents=True)
        (folder / name / "__init__.py").write_text(f"open({str(marker)!r}, 'a').write('{name}')\nraise SystemExit(9)\n")
    shutil.copy(CORPUS / "c2pa" / "adobe-20220124-CA.jpg", folder / "photo.jpg")
    trustnxt = Path(sys.executable).with_name("trustnxt")  # the installed command, as people run it
    proc = subprocess.run([str(trustnxt), "inspect", "--json", "photo.jpg"], cwd=folder, capture_output=True,
                          text=True, timeout=120, env={**os.environ, "TRUSTNXT_HOME": str(home)})
    assert not marker.exists(), f"planted code ran: {marker.read_text()}"
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)[0]["verdict"] == "valid"


def test_cli_extracts_thumbnails_in_workers_and_survives_a_crashing_one(tmp_path: Path, home: Path) -> None:
    names = ["adobe-20220124-CA.jpg", "adobe-20220124-C.jpg", "boxhash.jpg"]
    for name in names:
        shutil.copy(CORPUS / "c2pa" / name, tmp_path / name)
    thumbs = tmp_path / "thumbs"
    # The worker aborts while copying out the thumbnail of adobe-20220124-C.jpg only: the needle is part of
    # that thumbnail's manifest address, which no inspection call carries.
    proc = cli("inspect", *(str(tmp_path / n) for n in names), "--json", "--extract-thumbnails", str(thumbs),
               home=home, env={FAULT_ENV: "abort:4d971750-1db4"}, timeout=120)
    assert proc.returncode == 4, proc.stderr  # the run finished, and says that not everything was saved
    assert all(r["verdict"] == "valid" for r in json.loads(proc.stdout))
    assert "adobe-20220124-C.jpg: thumbnail not saved: the parser crashed" in proc.stderr, proc.stderr
    saved = sorted(p.name.split(".")[0] for p in thumbs.iterdir())
    assert saved == ["adobe-20220124-CA", "boxhash"], "the others are saved; nothing is written for the crashed one"
    assert all(p.read_bytes()[:2] == b"\xff\xd8" for p in thumbs.iterdir())
    again = cli("inspect", *(str(tmp_path / n) for n in names), "--extract-thumbnails", str(thumbs), "-q",
                home=home, timeout=120)
    assert again.returncode == 0, again.stderr
    assert len(list(thumbs.iterdir())) == 3


def test_windows_job_object_limit_is_laid_out_as_windows_expects() -> None:
    import ctypes
    import sys

    from trustnxt_desktop.runtime import win_job

    cap = 2 * 1024 ** 3
    info = win_job.memory_limit(cap)
    assert info.BasicLimitInformation.LimitFlags == win_job.JOB_OBJECT_LIMIT_PROCESS_MEMORY == 0x100
    assert info.ProcessMemoryLimit == cap
    if ctypes.sizeof(ctypes.c_void_p) == 8:  # the x64 layout of JOBOBJECT_EXTENDED_LIMIT_INFORMATION
        assert ctypes.sizeof(win_job.BasicLimitInformation) == 64
        assert ctypes.sizeof(win_job.ExtendedLimitInformation) == 144
        assert win_job.BasicLimitInformation.LimitFlags.offset == 16
        assert win_job.ExtendedLimitInformation.ProcessMemoryLimit.offset == 112
    if sys.platform != "win32":  # (on Windows it would cap the test process itself)
        assert win_job.limit_own_memory(cap) is False


def test_each_platform_gets_its_own_memory_cap(monkeypatch: pytest.MonkeyPatch) -> None:
    import resource
    import sys

    from trustnxt_desktop.runtime import isolation, win_job

    calls: list[tuple[str, object]] = []
    monkeypatch.setattr(resource, "setrlimit", lambda *a: calls.append(("rlimit", a)))
    def limit_own_memory(n: int) -> bool:
        calls.append(("job", n))
        return True

    monkeypatch.setattr(win_job, "limit_own_memory", limit_own_memory)
    limits = Limits(memory_bytes=512 * 1024 ** 2)
    monkeypatch.setattr(sys, "platform", "win32")
    isolation._confine(limits)
    assert calls == [("job", limits.memory_bytes)] and isolation.memory_limit_enforced()
    calls.clear()
    monkeypatch.setattr(sys, "platform", "darwin")  # RLIMIT_AS is not enforced there (and may be refused)
    isolation._confine(limits)
    assert calls == [] and not isolation.memory_limit_enforced()


async def test_a_pipelined_batch_loses_only_the_crashing_and_the_hanging_file(
        tmp_path: Path, home: Path, secret_store, monkeypatch: pytest.MonkeyPatch) -> None:
    """The batch path queues calls ahead on each worker: a crash or hang still costs one file, the calls
    queued behind it are re-sent to a fresh worker, and each file keeps its own time limit."""
    folder = folder_with_traps(tmp_path)
    for i in range(3):  # more files than workers x queue depth, so calls are queued behind the traps
        for name in NAMES[:4]:
            shutil.copy(folder / name, folder / f"again{i}-{name}")
    monkeypatch.setenv(FAULT_ENV, "abort:crashme")
    pool = IsolatedPool(TASKS, size=2, limits=Limits(seconds=3))
    backend = make_backend(home, Settings(jobs=2), secret_store, "local")
    assert isinstance(backend, RecordingBackend) and isinstance(backend.inner, LocalBackend)
    engine = backend.inner
    engine._pool = pool
    files = sorted(folder.iterdir())
    reports = [present(r, "report") for r in await inspect_batch(backend, files, 2)]
    assert [r.file.path for r in reports] == [str(f) for f in files], "results in input order"
    by_name = {r.file.name: r for r in reports}
    assert by_name["crashme.jpg"].verdict is Verdict.ERROR and "SIGABRT" in by_name["crashme.jpg"].summary
    assert by_name["crashme.jpg"].file.sha256
    for r in reports:
        if r.file.name != "crashme.jpg":
            original = "adobe-20220124-C.jpg" if r.file.name == "hangme.jpg" else r.file.name.split("-", 1)[-1] \
                if r.file.name.startswith("again") else r.file.name
            assert r.verdict.value == shipped_verdict(EXPECTED["c2pa"][original]), r.file.name
    assert pool.stats.failures == {"crash": 1}
    pool.close()

    monkeypatch.setenv(FAULT_ENV, "hang:hangme")
    pool = engine._pool = IsolatedPool(TASKS, size=2, limits=Limits(seconds=3))
    reports = [present(r, "report") for r in await inspect_batch(backend, files, 2)]
    by_name = {r.file.name: r for r in reports}
    assert by_name["hangme.jpg"].verdict is Verdict.ERROR and "stalled" in by_name["hangme.jpg"].summary
    assert sum(r.verdict is Verdict.ERROR for r in reports) == 1, "the calls queued behind the hang were re-sent"
    assert pool.stats.failures == {"timeout": 1}, "the hang was cut off by its time limit, once"
    await backend.aclose()
    pool.close()

    log = VerificationLog(home)
    assert log.verify().ok and len(log.entries()) == 2 * len(files), "every report of both batches is logged"
    assert UsageLedger(home).snapshot().inspect_calls == 2 * len(files) - 2, "failed parses are not counted"


def test_imap_answers_every_call_once_and_task_errors_keep_the_worker() -> None:
    calls = [(str(CORPUS / "c2pa" / "boxhash.jpg"),)] * 5 + [(str(CORPUS / "c2pa" / "video1.mp4"),)] * 3
    with IsolatedPool(TASKS, size=1, limits=Limits(seconds=5)) as pool:
        answers = {i: r for group in pool.imap("inspect", calls, shared=("none", {}), depth=3) for i, r in group}
        assert sorted(answers) == list(range(len(calls)))
        assert all(not isinstance(r, BaseException) for r in answers.values()), answers
        assert pool.stats.failures == {} and pool.stats.started == 1
        failing = {i: r for group in pool.imap("no-such-task", [()] * 3) for i, r in group}
        assert all(isinstance(r, TaskError) and "KeyError" in str(r) for r in failing.values())
        assert pool.stats.started == 1, "an ordinary exception in a task leaves the worker in service"


def test_a_stop_event_sends_no_more_calls_and_a_preview_need_not_wait_for_the_batch(tmp_path: Path) -> None:
    """The batch path holds its workers for the whole batch: a single call (a preview of the file
    someone just selected) gets a worker of its own, and setting `stop` ends the batch at once."""
    import threading

    picture = tmp_path / "picture.jpg"
    shutil.copy(CORPUS / "c2pa" / "adobe-20220124-C.jpg", picture)
    calls = [(str(CORPUS / "c2pa" / "boxhash.jpg"),)] * 400
    stop = threading.Event()
    with IsolatedPool(TASKS, size=1, limits=Limits(seconds=10)) as pool:
        batch = pool.imap("inspect", calls, shared=("none", {}), stop=stop)
        first = next(batch)  # the batch holds the pool's only worker now
        preview = pool.call("thumbnail", str(picture), "image/jpeg", 128, decode=bytes_from_worker)
        assert preview and preview[:2] == b"\xff\xd8", "a JPEG preview"
        stop.set()
        answered = len(first) + sum(len(group) for group in batch)
    # The preview came back while the batch was still under way: had it waited for the batch's worker,
    # all 400 calls would have been answered before stop was set.
    assert answered < 50, f"{answered} of {len(calls)} calls were answered after stop"
