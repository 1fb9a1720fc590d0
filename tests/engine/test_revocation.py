"""Revocation of the signer's certificate, of the intermediate CA above it and of the timestamp authority's
certificate, asked of real OCSP responders and CRLs on 127.0.0.1 (tests/revocation_pki.py): good and revoked
certificates with checking on, answers kept until their nextUpdate, "not checked" and why when checking is off, the
services cannot be reached, a certificate names none, or an answer is forged; revoked before or after a trusted
timestamp; a revoked timestamp authority (RFC 3161 §4.1)."""

from __future__ import annotations

import copy
import datetime as dt
import json
import time
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec

from tests.c2pa_signing import local_tsa, manifest, sign
from tests.certs import TestCA
from tests.conftest import CORPUS
from tests.expect import present
from tests.revocation_pki import RevocationPKI, revocation_services
from trustnxt_desktop.domain.report import CheckStatus, InspectionReport, Verdict
from trustnxt_desktop.domain.times import VOUCHED, signing_time
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
from trustnxt_desktop.engine.revocation import (
    CRL_REVOKED,
    EXPIRED,
    OCSP_REVOKED,
    ROLE_CA,
    ROLE_SIGNER,
    ROLE_TSA,
    ROLE_TSA_CA,
    RevocationChecker,
    Unreachable,
    http_fetch,
    not_asked,
)
from trustnxt_desktop.engine.trust import TrustConfig, TrustSource

SOURCE = CORPUS / "media" / "trustnxt-icon.jpg"


def signed_report(tmp_path: Path, pki: RevocationPKI, chain: bytes, key: bytes, *, tsa: str | None = None,
                  tsa_ca: TestCA | None = None, tsa_anchor: str | None = None) -> InspectionReport:
    data, _ = sign(SOURCE, manifest(), (chain, key), tsa_url=tsa)
    path = tmp_path / f"signed-{len(list(tmp_path.iterdir()))}.jpg"
    path.write_bytes(data)
    sources = [TrustSource("Revocation test root", anchors_pem=pki.root_pem, kind="user-anchor")]
    if tsa_ca is not None:
        sources.append(TrustSource("Test TSA list", anchors_pem=tsa_ca.pem, kind="tsa-list"))
    if tsa_anchor is not None:
        sources.append(TrustSource("Test TSA list", anchors_pem=tsa_anchor, kind="tsa-list"))
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
        # Every certificate up to the anchor was asked about: the signer's of its issuer, the intermediate's of the
        # root (the trust anchor, which the file does not carry: it came from the trust list).
        assert [(c.role, c.status, c.method, c.source) for c in good.revocation.certificates] == [
            (ROLE_SIGNER, REVOCATION_GOOD, "OCSP", f"{pki.base_url}/ocsp"),
            (ROLE_CA, REVOCATION_GOOD, "OCSP", f"{pki.base_url}/root/ocsp")]
        assert good.revocation.anchors_pem == [pki.root_pem]
        assert "The intermediate CA Revocation Test Intermediate" in check(good)[1]

        revoked = checker.apply(signed_report(tmp_path, pki, bad_chain, bad_key))
        assert revoked.revocation is not None and revoked.revocation.status == REVOCATION_REVOKED
        assert revoked.revocation.reason == "keyCompromise" and revoked.revocation.revoked_at
        assert revoked.verdict is Verdict.INVALID
        assert OCSP_REVOKED in revoked.validation.failure_codes()
        status, detail = check(revoked)
        assert status is CheckStatus.FAIL and "Revoked on" in detail and "keyCompromise" in detail
        assert "no longer be relied on" in revoked.summary
        assert pki.requests == ["POST /ocsp", "POST /root/ocsp", "POST /ocsp"]  # the intermediate's answer is kept

        # Asked again within the answers' validity: from the cache, also in a new checker (the file).
        again = RevocationChecker(tmp_path / "cache.json").apply(signed_report(tmp_path, pki, bad_chain, bad_key))
        assert again.revocation is not None and again.revocation.cached and again.verdict is Verdict.INVALID
        assert len(pki.requests) == 3
        stored = (tmp_path / "cache.json").read_text("utf-8")
        assert "BEGIN" not in stored and "PRIVATE" not in stored  # the cache holds answers, not certificates

        # An answer past its nextUpdate is asked again (the responder's answers then run longer).
        pki.next_update = dt.timedelta(days=3)
        later = RevocationChecker(tmp_path / "cache.json",
                                  now=lambda: dt.datetime.now(dt.UTC) + dt.timedelta(days=2))
        later.check(again.revocation.chain_pem, anchors_pem=again.revocation.anchors_pem)
        assert len(pki.requests) == 5


