"""Verdicts, explanations and evidence on the real-world cases (../shared/cases, README there) and on
inputs of each kind built here with c2pa-python's Builder and byte edits."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from tests.c2pa_signing import IPTC, OPENED, jpeg_segments, local_files, local_tsa, manifest, sign
from tests.certs import TestCA
from tests.conftest import CORPUS, SHARED
from trustnxt_desktop.domain.ai import AiKind, words
from trustnxt_desktop.domain.explain import fetched_from
from trustnxt_desktop.domain.report import CheckStatus, InspectionReport, Verdict
from trustnxt_desktop.engine.inspect import inspect_file
from trustnxt_desktop.engine.trust import TrustConfig, TrustSource

CASES = SHARED / "cases"
NO_TRUST = TrustConfig()
SOURCE = CORPUS / "media" / "trustnxt-icon.jpg"
TAMPERED = CORPUS / "c2pa" / "adobe-20220124-E-dat-CA.jpg"  # its data hash no longer matches


@pytest.fixture(scope="module")
def ca() -> TestCA:
    return TestCA()


@pytest.fixture(scope="module")
def photographer(ca: TestCA) -> tuple[bytes, bytes]:
    return ca.issue("Staff Photographer")


def trusting(ca: TestCA, *, fetch: bool = False) -> TrustConfig:
    return TrustConfig(sources=(TrustSource("Verdict test CA", anchors_pem=ca.pem, kind="user-anchor"),),
                       remote_manifest_fetch=fetch)


def inspect_bytes(tmp_path: Path, name: str, data: bytes, trust: TrustConfig = NO_TRUST) -> InspectionReport:
    path = tmp_path / name
    path.write_bytes(data)
    return inspect_file(path, trust)


def status(report: InspectionReport, check_id: str) -> CheckStatus:
    check = report.check(check_id)
    assert check is not None
    return check.status


def detail(report: InspectionReport, check_id: str) -> str:
    check = report.check(check_id)
    assert check is not None
    return check.detail


# -- ../shared/cases ------------------------------------------------------------------------------

def test_case_ai_https() -> None:
    report = inspect_file(CASES / "ai-https.jpg", NO_TRUST)
    assert report.verdict is Verdict.VALID
    assert report.ai_generated is True and report.ai_disclosure == AiKind.GENERATED.value
    assert words(AiKind.GENERATED).sentence in report.summary


def test_case_expired_without_timestamp_is_explained_truthfully() -> None:
    anchor = TrustSource("expired-ca.pem", anchors_pem=(CASES / "expired-ca.pem").read_text(), kind="user-anchor")
    report = inspect_file(CASES / "expired-no-tsa.jpg", TrustConfig(sources=(anchor,)))
    assert report.verdict is Verdict.INVALID
    assert "signingCredential.expired" in report.validation.failure_codes()
    assert status(report, "signer_trust") is CheckStatus.FAIL
    said = detail(report, "signer_trust")
    assert "has expired" in said and "nothing proves" in said and "had expired when" not in said
    assert said in report.summary
    inside = next(c for c in report.validation.success if c.code == "claimSignature.insideValidity")
    assert "signed while" not in inside.explanation  # c2pa-rs logs it for any verified signature
    assert status(report, "timestamp") is CheckStatus.NOT_APPLICABLE


REMOTE_ONLY_URL = "http://127.0.0.1:9/manifests/remote-only.c2pa"  # loopback "discard" port: refused at once


def test_case_remote_only_with_fetching_off_names_the_exact_address() -> None:
    assert TrustConfig().remote_manifest_fetch is False  # off unless the person turns it on
    report = inspect_file(CASES / "remote-only.jpg", NO_TRUST)
    assert report.verdict is Verdict.UNVERIFIED
    assert report.remote_url == REMOTE_ONLY_URL
    assert REMOTE_ONLY_URL + " that were not checked" in report.summary and "settings" in report.summary


def test_case_remote_only_with_fetching_on_says_why_it_failed() -> None:
    started = time.perf_counter()
    report = inspect_file(CASES / "remote-only.jpg", TrustConfig(remote_manifest_fetch=True))
    assert time.perf_counter() - started < 20
    assert report.verdict is Verdict.UNVERIFIED
    assert report.remote_url == REMOTE_ONLY_URL  # from the file's XMP, no stray characters from error text
    assert "nothing answered at that address" in report.summary


def test_case_renamed_actions_key_is_invalid_with_signer_and_failing_assertion() -> None:
    report = inspect_file(CASES / "actions-key-renamed.jpg", NO_TRUST)
    assert report.verdict is Verdict.INVALID and report.error is None
    assert report.signer is not None and report.signer.common_name == "Test Photographer"
    assert report.claim_generator == "bugtest 1.0"
    (failure,) = report.validation.failure
    assert failure.code == "assertion.action.malformed" and failure.url and failure.url.endswith("/c2pa.actions.v2")
    assert "c2pa.actions.v2" in failure.explanation and "missing field" in failure.detail
    assert status(report, "integrity") is CheckStatus.FAIL
    assert status(report, "signature") is CheckStatus.UNKNOWN  # never "pass": it was not checked
    assert "could not be read" not in report.summary


def test_case_signed_office_document_declares_ai() -> None:
    report = inspect_file(CASES / "ai-report.docx", NO_TRUST)
    assert report.verdict in (Verdict.VALID, Verdict.INVALID)  # validators disagree on its collection hash
    assert report.ai_generated is True
    assert "cannot carry Content Credentials" not in report.summary
    if report.verdict is Verdict.INVALID:
        assert report.validation.failure_codes()


# -- ingredients: what c2pa-rs 0.91 recorded for each -----------------------------------------------

def test_copy_of_a_tampered_original_never_shows_its_parent_as_trusted(tmp_path: Path, ca: TestCA,
                                                                        photographer: tuple[bytes, bytes]) -> None:
    copy, _ = sign(SOURCE, manifest(OPENED, title="copy.jpg"), photographer, parent=(TAMPERED, "orig.jpg"))
    for trust in (NO_TRUST, trusting(ca)):
        report = inspect_bytes(tmp_path, "copy.jpg", copy, trust)
        # The library judges the new manifest alone: intact (a tampered parent is history, not this file).
        assert report.verdict is (Verdict.TRUSTED if trust is not NO_TRUST else Verdict.VALID)
        (parent,) = report.ingredients
        assert parent.verdict is Verdict.INVALID
        assert "assertion.dataHash.mismatch" in parent.failure_codes
        assert parent.signer is not None and parent.signer.common_name == "C2PA Signer"
        assert status(report, "ingredients") is CheckStatus.WARN
        assert "\u201corig.jpg\u201d" in detail(report, "ingredients") and "intact" not in detail(report, "ingredients")
        assert "did not pass verification" in report.summary and "orig.jpg" in report.summary


def test_copy_made_by_our_engine_from_the_tampered_original(tmp_path: Path, identity) -> None:
    from trustnxt_desktop.domain.protect import ProtectOptions
    from trustnxt_desktop.engine.protect import protect_file

    result = protect_file(TAMPERED, identity, ProtectOptions(out_dir=tmp_path))
    assert result.output is not None, result.error
    report = inspect_file(result.output, NO_TRUST)
    (parent,) = report.ingredients
    assert parent.verdict is Verdict.INVALID and "assertion.dataHash.mismatch" in parent.failure_codes
    assert status(report, "ingredients") is CheckStatus.WARN


def test_an_ingredient_is_trusted_only_when_its_own_signer_is(tmp_path: Path, ca: TestCA,
                                                              photographer: tuple[bytes, bytes]) -> None:
    # The parent's signer (Adobe's test certificate) is on no list; the copy's signer is trusted.
    copy, _ = sign(SOURCE, manifest(OPENED), photographer, parent=(CORPUS / "c2pa" / "adobe-20220124-C.jpg", "C.jpg"))
    report = inspect_bytes(tmp_path, "copy.jpg", copy, trusting(ca))
    assert report.verdict is Verdict.TRUSTED
    (parent,) = report.ingredients
    assert parent.verdict is Verdict.VALID and parent.failure_codes == ["signingCredential.untrusted"]
    assert status(report, "ingredients") is CheckStatus.PASS

    original, _ = sign(SOURCE, manifest(title="original.jpg"), photographer)
    copy, _ = sign(SOURCE, manifest(OPENED), photographer, parent=(original, "original.jpg"))
    assert inspect_bytes(tmp_path, "ours.jpg", copy, trusting(ca)).ingredients[0].verdict is Verdict.TRUSTED
    assert inspect_bytes(tmp_path, "ours.jpg", copy, NO_TRUST).ingredients[0].verdict is Verdict.VALID


def test_a_parent_whose_credentials_are_stored_remotely_is_unverified(tmp_path: Path,
                                                                      photographer: tuple[bytes, bytes]) -> None:
    copy, _ = sign(SOURCE, manifest(OPENED), photographer, parent=(CASES / "remote-only.jpg", "remote.jpg"))
    report = inspect_bytes(tmp_path, "copy.jpg", copy)
    (parent,) = report.ingredients
    assert parent.verdict is Verdict.UNVERIFIED and parent.failure_codes == ["manifest.inaccessible"]
    assert status(report, "ingredients") is CheckStatus.WARN
    said = detail(report, "ingredients")
    assert "could not be checked" in said and "stored elsewhere" in said
    assert "could not be checked (\u201cremote.jpg\u201d)" in report.summary


def test_nested_ingredients_at_any_depth(tmp_path: Path, ca: TestCA, photographer: tuple[bytes, bytes]) -> None:
    first, _ = sign(SOURCE, manifest(OPENED, title="first.jpg"), photographer, parent=(TAMPERED, "orig.jpg"))
    second, _ = sign(SOURCE, manifest(OPENED, title="second.jpg"), photographer, parent=(first, "first.jpg"))
    report = inspect_bytes(tmp_path, "second.jpg", second, trusting(ca))
    (middle,) = report.ingredients
    assert middle.title == "first.jpg" and middle.verdict is Verdict.TRUSTED
    (deep,) = middle.ingredients
    assert deep.title == "orig.jpg" and deep.verdict is Verdict.INVALID
    assert [g.title for g in deep.ingredients] == ["A.jpg"] and deep.ingredients[0].verdict is Verdict.NONE
    assert status(report, "ingredients") is CheckStatus.WARN
    assert "\u201corig.jpg\u201d (a source of \u201cfirst.jpg\u201d)" in detail(report, "ingredients")


# -- AI disclosure ----------------------------------------------------------------------------------

ADOBE_THIRD_PARTY: list[dict[str, Any]] = [
    {"action": "c2pa.created", "digitalSourceType": IPTC + "digitalCreation"},
    {"action": "c2pa.edited", "parameters": {"com.adobe.digitalSourceType": IPTC + "trainedAlgorithmicMedia",
                                             "com.adobe.type": "remoteProvider.3rdParty",
                                             "com.adobe.details": "imagen-3.0-generate-002"}},
]


@pytest.mark.parametrize(("source_type", "kind"), [
    ("https://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia/", AiKind.GENERATED),
    ("trainedAlgorithmicMedia", AiKind.GENERATED),
    (IPTC + "compositeWithTrainedAlgorithmicMedia", AiKind.COMPOSITE),
    ("https://cv.iptc.org/newscodes/digitalsourcetype/compositeSynthetic", AiKind.SYNTHETIC),
    (IPTC + "algorithmicallyEnhanced", AiKind.ENHANCED),
    ("https://example.com/trainedAlgorithmicMedia", AiKind.NONE),
])
def test_ai_declarations_in_signed_files(tmp_path: Path, photographer: tuple[bytes, bytes], source_type: str,
                                         kind: AiKind) -> None:
    signed, _ = sign(SOURCE, manifest([{"action": "c2pa.created", "digitalSourceType": source_type}]), photographer)
    report = inspect_bytes(tmp_path, "ai.jpg", signed)
    assert report.ai_disclosure == kind.value and report.ai_generated is words(kind).generated
    if kind is AiKind.NONE:
        assert "AI" not in report.summary
    else:
        assert words(kind).sentence in report.summary
    if kind is AiKind.ENHANCED:
        assert "not generated" in report.summary


def test_adobe_third_party_model_in_action_parameters(tmp_path: Path, photographer: tuple[bytes, bytes]) -> None:
    signed, _ = sign(SOURCE, manifest(ADOBE_THIRD_PARTY), photographer)
    report = inspect_bytes(tmp_path, "firefly.jpg", signed)
    assert report.ai_disclosure == AiKind.GENERATED.value and report.ai_generated is True
    assert report.actions[1].description == "imagen-3.0-generate-002"


def test_made_from_ai_generated_material_at_any_depth(tmp_path: Path, photographer: tuple[bytes, bytes]) -> None:
    generated, _ = sign(SOURCE, manifest([{"action": "c2pa.created", "digitalSourceType": "trainedAlgorithmicMedia"}]),
                        photographer)
    edit, _ = sign(SOURCE, manifest(OPENED, title="edit.jpg"), photographer, parent=(generated, "generated.jpg"))
    again, _ = sign(SOURCE, manifest(OPENED, title="again.jpg"), photographer, parent=(edit, "edit.jpg"))
    report = inspect_bytes(tmp_path, "again.jpg", again)
    assert report.ai_disclosure == AiKind.FROM_AI_SOURCE.value and report.ai_generated is True
    assert words(AiKind.FROM_AI_SOURCE).sentence in report.summary
    (edit_node,) = report.ingredients
    assert edit_node.ai_disclosure == AiKind.FROM_AI_SOURCE.value
    assert edit_node.ingredients[0].ai_disclosure == AiKind.GENERATED.value


# -- time: certificates that expire, timestamps -------------------------------------------------------

def test_expired_certificate_with_and_without_a_timestamp(tmp_path: Path, ca: TestCA) -> None:
    short = ca.issue("Short-lived Photographer", seconds=8)
    with local_tsa(ca) as tsa:
        stamped, _ = sign(SOURCE, manifest(), short, tsa_url=tsa)
    bare, _ = sign(SOURCE, manifest(), short)
    expires = time.time() + 8
    time.sleep(max(0.0, expires - time.time()) + 2)

    # The timestamp authority is trusted (same CA): it proves the file was signed while the certificate was valid.
    report = inspect_bytes(tmp_path, "stamped.jpg", stamped, trusting(ca))
    assert report.verdict is Verdict.TRUSTED
    assert "signingCredential.expired" not in report.validation.failure_codes()
    assert status(report, "timestamp") is CheckStatus.PASS
    assert "while the signer's certificate was valid" in detail(report, "timestamp")
    assert "timestamp shows its certificate was valid" in detail(report, "signer_trust")

    # Without a timestamp nothing proves when it was signed.
    report = inspect_bytes(tmp_path, "bare.jpg", bare, trusting(ca))
    assert report.verdict is Verdict.INVALID
    assert "has expired; nothing proves" in detail(report, "signer_trust")
    assert status(report, "timestamp") is CheckStatus.NOT_APPLICABLE

    # A timestamp from an authority on no list: c2pa-rs does not rely on its time, and neither do we.
    report = inspect_bytes(tmp_path, "stamped.jpg", stamped, NO_TRUST)
    assert report.verdict is Verdict.INVALID
    assert "only a timestamp authority that is not on a trust list" in detail(report, "signer_trust")
    assert status(report, "timestamp") is CheckStatus.WARN


def test_a_trusted_signer_of_a_changed_file_is_called_trusted_not_unevaluated() -> None:
    lists = SHARED / "trust"
    interim = TrustSource("Interim trust list (test snapshot)", anchors_pem=(lists / "ITL-anchors.pem").read_text(),
                          allowed_pem=(lists / "ITL-allowed.pem").read_text(),
                          trust_config=(lists / "ITL-store.cfg").read_text(), kind="trust-list")
    report = inspect_file(CORPUS / "c2pa" / "truepic-20230212-camera.jpg", TrustConfig(sources=(interim,)))
    assert report.verdict is Verdict.INVALID  # the data hash does not match
    assert "signingCredential.trusted" in [c.code for c in report.validation.success]
    assert status(report, "signer_trust") is CheckStatus.PASS and status(report, "integrity") is CheckStatus.FAIL


def test_a_timestamp_mismatch_is_a_failed_timestamp_never_no_timestamp() -> None:
    report = inspect_file(CORPUS / "c2pa" / "adobe-20220124-E-sig-CA.jpg", NO_TRUST)
    assert "timeStamp.mismatch" in [c.code for c in report.validation.warning]  # c2pa-rs files it as a note
    assert status(report, "timestamp") is CheckStatus.FAIL
    assert "No timestamp" not in detail(report, "timestamp")


# -- two manifest stores, malformed assertions (byte edits) ----------------------------------------------

def test_two_manifest_stores_are_named_as_such(tmp_path: Path, photographer: tuple[bytes, bytes]) -> None:
    first, _ = sign(SOURCE, manifest(), photographer)
    other, _ = sign(CORPUS / "c2pa" / "adobe-20220124-A.jpg", manifest(), photographer)
    extra = b"".join(segment for marker, _, segment in jpeg_segments(other) if marker == 0xEB)  # its APP11 store
    at = jpeg_segments(first)[1][1]
    report = inspect_bytes(tmp_path, "two.jpg", first[:at] + extra + first[at:])
    assert report.verdict is Verdict.INVALID and report.manifest_stores == 2
    assert "2 separate Content Credentials stores" in detail(report, "integrity")
    assert "media was changed" not in report.summary
    one = inspect_file(CORPUS / "c2pa" / "adobe-20220124-XCA.jpg", NO_TRUST)  # a real data change, one store
    assert one.manifest_stores == 1 and "media was changed" in detail(one, "integrity")


@pytest.mark.parametrize(("find", "replace", "assertion", "code"), [
    (b"gactions", b"gactionz", "c2pa.actions.v2", "assertion.action.malformed"),  # as c2pa-rs#1413
    (b"lrelationship", b"lrelationshiq", "c2pa.ingredient.v3", "assertion.ingredient.malformed"),
])
def test_a_found_manifest_with_an_undecodable_assertion_is_invalid_not_error(
        tmp_path: Path, photographer: tuple[bytes, bytes], find: bytes, replace: bytes, assertion: str,
        code: str) -> None:
    if assertion.startswith("c2pa.ingredient"):
        signed, _ = sign(SOURCE, manifest(OPENED), photographer, parent=(SOURCE, "unsigned.jpg"))
    else:
        signed, _ = sign(SOURCE, manifest(), photographer)
    assert signed.count(find) == 1
    report = inspect_bytes(tmp_path, "broken.jpg", signed.replace(find, replace))
    assert report.verdict is Verdict.INVALID and report.error is None
    assert report.signer is not None and report.signer.common_name == "Staff Photographer"
    assert report.claim_generator == "verdict-tests 1.0"
    assert report.validation.failure_codes() == [code]
    assert assertion in report.validation.failure[0].explanation
    assert status(report, "integrity") is CheckStatus.FAIL


def test_an_unknown_algorithm_on_an_assertion_is_invalid_with_its_signer(tmp_path: Path,
                                                                         photographer: tuple[bytes, bytes]) -> None:
    signed, _ = sign(SOURCE, manifest(), photographer)
    known = b"namenjumbf manifestcalgfsha256"  # the data hash assertion's "alg": "sha256" (CBOR)
    assert signed.count(known) == 1
    report = inspect_bytes(tmp_path, "alg.jpg", signed.replace(known, known[:-1] + b"7"))
    assert report.verdict is Verdict.INVALID and report.error is None
    assert report.signer is not None and report.signer.common_name == "Staff Photographer"
    assert {"assertion.hashedURI.mismatch", "assertion.dataHash.mismatch"} <= set(report.validation.failure_codes())
    assert status(report, "integrity") is CheckStatus.FAIL


def test_unparseable_files_stay_errors() -> None:
    for name in ("no_alg.jpg", "prerelease.jpg", "sample3.invalid.wav"):  # c2pa-rs cannot load any store here
        report = inspect_file(CORPUS / "hostile" / name, NO_TRUST)
        assert report.verdict is Verdict.ERROR and report.signer is None, name


# -- remote manifests ------------------------------------------------------------------------------

def test_remote_manifest_fetched_from_a_local_server(tmp_path: Path, ca: TestCA,
                                                     photographer: tuple[bytes, bytes]) -> None:
    with local_files() as (base, server):
        url = f"{base}/manifests/photo.c2pa"
        signed, store = sign(SOURCE, manifest(), photographer, remote_url=url, embed=False)
        path = tmp_path / "photo.jpg"
        path.write_bytes(signed)

        off = inspect_file(path, trusting(ca))
        assert off.verdict is Verdict.UNVERIFIED and off.remote_url == url and server.requests == []

        missing = inspect_file(path, trusting(ca, fetch=True))
        assert missing.verdict is Verdict.UNVERIFIED and missing.remote_url == url
        assert "HTTP 404" in missing.summary and server.requests == ["/manifests/photo.c2pa"]

        server.files["/manifests/photo.c2pa"] = store
        fetched = inspect_file(path, trusting(ca, fetch=True))
    assert fetched.verdict is Verdict.TRUSTED
    assert fetched.remote_url == url and fetched_from(url) in fetched.summary
    assert fetched.signer is not None and fetched.signer.common_name == "Staff Photographer"


def test_embedded_credentials_are_not_reported_as_remote(tmp_path: Path, photographer: tuple[bytes, bytes]) -> None:
    signed, _ = sign(SOURCE, manifest(), photographer, remote_url="http://127.0.0.1:9/also-here.c2pa")
    report = inspect_bytes(tmp_path, "both.jpg", signed, TrustConfig(remote_manifest_fetch=True))
    assert report.verdict is Verdict.VALID and report.remote_url is None
