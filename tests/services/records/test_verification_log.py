"""The verification log: hash chain over every inspection, tamper evidence, and recording from any backend."""

from __future__ import annotations

import hashlib
import itertools
import json
import shutil
import sqlite3
import threading
from collections.abc import Sequence
from pathlib import Path

import pytest

from tests.conftest import CORPUS
from tests.damaged_files import SQLITE_DAMAGE, damage_sqlite
from tests.expect import present
from trustnxt_desktop.domain.errors import ConfigurationError, KeyringUnavailableError
from trustnxt_desktop.domain.protect import ProtectOptions, ProtectResult
from trustnxt_desktop.domain.report import EngineInfo, FileInfo, InspectionReport, Verdict
from trustnxt_desktop.domain.secrets import SecretStore
from trustnxt_desktop.domain.usage import UsageSnapshot
from trustnxt_desktop.engine.trust import TrustConfig, TrustSource
from trustnxt_desktop.services.account.settings import Settings
from trustnxt_desktop.services.backends.batch import inspect_each
from trustnxt_desktop.services.backends.local import LocalBackend
from trustnxt_desktop.services.backends.protocol import GroupHook, ReportStream
from trustnxt_desktop.services.backends.recording import RecordingBackend
from trustnxt_desktop.services.backends.registry import BackendKind, backend_info, make_backend
from trustnxt_desktop.services.records.log_anchor import CHECKPOINT_FILE, KeyringAnchor
from trustnxt_desktop.services.records.verification_log import (
    FILE_NAME,
    GENESIS,
    VerificationLog,
    canonical,
    chain_hash,
)
from trustnxt_desktop.services.store_health import take_notices


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
    assert entries[0].prev_hash == GENESIS and all(b.prev_hash == a.hash for a, b in itertools.pairwise(entries))
    assert result.head == entries[-1].hash == present(log50.head(), "head")[1]
    e = entries[16]
    assert (e.file, e.sha256, e.verdict, e.engine, e.trust_lists) == (
        "17.jpg", f"{17:064x}", "trusted", "Test engine 1.0", ["C2PA trust list (2026-08-21)"])
    assert e.time.endswith("+00:00")


def test_an_edited_verdict_is_found_and_named(log50: VerificationLog) -> None:
    with db(log50) as c:
        body = json.loads(c.execute("SELECT body FROM entries WHERE seq = 17").fetchone()[0])
        body["verdict"] = "trusted" if body["verdict"] != "trusted" else "invalid"
        c.execute("UPDATE entries SET body = ? WHERE seq = 17",
                  (json.dumps(body, sort_keys=True, separators=(",", ":")),))
    result = log50.verify()
    assert not result.ok and result.first_bad == 17 and "edited" in result.problem


def test_an_edit_that_also_rewrites_its_hash_breaks_the_next_link(log50: VerificationLog) -> None:
    with db(log50) as c:
        body, prev = c.execute("SELECT body, prev_hash FROM entries WHERE seq = 17").fetchone()
        body = body.replace('"verdict":"trusted"', '"verdict":"invalid"')
        body = body.replace('"verdict":"invalid"', '"verdict":"valid"')
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
    """Any backend: the recorder must not care which engine produced the report. It inspects (every file
    gives report 7) and, as the service, keeps its own trust; it neither protects nor counts usage."""

    kind = BackendKind.CLOUD
    title = "a fake engine"
    label = "engine: fake"
    settings = Settings()
    capabilities = backend_info(BackendKind.CLOUD).capabilities

    def __init__(self) -> None:
        self.closed = False
        self.trust_reloaded = 0

    def reload_trust(self) -> None:
        self.trust_reloaded += 1

    async def ready(self, purpose: str) -> str | None:
        return None

    async def inspect(self, src: Path) -> InspectionReport:
        return report(7)

    def inspect_stream(self, paths: Sequence[Path], jobs: int | None = None, *,
                       also: GroupHook | None = None) -> ReportStream:
        return inspect_each(self.inspect, paths, jobs or 1, also)

    def protect_soon(self, src: Path, options: ProtectOptions) -> None:
        pass

    async def protect(self, src: Path, options: ProtectOptions, *,
                      idempotency_key: str | None = None) -> ProtectResult:
        raise NotImplementedError("this fake engine only inspects")

    def trust(self) -> TrustConfig | None:
        return None

    def use_trust_anchors(self, extra: Sequence[TrustSource], *, defaults: bool = True) -> None:
        raise ConfigurationError("the fake engine uses its own trust, as the service does")

    async def usage(self) -> UsageSnapshot:
        raise NotImplementedError("this fake engine counts no usage")

    async def aclose(self) -> None:
        self.closed = True


