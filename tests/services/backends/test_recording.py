"""services/backends/recording.py: every inspection is logged, whichever way it was asked for, and every
other call of the Backend protocol reaches the wrapped backend explicitly."""

from __future__ import annotations

import logging
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.conftest import CORPUS, EXPECTED, shipped_verdict
from tests.secrets import MemorySecretStore
from trustnxt_desktop.domain.report import InspectionReport, Verdict
from trustnxt_desktop.services.account.settings import Settings
from trustnxt_desktop.services.backends.local import LocalBackend
from trustnxt_desktop.services.backends.protocol import Backend
from trustnxt_desktop.services.backends.recording import RecordingBackend
from trustnxt_desktop.services.records.log_anchor import KeyringAnchor
from trustnxt_desktop.services.records.verification_log import VerificationLog

FILES = [CORPUS / "c2pa" / n for n in ("adobe-20220124-C.jpg", "adobe-20220124-E-sig-CA.jpg", "adobe-20220124-A.jpg",
                                         "adobe-20220124-CA.jpg", "boxhash.jpg")]
PDF = CORPUS / "c2pa" / "adobe-20240110-single_manifest_store.pdf"


@pytest.fixture
async def recording(home: Path, memory_secrets: MemorySecretStore) -> AsyncIterator[RecordingBackend]:
    backend = RecordingBackend(LocalBackend(home, memory_secrets, Settings(jobs=2)), VerificationLog(home))
    try:
        yield backend
    finally:
        await backend.aclose()


def logged(home: Path) -> list[tuple[str, str, str]]:
    return [(e.file, e.verdict, e.sha256) for e in VerificationLog(home).entries()]


def test_the_protocol_is_implemented_member_by_member_not_forwarded_wholesale() -> None:
    members = {name for name in vars(Backend) if not name.startswith("_")}
    assert members, "the protocol names its members"
    assert members <= set(vars(RecordingBackend)), sorted(members - set(vars(RecordingBackend)))
    assert "__getattr__" not in vars(RecordingBackend)


async def test_what_the_wrapped_backend_says_of_itself_is_what_the_wrapper_says(
        recording: RecordingBackend) -> None:
    inner = recording.inner
    assert isinstance(inner, LocalBackend)
    assert (recording.kind, recording.title, recording.label) == (inner.kind, inner.title, inner.label)
    assert recording.settings is inner.settings and recording.capabilities == inner.capabilities
    assert recording.trust() is inner.trust()
    assert "LocalBackend" in repr(recording)
    # What the protocol does not name is not reachable through the wrapper.
    assert hasattr(inner, "set_trust") and not hasattr(recording, "set_trust")


async def test_each_inspection_is_logged_with_its_verdict_and_hash(home: Path, recording: RecordingBackend) -> None:
    reports = [await recording.inspect(path) for path in FILES]
    assert [r.verdict for r in reports] == [Verdict(shipped_verdict(EXPECTED["c2pa"][p.name])) for p in FILES]
    assert logged(home) == [(r.file.name, r.verdict.value, r.file.sha256) for r in reports]
    assert VerificationLog(home).verify().ok


async def test_a_batch_is_logged_group_by_group_before_each_group_is_handed_on(
        home: Path, recording: RecordingBackend) -> None:
    seen: list[list[str]] = []
    yielded: list[InspectionReport] = []

    def also(reports: list[InspectionReport]) -> None:
        # Called after the group is in the log: the log already holds every report this hook sees.
        names = [name for name, _, _ in logged(home)]
        assert names[-len(reports):] == [r.file.name for r in reports]
        seen.append([r.file.name for r in reports])

    async for group in recording.inspect_stream(FILES, 2, also=also):
        yielded.extend(report for _, report in group)
    assert sorted(r.file.name for r in yielded) == sorted(p.name for p in FILES)
    assert [name for group in seen for name in group] == [r.file.name for r in yielded]
    assert logged(home) == [(r.file.name, r.verdict.value, r.file.sha256) for r in yielded]


async def test_trust_changes_reach_the_wrapped_engine(recording: RecordingBackend) -> None:
    assert (await recording.inspect(PDF)).verdict is Verdict.TRUSTED  # the shipped interim list trusts its signer
    recording.use_trust_anchors([], defaults=False)
    trust = recording.trust()
    assert trust is not None and trust is recording.inner.trust() and not trust.sources
    assert (await recording.inspect(PDF)).verdict is Verdict.VALID
    recording.reload_trust()
    assert (await recording.inspect(PDF)).verdict is Verdict.TRUSTED


async def test_ready_protect_and_usage_are_the_wrapped_engines(
        home: Path, recording: RecordingBackend, tmp_path: Path) -> None:
    assert await recording.ready("inspect") is None
    notice = await recording.ready("protect")
    assert notice is not None and "Created your signing identity" in notice
    from trustnxt_desktop.domain.protect import ProtectOptions, ProtectStatus

    source = CORPUS / "media" / "sample1.webp"
    recording.protect_soon(source, ProtectOptions(out_dir=tmp_path))
    result = await recording.protect(source, ProtectOptions(out_dir=tmp_path), idempotency_key="k1")
    assert result.status is ProtectStatus.DONE
    assert logged(home) == [], "protecting is not an inspection"
    await recording.inspect(FILES[0])
    usage = await recording.usage()
    assert (usage.protect_calls, usage.inspect_calls) == (1, 1)


def break_log_file(log: VerificationLog) -> None:
    """The log's file turns into something sqlite cannot open (as after a disk or permission problem)."""
    log.path.unlink()
    shutil.rmtree(log.path.with_name(log.path.name + "-wal"), ignore_errors=True)
    log.path.mkdir()


async def test_a_log_that_cannot_be_written_does_not_cost_the_report(
        home: Path, memory_secrets: MemorySecretStore, caplog: pytest.LogCaptureFixture) -> None:
    log = VerificationLog(home)
    backend = RecordingBackend(LocalBackend(home, memory_secrets, Settings(jobs=2)), log)
    break_log_file(log)
    try:
        with caplog.at_level(logging.ERROR, "trustnxt_desktop.services.backends.recording"):
            report = await backend.inspect(FILES[0])
            batch = [r async for group in backend.inspect_stream(FILES[1:3]) for _, r in group]
    finally:
        await backend.aclose()
    assert report.verdict is Verdict.VALID and len(batch) == 2
    messages = [r.getMessage() for r in caplog.records]
    assert messages[0] == f"could not write {FILES[0].name} to the verification log"
    # The batch's reports travel in one group or two, depending on when they land.
    assert messages[1:] in (["could not write 2 reports to the verification log"],
                            ["could not write 1 reports to the verification log"] * 2)
    assert all(r.exc_info is not None for r in caplog.records), "with the reason"


class CloseFails(LocalBackend):
    async def aclose(self) -> None:
        await super().aclose()
        raise OSError("the engine did not close")


async def test_closing_anchors_the_log_even_when_the_engine_fails_to_close(
        home: Path, memory_secrets: MemorySecretStore) -> None:
    log = VerificationLog(home, memory_secrets, anchor_interval=3600)  # no anchor update between appends
    backend = RecordingBackend(CloseFails(home, memory_secrets, Settings()), log)
    for path in FILES[:3]:
        await backend.inspect(path)
    with pytest.raises(OSError, match="did not close"):
        await backend.aclose()
    anchor = KeyringAnchor(home, memory_secrets).read()
    assert anchor is not None and anchor.entries == 3, "close() anchored what was appended after the first entry"
