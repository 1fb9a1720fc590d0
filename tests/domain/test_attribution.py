"""Plain words for training choices, CAWG identity status, thumbnails and empty histories."""

from __future__ import annotations

import pytest

from trustnxt_desktop.domain.attribution import (
    ICA,
    X509,
    identity_facts,
    identity_line,
    judge_identity,
    judge_x509_trust,
    training_rows,
    training_summary,
)
from trustnxt_desktop.domain.history import empty_history_reason
from trustnxt_desktop.domain.pictures import thumbnail_note
from trustnxt_desktop.domain.report import (
    Action,
    EngineInfo,
    FileInfo,
    IdentityAssertion,
    Ingredient,
    InspectionReport,
    PictureShape,
    TrainingChoice,
    Verdict,
    VerifiedIdentity,
)


def test_training_rows_merge_c2pa_and_cawg_entries_and_the_stricter_wins() -> None:
    choices = [TrainingChoice("c2pa.ai_generative_training", "allowed"),
               TrainingChoice("cawg.ai_generative_training", "notAllowed"),
               TrainingChoice("cawg.data_mining", "constrained", "only for research, ask first"),
               TrainingChoice("com.example.custom_use", "allowed")]
    assert training_rows(choices) == [("Training generative AI", "not allowed"),
                                      ("Data mining", "only under conditions: only for research, ask first"),
                                      ("Custom use", "allowed")]
    assert training_summary(choices) == "Do not train: the signer does not allow AI training on this file."
    assert (training_summary([TrainingChoice("c2pa.ai_inference", "notAllowed")]) or "").startswith("The signer limits")
    assert "only under conditions" in (training_summary([TrainingChoice("c2pa.data_mining", "constrained")]) or "")
    assert (training_summary([TrainingChoice("c2pa.ai_training", "allowed")]) or "").startswith("The signer allows")
    assert training_summary([]) is None


@pytest.mark.parametrize(("sig_type", "failure", "info", "success", "status", "words"), [
    (X509, ["cawg.x509.credential.untrusted"], [], ["cawg.x509.signature.validated"], Verdict.VALID, "issue #2599"),
    (X509, [], [], ["cawg.x509.credential.trusted", "cawg.identity.well-formed"], Verdict.TRUSTED,
     "trust list you use"),
    (X509, ["cawg.identity.hard_binding_missing"], [], [], Verdict.INVALID, "not tied to the file"),
    (ICA, [], ["cawg.ica.untrusted_issuer"], [], Verdict.VALID, "did:web:example.com, which is not one you trust"),
    (ICA, [], [], ["cawg.ica.credential_valid"], Verdict.TRUSTED, "which you trust"),
    (ICA, ["cawg.ica.did_unavailable"], [], [], Verdict.UNVERIFIED, "could not be reached"),
    (ICA, ["cawg.ica.valid_until.invalid", "cawg.ica.untrusted_issuer"], [], [], Verdict.INVALID, "has expired"),
    ("cawg.future_kind", [], [], ["cawg.identity.well-formed"], Verdict.VALID, "not one this app can judge"),
    (X509, [], [], [], Verdict.UNVERIFIED, "did not check"),
])
def test_identity_status_follows_the_codes(sig_type: str, failure: list[str], info: list[str], success: list[str],
                                           status: Verdict, words: str) -> None:
    got, sentence = judge_identity(sig_type, failure, info, success, issuer="did:web:example.com")
    assert got is status
    assert words in sentence


def test_identity_line_names_the_account_and_who_checked_it() -> None:
    v = VerifiedIdentity("cawg.social_media", username="jane", uri="https://social.example/jane", provider="Social",
                         verified_at="2025-04-09T22:45:26Z")
    assert identity_line(v) == ("Social media account: @jane on Social (https://social.example/jane), "
                                "verified 2025-04-09")
    assert identity_line(VerifiedIdentity("cawg.affiliation", provider="Newsroom")) == \
        "Member of an organisation: Newsroom"


@pytest.mark.parametrize(("file", "thumb", "says"), [
    (PictureShape(4032, 3024, 6), PictureShape(1280, 960, 6), None),  # both turned the same way (Truepic)
    (PictureShape(4032, 3024, 6), PictureShape(960, 1280, 1), None),  # thumbnail made upright
    (PictureShape(4032, 3024, 6), PictureShape(1280, 960, 1), "turned 90°"),  # orientation flag ignored
    (PictureShape(4000, 3000, 1), PictureShape(1024, 576, 1), "different shape (1.78:1)"),
    (PictureShape(4000, 3000, 1), PictureShape(1024, 767, 1), None),  # rounding of a small thumbnail
])
def test_thumbnail_note(file: PictureShape, thumb: PictureShape, says: str | None) -> None:
    note = thumbnail_note(file, thumb)
    if says is None:
        assert note is None
    else:
        assert note is not None and says in note
        assert "not a sign of manipulation" in note or "crop or pad" in note
    assert thumbnail_note(None, thumb) is None and thumbnail_note(file, None) is None


