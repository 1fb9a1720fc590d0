"""The CLI's human-readable report says what the GUI and the PDF say: author, training choices, identity."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from tests.cawg_identity import decoded_ica, did_jwk, sign_with_ica, sign_x509_identity
from tests.certs import TestCA
from tests.conftest import CORPUS
from tests.hostile_text import (
    ATTACK_SHOWN,
    AUTHOR,
    GENERATOR,
    HIDDEN,
    SIGNER,
    invalid_file_with_attack_name,
    signed_with_hostile_strings,
)
from tests.revocation_pki import revocation_reports
from trustnxt_desktop.engine.attribution import identities
from trustnxt_desktop.engine.inspect import inspect_file
from trustnxt_desktop.engine.trust import TrustConfig
from trustnxt_desktop.services.records.text_report import render

SOCIAL_LINE = ("    Social media account: Ana Lima @analima on Social Example (https://social.example/@analima), "
               "verified 2026-02-14")


def test_author_training_identity_and_empty_history_lines(tmp_path: Path) -> None:
    cawg = render(inspect_file(CORPUS / "c2pa" / "C_with_CAWG_data.jpg", TrustConfig()))
    assert "  AI training and data mining: Do not train: the signer does not allow AI training on this file." in cawg
    assert "    Training generative AI: not allowed" in cawg
    # The identity's certificate: its subject's name and organisation (O=).
    assert ("  identity (CAWG): C2PA Signer · C2PA Test Signing Cert — intact; "
            "not vouched for by anyone you trust:") in cawg
    assert "issue #2599" in cawg

    source = CORPUS / "media" / "no_manifest.jpg"
    x509 = render(inspect_file(sign_x509_identity(source, tmp_path / "x509.jpg", TestCA()), TrustConfig()))
    assert "  identity (CAWG): Ana Lima · Verdict Tests — intact; not vouched for by anyone you trust:" in x509
    assert "issue #2599" in x509

    # Verified accounts, from a credential signed here but bound to nothing: listed, and refused.
    signed = inspect_file(sign_with_ica(source, tmp_path / "ica.jpg"), TrustConfig())
    ica = render(signed)
    assert SOCIAL_LINE in ica
    assert ("  identity (CAWG): Ana Lima — failed verification: Do not rely on this identity: the identity "
            "statement is not tied to the file's content.") in ica
    # An intact aggregator's assertion, as c2pa-rs reports one (no such file can be signed here).
    aggregated = identities(*decoded_ica(did_jwk(Ed25519PrivateKey.generate())))
    intact = render(dataclasses.replace(signed, identity=aggregated))
    assert SOCIAL_LINE in intact
    assert "    Crypto wallet: 0x4b1e5d7c0a9f23e6b8d1c4a7f0e3b6d9c2a5f8e1 on Wallet Example" in intact
    assert "  identity (CAWG): Ana Lima — intact; not vouched for by anyone you trust:" in intact
    assert "which is not one you trust" in intact

    assert "  author: Joe Bloggs" in render(inspect_file(CORPUS / "c2pa" / "video1.mp4", TrustConfig()))
    no_actions = render(inspect_file(CORPUS / "c2pa" / "trustnxt-icon-signed-timestamp.jpg", TrustConfig()))
    assert "  history: none recorded — The Content Credentials record no actions" in no_actions
    assert "history" not in render(inspect_file(CORPUS / "media" / "no_manifest.jpg", TrustConfig()))


def test_names_and_manifest_strings_are_shown_with_their_hidden_characters_escaped(tmp_path: Path) -> None:
    text = render(inspect_file(invalid_file_with_attack_name(tmp_path), TrustConfig()))
    assert text.startswith(f"{ATTACK_SHOWN}: INVALID — ")
    signed = render(inspect_file(signed_with_hostile_strings(tmp_path), TrustConfig()))
    assert "  made with: \\x1b[31mEvilCam\\x1b[0m 1.0" in signed and GENERATOR not in signed
    assert "  author: Mallory\\x1b]0;owned\\x07 \\u200btrusted" in signed and AUTHOR not in signed
    assert "  signer: Mallory \\u202eReuters (issuer" in signed and SIGNER not in signed
    for hidden in HIDDEN:
        assert hidden not in text + signed


def test_an_x509_identity_says_what_its_certificate_states_and_who_judged_it(tmp_path: Path) -> None:
    """`trustnxt inspect` text: the e-mail and web site the certificate states, its CA, and the validator and list
    that judged the identity (as the app and the PDF say it); its --json carries the same fields."""
    from cryptography import x509
    from cryptography.x509.oid import ExtendedKeyUsageOID

    from tests.c2pa_signing import manifest
    from trustnxt_desktop.engine.certs import DOCUMENT_SIGNING
    from trustnxt_desktop.engine.cross_check import SecondValidator
    from trustnxt_desktop.engine.identity_assertion import PemSigner, sign_with_x509_identity
    from trustnxt_desktop.engine.trust import TrustSource

    ca = TestCA("Newsroom Identity CA")
    chain, key = ca.issue("Ana Lima", eku=[ExtendedKeyUsageOID.EMAIL_PROTECTION, DOCUMENT_SIGNING],
                          names=[x509.RFC822Name("ana@diario.example")])
    signer = PemSigner("es256", chain.decode(), key.decode())
    signed = tmp_path / "signed.jpg"
    with open(CORPUS / "media" / "no_manifest.jpg", "rb") as src, open(signed, "wb") as out:
        sign_with_x509_identity(manifest(), "image/jpeg", src, out, claim_signer=signer, identity_signer=signer)
    report = inspect_file(signed, TrustConfig(sources=(TrustSource("Newsroom list", anchors_pem=ca.pem),)),
                          SecondValidator(str(tmp_path / "encypher")))
    text = render(report)
    assert "    E-mail (in the certificate): ana@diario.example" in text
    assert "    Certificate issued by: Newsroom Identity CA · Verdict Tests, from " in text
    assert "    Trust judged by: encypher-c2pa " in text and ", trust list “Newsroom list”" in text
    assert "identity (CAWG): Ana Lima · Verdict Tests — verified, by someone you trust" in text
    [identity] = report.to_dict()["identity"]
    assert identity["emails"] == ["ana@diario.example"] and identity["trust_source"] == "Newsroom list"
    assert identity["trust_judged_by"].startswith("encypher-c2pa ")


def test_every_report_says_how_revocation_was_handled(tmp_path: Path) -> None:
    reports = revocation_reports(tmp_path)
    good = render(reports["good"]).splitlines()
    assert "  revocation: not revoked: signer (OCSP), intermediate CA (OCSP)" in good
    assert any(line.startswith("    intermediate CA Revocation Test Intermediate (serial ") and "Not revoked" in line
               for line in good)
    revoked = render(reports["revoked"])
    assert "INVALID" in revoked.splitlines()[0] and "  revocation: revoked on " in revoked
    assert "(keyCompromise): intermediate CA" in revoked and "problem: signingCredential.ocsp.revoked" in revoked
    assert "  revocation: not checked: online revocation checks are off" in render(reports["not_checked"])
