"""Graceful degradation: a full disk, a read-only output folder, sources that vanish or change after
they were queued, a locked keyring, a network lost mid-transfer. Each gives a clear per-file error (or,
for what every file would hit, a clear stop), leaves nothing partial behind, and has a retry path."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import CORPUS
from tests.media_tools import make_jpeg
from tests.reliability.conftest import cli
from tests.sandbox.process import KEY, start_sandbox
from tests.small_disk import remount, tmpfs
from trustnxt_desktop.cloud.retry import RetryPolicy
from trustnxt_desktop.domain.protect import ProtectOptions, ProtectStatus
from trustnxt_desktop.services.account.credentials import KEY_ENV, SECRET_ENV, CredentialStore
from trustnxt_desktop.services.account.settings import Settings
from trustnxt_desktop.services.backends.cloud import CloudBackend
from trustnxt_desktop.services.jobs.queue import run_jobs
from trustnxt_desktop.services.jobs.store import JobState, JobStore, options_to_json


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 2 MB tmpfs (CI runs as root)."""
    with tmpfs(tmp_path / "small-disk", "2m") as folder:
        yield folder


def hidden(folder: Path) -> list[str]:
    return [p.name for p in folder.rglob(".*")]


def big_photos(folder: Path, n: int) -> list[Path]:
    folder.mkdir()
    return [make_jpeg(folder / f"big{i}.jpg", 1000, 700, seed=i) for i in range(n)]


def test_full_disk_fails_the_files_that_do_not_fit_and_retry_finishes(tmp_path: Path, home: Path, secret_store,
                                                                      small_disk: Path) -> None:
    sources = big_photos(tmp_path / "shoot", 8)
    assert sum(p.stat().st_size for p in sources) > 3 * 1024 ** 2, "more than fits on the 2 MB disk"
    out = small_disk / "out"
    proc = cli("protect", str(tmp_path / "shoot"), "--out", str(out), "--json", "--jobs", "1", home=home)
    assert proc.returncode == 4, proc.stderr
    results = json.loads(proc.stdout)
    failed = [r for r in results if r["status"] == "failed"]
    assert failed and any(r["status"] == "done" for r in results)
    assert all("is full" in r["error"] and "free some space and retry" in r["error"] for r in failed), failed
    assert not hidden(small_disk), "no temp file or staging folder is left on the full disk"
    written = sorted(p.name for p in out.iterdir())
    assert written == sorted(Path(r["output"]).name for r in results if r["output"]), "only complete copies"
    reports = json.loads(cli("inspect", str(out), "--json", home=home).stdout)
    assert {r["verdict"] for r in reports} == {"trusted"}

    remount(small_disk, "size=20m")  # the person frees space
    again = cli("jobs", "retry", "--json", home=home)
    assert again.returncode == 0, again.stderr
    assert [r["status"] for r in json.loads(again.stdout)] == ["done"] * len(sources)
    assert len(list(out.iterdir())) == len(sources) and not hidden(small_disk)


def test_read_only_output_folder_is_a_clear_error_and_nothing_is_written(tmp_path: Path, home: Path, secret_store,
                                                                        small_disk: Path) -> None:
    (small_disk / "out").mkdir()
    remount(small_disk, "ro")
    shoot = tmp_path / "shoot"
    shoot.mkdir()
    for name in ("trustnxt-icon.jpg", "trustnxt-icon.png"):
        shutil.copy(CORPUS / "media" / name, shoot / name)
    proc = cli("protect", str(shoot), "--out", str(small_disk / "out"), "--json", home=home)
    assert proc.returncode == 4
    results = json.loads(proc.stdout)
    assert [r["status"] for r in results] == ["failed", "failed"]
    assert all("Cannot write to the output folder" in r["error"] and "Read-only" in r["error"] for r in results)
    assert os.listdir(small_disk / "out") == []
    remount(small_disk, "rw")
    again = cli("jobs", "retry", "--json", home=home)
    assert [r["status"] for r in json.loads(again.stdout)] == ["done", "done"]


