"""A throwaway PKI with its revocation services on 127.0.0.1: root -> intermediate -> signers (and a timestamp
authority, `as_test_ca` for tests.c2pa_signing.local_tsa), an OCSP responder and a CRL for each CA (RFC 6960 answers
built with cryptography, RFC 5280 CRLs: /ocsp and /ca.crl answer for the intermediate's certificates, /root/ocsp
and /root.crl for the root's, i.e. the intermediate itself), served by one HTTP server that counts the requests it
gets, so a test can tell whether anything was asked."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509 import ocsp
from cryptography.x509.oid import AuthorityInformationAccessOID, ExtendedKeyUsageOID, NameOID

from trustnxt_desktop.domain.report import InspectionReport


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Revocation Tests")])


def _pem(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


@dataclass
class Revoked:
    when: dt.datetime
    reason: x509.ReasonFlags | None  # None: the answer gives no reason
    by_root: bool = False  # revoked by the root (the intermediate) rather than by the intermediate


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
    ca_services: bool = True  # whether the intermediate names the root's responder and list

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
        ca = (x509.CertificateBuilder().subject_name(_name("Revocation Test Intermediate"))
              .issuer_name(self.root.subject).public_key(self.ca_key.public_key())
              .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=1))
              .not_valid_after(now + dt.timedelta(days=50))
              .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
              .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False), True)
              .add_extension(x509.SubjectKeyIdentifier.from_public_key(self.ca_key.public_key()), False)
              .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(self.root_key.public_key()), False))
        if self.ca_services:
            ca = _services(ca, f"{self.base_url}/root/ocsp", f"{self.base_url}/root.crl")
        self.ca = ca.sign(self.root_key, hashes.SHA256())
        self.root_pem = _pem(self.root).decode()

    def issue(self, common_name: str, *, ocsp_url: bool = True, crl_url: bool = True, seconds: float = 20 * 86400,
              eku: x509.ObjectIdentifier = ExtendedKeyUsageOID.EMAIL_PROTECTION
              ) -> tuple[x509.Certificate, bytes, bytes]:
        """(certificate, chain PEM leaf + intermediate, key PEM) of a C2PA signer (or, with `eku` timeStamping, of
        a timestamp authority: that extended key usage is then critical, RFC 3161 §2.3)."""
        now = dt.datetime.now(dt.UTC)
        key = ec.generate_private_key(ec.SECP256R1())
        builder = (x509.CertificateBuilder().subject_name(_name(common_name)).issuer_name(self.ca.subject)
                   .public_key(key.public_key()).serial_number(x509.random_serial_number())
                   .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(seconds=seconds))
                   .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
                   .add_extension(x509.KeyUsage(True, False, False, False, False, False, False, False, False), True)
                   .add_extension(x509.ExtendedKeyUsage([eku]), critical=eku == ExtendedKeyUsageOID.TIME_STAMPING)
                   .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(self.ca_key.public_key()), False))
        builder = _services(builder, f"{self.base_url}/ocsp" if ocsp_url else None,
                            f"{self.base_url}/ca.crl" if crl_url else None)
        cert = builder.sign(self.ca_key, hashes.SHA256())
        key_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption())
        return cert, _pem(cert) + _pem(self.ca), key_pem

    def revoke(self, cert: x509.Certificate, reason: x509.ReasonFlags | None = x509.ReasonFlags.key_compromise,
               when: dt.datetime | None = None) -> None:
        self.revoked[cert.serial_number] = Revoked(when or dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1), reason,
                                                   cert.issuer == self.root.subject)

    def as_test_ca(self) -> IssuesTSA:
        """This PKI as tests.c2pa_signing.local_tsa wants a CA: `issue(name, eku=...) -> (chain, key)`."""
        return IssuesTSA(self)

    def ocsp_answer(self, body: bytes, by_root: bool = False) -> bytes:
        """The answer of the intermediate's responder, or with `by_root` of the root's (about the intermediate)."""
        request = ocsp.load_der_ocsp_request(body)
        now = dt.datetime.now(dt.UTC)
        gone = self.revoked.get(request.serial_number)
        gone = gone if gone is not None and gone.by_root == by_root else None
        builder = ocsp.OCSPResponseBuilder().add_response_by_hash(
            request.issuer_name_hash, request.issuer_key_hash, request.serial_number, request.hash_algorithm,
            ocsp.OCSPCertStatus.REVOKED if gone else ocsp.OCSPCertStatus.GOOD,
            this_update=now - dt.timedelta(minutes=1), next_update=now + self.next_update,
            revocation_time=gone.when if gone else None, revocation_reason=gone.reason if gone else None,
        ).responder_id(ocsp.OCSPResponderEncoding.HASH, self.root if by_root else self._responder())
        response = builder.sign(self.root_key if by_root else self.ocsp_signer or self.ca_key, hashes.SHA256())
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

    def crl(self, by_root: bool = False) -> bytes:
        """The intermediate's revocation list, or with `by_root` the root's."""
        now = dt.datetime.now(dt.UTC)
        issuer = self.root if by_root else self.ca
        builder = (x509.CertificateRevocationListBuilder().issuer_name(issuer.subject)
                   .last_update(now - dt.timedelta(minutes=1)).next_update(now + self.next_update))
        for serial, gone in self.revoked.items():
            if gone.by_root != by_root:
                continue
            entry = x509.RevokedCertificateBuilder().serial_number(serial).revocation_date(gone.when)
            if gone.reason is not None:
                entry = entry.add_extension(x509.CRLReason(gone.reason), critical=False)
            builder = builder.add_revoked_certificate(entry.build())
        return builder.sign(self.root_key if by_root else self.ca_key,
                            hashes.SHA256()).public_bytes(serialization.Encoding.DER)


class IssuesTSA:
    """A RevocationPKI seen as tests.certs.TestCA is by tests.c2pa_signing.local_tsa; keeps what it issued."""

    def __init__(self, pki: RevocationPKI) -> None:
        self.pki = pki
        self.issued: list[x509.Certificate] = []

    def issue(self, common_name: str, *, seconds: float = 20 * 86400,
              eku: x509.ObjectIdentifier = ExtendedKeyUsageOID.TIME_STAMPING) -> tuple[bytes, bytes]:
        cert, chain, key = self.pki.issue(common_name, seconds=seconds, eku=eku)
        self.issued.append(cert)
        return chain, key


def _services(builder: x509.CertificateBuilder, ocsp_url: str | None,
              crl_url: str | None) -> x509.CertificateBuilder:
    """The certificate names its issuer's OCSP responder (AIA, RFC 5280 §4.2.2.1) and CRL (§4.2.1.13)."""
    if ocsp_url:
        builder = builder.add_extension(x509.AuthorityInformationAccess([x509.AccessDescription(
            AuthorityInformationAccessOID.OCSP, x509.UniformResourceIdentifier(ocsp_url))]), critical=False)
    if crl_url:
        builder = builder.add_extension(x509.CRLDistributionPoints([x509.DistributionPoint(
            [x509.UniformResourceIdentifier(crl_url)], None, None, None)]), critical=False)
    return builder


