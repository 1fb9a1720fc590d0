"""services/repository/recovery.py: which reports want recovery, the recovered manifest's own verdict, what protect
keeps in the repository, and the report's `recovered` field through JSON."""

from __future__ import annotations

import json
from pathlib import Path

from trustnxt_desktop.domain.protect import ProtectOptions, ProtectResult, ProtectStatus
from trustnxt_desktop.domain.report import (
    Check,
    CheckStatus,
    EngineInfo,
    FileInfo,
    InspectionReport,
    RecoveredCredentials,
    SignerInfo,
    Validation,
    ValidationCode,
    Verdict,
)
from trustnxt_desktop.domain.soft_binding import ISCC_IMAGE, PDQ, Fingerprint
from trustnxt_desktop.services.repository.recovery import keep_protected, own_verdict, wants_recovery
from trustnxt_desktop.services.repository.sqlite import SqliteRepository


def _report(verdict: Verdict, media_type: str = "image/jpeg", failures: tuple[str, ...] = (),
            trusted: bool = False) -> InspectionReport:
    return InspectionReport(
        file=FileInfo("/in/a.jpg", "a.jpg", 10, "0" * 64, media_type), verdict=verdict, summary="",
        engine=EngineInfo("c2pa-rs", "0.91"), signer=SignerInfo(common_name="Ana Lima"),
        checks=[Check("signer_trust", CheckStatus.PASS if trusted else CheckStatus.WARN, "")],
        validation=Validation(failure=[ValidationCode(c, f"explained {c}") for c in failures]))


def test_only_pictures_without_readable_credentials_want_recovery() -> None:
    assert wants_recovery(_report(Verdict.NONE)) and wants_recovery(_report(Verdict.ERROR))
    assert not wants_recovery(_report(Verdict.TRUSTED)) and not wants_recovery(_report(Verdict.INVALID))
    assert not wants_recovery(_report(Verdict.NONE, "audio/mpeg"))
    assert not wants_recovery(_report(Verdict.NONE, "image/svg+xml"))


def test_the_recovered_manifest_is_judged_without_its_hard_binding() -> None:
    assert own_verdict(_report(Verdict.INVALID, failures=("assertion.dataHash.mismatch",), trusted=True))[0] \
        is Verdict.TRUSTED
    assert own_verdict(_report(Verdict.INVALID, failures=("assertion.dataHash.mismatch",
                                                          "signingCredential.untrusted")))[0] is Verdict.VALID
    verdict, sentence = own_verdict(_report(Verdict.INVALID, failures=("assertion.dataHash.mismatch",
                                                                       "claimSignature.mismatch")))
    assert verdict is Verdict.INVALID and "explained claimSignature.mismatch" in sentence
    assert own_verdict(_report(Verdict.ERROR))[0] is Verdict.ERROR


def test_protect_keeps_a_done_copy_with_fingerprints_once(tmp_path: Path) -> None:
    repo = SqliteRepository(tmp_path)
    prints = (Fingerprint(ISCC_IMAGE, b"\x01" * 8), Fingerprint(PDQ, b"\x02" * 32))
    done = ProtectResult(Path("/in/a.jpg"), ProtectStatus.DONE, media_type="image/jpeg", fingerprints=prints,
                         manifest_store=b"jumbf", manifest_label="urn:c2pa:1", thumbnail=b"\xff\xd8")
    assert keep_protected(repo, done, ProtectOptions(capture_device="Webcam (camera)"))
    assert not keep_protected(repo, done, ProtectOptions()), "kept once"
    assert not keep_protected(repo, ProtectResult(Path("b.jpg"), ProtectStatus.DONE), ProtectOptions())
    stored = repo.manifest("urn:c2pa:1")
    assert stored is not None and stored.origin == "capture" and stored.title == "a.jpg"
    assert set(stored.fingerprints) == set(prints) and stored.thumbnail_type == "image/jpeg"
    repo.close()


def test_recovered_credentials_survive_the_json_round_trip() -> None:
    report = _report(Verdict.NONE)
    report.recovered.append(RecoveredCredentials(
        source="this computer", algorithm=PDQ, distance=12, manifest_id="urn:c2pa:1", verdict=Verdict.TRUSTED,
        meaning="alike", summary="intact", pdq_distance=12, iscc_distance=3, orientation="rotate_90",
        signer=SignerInfo(common_name="Ana Lima"), title="a.jpg", thumbnail="/9j/"))
    again = InspectionReport.from_dict(json.loads(json.dumps(report.to_dict())))
    assert again.recovered == report.recovered
    older = report.to_dict()
    del older["recovered"]
    assert InspectionReport.from_dict(older).recovered == []
