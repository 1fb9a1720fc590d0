"""engine/certs.py: a local signing identity's certificates carry what C2PA validators insist on, and a file
signed with them validates as Trusted once the identity's root is a trust anchor (C2PA spec, "Trust model")."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import c2pa
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed25519, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from tests.c2pa_signing import manifest, sign
from tests.conftest import CORPUS
from trustnxt_desktop.engine import certs


@pytest.fixture(scope="module")
def issued() -> certs.IssuedIdentity:
    return certs.issue_identity("Ana Lima", "Diário do Sul")


def test_the_leaf_is_signed_by_the_root_and_carries_the_extensions_c2pa_requires(issued: certs.IssuedIdentity) -> None:
    leaf, root = issued.leaf, issued.root
    leaf.verify_directly_issued_by(root)
    root.verify_directly_issued_by(root)
    assert root.extensions.get_extension_for_class(x509.BasicConstraints).value.ca is True
    assert leaf.extensions.get_extension_for_class(x509.BasicConstraints).value.ca is False
    usage = leaf.extensions.get_extension_for_class(x509.KeyUsage)
    assert usage.critical and usage.value.digital_signature and not usage.value.key_cert_sign
    # emailProtection for the claim (c2pa-rs's default EKUs), documentSigning for the CAWG identity assertion
    assert list(leaf.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value) == [
        ExtendedKeyUsageOID.EMAIL_PROTECTION, certs.DOCUMENT_SIGNING]
    aki = leaf.extensions.get_extension_for_class(x509.AuthorityKeyIdentifier).value
    ski = root.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
    assert aki.key_identifier == ski.digest
    assert certs.public_keys_match(issued.leaf_key, leaf)
    assert certs.common_name(leaf) == "Ana Lima"
    assert certs.organisation(leaf) == "Diário do Sul"
    assert certs.common_name(root) == "Ana Lima — TrustNXT Desktop Root CA"


def test_validity_follows_the_given_time() -> None:
    now = dt.datetime(2030, 5, 1, 12, tzinfo=dt.UTC)
    issued = certs.issue_identity("Sam", None, now)
    assert issued.leaf.not_valid_before_utc == now - dt.timedelta(hours=1)
    assert issued.leaf.not_valid_after_utc == now + dt.timedelta(days=365 * certs.LEAF_YEARS)
    assert issued.root.not_valid_after_utc == now + dt.timedelta(days=365 * certs.ROOT_YEARS)
    # Without an organisation the certificate still names one: validators show it as the issuer.
    assert certs.organisation(issued.leaf) == certs.LOCAL_ORGANISATION


def test_a_file_signed_with_the_identity_is_trusted_under_its_root(issued: certs.IssuedIdentity) -> None:
    chain = certs.to_pem([issued.leaf, issued.root]).encode()
    key = issued.leaf_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                        serialization.NoEncryption())
    signed, _ = sign(CORPUS / "media" / "no_manifest.jpg", manifest(), (chain, key))

    def state(anchors: str | None) -> str:
        settings: dict[str, Any] = {"verify": {"remote_manifest_fetch": False}}
        if anchors:
            settings["trust"] = {"trust_anchors": anchors}
        with c2pa.Reader("image/jpeg", io.BytesIO(signed), context=c2pa.Context.from_dict(settings)) as reader:
            return str(reader.get_validation_state())

    assert state(certs.to_pem([issued.root])) == "Trusted"
    assert state(None) == "Valid"


def test_pem_round_trip_and_fingerprint(issued: certs.IssuedIdentity) -> None:
    pem = certs.to_pem([issued.leaf, issued.root])
    assert pem.count("BEGIN CERTIFICATE") == 2
    back = certs.load_pem_chain(pem.encode())
    assert back == [issued.leaf, issued.root]
    assert certs.fingerprint(back[0]) == certs.fingerprint(issued.leaf)
    assert certs.fingerprint(issued.leaf) != certs.fingerprint(issued.root)
    assert len(certs.fingerprint(issued.leaf)) == 64


def test_a_pem_without_a_certificate_is_refused() -> None:
    with pytest.raises(ValueError):
        certs.load_pem_chain(b"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n")
    with pytest.raises(ValueError):
        certs.load_pem_chain(b"")


def test_a_subject_without_a_common_name_is_named_by_its_distinguished_name(issued: certs.IssuedIdentity) -> None:
    subject = x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Only Org")])
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject)
            .public_key(issued.leaf_key.public_key()).serial_number(1)
            .not_valid_before(dt.datetime(2020, 1, 1)).not_valid_after(dt.datetime(2040, 1, 1))
            .sign(issued.leaf_key, hashes.SHA256()))
    assert certs.common_name(cert) == "O=Only Org"
    assert certs.organisation(cert) == "Only Org"


@pytest.mark.parametrize(("key", "alg"), [
    (ec.generate_private_key(ec.SECP256R1()), "ES256"),
    (ec.generate_private_key(ec.SECP384R1()), "ES384"),
    (ec.generate_private_key(ec.SECP521R1()), "ES512"),
    (rsa.generate_private_key(65537, 2048), "PS256"),
    (ed25519.Ed25519PrivateKey.generate(), "ED25519"),
])
def test_the_c2pa_algorithm_of_each_key_type(key: certs.PrivateKey, alg: str) -> None:
    assert certs.c2pa_algorithm(key) == alg


def test_a_key_c2pa_cannot_sign_with_is_refused() -> None:
    with pytest.raises(ValueError, match="unsupported key type"):
        certs.c2pa_algorithm(dsa.generate_private_key(2048))  # type: ignore[arg-type]  # the point of the test


@pytest.mark.parametrize("curve", [ec.SECP256K1(), ec.BrainpoolP256R1(), ec.BrainpoolP384R1()])
def test_an_ec_key_on_a_curve_c2pa_does_not_name_is_refused_not_mislabelled(curve: ec.EllipticCurve) -> None:
    # Same key sizes as P-256/P-384, but not the curves ES256/ES384 mean (C2PA 2.1, Digital Signatures).
    with pytest.raises(ValueError, match="unsupported key type"):
        certs.c2pa_algorithm(ec.generate_private_key(curve))


def test_a_key_matches_only_its_own_certificate(issued: certs.IssuedIdentity) -> None:
    other = certs.issue_identity("Other", None)
    assert certs.public_keys_match(issued.leaf_key, issued.leaf)
    assert not certs.public_keys_match(issued.leaf_key, other.leaf)
    assert not certs.public_keys_match(issued.leaf_key, issued.root)
