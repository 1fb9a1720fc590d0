"""engine/protect.py with ProtectOptions.identity_assertion: the protected copy carries a CAWG X.509 identity
assertion naming the person of the signing identity, signed with its own certificate, vouching for the actions
and the hard binding; c2pa-rs, encypher-c2pa and c2pa-ts all validate it, and inspection shows who it names,
what the certificate states and which list decided its trust (judged by encypher-c2pa)."""

from __future__ import annotations

import base64
import io
import json
import shutil
from pathlib import Path
from typing import Any

import c2pa
import pytest
from cryptography import x509
from cryptography.x509.oid import ExtendedKeyUsageOID

from tests import c2pa_ts
from tests.c2pa_signing import local_tsa
from tests.certs import TestCA
from tests.conftest import CORPUS
from tests.expect import present, protected_copy
from trustnxt_desktop.domain.attribution import X509, X509_NO_SECOND_NOTE
from trustnxt_desktop.domain.protect import ProtectOptions
from trustnxt_desktop.domain.report import IdentityAssertion, InspectionReport, Verdict
from trustnxt_desktop.engine.certs import DOCUMENT_SIGNING, UNNAMED
from trustnxt_desktop.engine.cross_check import SecondValidator
from trustnxt_desktop.engine.identity import IdentityStore
from trustnxt_desktop.engine.inspect import inspect_file
from trustnxt_desktop.engine.protect import NO_PERSON_NAMED, protect_file
from trustnxt_desktop.engine.trust import TSA_KIND, TrustConfig, TrustSource

NAMED = ProtectOptions(identity_assertion=True, thumbnail_edge=0)


def _no_thumbnail(*_: object) -> bytes | None:
    return None


def _protect(source: Path, identity: Any, options: ProtectOptions = NAMED) -> Path:
    return protected_copy(protect_file(source, identity, options, thumbnailer=_no_thumbnail))


def _original(tmp_path: Path, name: str = "no_manifest.jpg") -> Path:
    target = tmp_path / "in" / name
    target.parent.mkdir(exist_ok=True)
    shutil.copy(CORPUS / "media" / name, target)
    return target


def _active(path: Path) -> dict[str, Any]:
    context = c2pa.Context.from_dict({"verify": {"remote_manifest_fetch": False}})
    with open(path, "rb") as f, c2pa.Reader("image/jpeg" if path.suffix == ".jpg" else "image/png", f,
                                            context=context) as reader:
        store = json.loads(reader.json())
    active: dict[str, Any] = store["manifests"][store["active_manifest"]]
    return active


def _inspect(path: Path, trust: TrustConfig, tmp_path: Path, *, second: bool = True) -> InspectionReport:
    return inspect_file(path, trust, SecondValidator(str(tmp_path / "encypher")) if second else None)


def _identity(report: InspectionReport) -> IdentityAssertion:
    assert len(report.identity) == 1, report.identity
    return report.identity[0]


@pytest.mark.parametrize("name", ["no_manifest.jpg", "sample1.png"])
def test_the_copy_names_the_person_signed_with_their_own_certificate(name: str, tmp_path: Path, identity) -> None:
    copy = _protect(_original(tmp_path, name), identity)
    active = _active(copy)
    assertion = next(a["data"] for a in active["assertions"] if a["label"] == "cawg.identity")
    assert assertion["signer_payload"]["sig_type"] == X509
    referenced = [r["url"].rsplit("/", 1)[-1] for r in assertion["signer_payload"]["referenced_assertions"]]
    assert referenced == ["c2pa.actions.v2", "c2pa.hash.data"]  # the actions and the hard binding (CAWG 1.1 §5.1)
    # One certificate signs the claim and the identity: the person of the signing identity.
    assert assertion["signature_info"]["common_name"] == active["signature_info"]["common_name"] \
        == identity.info.display_name


