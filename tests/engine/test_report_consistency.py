"""Every corpus and case file: the checks, the summary, the AI statement and the codes agree.

The invariants are written out here, independently of the code that builds the checks:
 1. a failure code the library counts against the manifest makes the check it belongs to fail
    (ingredient codes: the ingredients check warns);
 2. a timestamp check saying "no timestamp" means no timeStamp code anywhere; one that passes
    means a validated timestamp from a trusted authority and no other timeStamp code;
 3. an invalid verdict has a failing check, a trusted or valid one has none;
 4. trusted ⇒ the signer check passes and names the list; a passing signer check otherwise means
    the library trusted the signer of a manifest that failed elsewhere; valid ⇒ the signer is untrusted;
 5. the summary opens with the words of its verdict and, for invalid, gives the first reason;
 6. the AI statement (domain.ai) is in the summary, and ai_generated says the same;
 7. every failing ingredient, at any depth, makes the ingredients check warn and is named in it,
    and without trust lists no ingredient is trusted;
 8. nothing claims "signed while valid" without a trusted timestamp, and nothing says the
    certificate "had expired when" the file was signed;
 9. each failing check's words are the explanation of one of the codes in the evidence list.
"""

from __future__ import annotations

import dataclasses
from enum import Enum
from pathlib import Path

import pytest

from tests.conftest import CORPUS, SHARED
from trustnxt_desktop.domain.ai import disclosure
from trustnxt_desktop.domain.checks import CHECK_IDS
from trustnxt_desktop.domain.report import CheckStatus, Ingredient, InspectionReport, Verdict
from trustnxt_desktop.engine.inspect import inspect_file
from trustnxt_desktop.engine.trust import TrustConfig, TrustSource

FILES = sorted([*(CORPUS / "c2pa").iterdir(), *(CORPUS / "hostile").iterdir(), *(CORPUS / "media").iterdir(),
                *(SHARED / "cases").iterdir()])
TRUST = SHARED / "trust"
LISTS = TrustConfig(sources=(
    TrustSource("C2PA trust list (test snapshot)", anchors_pem=(TRUST / "C2PA-TRUST-LIST.pem").read_text(),
                kind="trust-list"),
    TrustSource("Interim trust list (test snapshot)", anchors_pem=(TRUST / "ITL-anchors.pem").read_text(),
                allowed_pem=(TRUST / "ITL-allowed.pem").read_text(), trust_config=(TRUST / "ITL-store.cfg").read_text(),
                kind="trust-list"),
    TrustSource("expired-ca.pem", anchors_pem=(SHARED / "cases" / "expired-ca.pem").read_text(), kind="user-anchor"),
))
TOLERATED = ("signingCredential.untrusted", "signingCredential.ocsp.skipped")
OPENING = {
    Verdict.TRUSTED: "Intact and signed", Verdict.VALID: "Intact and signed", Verdict.INVALID: "Do not rely",
    Verdict.NONE: "This file carries no Content Credentials",
    Verdict.UNVERIFIED: "This file points to Content Credentials",
    Verdict.UNSUPPORTED: "This file type cannot carry", Verdict.ERROR: "This file could not be read",
}
WITH_MANIFEST = (Verdict.TRUSTED, Verdict.VALID, Verdict.INVALID)
# Positive claims that the certificate was valid when the file was signed (the negative form, "nothing
# proves it was signed while it was still valid", is what an expired certificate without timestamp gets).
VALID_AT_SIGNING = ("signed while the signer's certificate was valid", "while the signer's certificate was valid",
                    "certificate was valid when the file was signed")


def expected_check(code: str) -> str | None:
    """Which check a failure code belongs to (C2PA 2.x status code families)."""
    if code in TOLERATED or code.startswith("cawg.x509."):
        return None
    for prefix, check in (("timeStamp.", "timestamp"), ("claimSignature.", "signature"), ("algorithm.", "signature"),
                          ("signingCredential.revoked", "revocation"), ("signingCredential.ocsp.revoked", "revocation"),
                          ("signingCredential.", "signer_trust"), ("ingredient.", "ingredients")):
        if code.startswith(prefix):
            return check
    return "integrity"


def walk(nodes: list[Ingredient]) -> list[Ingredient]:
    return [m for n in nodes for m in (n, *walk(n.ingredients))]


