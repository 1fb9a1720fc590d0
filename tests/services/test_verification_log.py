"""The verification log: hash chain over every inspection, tamper evidence, and recording from any backend."""

from __future__ import annotations

import json
import sqlite3
import threading
from pathlib import Path

import pytest

from tests.conftest import CORPUS
from trustnxt_desktop.domain.report import EngineInfo, FileInfo, InspectionReport, Verdict
from trustnxt_desktop.services.backend import LocalBackend
from trustnxt_desktop.services.backends import make_backend
from trustnxt_desktop.services.recording import RecordingBackend, unwrap
from trustnxt_desktop.services.settings import Settings
from trustnxt_desktop.services.verification_log import FILE_NAME, GENESIS, VerificationLog, chain_hash


def report(i: int, verdict: Verdict = Verdict.VALID) -> InspectionReport:
    return InspectionReport(
        file=FileInfo(path=f"/in/{i}.jpg", name=f"{i}.jpg", size=i, sha256=f"{i:064x}", media_type="image/jpeg"),
        verdict=verdict, summary="", engine=EngineInfo("Test engine", "1.0", ["C2PA trust list (2026-08-21)"]))


@pytest.fixture
def log50(tmp_path: Path) -> VerificationLog:
    log = VerificationLog(tmp_path)
    for i in range(1, 51):
        log.append(report(i, Verdict.TRUSTED if i % 3 else Verdict.INVALID))
    return log


def db(log: VerificationLog) -> sqlite3.Connection:
    return sqlite3.connect(log.path, isolation_level=None)


def test_fifty_entries_form_an_intact_chain(log50: VerificationLog) -> None:
    result = log50.verify()
    assert result.ok and result.entries == 50 and result.first_bad is None
    entries = log50.entries()
    assert [e.seq for e in entries] == list(range(1, 51))
    assert entries[0].prev_hash == GENESIS and all(b.prev_hash == a.hash for a, b in zip(entries, entries[1:]))
    assert result.head == entries[-1].hash == log50.head()[1]  # type: ignore[index]
    e = entries[16]
    assert (e.file, e.sha256, e.verdict, e.engine, e.trust_lists) == (
        "17.jpg", f"{17:064x}", "trusted", "Test engine 1.0", ["C2PA trust list (2026-08-21)"])
    assert e.time.endswith("+00:00")


def test_an_edited_verdict_is_found_and_named(log50: VerificationLog) -> None:
    with db(log50) as c:
        body = json.loads(c.execute("SELECT body FROM entries WHERE seq = 17").fetchone()[0])
        body["verdict"] = "trusted" if body["verdict"] != "trusted" else "invalid"
        c.execute("UPDATE entries SET body = ? WHERE seq = 17", (json.dumps(body, sort_keys=True, separators=(",", ":")),))
    result = log50.verify()
    assert not result.ok and result.first_bad == 17 and "edited" in result.problem


def test_an_edit_that_also_rewrites_its_hash_breaks_the_next_link(log50: VerificationLog) -> None:
    with db(log50) as c:
        body, prev = c.execute("SELECT body, prev_hash FROM entries WHERE seq = 17").fetchone()
        body = body.replace('"verdict":"trusted"', '"verdict":"invalid"').replace('"verdict":"invalid"', '"verdict":"valid"')
        c.execute("UPDATE entries SET body = ?, hash = ? WHERE seq = 17", (body, chain_hash(prev, body)))
    result = log50.verify()
    assert not result.ok and result.first_bad == 18 and "does not follow entry 17" in result.problem


def test_a_deleted_entry_is_found(log50: VerificationLog) -> None:
    with db(log50) as c:
        c.execute("DELETE FROM entries WHERE seq = 30")
    result = log50.verify()
    assert not result.ok and result.first_bad == 30 and "missing" in result.problem


def test_deleting_the_newest_entries_shows_in_the_head(log50: VerificationLog) -> None:
    with db(log50) as c:
        c.execute("DELETE FROM entries WHERE seq >= 49")
    result = log50.verify()
    assert not result.ok and result.first_bad == 49 and "head" in result.problem


def test_reordered_entries_are_found(log50: VerificationLog) -> None:
    with db(log50) as c:
        rows = {seq: (body, prev, h) for seq, body, prev, h in c.execute("SELECT * FROM entries WHERE seq IN (5, 6)")}
        c.execute("UPDATE entries SET body = ?, prev_hash = ?, hash = ? WHERE seq = 5", rows[6])
        c.execute("UPDATE entries SET body = ?, prev_hash = ?, hash = ? WHERE seq = 6", rows[5])
    result = log50.verify()
    assert not result.ok and result.first_bad == 5 and "moved" in result.problem