def test_inspection_trusts_the_identity_under_the_list_that_trusts_its_certificate(tmp_path: Path, identity,
                                                                                 local_trust) -> None:
    report = _inspect(_protect(_original(tmp_path), identity), local_trust, tmp_path)
    assert report.verdict is Verdict.TRUSTED
    a = _identity(report)
    assert a.status is Verdict.TRUSTED and a.trust_source == "Test identity"
    assert present(a.trust_judged_by).startswith("encypher-c2pa ") and "#2599" in a.status_detail
    assert present(a.signer).common_name == "Test Photographer" and present(a.signer).organisation == "TrustNXT Tests"
    assert a.verified_by == "Test Photographer — TrustNXT Desktop Root CA · TrustNXT Tests"
    assert a.verified_at and a.valid_until and a.emails == [] and a.websites == []
    assert present(report.cross_check).agrees, present(report.cross_check).differences
    # c2pa-rs's blanket "untrusted" about this identity is a note saying who judged it, not a problem of the file.
    assert report.validation.failure == []
    [note] = [c for c in report.validation.warning if c.code == "cawg.x509.credential.untrusted"]
    assert "#2599" in note.explanation and "“Test identity”" in note.explanation
    # The report's JSON form keeps every field, and reads back.
    assert InspectionReport.from_dict(json.loads(json.dumps(report.to_dict()))).identity == report.identity


def test_under_lists_that_do_not_hold_its_root_the_identity_is_intact_but_not_trusted(tmp_path: Path,
                                                                                    identity) -> None:
    report = _inspect(_protect(_original(tmp_path), identity),
                      TrustConfig(sources=(TrustSource("Someone else", anchors_pem=TestCA().pem),)), tmp_path)
    a = _identity(report)
    assert report.verdict is Verdict.VALID and a.status is Verdict.VALID and a.trust_source is None
    assert "does not chain" in a.status_detail
    assert "cawg.x509.credential.untrusted" in [c.code for c in report.validation.failure]  # stays a problem


def test_without_the_second_validator_the_identity_is_not_called_trusted_and_says_why(tmp_path: Path, identity,
                                                                                    local_trust) -> None:
    a = _identity(_inspect(_protect(_original(tmp_path), identity), local_trust, tmp_path, second=False))
    assert a.status is Verdict.VALID and a.trust_source is None and a.status_detail.endswith(X509_NO_SECOND_NOTE)
    assert present(a.trust_judged_by).startswith("c2pa-rs")


def test_c2pa_ts_validates_the_copy_and_the_identity_assertion_it_vouches_for(tmp_path: Path, identity) -> None:
    copy = _protect(_original(tmp_path), identity)
    verdict = c2pa_ts.validate(copy)
    assert verdict.valid, verdict.failures()
    matched = [c["url"] for c in verdict.codes if c["code"] == "assertion.hashedURI.match" and c["success"]]
    assert any(str(url).endswith("cawg.identity") for url in matched)


def test_an_identity_certificate_from_a_ca_shows_the_e_mail_and_web_site_it_states(tmp_path: Path,
                                                                                  secret_store) -> None:
    ca = TestCA("Newsroom Identity CA")
    chain, key = ca.issue("Ana Lima", eku=[ExtendedKeyUsageOID.EMAIL_PROTECTION, DOCUMENT_SIGNING],
                          names=[x509.RFC822Name("ana@diario.example"),
                                 x509.UniformResourceIdentifier("https://ana.example/")])
    store = IdentityStore(tmp_path / "home", secret_store)
    store.import_pem(chain, key)
    copy = _protect(_original(tmp_path), store.load())
    a = _identity(_inspect(copy, TrustConfig(sources=(TrustSource("Newsroom list", anchors_pem=ca.pem),)),
                           tmp_path))
    assert a.emails == ["ana@diario.example"] and a.websites == ["https://ana.example/"]
    assert a.verified_by == "Newsroom Identity CA · Verdict Tests"
    assert a.status is Verdict.TRUSTED and a.trust_source == "Newsroom list"