async def test_recording_wraps_any_backend_and_delegates(tmp_path: Path) -> None:
    inner = FakeCloud()
    backend = RecordingBackend(inner, VerificationLog(tmp_path))
    assert backend.label == "engine: fake" and backend.inner is inner
    assert (backend.kind, backend.title, backend.settings) == (BackendKind.CLOUD, "a fake engine", inner.settings)
    backend.reload_trust()
    assert inner.trust_reloaded == 1, "the protocol's calls are forwarded, one by one"
    got = await backend.inspect(tmp_path / "x.jpg")
    assert got.file.name == "7.jpg"
    assert [e.file for e in backend.log.entries()] == ["7.jpg"]
    await backend.aclose()
    assert inner.closed


async def test_make_backend_records_local_inspections(home: Path, secret_store) -> None:
    backend = make_backend(home, Settings(), secret_store)
    assert isinstance(backend, RecordingBackend) and isinstance(backend.inner, LocalBackend)
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
    assert log.verify().ok and present(log.head(), "head")[0] == 3


async def test_batch_inspection_logs_every_report(tmp_path: Path, home: Path, secret_store) -> None:
    from trustnxt_desktop.services.backends.batch import inspect_batch
    from trustnxt_desktop.services.records.ledger import UsageLedger

    files = sorted((CORPUS / "c2pa").glob("*.jpg"))
    backend = make_backend(home, Settings(jobs=2), secret_store, "local")
    landed: list[int] = []
    batch = await inspect_batch(backend, files, 2, lambda i, path, r: landed.append(i))
    reports = [present(r, "report") for r in batch]
    await backend.aclose()
    assert sorted(landed) == list(range(len(files))) and [r.file.path for r in reports] == [str(f) for f in files]
    log = VerificationLog(home)
    assert log.verify().ok
    assert sorted(e.sha256 for e in log.entries()) == sorted(r.file.sha256 for r in reports)
    assert UsageLedger(home).snapshot().inspect_calls == sum(r.verdict is not Verdict.ERROR for r in reports)


# -- the anchor: truncation, deletion and rewriting ------------------------------------------------------

def anchored(home: Path, secrets, n: int = 50) -> VerificationLog:
    """A log of n entries whose head is in the keyring (and signed, when an identity exists), closed."""
    log = VerificationLog(home, secrets)
    log.append_many([report(i, Verdict.TRUSTED if i % 3 else Verdict.INVALID) for i in range(1, n + 1)])
    log.close()
    return VerificationLog(home, secrets)


def shorten(path: Path, keep: int) -> None:
    """Remove the newest entries and make the head agree: a chain that is intact, only shorter."""
    with sqlite3.connect(path, isolation_level=None) as c:
        c.execute("DELETE FROM entries WHERE seq > ?", (keep,))
        (digest,) = c.execute("SELECT hash FROM entries WHERE seq = ?", (keep,)).fetchone()
        c.execute("UPDATE head SET seq = ?, hash = ? WHERE id = 1", (keep, digest))


def rewrite(path: Path, seq: int, verdict: str) -> None:
    """Change one entry and recompute every hash from there: a new, self-consistent chain with a new head."""
    with sqlite3.connect(path, isolation_level=None) as c:
        prev = GENESIS
        for n, body in c.execute("SELECT seq, body FROM entries ORDER BY seq").fetchall():
            data = json.loads(body)
            if n == seq:
                data["verdict"] = verdict
            text = canonical(data)
            digest = chain_hash(prev, text)
            c.execute("UPDATE entries SET body = ?, prev_hash = ?, hash = ? WHERE seq = ?", (text, prev, digest, n))
            prev = digest
        c.execute("UPDATE head SET hash = ? WHERE id = 1", (prev,))


def test_an_anchored_log_verifies_against_its_anchor(home: Path, secret_store) -> None:
    log = anchored(home, secret_store)
    result = log.verify()
    assert result.ok and result.entries == 50 and result.notes == ()
    anchor = KeyringAnchor(home, secret_store).read()
    assert anchor is not None and (anchor.volume, anchor.entries, anchor.head) == (1, 50, result.head)