def test_appends_from_many_threads_keep_one_chain(tmp_path: Path) -> None:
    log = VerificationLog(tmp_path)
    threads = [threading.Thread(target=lambda k=k: [log.append(report(k * 100 + i)) for i in range(20)])
               for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    other_process_view = VerificationLog(tmp_path)  # a second handle, as the CLI and the GUI would have
    other_process_view.append(report(999))
    result = log.verify()
    assert result.ok and result.entries == 81


def test_exports_carry_the_hashes(log50: VerificationLog) -> None:
    data = json.loads(log50.export_json())
    assert data["head"]["seq"] == 50 and len(data["entries"]) == 50
    assert data["entries"][0]["prev_hash"] == GENESIS and data["entries"][-1]["hash"] == data["head"]["hash"]
    lines = log50.export_csv().splitlines()
    assert lines[0].startswith("seq,time,sha256,file,verdict") and len(lines) == 51


class FakeCloud:
    """Any backend: the recorder must not care which engine produced the report."""

    label = "engine: fake"
    settings = Settings()
    credentials = "kept"

    def __init__(self) -> None:
        self.closed = False

    async def ready(self, purpose: str) -> str | None:
        return None

    async def inspect(self, src: Path) -> InspectionReport:
        return report(7)

    async def aclose(self) -> None:
        self.closed = True


async def test_recording_wraps_any_backend_and_delegates(tmp_path: Path) -> None:
    inner = FakeCloud()
    backend = RecordingBackend(inner, VerificationLog(tmp_path))  # type: ignore[arg-type]
    assert backend.label == "engine: fake" and backend.credentials == "kept" and unwrap(backend) is inner
    got = await backend.inspect(tmp_path / "x.jpg")
    assert got.file.name == "7.jpg"
    assert [e.file for e in backend.log.entries()] == ["7.jpg"]
    await backend.aclose()
    assert inner.closed


async def test_make_backend_records_local_inspections(home: Path, secret_store) -> None:  # type: ignore[no-untyped-def]
    backend = make_backend(home, Settings(), secret_store)
    assert isinstance(unwrap(backend), LocalBackend)
    try:
        names = ["adobe-20220124-C.jpg", "adobe-20220124-E-sig-CA.jpg", "adobe-20220124-A.jpg"]
        reports = [await backend.inspect(CORPUS / "c2pa" / n) for n in names]
    finally:
        await backend.aclose()
    log = VerificationLog(home)
    assert (home / FILE_NAME).is_file() and log.verify().ok
    assert [(e.file, e.verdict, e.sha256) for e in log.entries()] == [
        (r.file.name, r.verdict.value, r.file.sha256) for r in reports]
    assert [e.verdict for e in log.entries()] == ["valid", "invalid", "none"]
    assert log.entries()[0].engine.startswith("TrustNXT Desktop local validator")
    unrecorded = make_backend(home, Settings(), secret_store, record=False)
    assert isinstance(unrecorded, LocalBackend)
    await unrecorded.aclose()


def test_append_many_continues_one_chain_in_one_transaction(tmp_path: Path) -> None:
    log = VerificationLog(tmp_path)
    log.append(report(1))
    added = log.append_many([report(i) for i in range(2, 6)])
    log.append(report(6))
    assert [e.seq for e in added] == [2, 3, 4, 5]
    assert added[0].prev_hash == log.entries()[0].hash and added[-1].hash == log.entries()[5].prev_hash
    assert log.verify().ok and log.head() == (6, log.entries()[-1].hash)
    assert log.append_many([]) == []


def test_a_group_that_fails_to_commit_leaves_no_entry(tmp_path: Path) -> None:
    log = VerificationLog(tmp_path)
    first = log.append(report(1))
    db = sqlite3.connect(tmp_path / FILE_NAME, isolation_level=None)
    # The database refuses the group's third row, and only once its second row is already in: the insert
    # fails half-way through the group.
    db.execute("CREATE TRIGGER refuse BEFORE INSERT ON entries WHEN NEW.seq = 3 AND EXISTS "
               "(SELECT 1 FROM entries WHERE seq = 2) BEGIN SELECT RAISE(ABORT, 'disk trouble'); END")
    with pytest.raises(sqlite3.DatabaseError, match="disk trouble"):
        log.append_many([report(2), report(3), report(4)])
    assert [e.seq for e in log.entries()] == [1], "nothing of the group remains"
    assert log.head() == (1, first.hash) and log.verify().ok
    db.execute("DROP TRIGGER refuse")
    db.close()
    assert [e.seq for e in log.append_many([report(2), report(3)])] == [2, 3]
    assert log.verify().ok and log.head()[0] == 3  # type: ignore[index]


async def test_batch_inspection_logs_every_report(tmp_path: Path, home: Path, secret_store) -> None:  # type: ignore[no-untyped-def]
    from trustnxt_desktop.services.batch import inspect_batch
    from trustnxt_desktop.services.ledger import UsageLedger

    files = sorted((CORPUS / "c2pa").glob("*.jpg"))
    backend = make_backend(home, Settings(jobs=2), secret_store, "local")
    landed: list[int] = []
    reports = await inspect_batch(backend, files, 2, lambda i, path, r: landed.append(i))
    await backend.aclose()
    assert sorted(landed) == list(range(len(files))) and [r.file.path for r in reports] == [str(f) for f in files]
    log = VerificationLog(home)
    assert log.verify().ok
    assert sorted(e.sha256 for e in log.entries()) == sorted(r.file.sha256 for r in reports)
    assert UsageLedger(home).snapshot().inspect_calls == sum(r.verdict is not Verdict.ERROR for r in reports)