def assert_consistent(r: InspectionReport, trust: TrustConfig) -> None:  # noqa: C901 - one list of invariants
    name = r.file.name
    checks = {c.id: c for c in r.checks}
    assert [c.id for c in r.checks] == list(CHECK_IDS), name
    failure = r.validation.failure_codes()
    every = failure + [c.code for c in r.validation.warning] + [c.code for c in r.validation.success]
    explanations = [c.explanation for c in r.validation.failure + r.validation.warning + r.validation.success]

    for code in failure:  # 1
        check = expected_check(code)
        if check == "ingredients":
            assert checks[check].status in (CheckStatus.WARN, CheckStatus.FAIL), (name, code)
        elif check:
            assert checks[check].status is CheckStatus.FAIL, (name, code, checks[check])

    stamp = checks["timestamp"]  # 2
    if stamp.status is CheckStatus.NOT_APPLICABLE and r.verdict in WITH_MANIFEST:
        assert "No timestamp" in stamp.detail, name
        assert not [c for c in every if c.startswith("timeStamp.")], name
    if stamp.status is CheckStatus.PASS:
        assert {"timeStamp.validated", "timeStamp.trusted"} <= set(every), name
        assert not [c for c in every
                    if c.startswith("timeStamp.") and c not in ("timeStamp.validated", "timeStamp.trusted")]

    statuses = {c.status for c in r.checks}  # 3
    if r.verdict is Verdict.INVALID:
        assert CheckStatus.FAIL in statuses, name
    if r.verdict in (Verdict.TRUSTED, Verdict.VALID):
        assert CheckStatus.FAIL not in statuses, (name, r.checks)
        assert checks["integrity"].status is checks["signature"].status is CheckStatus.PASS, name

    if r.verdict is Verdict.TRUSTED:  # 4
        assert checks["signer_trust"].status is CheckStatus.PASS and r.signer and r.signer.trust_source, name
        assert r.signer.trust_source in checks["signer_trust"].detail and r.signer.trust_source in trust.names()
    elif checks["signer_trust"].status is CheckStatus.PASS:  # a trusted signer of a manifest that failed elsewhere
        assert r.verdict is Verdict.INVALID and "signingCredential.trusted" in every, name
    if r.verdict is Verdict.VALID:
        assert "signingCredential.untrusted" in failure and checks["signer_trust"].status is CheckStatus.WARN, name

    assert r.summary.startswith(OPENING[r.verdict]), (name, r.summary)  # 5
    if r.verdict is Verdict.TRUSTED:
        assert "a signer you trust" in r.summary
    if r.verdict is Verdict.VALID:
        assert "not on any trust list" in r.summary
    if r.verdict is Verdict.INVALID:
        first = next(c for c in r.validation.failure if c.code not in TOLERATED and not c.code.startswith("cawg.x509."))
        assert first.explanation in r.summary, name
    if r.verdict is Verdict.ERROR:
        assert r.error and r.error in r.summary, name

    said = disclosure(r)  # 6
    assert r.ai_generated is said.generated, name
    assert (r.ai_generated is None) is (r.verdict not in WITH_MANIFEST), name
    if said.sentence:
        assert said.sentence in r.summary, name
    else:
        assert " AI" not in r.summary, name

    nodes = walk(r.ingredients)  # 7
    bad = [n for n in nodes if n.verdict in (Verdict.INVALID, Verdict.UNVERIFIED, Verdict.ERROR)]
    if bad:
        assert checks["ingredients"].status is CheckStatus.WARN, name
        for n in bad[:3]:
            assert f"\u201c{n.title}\u201d" in checks["ingredients"].detail, (name, n.title)
    elif nodes:
        assert checks["ingredients"].status in (CheckStatus.PASS, CheckStatus.UNKNOWN), name
    if not trust.sources:
        assert not [n for n in nodes if n.verdict is Verdict.TRUSTED], name
    for n in nodes:
        if n.verdict is Verdict.VALID:
            assert n.manifest and not [c for c in n.failure_codes if c not in TOLERATED], (name, n.title)

    trusted_time = "timeStamp.trusted" in every and "timeStamp.validated" in every  # 8
    for words in explanations + [c.detail for c in r.checks]:
        assert "had expired when" not in words, name
        if any(claim in words for claim in VALID_AT_SIGNING):
            assert trusted_time and "signingCredential.expired" not in failure, (name, words)

    for c in r.checks:  # 9
        if c.status is CheckStatus.FAIL:
            assert c.detail in explanations, (name, c)


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_checks_summary_and_codes_agree(path: Path) -> None:
    for trust in (TrustConfig(), LISTS):
        assert_consistent(inspect_file(path, trust), trust)


def _asdict_form(report: InspectionReport) -> dict[str, object]:
    """The JSON form as dataclasses.asdict plus Enum values make it: what InspectionReport.to_dict must equal."""
    def plain(value: object) -> object:
        if isinstance(value, Enum):
            return value.value
        if isinstance(value, dict):
            return {k: plain(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return type(value)(plain(v) for v in value)
        return value

    form = plain(dataclasses.asdict(report))
    assert isinstance(form, dict)
    return form


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_the_json_form_is_every_field_in_order(path: Path) -> None:
    report = inspect_file(path, LISTS)
    form = report.to_dict()
    expected = _asdict_form(report)
    assert form == expected and list(form) == list(expected)
    assert InspectionReport.from_dict(form).to_dict() == form