def test_a_crl_when_the_certificate_names_no_responder(tmp_path: Path) -> None:
    with revocation_services() as pki:
        cert, chain, key = pki.issue("CRL Photographer", ocsp_url=False)
        pki.revoke(cert, x509.ReasonFlags.superseded)
        report = RevocationChecker().apply(signed_report(tmp_path, pki, chain, key))
        assert report.revocation is not None and report.revocation.method == "CRL"
        assert report.revocation.status == REVOCATION_REVOKED and report.revocation.reason == "superseded"
        assert report.verdict is Verdict.INVALID and pki.requests == ["GET /ca.crl", "POST /root/ocsp"]


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


def test_a_revoked_intermediate_makes_the_report_invalid(tmp_path: Path) -> None:
    with revocation_services() as pki:
        _, chain, key = pki.issue("Photographer Under A Revoked CA")
        report = signed_report(tmp_path, pki, chain, key)
        pki.revoke(pki.ca, x509.ReasonFlags.ca_compromise)
        report = RevocationChecker().apply(report)
    assert report.revocation is not None and report.revocation.status == REVOCATION_REVOKED
    signer, ca = report.revocation.certificates
    assert (signer.role, signer.status) == (ROLE_SIGNER, REVOCATION_GOOD)
    assert (ca.role, ca.status, ca.reason, ca.source) == (ROLE_CA, REVOCATION_REVOKED, "cACompromise",
                                                          f"{pki.base_url}/root/ocsp")
    assert report.revocation.certificate == ca.certificate and report.revocation.reason == "cACompromise"
    assert report.verdict is Verdict.INVALID and OCSP_REVOKED in report.validation.failure_codes()
    status, detail = check(report)
    assert status is CheckStatus.FAIL and "The intermediate CA Revocation Test Intermediate" in detail
    assert "cACompromise" in report.summary and "intermediate CA" in report.summary


def test_an_intermediate_on_the_roots_revocation_list(tmp_path: Path) -> None:
    with revocation_services() as pki:
        _, chain, key = pki.issue("Photographer Under A Listed CA")
        report = signed_report(tmp_path, pki, chain, key)
        pki.revoke(pki.ca, x509.ReasonFlags.superseded)
        # The root's responder is gone: the root's list answers instead.
        checker = RevocationChecker(fetch=lambda url, body, kind: (
            http_fetch(url, body, kind) if not url.endswith("/root/ocsp") else _unreachable(url)))
        report = checker.apply(report)
    assert report.verdict is Verdict.INVALID and CRL_REVOKED in report.validation.failure_codes()
    ca = present(report.revocation).certificates[1]
    assert (ca.method, ca.status, ca.reason) == ("CRL", REVOCATION_REVOKED, "superseded")


def _unreachable(url: str) -> bytes:
    raise Unreachable(f"{url} could not be reached (test)")


def test_an_intermediate_that_names_no_service_is_said_not_checked(tmp_path: Path) -> None:
    with revocation_services(ca_services=False) as pki:
        _, chain, key = pki.issue("Photographer Under A Quiet CA")
        report = RevocationChecker().apply(signed_report(tmp_path, pki, chain, key))
    revocation = present(report.revocation)
    assert revocation.status == REVOCATION_NOT_CHECKED and revocation.why_not == NOT_CHECKED_NO_RESPONDER
    assert [(c.role, c.status) for c in revocation.certificates] == [(ROLE_SIGNER, REVOCATION_GOOD),
                                                                      (ROLE_CA, REVOCATION_NOT_CHECKED)]
    status, detail = check(report)
    assert status is CheckStatus.UNKNOWN and report.verdict is Verdict.TRUSTED
    assert "Not revoked" in detail and "names no revocation service" in detail
    back = InspectionReport.from_dict(json.loads(json.dumps(report.to_dict())))
    assert back.revocation == report.revocation


def test_an_intermediate_revoked_after_a_trusted_timestamp_leaves_the_signature_standing(tmp_path: Path) -> None:
    tsa_ca = TestCA("Revocation TSA CA")
    with revocation_services() as pki, local_tsa(tsa_ca) as tsa:
        _, chain, key = pki.issue("Photographer Signed In Time")
        report = signed_report(tmp_path, pki, chain, key, tsa=tsa, tsa_ca=tsa_ca)
        pki.revoke(pki.ca, x509.ReasonFlags.ca_compromise, when=dt.datetime.now(dt.UTC) + dt.timedelta(seconds=1))
        report = RevocationChecker().apply(report)
    assert present(report.revocation).status == REVOCATION_REVOKED
    assert report.verdict is Verdict.TRUSTED and check(report)[0] is CheckStatus.WARN
    assert "signature stands" in check(report)[1]


