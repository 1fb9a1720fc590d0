"""Revocation of the signer's certificate, asked of a real OCSP responder and CRL on 127.0.0.1
(tests/revocation_pki.py): good and revoked certificates with checking on, answers kept until their nextUpdate,
"not checked" and why when checking is off, the services cannot be reached, the certificate names none, or an
answer is forged."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec

from tests.c2pa_signing import local_tsa, manifest, sign
from tests.certs import TestCA
from tests.conftest import CORPUS
from tests.revocation_pki import RevocationPKI, revocation_services
from trustnxt_desktop.domain.report import CheckStatus, InspectionReport, Verdict
from trustnxt_desktop.domain.timestamps import (
    NOT_CHECKED_NO_RESPONDER,
    NOT_CHECKED_OFFLINE,
    NOT_CHECKED_PRIVACY,
    NOT_CHECKED_UNUSABLE,
    REVOCATION_GOOD,
    REVOCATION_NOT_CHECKED,
    REVOCATION_REVOKED,
)
from trustnxt_desktop.engine.inspect import inspect_file
from trustnxt_desktop.engine.revocation import OCSP_REVOKED, RevocationChecker, not_asked
from trustnxt_desktop.engine.trust import TrustConfig, TrustSource

SOURCE = CORPUS / "media" / "trustnxt-icon.jpg"


def signed_report(tmp_path: Path, pki: RevocationPKI, chain: bytes, key: bytes, *, tsa: str | None = None,
                  tsa_ca: TestCA | None = None) -> InspectionReport:
    data, _ = sign(SOURCE, manifest(), (chain, key), tsa_url=tsa)
    path = tmp_path / f"signed-{len(list(tmp_path.iterdir()))}.jpg"
    path.write_bytes(data)
    sources = [TrustSource("Revocation test root", anchors_pem=pki.root_pem, kind="user-anchor")]
    if tsa_ca is not None:
        sources.append(TrustSource("Test TSA list", anchors_pem=tsa_ca.pem, kind="tsa-list"))
    return inspect_file(path, TrustConfig(sources=tuple(sources)))


def check(report: InspectionReport) -> tuple[CheckStatus, str]:
    found = report.check("revocation")
    assert found is not None
    return found.status, found.detail


def test_inspection_records_the_chain_and_asks_nobody(tmp_path: Path) -> None:
    with revocation_services() as pki:
        _, chain, key = pki.issue("Good Photographer")
        report = signed_report(tmp_path, pki, chain, key)
        assert report.verdict is Verdict.TRUSTED
        assert report.revocation is not None and len(report.revocation.chain_pem) == 2
        assert report.revocation.status == REVOCATION_NOT_CHECKED and report.revocation.why_not == NOT_CHECKED_PRIVACY
        not_asked(report)
        assert check(report)[0] is CheckStatus.UNKNOWN and "Privacy" in check(report)[1]
        assert pki.requests == []
        # The report's JSON carries it, and reads back.
        back = InspectionReport.from_dict(json.loads(json.dumps(report.to_dict())))
        assert back.revocation == report.revocation


def test_good_and_revoked_certificates_with_checking_on(tmp_path: Path) -> None:
    with revocation_services() as pki:
        _, good_chain, good_key = pki.issue("Good Photographer")
        bad_cert, bad_chain, bad_key = pki.issue("Careless Photographer")
        pki.revoke(bad_cert, x509.ReasonFlags.key_compromise)
        checker = RevocationChecker(tmp_path / "cache.json")

        good = checker.apply(signed_report(tmp_path, pki, good_chain, good_key))
        assert good.revocation is not None and good.revocation.status == REVOCATION_GOOD
        assert good.revocation.method == "OCSP" and good.revocation.source == f"{pki.base_url}/ocsp"
        assert good.revocation.valid_until is not None and not good.revocation.cached
        assert good.verdict is Verdict.TRUSTED and check(good)[0] is CheckStatus.PASS

        revoked = checker.apply(signed_report(tmp_path, pki, bad_chain, bad_key))
        assert revoked.revocation is not None and revoked.revocation.status == REVOCATION_REVOKED
        assert revoked.revocation.reason == "keyCompromise" and revoked.revocation.revoked_at
        assert revoked.verdict is Verdict.INVALID
        assert OCSP_REVOKED in revoked.validation.failure_codes()
        status, detail = check(revoked)
        assert status is CheckStatus.FAIL and "Revoked on" in detail and "keyCompromise" in detail
        assert "no longer be relied on" in revoked.summary
        assert pki.requests == ["POST /ocsp", "POST /ocsp"]

        # Asked again within the answers' validity: from the cache, also in a new checker (the file).
        again = RevocationChecker(tmp_path / "cache.json").apply(signed_report(tmp_path, pki, bad_chain, bad_key))
        assert again.revocation is not None and again.revocation.cached and again.verdict is Verdict.INVALID
        assert len(pki.requests) == 2
        stored = (tmp_path / "cache.json").read_text("utf-8")
        assert "BEGIN" not in stored and "PRIVATE" not in stored  # the cache holds answers, not certificates

        # An answer past its nextUpdate is asked again (the responder's answers then run longer).
        pki.next_update = dt.timedelta(days=3)
        later = RevocationChecker(tmp_path / "cache.json",
                                  now=lambda: dt.datetime.now(dt.UTC) + dt.timedelta(days=2))
        later.check(again.revocation.chain_pem)
        assert len(pki.requests) == 3


def test_a_crl_when_the_certificate_names_no_responder(tmp_path: Path) -> None:
    with revocation_services() as pki:
        cert, chain, key = pki.issue("CRL Photographer", ocsp_url=False)
        pki.revoke(cert, x509.ReasonFlags.superseded)
        report = RevocationChecker().apply(signed_report(tmp_path, pki, chain, key))
        assert report.revocation is not None and report.revocation.method == "CRL"
        assert report.revocation.status == REVOCATION_REVOKED and report.revocation.reason == "superseded"
        assert report.verdict is Verdict.INVALID and pki.requests == ["GET /ca.crl"]


def test_not_checked_says_why(tmp_path: Path) -> None:
    with revocation_services() as pki:
        _, bare_chain, bare_key = pki.issue("No Services", ocsp_url=False, crl_url=False)
        _, chain, key = pki.issue("Offline Photographer")
        bare = RevocationChecker().apply(signed_report(tmp_path, pki, bare_chain, bare_key))
        report = signed_report(tmp_path, pki, chain, key)
    assert bare.revocation is not None and bare.revocation.why_not == NOT_CHECKED_NO_RESPONDER
    # The responder and the list have gone away: offline.
    offline = RevocationChecker().apply(report)
    assert offline.revocation is not None and offline.revocation.status == REVOCATION_NOT_CHECKED
    assert offline.revocation.why_not == NOT_CHECKED_OFFLINE
    assert offline.verdict is Verdict.TRUSTED and check(offline)[0] is CheckStatus.UNKNOWN
    assert "could not be reached" in check(offline)[1]


def test_a_forged_answer_is_not_relied_on(tmp_path: Path) -> None:
    with revocation_services() as pki:
        _, chain, key = pki.issue("Forged Photographer", crl_url=False)
        pki.ocsp_signer = ec.generate_private_key(ec.SECP256R1())  # someone else's key
        report = RevocationChecker().apply(signed_report(tmp_path, pki, chain, key))
    assert report.revocation is not None and report.revocation.why_not == NOT_CHECKED_UNUSABLE
    assert report.verdict is Verdict.TRUSTED and "not signed by the certificate's issuer" in check(report)[1]


def test_revoked_after_a_trusted_timestamp_the_signature_stands(tmp_path: Path) -> None:
    tsa_ca = TestCA("Revocation TSA CA")
    with revocation_services() as pki, local_tsa(tsa_ca) as tsa:
        later_cert, later_chain, later_key = pki.issue("Revoked Later")
        early_cert, early_chain, early_key = pki.issue("Revoked Before")
        stamped_later = signed_report(tmp_path, pki, later_chain, later_key, tsa=tsa, tsa_ca=tsa_ca)
        stamped_early = signed_report(tmp_path, pki, early_chain, early_key, tsa=tsa, tsa_ca=tsa_ca)
        pki.revoke(later_cert, when=dt.datetime.now(dt.UTC) + dt.timedelta(seconds=1))
        pki.revoke(early_cert, when=dt.datetime.now(dt.UTC) - dt.timedelta(hours=1))
        checker = RevocationChecker()
        after = checker.apply(stamped_later)
        before = checker.apply(stamped_early)
    assert after.revocation is not None and after.revocation.status == REVOCATION_REVOKED
    assert after.verdict is Verdict.TRUSTED and check(after)[0] is CheckStatus.WARN
    assert "signature stands" in check(after)[1]
    assert before.verdict is Verdict.INVALID and check(before)[0] is CheckStatus.FAIL