def test_a_shortened_log_is_found(home: Path, secret_store) -> None:
    log = anchored(home, secret_store)
    shorten(log.path, 40)
    result = log.verify()  # before: "intact: 40 entries"
    assert not result.ok and result.first_bad is None
    assert "ends at entry 40, but 50 entries were anchored" in result.problem
    assert "41 to 50 were removed" in result.problem


def test_a_deleted_log_is_found(home: Path, secret_store) -> None:
    anchored(home, secret_store)
    for suffix in ("", "-wal", "-shm"):
        (home / f"{FILE_NAME}{suffix}").unlink(missing_ok=True)
    result = VerificationLog(home, secret_store).verify()  # a fresh, empty log where the old one was
    assert not result.ok and "replaced by another log file" in result.problem


def test_a_rewritten_log_with_a_new_head_is_found(home: Path, secret_store) -> None:
    log = anchored(home, secret_store)
    rewrite(log.path, 17, "invalid")  # entry 17 said "trusted"
    result = log.verify()
    assert not result.ok and "entry 50 that is not the one anchored" in result.problem and "rewritten" in result.problem


def test_the_signed_checkpoint_alone_finds_a_rewrite(home: Path, secret_store, identity) -> None:
    log = anchored(home, secret_store)
    assert (home / CHECKPOINT_FILE).is_file()
    secret_store.delete(KeyringAnchor(home, secret_store).name)  # the keyring anchor is gone
    assert log.verify().ok
    rewrite(log.path, 3, "trusted")
    result = log.verify()
    assert not result.ok and "does not match its signed checkpoint" in result.problem
    assert any("no anchor in the OS keyring" in n for n in result.notes)


def test_an_altered_checkpoint_is_found(home: Path, secret_store, identity) -> None:
    log = anchored(home, secret_store)
    data = json.loads((home / CHECKPOINT_FILE).read_text())
    data["signed"]["entries"] = 10
    (home / CHECKPOINT_FILE).write_text(json.dumps(data))
    result = log.verify()
    assert not result.ok and "signature does not verify" in result.problem


@pytest.mark.parametrize("kind", [k for k in SQLITE_DAMAGE if k != "zero length"])
def test_a_damaged_log_stays_in_place_and_a_new_volume_records_it(home: Path, secret_store, kind: str) -> None:
    take_notices()
    anchored(home, secret_store).close()
    first = home / FILE_NAME
    damage_sqlite(first, kind)
    evidence = first.read_bytes() if first.is_file() else None

    log = VerificationLog(home, secret_store)  # before: sqlite3.DatabaseError, or "unable to open database file"
    assert log.path == home / "verification-log.2.sqlite3" and first.exists()
    (incident,) = log.entries()
    assert incident.verdict == "incident" and incident.file == FILE_NAME
    assert present(incident.incident, "incident")["kind"] == "damaged"
    assert incident.sha256 == (hashlib.sha256(evidence).hexdigest() if evidence is not None else "")
    (notice,) = take_notices()
    assert notice.damaged == first and notice.replaced_by == log.path and "left where it is" in notice.text
    log.append(report(51))
    log.close()

    result = VerificationLog(home, secret_store).verify()
    assert not result.ok and f"{first} is damaged" in result.problem
    if evidence is not None:
        assert first.read_bytes() == evidence, "the damaged log is kept exactly as it was found"
    assert present(KeyringAnchor(home, secret_store).read(), "anchor").volume == 2
    shutil.move(str(first), str(home.parent / "kept-as-evidence"))
    result = VerificationLog(home, secret_store).verify()
    assert result.ok and result.entries == 2 and any("Earlier incident on record" in n for n in result.notes)


def test_an_emptied_log_is_found_by_its_anchor(home: Path, secret_store) -> None:
    anchored(home, secret_store).close()
    damage_sqlite(home / FILE_NAME, "zero length")  # an empty database to sqlite: only the anchor can tell
    result = VerificationLog(home, secret_store).verify()
    assert not result.ok and "replaced by another log file" in result.problem