def test_a_certificate_not_issued_for_document_signing_is_not_trusted_for_identities(tmp_path: Path,
                                                                                    secret_store) -> None:
    ca = TestCA("Old Style CA")
    store = IdentityStore(tmp_path / "home", secret_store)
    store.import_pem(*ca.issue("Ana Lima"))  # emailProtection alone, as local identities had before
    copy = _protect(_original(tmp_path), store.load())
    report = _inspect(copy, TrustConfig(sources=(TrustSource("Old list", anchors_pem=ca.pem),)), tmp_path)
    assert report.verdict is Verdict.TRUSTED  # the claim's signer is trusted all the same
    a = _identity(report)
    assert a.status is Verdict.VALID and "document signing" in a.status_detail and a.trust_source is None


def test_the_option_off_adds_no_identity_assertion(tmp_path: Path, identity) -> None:
    copy = _protect(_original(tmp_path), identity, ProtectOptions(thumbnail_edge=0))
    assert not any(a["label"].startswith("cawg.identity") for a in _active(copy)["assertions"])


def test_an_identity_that_names_nobody_adds_none_and_says_so(tmp_path: Path, secret_store) -> None:
    store = IdentityStore(tmp_path / "home", secret_store)
    store.create(UNNAMED)
    result = protect_file(_original(tmp_path), store.load(), NAMED, thumbnailer=_no_thumbnail)
    assert result.warnings == [NO_PERSON_NAMED]
    assert not any(a["label"].startswith("cawg.identity") for a in _active(protected_copy(result))["assertions"])


def test_the_identity_assertion_is_bound_to_this_file(tmp_path: Path, identity, local_trust) -> None:
    """Copying the signed manifest onto other pixels breaks the hard binding the identity vouches for."""
    copy = _protect(_original(tmp_path), identity)
    data = bytearray(copy.read_bytes())
    data[-200] ^= 0xFF  # in the image data, after the manifest
    tampered = tmp_path / "tampered.jpg"
    tampered.write_bytes(bytes(data))
    report = _inspect(tampered, local_trust, tmp_path)
    assert report.verdict is Verdict.INVALID


def test_the_identity_signature_reads_back_from_the_detailed_json(tmp_path: Path, identity) -> None:
    """Inspection reads the identity's certificate from c2pa's detailed JSON (its COSE signature, base64)."""
    copy = _protect(_original(tmp_path), identity)
    context = c2pa.Context.from_dict({"verify": {"verify_after_reading": False, "remote_manifest_fetch": False}})
    with open(copy, "rb") as f, c2pa.Reader("image/jpeg", io.BytesIO(f.read()), context=context) as reader:
        detailed = json.loads(reader.detailed_json())
    active = detailed["manifests"][detailed["active_manifest"]]
    assert isinstance(active["assertion_store"]["cawg.identity"]["signature"], str)


def test_with_a_timestamp_authority_the_claim_is_timestamped_and_the_identity_trusted(tmp_path: Path, identity,
                                                                                      local_trust) -> None:
    """c2pa-rs 0.91 timestamps the claim signature (which covers the identity assertion) but not the identity's own
    COSE signature, although its settings take a TSA URL: docs/cawg-identity.md says so, and this notices a
    change."""
    tsa_ca = TestCA("TSA Root")
    with local_tsa(tsa_ca) as url:
        copy = _protect(_original(tmp_path), identity, ProtectOptions(identity_assertion=True, thumbnail_edge=0,
                                                                      tsa_url=url))
    context = c2pa.Context.from_dict({"verify": {"verify_after_reading": False, "remote_manifest_fetch": False}})
    with open(copy, "rb") as f, c2pa.Reader("image/jpeg", f, context=context) as reader:
        detailed = json.loads(reader.detailed_json())
    signature = detailed["manifests"][detailed["active_manifest"]]["assertion_store"]["cawg.identity"]["signature"]
    assert b"sigTst" not in base64.b64decode(signature)
    trust = TrustConfig(sources=(*local_trust.sources, TrustSource("TSA list", anchors_pem=tsa_ca.pem, kind=TSA_KIND)))
    report = _inspect(copy, trust, tmp_path)
    assert report.check("timestamp") is not None and present(report.check("timestamp")).status.value == "pass"
    a = _identity(report)
    assert a.status is Verdict.TRUSTED, a.status_detail
