"""A throwaway PKI with its revocation services on 127.0.0.1: root -> intermediate -> signers, an OCSP responder
(RFC 6960, answers built with cryptography) and a CRL (RFC 5280), both served by one HTTP server that counts the
requests it gets, so a test can tell whether anything was asked."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509 import ocsp
from cryptography.x509.oid import AuthorityInformationAccessOID, ExtendedKeyUsageOID, NameOID


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Revocation Tests")])


def _pem(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


@dataclass
class Revoked:
    when: dt.datetime
    reason: x509.ReasonFlags


@dataclass
class RevocationPKI:
    """Root and intermediate CA; `issue` makes signers whose certificates name this PKI's responder and CRL."""

    base_url: str = ""
    root_key: ec.EllipticCurvePrivateKey = field(default_factory=lambda: ec.generate_private_key(ec.SECP256R1()))
    ca_key: ec.EllipticCurvePrivateKey = field(default_factory=lambda: ec.generate_private_key(ec.SECP256R1()))
    revoked: dict[int, Revoked] = field(default_factory=dict)
    requests: list[str] = field(default_factory=list)
    ocsp_signer: ec.EllipticCurvePrivateKey | None = None  # None: the intermediate signs; else a wrong key
    next_update: dt.timedelta = dt.timedelta(days=1)

    def __post_init__(self) -> None:
        now = dt.datetime.now(dt.UTC)
        self.root = (x509.CertificateBuilder().subject_name(_name("Revocation Test Root"))
                     .issuer_name(_name("Revocation Test Root")).public_key(self.root_key.public_key())
                     .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=1))
                     .not_valid_after(now + dt.timedelta(days=60))
                     .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
                     .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False), True)
                     .add_extension(x509.SubjectKeyIdentifier.from_public_key(self.root_key.public_key()), False)
                     .sign(self.root_key, hashes.SHA256()))
        self.ca = (x509.CertificateBuilder().subject_name(_name("Revocation Test Intermediate"))
                   .issuer_name(self.root.subject).public_key(self.ca_key.public_key())
                   .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=1))
                   .not_valid_after(now + dt.timedelta(days=50))
                   .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
                   .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False), True)
                   .add_extension(x509.SubjectKeyIdentifier.from_public_key(self.ca_key.public_key()), False)
                   .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(self.root_key.public_key()), False)
                   .sign(self.root_key, hashes.SHA256()))
        self.root_pem = _pem(self.root).decode()

    def issue(self, common_name: str, *, ocsp_url: bool = True, crl_url: bool = True,
              seconds: float = 20 * 86400) -> tuple[x509.Certificate, bytes, bytes]:
        """(certificate, chain PEM leaf + intermediate, key PEM) of a C2PA signer."""
        now = dt.datetime.now(dt.UTC)
        key = ec.generate_private_key(ec.SECP256R1())
        builder = (x509.CertificateBuilder().subject_name(_name(common_name)).issuer_name(self.ca.subject)
                   .public_key(key.public_key()).serial_number(x509.random_serial_number())
                   .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(seconds=seconds))
                   .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
                   .add_extension(x509.KeyUsage(True, False, False, False, False, False, False, False, False), True)
                   .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False)
                   .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(self.ca_key.public_key()), False))
        if ocsp_url:
            builder = builder.add_extension(x509.AuthorityInformationAccess([x509.AccessDescription(
                AuthorityInformationAccessOID.OCSP, x509.UniformResourceIdentifier(f"{self.base_url}/ocsp"))]),
                critical=False)
        if crl_url:
            builder = builder.add_extension(x509.CRLDistributionPoints([x509.DistributionPoint(
                [x509.UniformResourceIdentifier(f"{self.base_url}/ca.crl")], None, None, None)]), critical=False)
        cert = builder.sign(self.ca_key, hashes.SHA256())
        key_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption())
        return cert, _pem(cert) + _pem(self.ca), key_pem

    def revoke(self, cert: x509.Certificate, reason: x509.ReasonFlags = x509.ReasonFlags.key_compromise,
               when: dt.datetime | None = None) -> None:
        self.revoked[cert.serial_number] = Revoked(when or dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1), reason)

    def ocsp_answer(self, body: bytes) -> bytes:
        request = ocsp.load_der_ocsp_request(body)
        now = dt.datetime.now(dt.UTC)
        gone = self.revoked.get(request.serial_number)
        builder = ocsp.OCSPResponseBuilder().add_response_by_hash(
            request.issuer_name_hash, request.issuer_key_hash, request.serial_number, request.hash_algorithm,
            ocsp.OCSPCertStatus.REVOKED if gone else ocsp.OCSPCertStatus.GOOD,
            this_update=now - dt.timedelta(minutes=1), next_update=now + self.next_update,
            revocation_time=gone.when if gone else None, revocation_reason=gone.reason if gone else None,
        ).responder_id(ocsp.OCSPResponderEncoding.HASH, self._responder())
        response = builder.sign(self.ocsp_signer or self.ca_key, hashes.SHA256())
        return response.public_bytes(serialization.Encoding.DER)

    def _responder(self) -> x509.Certificate:
        """The intermediate; with `ocsp_signer`, a forger's certificate bearing the intermediate's name."""
        if self.ocsp_signer is None:
            return self.ca
        now = dt.datetime.now(dt.UTC)
        return (x509.CertificateBuilder().subject_name(self.ca.subject).issuer_name(self.ca.subject)
                .public_key(self.ocsp_signer.public_key()).serial_number(x509.random_serial_number())
                .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=1))
                .sign(self.ocsp_signer, hashes.SHA256()))

    def crl(self) -> bytes:
        now = dt.datetime.now(dt.UTC)
        builder = (x509.CertificateRevocationListBuilder().issuer_name(self.ca.subject)
                   .last_update(now - dt.timedelta(minutes=1)).next_update(now + self.next_update))
        for serial, gone in self.revoked.items():
            builder = builder.add_revoked_certificate(
                x509.RevokedCertificateBuilder().serial_number(serial).revocation_date(gone.when)
                .add_extension(x509.CRLReason(gone.reason), critical=False).build())
        return builder.sign(self.ca_key, hashes.SHA256()).public_bytes(serialization.Encoding.DER)


@contextmanager
def revocation_services() -> Iterator[RevocationPKI]:
    """A RevocationPKI whose OCSP responder (/ocsp) and CRL (/ca.crl) answer on 127.0.0.1 while the block runs."""
    pki: RevocationPKI

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - the base class's name
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            pki.requests.append(f"POST {self.path}")
            self._send(pki.ocsp_answer(body) if self.path == "/ocsp" else None, "application/ocsp-response")

        def do_GET(self) -> None:  # noqa: N802
            pki.requests.append(f"GET {self.path}")
            self._send(pki.crl() if self.path == "/ca.crl" else None, "application/pkix-crl")

        def _send(self, body: bytes | None, media_type: str) -> None:
            self.send_response(200 if body is not None else 404)
            self.send_header("Content-Type", media_type)
            self.send_header("Content-Length", str(len(body or b"")))
            self.end_headers()
            self.wfile.write(body or b"")

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    pki = RevocationPKI(base_url=f"http://127.0.0.1:{server.server_address[1]}")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield pki
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
