"""Authors, training and data-mining choices and CAWG identity assertions, read from real files, from
files signed here, and (identity claims aggregation) from manifest JSON as c2pa-rs reports it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from tests.cawg_identity import decoded_ica, did_jwk, sign_with_ica, sign_x509_identity
from tests.certs import TestCA
from tests.conftest import CORPUS
from tests.expect import protected_copy
from trustnxt_desktop.domain.attribution import ICA, X509, X509_TRUST_NOTE, training_rows, training_summary
from trustnxt_desktop.domain.protect import ProtectOptions
from trustnxt_desktop.domain.report import InspectionReport, Verdict
from trustnxt_desktop.engine.attribution import identities
from trustnxt_desktop.engine.inspect import inspect_file
from trustnxt_desktop.engine.protect import protect_file
from trustnxt_desktop.engine.trust import TrustConfig, TrustSource

ACCOUNT_KINDS = ["cawg.document_verification", "cawg.affiliation", "cawg.social_media", "cawg.crypto_wallet"]


def _round_trip(report: InspectionReport) -> InspectionReport:
    again = InspectionReport.from_dict(json.loads(json.dumps(report.to_dict())))
    assert again.to_dict() == report.to_dict()
    return again


def test_authors_from_creative_work_of_adobe_and_c2pa_rs_files() -> None:
    assert [a.name for a in inspect_file(CORPUS / "c2pa" / "adobe-20220124-C.jpg", TrustConfig()).authors] == \
        ["Adobe make_test"]
    video = inspect_file(CORPUS / "c2pa" / "video1.mp4", TrustConfig())
    assert [(a.name, a.assertion) for a in video.authors] == [("Joe Bloggs", "stds.schema-org.CreativeWork")]
    assert inspect_file(CORPUS / "c2pa" / "truepic-20230212-camera.jpg", TrustConfig()).authors == []
    assert inspect_file(CORPUS / "media" / "no_manifest.jpg", TrustConfig()).authors == []


def test_x509_identity_and_do_not_train_of_the_cawg_sample() -> None:
    report = _round_trip(inspect_file(CORPUS / "c2pa" / "C_with_CAWG_data.jpg", TrustConfig()))
    (identity,) = report.identity
    assert identity.sig_type == "cawg.x509.cose" and identity.label == "cawg.identity"
    assert identity.signer is not None and identity.signer.common_name == "C2PA Signer"
    assert identity.signer.organisation == "C2PA Test Signing Cert"
    assert identity.referenced_assertions == ["cawg.training-mining", "c2pa.hash.data"]
    # c2pa-rs 0.91 calls every X.509 identity untrusted (c2pa-rs#2599): intact, and the report says why.
    assert "cawg.x509.credential.untrusted" in identity.codes and "cawg.x509.signature.validated" in identity.codes
    assert identity.status is Verdict.VALID and X509_TRUST_NOTE in identity.status_detail
    assert {(c.entry, c.use) for c in report.training_mining} == {
        ("cawg.ai_inference", "notAllowed"), ("cawg.ai_generative_training", "notAllowed")}
    assert (training_summary(report.training_mining) or "").startswith("Do not train")


def test_x509_identity_signed_here_names_its_holder_and_says_why_it_is_not_trusted(tmp_path: Path) -> None:
    ca = TestCA("Newsroom Test CA")
    signed = sign_x509_identity(CORPUS / "media" / "no_manifest.jpg", tmp_path / "x509.jpg", ca)
    report = _round_trip(inspect_file(signed, TrustConfig(sources=(TrustSource("Newsroom Test CA", ca.pem),))))
    (identity,) = report.identity
    assert identity.sig_type == X509 and identity.label == "cawg.identity"
    assert identity.signer is not None and identity.signer.common_name == "Ana Lima"
    assert identity.signer.organisation == "Verdict Tests" and identity.signer.algorithm == "ES256"
    assert identity.referenced_assertions == ["c2pa.actions.v2", "c2pa.hash.data"]
    # The same CA issued both certificates and is trusted, yet c2pa-rs 0.91.3 calls the identity's
    # untrusted (c2pa-rs#2599): the identity stays intact-but-not-vouched-for, and the report says why...
    assert "cawg.x509.credential.untrusted" in identity.codes and "cawg.x509.signature.validated" in identity.codes
    assert identity.status is Verdict.VALID and X509_TRUST_NOTE in identity.status_detail
    # ...while the file itself is judged on its own signer, whom this configuration trusts.
    assert report.verdict is Verdict.TRUSTED and report.signer is not None
    assert report.signer.trust_source == "Newsroom Test CA"

    untrusted = inspect_file(signed, TrustConfig())
    assert untrusted.verdict is Verdict.VALID and untrusted.identity[0].status is Verdict.VALID


def test_identity_signing_refuses_a_reference_c2pa_rs_would_drop(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="c2pa.actions.v2"):
        sign_x509_identity(CORPUS / "media" / "no_manifest.jpg", tmp_path / "x509.jpg", TestCA(),
                           references=("c2pa.actions",))


def test_identity_claims_aggregation_signed_here_is_checked_for_real(tmp_path: Path) -> None:
    """A credential signed here (Ed25519, did:jwk) that vouches for no assertion: the validator checks its
    signature for real, and the identity is refused because it is not tied to the file."""
    signed = sign_with_ica(CORPUS / "media" / "no_manifest.jpg", tmp_path / "ica.jpg")
    report = _round_trip(inspect_file(signed, TrustConfig()))
    (identity,) = report.identity
    assert identity.sig_type == ICA and identity.issuer is not None and identity.issuer.startswith("did:jwk:")
    assert [v.type for v in identity.verified_identities] == ACCOUNT_KINDS
    wallet = identity.verified_identities[3]
    assert wallet.address == "0x4b1e5d7c0a9f23e6b8d1c4a7f0e3b6d9c2a5f8e1" and wallet.provider == "Wallet Example"
    # "Untrusted issuer" is only said of a credential whose signature held.
    assert "cawg.ica.untrusted_issuer" in identity.codes and "cawg.identity.hard_binding_missing" in identity.codes
    assert identity.status is Verdict.INVALID and "not tied to the file's content" in identity.status_detail
    assert report.verdict is Verdict.VALID  # the identity's failure is its own, not the file's

    key, impostor = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    forged = inspect_file(sign_with_ica(CORPUS / "media" / "no_manifest.jpg", tmp_path / "forged.jpg",
                                        issuer=did_jwk(impostor), key=key), TrustConfig())
    assert "cawg.ica.signature_mismatch" in forged.identity[0].codes
    assert "cawg.ica.untrusted_issuer" not in forged.identity[0].codes and forged.verdict is Verdict.INVALID


def test_verified_accounts_read_from_an_aggregators_assertion_as_c2pa_rs_reports_it() -> None:
    """The intact identity claims aggregation (verified accounts) case, on manifest JSON shaped as
    c2pa-rs 0.91 reports it (tests/identity_claims.py). No signed ICA sample can be produced here:
    c2pa-python cannot sign one, and one made by hand cannot be bound to the file's hard binding."""
    issuer = did_jwk(Ed25519PrivateKey.generate())
    (identity,) = identities(*decoded_ica(issuer))
    assert identity.sig_type == ICA and identity.issuer == issuer
    assert [v.type for v in identity.verified_identities] == ACCOUNT_KINDS
    social = identity.verified_identities[2]
    assert (social.name, social.username, social.provider) == ("Ana Lima", "analima", "Social Example")
    assert social.uri == "https://social.example/@analima" and (social.verified_at or "").startswith("2026-02-14")
    assert social.provider_id == "https://social.example"
    assert identity.referenced_assertions == ["c2pa.actions.v2", "c2pa.hash.data"]
    # The signature is intact; the aggregator is not one anybody configured as trusted.
    assert identity.codes[0] == "cawg.ica.untrusted_issuer" and identity.status is Verdict.VALID
    assert "not one you trust" in identity.status_detail

    (trusted,) = identities(*decoded_ica(issuer, codes=(("success", "cawg.ica.credential_valid"),)))
    assert trusted.status is Verdict.TRUSTED and "which you trust" in trusted.status_detail

    web = decoded_ica("did:web:accounts.example", codes=(("failure", "cawg.ica.did_unavailable"),))
    (offline,) = identities(*web)  # inspection refuses the network unless remote fetching is on
    assert offline.status is Verdict.UNVERIFIED and "did:web:accounts.example" in offline.status_detail
    assert "was not contacted" in offline.status_detail and "could not be reached" not in offline.status_detail
    (online,) = identities(*web, network=True)
    assert online.status is Verdict.UNVERIFIED and "could not be reached" in online.status_detail