@pytest.mark.parametrize("ahead", [False, True], ids=["checked-at-first-append", "checked-ahead"])
def test_a_shortened_log_is_set_aside_before_the_next_entry(home: Path, secret_store, ahead: bool) -> None:
    take_notices()
    log = anchored(home, secret_store)
    shorten(log.path, 40)
    evidence = hashlib.sha256(log.path.read_bytes()).hexdigest()
    if ahead:
        log.check_ahead()  # as a command's ready("inspect") starts it, while the first file is inspected
    log.append(report(99))  # the app goes on inspecting; the first append checks the anchor (or waits for it)
    log.close()

    (notice,) = take_notices()
    assert "does not match its anchor" in notice.text and notice.damaged == home / FILE_NAME
    second = VerificationLog(home, secret_store)
    assert second.path.name == "verification-log.2.sqlite3"
    incident, logged = second.entries()  # checked before the first append: the new entry is in the new volume
    said = present(incident.incident, "incident")
    assert said["kind"] == "anchor" and said["anchor"]["entries"] == 50
    assert said["found"]["entries"] == 40 and incident.sha256 == evidence and logged.file == "99.jpg"
    result = second.verify()
    assert not result.ok and "did not match its anchor" in result.problem
    assert "ends at entry 40, but 50 entries were anchored" in result.problem
    assert present(KeyringAnchor(home, secret_store).read(), "anchor").volume == 2


def test_a_missing_newest_volume_is_found(home: Path, secret_store) -> None:
    log = anchored(home, secret_store)
    shorten(log.path, 40)
    log.anchor_now()  # sets volume 1 aside and anchors a new volume 2
    log.close()
    (home / "verification-log.2.sqlite3").unlink()
    result = VerificationLog(home, secret_store).verify()
    assert not result.ok and "verification-log.2.sqlite3, the newest part of the log" in result.problem


def test_a_new_volume_in_place_of_a_deleted_one_is_found(home: Path, secret_store) -> None:
    anchored(home, secret_store).close()
    damage_sqlite(home / FILE_NAME, "random bytes")
    log = VerificationLog(home, secret_store)
    log.anchor_now()
    log.close()
    (home / "verification-log.2.sqlite3").unlink()
    result = VerificationLog(home, secret_store).verify()
    # Opening the log found volume 1 damaged and started a new volume 2: not the one the anchor names.
    assert not result.ok and "verification-log.2.sqlite3 was replaced by another log file" in result.problem


class CountingSecrets:
    """The real keyring, counting anchor writes and noting which thread made them."""

    def __init__(self, inner: SecretStore) -> None:
        self.inner, self.writes = inner, list[str]()

    def get(self, name: str) -> str | None:
        return self.inner.get(name)

    def set(self, name: str, value: str) -> None:
        self.writes.append(threading.current_thread().name)
        self.inner.set(name, value)

    def delete(self, name: str) -> None:
        self.inner.delete(name)


def test_anchor_writes_are_batched_and_never_on_the_appending_thread(home: Path, secret_store) -> None:
    secrets = CountingSecrets(secret_store)
    log = VerificationLog(home, secrets, anchor_interval=0.5)
    for i in range(1, 301):
        log.append(report(i))
    during = list(secrets.writes)
    assert threading.current_thread().name not in during and len(during) <= 3, during
    log.close()
    anchor = KeyringAnchor(home, secret_store).read()
    assert anchor is not None and anchor.entries == 300 and len(secrets.writes) <= 4


class NoKeyring:
    def get(self, name: str) -> str | None:
        raise KeyringUnavailableError("No keyring service is running.")

    def set(self, name: str, value: str) -> None:
        raise KeyringUnavailableError("No keyring service is running.")

    def delete(self, name: str) -> None:
        raise KeyringUnavailableError("No keyring service is running.")


def test_without_a_keyring_the_log_works_and_says_it_is_not_anchored(home: Path) -> None:
    log = VerificationLog(home, NoKeyring())
    log.append(report(1))
    log.close()
    result = VerificationLog(home, NoKeyring()).verify()
    assert result.ok and any("Not checked against its anchor in the OS keyring" in n for n in result.notes)


def test_a_name_that_is_not_utf8_or_holds_escape_codes_is_logged_as_people_see_it(tmp_path: Path) -> None:
    import dataclasses

    log = VerificationLog(tmp_path)
    for name in (b"bad\xffname.jpg".decode("utf-8", "surrogateescape"), "\x1b[32mvalid\x1b[0m.jpg"):
        plain = report(1)
        log.append(dataclasses.replace(plain, file=dataclasses.replace(plain.file, name=name)))
    assert [e.file for e in log.entries()] == ["bad\\udcffname.jpg", "\\x1b[32mvalid\\x1b[0m.jpg"]
    assert log.verify().ok
