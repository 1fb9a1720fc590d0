"""Test certificates: a newsroom CA and a photographer's certificate it issued (EKU emailProtection), and
`TestCA` for certificates of any lifetime and EKU (e.g. short-lived signers, a timestamp authority)."""

from __future__ import annotations

import datetime as dt
import ipaddress
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

NEWSROOM_CA = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Newsroom CA"),
                         x509.NameAttribute(NameOID.ORGANIZATION_NAME, "The Newsroom")])


def newsroom_chain(ca_key: ec.EllipticCurvePrivateKey, leaf_key: ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey,
                   digest: hashes.SHA256 | hashes.SHA384 | hashes.SHA512 | None = None,
                   ) -> tuple[x509.Certificate, x509.Certificate]:
    """(leaf, CA), both valid from yesterday for about a year."""
    digest = digest or hashes.SHA256()
    now = dt.datetime.now(dt.UTC)
    ca = (x509.CertificateBuilder().subject_name(NEWSROOM_CA).issuer_name(NEWSROOM_CA)
          .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
          .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=400))
          .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
          .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True)
          .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
          .sign(ca_key, digest))
    leaf = (x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Staff Photographer"),
                                     x509.NameAttribute(NameOID.ORGANIZATION_NAME, "The Newsroom")]))
            .issuer_name(NEWSROOM_CA).public_key(leaf_key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=300))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(True, False, False, False, False, False, False, False, False), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
            .sign(ca_key, digest))
    return leaf, ca


def self_signed_loopback(folder: Path) -> tuple[Path, Path]:
    """A self-signed server certificate for 127.0.0.1 (valid, but chaining to nothing the OS trusts):
    (cert.pem, key.pem) written into folder."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


class TestCA:
    """A CA valid from yesterday for a month; `issue` gives leaf certificates it signed."""

    __test__ = False  # not a pytest test class

    def __init__(self, name: str = "Verdict Test CA") -> None:
        now = dt.datetime.now(dt.UTC)
        self.key = ec.generate_private_key(ec.SECP256R1())
        subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name),
                             x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Verdict Tests")])
        self.cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject)
                     .public_key(self.key.public_key()).serial_number(x509.random_serial_number())
                     .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=30))
                     .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
                     .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False),
                                    critical=True)
                     .add_extension(x509.SubjectKeyIdentifier.from_public_key(self.key.public_key()), critical=False)
                     .sign(self.key, hashes.SHA256()))
        self.pem = _cert_pem(self.cert).decode()

    def issue(self, common_name: str, *, seconds: float = 20 * 86400,
              eku: x509.ObjectIdentifier | list[x509.ObjectIdentifier] = ExtendedKeyUsageOID.EMAIL_PROTECTION,
              names: list[x509.GeneralName] | None = None) -> tuple[bytes, bytes]:
        """(chain PEM: leaf then CA, private key PEM) for a certificate valid for `seconds` from now, with these
        extended key usages and, when given, these subject alternative names (e-mail, URI)."""
        now = dt.datetime.now(dt.UTC)
        key = ec.generate_private_key(ec.SECP256R1())
        builder = x509.CertificateBuilder()
        if names:
            builder = builder.add_extension(x509.SubjectAlternativeName(names), critical=False)
        cert = (builder
                .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name),
                                         x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Verdict Tests")]))
                .issuer_name(self.cert.subject).public_key(key.public_key())
                .serial_number(x509.random_serial_number())
                .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(seconds=seconds))
                .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
                .add_extension(x509.KeyUsage(True, False, False, False, False, False, False, False, False),
                               critical=True)
                .add_extension(x509.ExtendedKeyUsage(eku if isinstance(eku, list) else [eku]), critical=True)
                .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(self.key.public_key()),
                               critical=False)
                .sign(self.key, hashes.SHA256()))
        key_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption())
        return _cert_pem(cert) + _cert_pem(self.cert), key_pem


def _cert_pem(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)