def test_protected_copy_states_its_author_and_refuses_training(tmp_path: Path, identity) -> None:
    done = protect_file(CORPUS / "media" / "sample1.png", identity,
                        ProtectOptions(out_dir=tmp_path, author="Ada Lovelace"))
    assert done.output is not None, done.error
    report = _round_trip(inspect_file(done.output, TrustConfig()))
    assert [(a.name, a.assertion) for a in report.authors] == [("Ada Lovelace", "stds.schema-org.CreativeWork")]
    assert {c.use for c in report.training_mining} == {"notAllowed"} and len(report.training_mining) == 4
    assert [what for what, _ in training_rows(report.training_mining)] == [
        "Training generative AI", "Training AI models", "Data mining", "Use as input to AI (inference)"]
    assert report.identity == []

    allowed = protect_file(CORPUS / "media" / "sample1.png", identity,
                           ProtectOptions(out_dir=tmp_path, do_not_train=False))
    assert inspect_file(protected_copy(allowed), TrustConfig()).training_mining == []


def test_reports_written_before_these_fields_still_load() -> None:
    report = inspect_file(CORPUS / "c2pa" / "adobe-20220124-C.jpg", TrustConfig()).to_dict()
    for key in ("authors", "training_mining", "identity", "picture", "thumbnail_shape", "cross_check"):
        report.pop(key, None)
    report["schema"] = "trustnxt.inspection/1"  # as such a report was written
    old = InspectionReport.from_dict(report)
    assert old.authors == [] and old.identity == [] and old.picture is None and old.schema == "trustnxt.inspection/1"
    assert old.cross_check is None
