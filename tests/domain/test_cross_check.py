"""Comparing two validators' answers and choosing the headline verdict (domain.cross_check)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.expect import present
from trustnxt_desktop.domain.cross_check import AGREEMENT_FIELDS, banner_line, compare, consensus, findings
from trustnxt_desktop.domain.report import (
    CrossCheck,
    Difference,
    EngineInfo,
    FileInfo,
    InspectionReport,
    SignerInfo,
    Verdict,
)
from trustnxt_desktop.domain.validator_codes import ENGINE_SPECIFIC, MEANINGS, NOT_CHECKED, PRIMARY, SECOND, meaning

SIGNER = SignerInfo(common_name="Test Photographer", serial="1234")


def read(verdict: Verdict, engine: str, codes: list[str], **kw: Any) -> dict[str, str]:
    args: dict[str, Any] = {"signer": SIGNER, "signed_at": None, "reports_signed_at": engine == PRIMARY, "ai": "none",
                            "ingredients": []}
    args.update(kw)
    return findings(verdict, engine, codes, **args)


def test_an_expired_certificate_named_differently_is_the_same_finding() -> None:
    """c2pa-rs: signingCredential.expired; encypher-c2pa: claimSignature.outsideValidity (its own
    signingCredential.expired means a certificate above the signer)."""
    mine = read(Verdict.INVALID, PRIMARY, ["signingCredential.expired", "claimSignature.validated",
                                           "assertion.dataHash.match"])
    theirs = read(Verdict.VALID, SECOND, ["claimSignature.outsideValidity", "claimSignature.validated",
                                          "assertion.dataHash.match"])
    assert mine["certificate"] == theirs["certificate"] == "outside validity"
    assert present(meaning(SECOND, "signingCredential.expired")).value == "chain outside validity"
    differences = compare(mine, theirs, SECOND)
    assert [d.field for d in differences] == ["verdict"], "only the verdict differs, not the certificate"
    assert "Both find the signer's certificate outside its validity period" in differences[0].sentence


def test_every_difference_has_a_sentence_naming_both_validators() -> None:
    mine = read(Verdict.VALID, PRIMARY, ["assertion.collectionHash.match", "claimSignature.validated"])
    theirs = read(Verdict.INVALID, SECOND, ["assertion.collectionHash.malformed", "claimSignature.validated"])
    differences = compare(mine, theirs, SECOND, second_words={"hard_binding": "no uris field"})
    assert [(d.field, d.primary, d.second) for d in differences] == [("verdict", "valid", "invalid"),
                                                                      ("hard_binding", "match", "malformed")]
    for d in differences:
        assert "c2pa-rs" in d.sentence and "encypher-c2pa" in d.sentence and d.sentence.endswith(".")
    assert "“no uris field”" in differences[1].sentence, "the second validator's own words are quoted"


def test_a_check_one_validator_did_not_reach_is_no_disagreement() -> None:
    mine = read(Verdict.INVALID, PRIMARY, ["assertion.action.malformed"])  # stopped before the signature
    theirs = read(Verdict.INVALID, SECOND, ["assertion.action.malformed", "claimSignature.validated"])
    assert mine["signature"] == NOT_CHECKED and theirs["signature"] == "valid"
    assert compare(mine, theirs, SECOND) == []


def test_signing_time_is_compared_only_when_both_report_one() -> None:
    mine = read(Verdict.VALID, PRIMARY, [], signed_at="2023-01-24T14:48:56+00:00")
    theirs = read(Verdict.VALID, SECOND, [])
    assert "signed_at" in mine and "signed_at" not in theirs
    assert compare(mine, theirs, SECOND) == []


def test_the_signer_is_its_name_and_certificate_serial() -> None:
    mine = read(Verdict.VALID, PRIMARY, [])
    same_name = read(Verdict.VALID, SECOND, [], signer=SignerInfo(common_name="Test Photographer", serial="99"))
    (d,) = compare(mine, same_name, SECOND)
    assert d.field == "signer" and "serial 1234" in d.primary and "serial 99" in d.second
    no_serial = read(Verdict.VALID, SECOND, [], signer=SignerInfo(common_name="Test Photographer"))
    assert compare(mine, no_serial, SECOND) == [], "a serial only one of them read is not a difference"


def test_when_one_cannot_read_the_file_only_the_verdict_is_compared() -> None:
    mine = read(Verdict.ERROR, PRIMARY, [])
    theirs = read(Verdict.INVALID, SECOND, ["algorithm.unsupported", "assertion.dataHash.mismatch"])
    assert [d.field for d in compare(mine, theirs, SECOND)] == ["verdict"]


@pytest.mark.parametrize(("primary", "second", "tampered", "expected"), [
    (Verdict.VALID, Verdict.VALID, False, (Verdict.VALID, "agree")),
    (Verdict.ERROR, Verdict.INVALID, False, (Verdict.INVALID, "readable")),
    (Verdict.NONE, Verdict.VALID, False, (Verdict.VALID, "readable")),
    (Verdict.ERROR, Verdict.NONE, False, (Verdict.ERROR, "primary")),  # neither read credentials
    (Verdict.VALID, Verdict.ERROR, False, (Verdict.VALID, "primary")),
    (Verdict.VALID, Verdict.INVALID, False, (Verdict.VALID, "primary")),  # interpretation: a malformed field
    (Verdict.TRUSTED, Verdict.INVALID, True, (Verdict.INVALID, "tamper")),  # measured: a hash that does not match
    (Verdict.INVALID, Verdict.VALID, False, (Verdict.INVALID, "primary")),
    (Verdict.TRUSTED, Verdict.VALID, False, (Verdict.TRUSTED, "primary")),
    (Verdict.VALID, None, False, (Verdict.VALID, "single")),
])
def test_consensus_rule(primary: Verdict, second: Verdict | None, tampered: bool,
                        expected: tuple[Verdict, str]) -> None:
    found = {"hard_binding": "mismatch" if tampered else "match"}
    assert consensus(primary, second, found) == expected


def _report(check: CrossCheck | None) -> InspectionReport:
    return InspectionReport(file=FileInfo("/x/a.jpg", "a.jpg", 1, "ab", "image/jpeg"), verdict=Verdict.VALID,
                            summary="s", engine=EngineInfo("main", "1"), cross_check=check)


def test_banner_says_agree_differ_or_could_not_run() -> None:
    agree = CrossCheck(engine=SECOND, version="1.7.1", ran=True, verdict=Verdict.VALID, agrees=True, rule="agree")
    assert banner_line(_report(agree)) == "Checked by 2 independent validators: they agree."
    trust = CrossCheck(engine=SECOND, version="1.7.1", ran=True, verdict=Verdict.VALID, agrees=False, rule="agree",
                       differences=[Difference("trust", "trusted", "not trusted", "…")])
    assert banner_line(_report(trust)) == ("Checked by 2 independent validators: both say “valid”, but they differ "
                                           "on trust in the signer.")
    verdict = CrossCheck(engine=SECOND, version="1.7.1", ran=True, verdict=Verdict.INVALID, agrees=False,
                         rule="primary", differences=[Difference("verdict", "valid", "invalid", "…")])
    assert banner_line(_report(verdict)).startswith("Validators disagree: the main validator (c2pa-rs) says “valid”, "
                                                    "the second validator (encypher-c2pa) says “invalid”")
    down = CrossCheck(engine=SECOND, version="1.7.1", ran=False, problem="it crashed (SIGABRT) on this file")
    assert "could not run (it crashed (SIGABRT) on this file)" in banner_line(_report(down))
    assert banner_line(_report(None)) == ""


def test_schema_2_round_trips_and_schema_1_still_reads() -> None:
    check = CrossCheck(engine=SECOND, version="1.7.1", ran=True, state="Invalid", verdict=Verdict.INVALID,
                       failure_codes=["assertion.collectionHash.malformed"], signer=SIGNER,
                       trust="not_valid_for_supplied_material", findings={"verdict": "invalid"}, agrees=False,
                       differences=[Difference("verdict", "valid", "invalid", "They differ.")],
                       primary_verdict=Verdict.VALID, rule="primary", rule_detail="The main validator's verdict.")
    data = json.loads(json.dumps(_report(check).to_dict()))
    assert data["schema"] == "trustnxt.inspection/2" and data["cross_check"]["agrees"] is False
    again = InspectionReport.from_dict(data)
    assert again.cross_check == check
    old = {k: v for k, v in data.items() if k != "cross_check"} | {"schema": "trustnxt.inspection/1"}
    read_back = InspectionReport.from_dict(old)
    assert read_back.cross_check is None and read_back.schema == "trustnxt.inspection/1"
    with pytest.raises(ValueError):
        InspectionReport.from_dict({**data, "schema": "trustnxt.inspection/3"})


def test_the_code_table_names_its_sources_and_covers_the_compared_fields() -> None:
    for specific in ENGINE_SPECIFIC.values():
        assert specific.source and ("c2pa-rs" in specific.source or "encypher-c2pa" in specific.source)
    aspects = {m.aspect for m in MEANINGS.values()}
    assert {"hard_binding", "assertions", "signature", "trust"} <= aspects <= set(AGREEMENT_FIELDS) | {
        "certificate", "timestamp", "manifest"}


# -- CAWG identity assertions ------------------------------------------------------------------------------

MINE_INTACT = ["assertion.hashedURI.match", "cawg.x509.signature.validated", "cawg.identity.well-formed",
               "cawg.x509.credential.untrusted"]  # what c2pa-rs 0.91.3 says of an intact identity, trusted or not


def test_c2pa_rs_blanket_untrusted_identity_is_no_answer_about_trust() -> None:
    """c2pa-rs#2599: its `cawg.x509.credential.untrusted` is mapped to no answer, so encypher-c2pa's trusted (or not
    trusted) identity is never a difference; both judge the statement intact."""
    mine = read(Verdict.TRUSTED, PRIMARY, [], identities={"cawg.identity": MINE_INTACT})
    assert (mine["identity"], mine["identity_trust"]) == ("intact", NOT_CHECKED)
    for trust in ("cawg.x509.credential.trusted", "cawg.x509.credential.untrusted"):
        theirs = read(Verdict.TRUSTED, SECOND, [], identities={"cawg.identity": [
            "assertion.hashedURI.match", "cawg.x509.signature.validated", trust]})
        assert compare(mine, theirs, SECOND) == []
    without = read(Verdict.TRUSTED, PRIMARY, [])
    assert "identity" not in without and "identity_trust" not in without, "no identity assertion, no field"


def test_an_identity_both_judge_differently_is_a_difference_with_a_sentence() -> None:
    mine = read(Verdict.VALID, PRIMARY, [], identities={"cawg.identity": MINE_INTACT})
    theirs = read(Verdict.VALID, SECOND, [], identities={"cawg.identity": [
        "assertion.hashedURI.match", "cawg.x509.signature.mismatch"]})
    (d,) = compare(mine, theirs, SECOND, second_words={})
    assert (d.field, d.primary, d.second) == ("identity", "intact", "signature does not match")
    assert d.sentence == ("The main validator (c2pa-rs) finds the identity statement intact and its signature "
                          "correct; the second validator (encypher-c2pa) finds an identity signature that does not "
                          "match.")
    revoked = read(Verdict.VALID, PRIMARY, [], identities={"cawg.identity": ["cawg.identity.credential_revoked"]})
    trusted = read(Verdict.VALID, SECOND, [], identities={"cawg.identity": ["cawg.identity.trusted"]})
    (t,) = compare(revoked, trusted, SECOND)
    assert t.field == "identity_trust" and "the identity's credential revoked" in t.sentence


def test_identities_are_compared_one_by_one_and_only_where_both_judged() -> None:
    mine = read(Verdict.INVALID, PRIMARY, [], identities={
        "cawg.identity": ["assertion.hashedURI.mismatch", "cawg.x509.signature.mismatch"],  # changed after signing
        "cawg.identity__1": MINE_INTACT})
    theirs = read(Verdict.INVALID, SECOND, [], identities={
        "cawg.identity": ["assertion.hashedURI.mismatch"], "cawg.identity__1": ["cawg.x509.credential.trusted"]})
    assert mine["identity"] == "cawg.identity: altered; cawg.identity__1: intact"
    assert theirs["identity"] == f"cawg.identity: altered; cawg.identity__1: {NOT_CHECKED}"
    assert compare(mine, theirs, SECOND) == [], "the same finding (altered) where both looked; no answer is no answer"
    theirs = read(Verdict.INVALID, SECOND, [], identities={
        "cawg.identity": ["cawg.identity.cbor.invalid"], "cawg.identity__1": ["cawg.x509.signature.validated"]})
    (d,) = compare(mine, theirs, SECOND)
    assert (d.primary, d.second) == ("cawg.identity: altered; cawg.identity__1: intact",
                                     "cawg.identity: malformed; cawg.identity__1: intact")
    assert "cawg.identity: the identity statement altered after the claim was signed" in d.sentence
    assert "cawg.identity: a malformed identity statement" in d.sentence