def test_the_timestamp_authoritys_certificate_is_checked_when_its_timestamp_decides(tmp_path: Path) -> None:
    with revocation_services() as pki:
        issuer = pki.as_test_ca()
        with local_tsa(issuer) as tsa, local_tsa(TestCA("Unlisted TSA CA")) as unlisted:
            _, chain, key = pki.issue("Timestamped Photographer")
            report = signed_report(tmp_path, pki, chain, key, tsa=tsa, tsa_anchor=pki.root_pem)
            untrusted_tsa = signed_report(tmp_path, pki, chain, key, tsa=unlisted)  # the time is not relied on
        assert present(untrusted_tsa.check("timestamp")).status is CheckStatus.WARN
        assert present(report.check("timestamp")).status is CheckStatus.PASS
        assert len(present(report.revocation).tsa_chain_pem) == 2
        good = RevocationChecker().apply(copy.deepcopy(report))
        assert [(c.role, c.status) for c in present(good.revocation).certificates] == [
            (ROLE_SIGNER, REVOCATION_GOOD), (ROLE_CA, REVOCATION_GOOD), (ROLE_TSA, REVOCATION_GOOD),
            (ROLE_TSA_CA, REVOCATION_GOOD)]
        assert "The timestamp authority's certificate Verdict Test TSA" in check(good)[1]
        assert present(good.check("timestamp")).status is CheckStatus.PASS

        asked = RevocationChecker().apply(untrusted_tsa)
        assert [c.role for c in present(asked.revocation).certificates] == [ROLE_SIGNER, ROLE_CA]

        # Retired without a compromise after the token was made: its timestamps stand (RFC 3161 §4.1).
        (tsa_cert,) = issuer.issued
        pki.revoke(tsa_cert, x509.ReasonFlags.cessation_of_operation, when=dt.datetime.now(dt.UTC))
        retired = RevocationChecker().apply(copy.deepcopy(report))
        assert present(retired.check("timestamp")).status is CheckStatus.PASS
        assert check(retired)[0] is CheckStatus.WARN and "RFC 3161" in check(retired)[1]
        assert retired.verdict is Verdict.TRUSTED

        # Its key compromised: no timestamp of it is relied on; the signer's certificate is still valid today.
        pki.revoke(tsa_cert, x509.ReasonFlags.key_compromise)
        compromised = RevocationChecker().apply(copy.deepcopy(report))
    stamp = present(compromised.check("timestamp"))
    assert stamp.status is CheckStatus.FAIL and "not relied on" in stamp.detail
    assert check(compromised)[0] is CheckStatus.FAIL
    assert present(compromised.revocation).status == REVOCATION_REVOKED
    assert present(compromised.revocation).certificate == present(compromised.revocation).certificates[2].certificate
    assert compromised.verdict is Verdict.TRUSTED  # judged at today's date, when the signer's certificate is valid
    assert signing_time(compromised) is not None and present(signing_time(compromised)).basis != VOUCHED


def test_a_revoked_authority_no_longer_keeps_an_expired_signers_file_valid(tmp_path: Path) -> None:
    with revocation_services() as pki:
        issuer = pki.as_test_ca()
        with local_tsa(issuer) as tsa:
            expires = time.time() + 8
            _, chain, key = pki.issue("Short-lived Photographer", seconds=8)
            data, _ = sign(SOURCE, manifest(), (chain, key), tsa_url=tsa)
        path = tmp_path / "short-lived.jpg"
        path.write_bytes(data)
        time.sleep(max(0.0, expires - time.time()) + 2)
        trust = TrustConfig(sources=(TrustSource("Revocation test root", anchors_pem=pki.root_pem, kind="user-anchor"),
                                     TrustSource("Test TSA list", anchors_pem=pki.root_pem, kind="tsa-list")))
        report = inspect_file(path, trust)
        assert report.verdict is Verdict.TRUSTED, report.validation.failure_codes()  # the timestamp keeps it valid
        pki.revoke(issuer.issued[0], None)  # no reason given: none of its tokens stands (RFC 3161 §4.1)
        report = RevocationChecker().apply(report)
    assert report.verdict is Verdict.INVALID and EXPIRED in report.validation.failure_codes()
    assert "expired" in report.summary and present(report.check("timestamp")).status is CheckStatus.FAIL