def test_sources_that_vanish_or_change_before_a_resume(tmp_path: Path, home: Path, secret_store) -> None:
    shoot = tmp_path / "shoot"
    shoot.mkdir()
    names = ["a.jpg", "b.jpg", "c.jpg"]
    for name in names:
        shutil.copy(CORPUS / "media" / "trustnxt-icon.jpg", shoot / name)
    out = tmp_path / "out"
    store = JobStore(home)  # queued as `trustnxt protect` does, then the run was killed before it began
    batch = store.create_batch("protect", "cli", backend="local", options=options_to_json(ProtectOptions()))
    store.add_jobs(batch.id, [(shoot / n, out) for n in names])
    store.close()
    (shoot / "b.jpg").unlink()
    with open(shoot / "c.jpg", "ab") as f:
        f.write(b"edited")
    proc = cli("protect", "--resume", "--json", home=home)
    assert proc.returncode == 4
    by_name = {Path(r["source"]).name: r for r in json.loads(proc.stdout)}
    assert by_name["a.jpg"]["status"] == "done"
    assert by_name["b.jpg"]["error"] == "The file no longer exists."
    assert "changed after it was queued; retry" in by_name["c.jpg"]["error"]
    assert sorted(os.listdir(out)) == ["a.protected.jpg"]
    shutil.copy(CORPUS / "media" / "trustnxt-icon.jpg", shoot / "b.jpg")
    again = cli("jobs", "retry", "--json", home=home)
    assert [r["status"] for r in json.loads(again.stdout)] == ["done"] * 3
    assert sorted(os.listdir(out)) == ["a.protected.jpg", "b.protected.jpg", "c.protected.jpg"]


def test_locked_keyring_stops_before_any_file_and_resume_finishes(tmp_path: Path, home: Path, secret_store) -> None:
    assert cli("identity", "create", "--name", "Test Photographer", home=home).returncode == 0
    shoot = tmp_path / "shoot"
    shoot.mkdir()
    for i in range(3):
        shutil.copy(CORPUS / "media" / "trustnxt-icon.jpg", shoot / f"p{i}.jpg")
    out = tmp_path / "out"
    locked = cli("protect", str(shoot), "--out", str(out), home=home,
                 env={"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"})
    assert locked.returncode == 3
    assert "keyring" in locked.stderr and "trustnxt protect --resume" in locked.stderr
    assert not out.exists() or not os.listdir(out)
    assert json.loads(cli("jobs", "list", "--json", home=home).stdout)[0]["counts"] == {"waiting": 3}
    resumed = cli("protect", "--resume", "--json", home=home)
    assert resumed.returncode == 0, resumed.stderr
    assert sorted(os.listdir(out)) == ["p0.protected.jpg", "p1.protected.jpg", "p2.protected.jpg"]


async def test_network_lost_mid_transfer_fails_the_file_and_a_retry_is_not_billed_again(
        tmp_path: Path, home: Path, secret_store, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(KEY_ENV, KEY)
    monkeypatch.delenv(SECRET_ENV, raising=False)
    workdir = tmp_path / "service"
    shoot = tmp_path / "shoot"
    shoot.mkdir()
    sources = [shoot / f"p{i}.jpg" for i in range(3)]
    for src in sources:
        shutil.copy(CORPUS / "media" / "trustnxt-icon.jpg", src)
    out = tmp_path / "out"
    store = JobStore(home)
    batch = store.create_batch("protect", "cli", backend="cloud")
    jobs = store.add_jobs(batch.id, [(s, out) for s in sources])
    quick = RetryPolicy(max_attempts=2, base_delay=0.01, max_delay=0.02, total_seconds=5)

    def backend(url: str) -> CloudBackend:
        return CloudBackend(home, Settings(api_url=url), CredentialStore(secret_store), retry=quick, environ={})

    flaky = start_sandbox(workdir, "--drop-rate", "1")  # does the work, then the connection breaks
    try:
        cloud = backend(flaky.url)
        results = await run_jobs(store, cloud, jobs, lambda j: ProtectOptions(out_dir=j.out_dir), 2)
        await cloud.aclose()
        assert [r.status for r in results] == [ProtectStatus.FAILED] * 3
        assert all("broke off" in (r.error or "") for r in results), [r.error for r in results]
        assert not out.exists() or not os.listdir(out), "nothing partial"
        billed = flaky.stats()["billable"]["protect"]
    finally:
        flaky.stop()
    assert billed == 3, "the service did the work; only the answers were lost"

    healthy = start_sandbox(workdir)  # the network is back (same service, same stored answers)
    try:
        again = store.requeue([j.id for j in jobs])
        cloud = backend(healthy.url)
        results = await run_jobs(store, cloud, again, lambda j: ProtectOptions(out_dir=j.out_dir), 2)
        await cloud.aclose()
        assert [r.status for r in results] == [ProtectStatus.DONE] * 3
        assert healthy.usage(KEY)["protect"]["calls"] == 3, "the retry replayed the answers: billed once"
        assert healthy.stats()["replays"]["protect"] == 3
    finally:
        healthy.stop()
    assert sorted(os.listdir(out)) == ["p0.protected.jpg", "p1.protected.jpg", "p2.protected.jpg"]
    assert [r.state for r in store.jobs(batch.id)] == [JobState.DONE] * 3
    store.close()