@contextmanager
def revocation_services(*, ca_services: bool = True) -> Iterator[RevocationPKI]:
    """A RevocationPKI whose OCSP responder (/ocsp) and CRL (/ca.crl) answer on 127.0.0.1 while the block runs."""
    pki: RevocationPKI

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - the base class's name
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            pki.requests.append(f"POST {self.path}")
            answers = {"/ocsp": False, "/root/ocsp": True}
            self._send(pki.ocsp_answer(body, answers[self.path]) if self.path in answers else None,
                       "application/ocsp-response")

        def do_GET(self) -> None:  # noqa: N802
            pki.requests.append(f"GET {self.path}")
            lists = {"/ca.crl": False, "/root.crl": True}
            self._send(pki.crl(lists[self.path]) if self.path in lists else None, "application/pkix-crl")

        def _send(self, body: bytes | None, media_type: str) -> None:
            self.send_response(200 if body is not None else 404)
            self.send_header("Content-Type", media_type)
            self.send_header("Content-Length", str(len(body or b"")))
            self.end_headers()
            self.wfile.write(body or b"")

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    pki = RevocationPKI(base_url=f"http://127.0.0.1:{server.server_address[1]}", ca_services=ca_services)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield pki
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def revocation_reports(folder: Path) -> dict[str, InspectionReport]:
    """Real reports of three signed copies, as online checking leaves them: "good" (the signer and its intermediate
    not revoked), "revoked" (the intermediate revoked by the root, key compromise), "not_checked" (checks off)."""
    from tests.c2pa_signing import manifest, sign
    from tests.conftest import CORPUS
    from trustnxt_desktop.engine.inspect import inspect_file
    from trustnxt_desktop.engine.revocation import RevocationChecker, not_asked
    from trustnxt_desktop.engine.trust import TrustConfig, TrustSource

    reports: dict[str, InspectionReport] = {}
    with revocation_services() as pki:
        trust = TrustConfig(sources=(TrustSource("Revocation test root", anchors_pem=pki.root_pem,
                                                 kind="user-anchor"),))
        for name in ("good", "revoked", "not_checked"):
            _, chain, key = pki.issue(f"{name.replace('_', ' ').title()} Photographer")
            data, _ = sign(CORPUS / "media" / "trustnxt-icon.jpg", manifest(), (chain, key))
            (folder / f"{name}.jpg").write_bytes(data)
            reports[name] = inspect_file(folder / f"{name}.jpg", trust)
        reports["good"] = RevocationChecker().apply(reports["good"])
        pki.revoke(pki.ca, x509.ReasonFlags.key_compromise)
        reports["revoked"] = RevocationChecker().apply(reports["revoked"])
        reports["not_checked"] = not_asked(reports["not_checked"])
    return reports