def test_turned_thumbnail_names_the_files_orientation() -> None:
    note = thumbnail_note(PictureShape(4032, 3024, 6), PictureShape(1280, 960, 1))
    assert note is not None and "turned 90° clockwise (EXIF orientation 6)" in note


def _report(verdict: Verdict, actions: list[Action] | None = None, ingredients: bool = False) -> InspectionReport:
    return InspectionReport(file=FileInfo("/x.jpg", "x.jpg", 1, "0" * 64, "image/jpeg"), verdict=verdict,
                            summary="", engine=EngineInfo("e", "1"), actions=actions or [],
                            ingredients=[Ingredient("a.jpg", "parentOf", Verdict.NONE)] if ingredients else [])


def test_an_empty_history_says_why() -> None:
    assert empty_history_reason(_report(Verdict.VALID, [Action("c2pa.created")])) is None
    assert "carries no Content Credentials" in (empty_history_reason(_report(Verdict.NONE)) or "")
    assert "record no actions" in (empty_history_reason(_report(Verdict.INVALID)) or "")
    assert "Made from" in (empty_history_reason(_report(Verdict.VALID, ingredients=True)) or "")
    reasons = {empty_history_reason(_report(v)) for v in Verdict}
    assert len(reasons) == 5 and None not in reasons  # trusted, valid and invalid share one sentence


def test_a_key_left_unfetched_is_not_called_unreachable() -> None:
    got, sentence = judge_identity(ICA, ["cawg.ica.did_unavailable"], [], [], issuer="did:web:id.example",
                                   network=False)
    assert got is Verdict.UNVERIFIED and "did:web:id.example" in sentence
    assert "was not contacted" in sentence and "no network call" in sentence and "could not be reached" not in sentence


# -- the trust in an X.509 identity's certificate, judged by the validator that can -------------------------

def test_x509_trust_names_the_deciding_list_and_the_judge() -> None:
    status, sentence = judge_x509_trust([], ["cawg.x509.credential.trusted"], "encypher-c2pa 1.7.1", "Newsroom")
    assert status is Verdict.TRUSTED and "“Newsroom”" in sentence and "encypher-c2pa 1.7.1" in sentence
    assert "#2599" in sentence
    status, sentence = judge_x509_trust([], ["cawg.x509.credential.trusted"], "encypher-c2pa 1.7.1", None)
    assert status is Verdict.TRUSTED and "a trust list you use" in sentence


def test_x509_not_trusted_or_broken_or_not_judged() -> None:
    status, sentence = judge_x509_trust(["cawg.x509.credential.untrusted"], [], "E 1", "Newsroom")
    assert status is Verdict.VALID and "does not chain" in sentence and "Newsroom" not in sentence
    status, sentence = judge_x509_trust(["cawg.identity.hard_binding_missing", "cawg.x509.credential.untrusted"],
                                        [], "E 1", None)
    assert status is Verdict.INVALID and sentence == ("Do not rely on this identity: the identity statement is not "
                                                      "tied to the file's content (found by E 1).")
    status, sentence = judge_x509_trust([], ["cawg.identity.well-formed"], "E 1", None)
    assert status is Verdict.VALID and "not evaluated" in sentence


def test_identity_facts_leave_out_what_is_not_known() -> None:
    a = IdentityAssertion("cawg.identity", X509, Verdict.TRUSTED, "", emails=["ana@diario.example"],
                          websites=["https://ana.example/"], verified_by="Newsroom CA · The Newsroom",
                          verified_at="2026-01-02T00:00:00+00:00", valid_until="2029-01-02T00:00:00+00:00",
                          trust_source="Newsroom list", trust_judged_by="encypher-c2pa 1.7.1")
    assert identity_facts(a) == [
        ("E-mail (in the certificate)", "ana@diario.example"),
        ("Web site (in the certificate)", "https://ana.example/"),
        ("Certificate issued by", "Newsroom CA · The Newsroom, from 2026-01-02 until 2029-01-02"),
        ("Trust judged by", "encypher-c2pa 1.7.1, trust list “Newsroom list”")]
    assert identity_facts(IdentityAssertion("cawg.identity", ICA, Verdict.VALID, "", verified_by="did:web:x")) == []


def test_a_report_written_before_the_identity_facts_still_reads() -> None:
    old = {"label": "cawg.identity", "sig_type": X509, "status": "valid", "status_detail": "intact", "signer": None,
           "issuer": None, "verified_identities": [], "referenced_assertions": ["c2pa.actions.v2"], "codes": []}
    report = InspectionReport.from_dict({"file": {"path": "a.jpg", "name": "a.jpg", "size": 1, "sha256": "",
                                                  "media_type": "image/jpeg"}, "verdict": "valid",
                                         "engine": {"name": "e", "version": "1"}, "identity": [old],
                                         "schema": "trustnxt.inspection/2"})
    [a] = report.identity
    assert a.emails == [] and a.verified_by is None and a.trust_source is None and a.trust_judged_by is None
