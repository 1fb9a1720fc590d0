"""Certificates for a local signing identity, with the extensions C2PA validators insist on."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

ROOT_YEARS = 10
LOCAL_ORGANISATION = "TrustNXT Desktop (local identity)"
LEAF_YEARS = 3
UNNAMED = "TrustNXT Desktop user"  # the name of an identity when neither the person nor the system gave one
# id-kp-documentSigning (RFC 9336): CAWG X.509 identity certificates carry it (CAWG identity assertion 1.1, §8.2).
DOCUMENT_SIGNING = x509.ObjectIdentifier("1.3.6.1.5.5.7.3.36")

PrivateKey = ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey | ed25519.Ed25519PrivateKey


@dataclass(frozen=True)
class IssuedIdentity:
    root: x509.Certificate
    leaf: x509.Certificate
    leaf_key: ec.EllipticCurvePrivateKey


def _name(common_name: str, organisation: str | None) -> x509.Name:
    attrs = [x509.NameAttribute(NameOID.COMMON_NAME, common_name)]
    if organisation:
        attrs.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation))
    return x509.Name(attrs)


def _key_usage(*, sign: bool, ca: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=sign, content_commitment=False, key_encipherment=False, data_encipherment=False,
        key_agreement=False, key_cert_sign=ca, crl_sign=ca, encipher_only=False, decipher_only=False,
    )


def issue_identity(display_name: str, organisation: str | None, now: dt.datetime | None = None) -> IssuedIdentity:
    """A fresh ES256 root CA and a signing certificate under it.

    The root's private key is discarded once the leaf is signed: nobody, not even this app, can mint
    another certificate under the root that people were asked to trust.
    """
    now = now or dt.datetime.now(dt.UTC)
    root_key = ec.generate_private_key(ec.SECP256R1())
    leaf_key = ec.generate_private_key(ec.SECP256R1())
    # Validators show the certificate's organisation as its issuer; without one they show nothing.
    organisation = organisation or LOCAL_ORGANISATION
    root_name = _name(f"{display_name} — TrustNXT Desktop Root CA", organisation)
    root = (
        x509.CertificateBuilder()
        .subject_name(root_name)
        .issuer_name(root_name)
        .public_key(root_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(hours=1))
        .not_valid_after(now + dt.timedelta(days=365 * ROOT_YEARS))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_key_usage(sign=False, ca=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(root_key.public_key()), critical=False)
        .sign(root_key, hashes.SHA256())
    )
    leaf = (
        x509.CertificateBuilder()
        .subject_name(_name(display_name, organisation))
        .issuer_name(root_name)
        .public_key(leaf_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(hours=1))
        .not_valid_after(now + dt.timedelta(days=365 * LEAF_YEARS))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_key_usage(sign=True, ca=False), critical=True)
        # documentSigning alone is rejected by c2pa-rs' post-sign check; emailProtection is accepted. With both,
        # the same certificate also signs the CAWG identity assertion naming the person.
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION, DOCUMENT_SIGNING]),
                       critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(leaf_key.public_key()), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(root_key.public_key()), critical=False)
        .sign(root_key, hashes.SHA256())
    )
    return IssuedIdentity(root=root, leaf=leaf, leaf_key=leaf_key)


def to_pem(certs: list[x509.Certificate]) -> str:
    return "".join(c.public_bytes(serialization.Encoding.PEM).decode() for c in certs)


def load_pem_chain(data: bytes) -> list[x509.Certificate]:
    certs = x509.load_pem_x509_certificates(data)
    if not certs:
        raise ValueError("no certificate found")
    return certs


def common_name(cert: x509.Certificate) -> str:
    attrs = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    return str(attrs[0].value) if attrs else cert.subject.rfc4514_string()


def organisation(cert: x509.Certificate) -> str | None:
    attrs = cert.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)
    return str(attrs[0].value) if attrs else None


def fingerprint(cert: x509.Certificate) -> str:
    return cert.fingerprint(hashes.SHA256()).hex()


def c2pa_algorithm(key: PrivateKey) -> str:
    """The C2PA signing algorithm name for a key: ES256/384/512, PS256 or Ed25519.

    Only the NIST curves P-256, P-384 and P-521 are C2PA ECDSA algorithms (C2PA 2.1, "Digital
    Signatures"); another curve of the same size (secp256k1, brainpool) is refused, not mislabelled.
    Raises ValueError for any other key.
    """
    if isinstance(key, ec.EllipticCurvePrivateKey):
        by_curve = {ec.SECP256R1.name: "ES256", ec.SECP384R1.name: "ES384", ec.SECP521R1.name: "ES512"}
        if key.curve.name in by_curve:
            return by_curve[key.curve.name]
    if isinstance(key, rsa.RSAPrivateKey):
        return "PS256"
    if isinstance(key, ed25519.Ed25519PrivateKey):
        return "ED25519"
    raise ValueError("unsupported key type: use an EC (P-256/384/521), RSA or Ed25519 key")


def public_keys_match(key: PrivateKey, cert: x509.Certificate) -> bool:
    fmt = (serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return key.public_key().public_bytes(*fmt) == cert.public_key().public_bytes(*fmt)
