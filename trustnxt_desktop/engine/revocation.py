"""Were the signer's certificate, the CAs above it, or the timestamp authority's certificate revoked? Asked of each
certificate's issuer online (OCSP, then CRL), answers kept until they expire.

What is checked: every certificate of the active manifest's x5chain (C2PA 2.2 §14.5 "X.509 certificates"), from the
signing certificate up to, not including, the trust anchor (a trust anchor is trusted as it is, RFC 5280 §6.1.1);
the anchor that issued the top CA comes from the trust lists in use, as the file need not carry it. When a trusted
timestamp decides the signing time, the timestamp authority's certificate and the CAs above it (from the token,
RFC 3161 §2.4.2) are checked too. Each certificate's issuer services are the ones it names: its Authority
Information Access OCSP responder (RFC 5280 §4.2.2.1; asked per RFC 6960, a POST of one request with a SHA-1 CertID,
which every responder supports) and its CRL distribution points (RFC 5280 §4.2.1.13). An answer is relied on only
when it is signed by the issuer or by a responder the issuer delegated (EKU id-kp-OCSPSigning, RFC 6960 §4.2.2.2),
names this certificate, and is current (thisUpdate not in the future, nextUpdate not past).

Asking tells the issuer which certificate someone is looking at, so it happens only when the person turned it on
(Settings › Privacy; off by default). Inspection itself runs in isolated workers without network access: the
worker records the chains (`pending`), and this process asks (`RevocationChecker.apply`).

A revoked signing certificate or CA fails the report (C2PA 2.2 §15.7 "Validate the credential's revocation status":
`signingCredential.ocsp.revoked`), unless a trusted timestamp shows the file was signed before the revocation: a
signature made while the certificate was good stays valid (the report still says it was revoked, and when). A
revoked timestamp authority certificate leaves its tokens standing only when revoked for a reason other than key
compromise and after the token was made (RFC 3161 §4.1); otherwise the timestamp is no longer relied on, and a
signer's certificate that has expired since makes the report invalid.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import threading
from collections.abc import Callable, Sequence
from dataclasses import asdict, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed448, ed25519, mldsa, padding, rsa
from cryptography.x509 import ocsp
from cryptography.x509.oid import AuthorityInformationAccessOID, ExtendedKeyUsageOID

from ..domain.report import (
    CertificateRevocation,
    Check,
    CheckStatus,
    InspectionReport,
    Revocation,
    ValidationCode,
    Verdict,
)
from ..domain.timestamps import (
    NOT_CHECKED_NO_CERTIFICATE,
    NOT_CHECKED_NO_ISSUER,
    NOT_CHECKED_NO_RESPONDER,
    NOT_CHECKED_OFFLINE,
    NOT_CHECKED_PRIVACY,
    NOT_CHECKED_UNUSABLE,
    REVOCATION_GOOD,
    REVOCATION_NOT_CHECKED,
    REVOCATION_REVOKED,
    WHY_NOT_CHECKED,
)
from ..runtime.atomic import write_atomic

CACHE_FILE = "revocation-cache.json"
TIMEOUT = 10.0  # seconds for a responder or CRL server to connect and answer
MAX_OCSP_BYTES = 256 * 1024
MAX_CRL_BYTES = 16 * 1024 * 1024
SKEW = dt.timedelta(minutes=5)  # clocks differ: an answer this far in the future is still current
NO_NEXT_UPDATE = dt.timedelta(hours=1)  # how long an answer without nextUpdate is reused
# The key types that can sign a certificate or a list (cryptography's CertificateIssuerPublicKeyTypes).
_SIGNING_KEYS = (dsa.DSAPublicKey, rsa.RSAPublicKey, ec.EllipticCurvePublicKey, ed25519.Ed25519PublicKey,
                 ed448.Ed448PublicKey, mldsa.MLDSA44PublicKey, mldsa.MLDSA65PublicKey, mldsa.MLDSA87PublicKey)
OCSP_REVOKED = "signingCredential.ocsp.revoked"
CRL_REVOKED = "signingCredential.revoked"
EXPIRED = "signingCredential.expired"
MAX_PATH = 8  # certificates walked up a chain: real ones have two or three
ROLE_SIGNER = "signer"
ROLE_CA = "intermediate CA"
ROLE_TSA = "timestamp authority"
ROLE_TSA_CA = "timestamp authority's CA"
TSA_ROLES = (ROLE_TSA, ROLE_TSA_CA)
# RFC 3161 §4.1: a timestamp authority's certificate revoked for one of these reasons (its key was not compromised)
# leaves the tokens it made before the revocation valid; for any other reason, or none given, none of them stands.
TOKENS_SURVIVE = frozenset({"unspecified", "affiliationChanged", "superseded", "cessationOfOperation"})

# (url, body or None for GET, content type) -> the answer's bytes; raises Unreachable.
Fetch = Callable[[str, "bytes | None", str], bytes]


class Unreachable(Exception):
    """The service could not be reached or answered with an error."""


class Unusable(Exception):
    """An answer came but cannot be relied on; the message says why."""


def pending(chains: Sequence[Sequence[bytes]], tsa_certs: Sequence[bytes] = (),
            anchors: Sequence[str] = ()) -> Revocation:
    """What an inspection records before anyone is asked: the first of the signing certificate's x5chains
    (DER, leaf first), the certificates of its timestamp token (`tsa_certs`, DER, in any order) ordered from the
    authority's, and those of the trust anchors (`anchors`: PEM bundles) that issued the top of either chain; not
    checked because online checks are off. No chain: not checked, none could be read."""
    for chain in chains:
        try:
            certs = [x509.load_der_x509_certificate(der) for der in chain]
        except ValueError:
            continue
        if certs:
            tsa = _tsa_chain(tsa_certs)
            found = [_issuing_anchor(top, anchors) for top in (certs[-1], tsa[-1] if tsa else None)]
            return Revocation(REVOCATION_NOT_CHECKED, _not_checked_detail(NOT_CHECKED_PRIVACY),
                              why_not=NOT_CHECKED_PRIVACY, chain_pem=[_pem_of(c) for c in certs],
                              certificate=_describe(certs[0]), tsa_chain_pem=[_pem_of(c) for c in tsa],
                              anchors_pem=list(dict.fromkeys(_pem_of(a) for a in found if a is not None)))
    return Revocation(REVOCATION_NOT_CHECKED, _not_checked_detail(NOT_CHECKED_NO_CERTIFICATE),
                      why_not=NOT_CHECKED_NO_CERTIFICATE)


def _pem_of(cert: x509.Certificate) -> str:
    return cert.public_bytes(serialization.Encoding.PEM).decode("ascii")


def _tsa_chain(ders: Sequence[bytes]) -> list[x509.Certificate]:
    """A timestamp token's certificates, the authority's (EKU id-kp-timeStamping, RFC 3161 §2.3) first and then each
    one's issuer among them; [] when none is the authority's."""
    certs: list[x509.Certificate] = []
    for der in ders:
        try:
            certs.append(x509.load_der_x509_certificate(der))
        except ValueError:
            continue
    leaf = next((c for c in certs if ExtendedKeyUsageOID.TIME_STAMPING in _ekus(c)), None)
    chain: list[x509.Certificate] = []
    while leaf is not None and leaf not in chain and len(chain) < MAX_PATH:
        chain.append(leaf)
        current = leaf
        leaf = next((c for c in certs if c != current and c.subject == current.issuer and _issued(current, c)), None)
    return chain


def _ekus(cert: x509.Certificate) -> list[x509.ObjectIdentifier]:
    try:
        return list(cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value)
    except x509.ExtensionNotFound:
        return []


@lru_cache(maxsize=32)
def _anchor_certificates(bundle: str) -> tuple[x509.Certificate, ...]:
    """The certificates of a PEM bundle (a trust list's anchors); cached, as every inspection passes the same."""
    try:
        return tuple(x509.load_pem_x509_certificates(bundle.encode("ascii")))
    except ValueError:
        return ()


def _issuing_anchor(top: x509.Certificate | None, anchors: Sequence[str]) -> x509.Certificate | None:
    """The trust anchor that issued `top`, the last certificate a file carries; None for a self-issued one."""
    if top is None or top.subject == top.issuer:
        return None
    for bundle in anchors:
        for anchor in _anchor_certificates(bundle):
            if anchor.subject == top.issuer and _issued(top, anchor):
                return anchor
    return None


def _not_checked_detail(why: str) -> str:
    return f"Revocation was not checked: {WHY_NOT_CHECKED[why]}."


def _describe(cert: x509.Certificate) -> str:
    names = cert.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)
    name = str(names[0].value) if names else cert.subject.rfc4514_string()
    return f"{name} (serial {cert.serial_number:x})"


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def http_fetch(url: str, body: bytes | None, content_type: str) -> bytes:
    """One HTTP request to a revocation service: no redirects, TIMEOUT, a size cap. Raises Unreachable."""
    import httpx  # here: an inspection that asks no revocation service never loads the HTTP client

    limit = MAX_OCSP_BYTES if body is not None else MAX_CRL_BYTES
    try:
        with httpx.Client(timeout=TIMEOUT, follow_redirects=False) as client:
            request = (client.build_request("POST", url, content=body, headers={"Content-Type": content_type})
                       if body is not None else client.build_request("GET", url))
            response = client.send(request, stream=True)
            try:
                if response.status_code != 200:
                    raise Unreachable(f"{url} answered HTTP {response.status_code}")
                data = bytearray()
                for chunk in response.iter_bytes():
                    data += chunk
                    if len(data) > limit:
                        raise Unreachable(f"{url} sent more than {limit} bytes")
                return bytes(data)
            finally:
                response.close()
    except httpx.HTTPError as e:
        raise Unreachable(f"{url} could not be reached ({type(e).__name__})") from None


def _verify(key: Any, signature: bytes, data: bytes, algorithm: hashes.HashAlgorithm | None) -> None:
    """Raises InvalidSignature (or Unusable for a key type an answer cannot be signed with)."""
    if isinstance(key, rsa.RSAPublicKey) and algorithm is not None:
        key.verify(signature, data, padding.PKCS1v15(), algorithm)
    elif isinstance(key, ec.EllipticCurvePublicKey) and algorithm is not None:
        key.verify(signature, data, ec.ECDSA(algorithm))
    elif isinstance(key, ed25519.Ed25519PublicKey | ed448.Ed448PublicKey):
        key.verify(signature, data)
    else:
        raise Unusable("the answer is signed with a key of a kind that cannot be checked")


def _urls(cert: x509.Certificate) -> tuple[list[str], list[str]]:
    """(OCSP responder URLs, CRL URLs) the certificate names, http(s) only."""
    ocsp_urls: list[str] = []
    crl_urls: list[str] = []
    try:
        aia = cert.extensions.get_extension_for_class(x509.AuthorityInformationAccess).value
        ocsp_urls = [str(d.access_location.value) for d in aia
                     if d.access_method == AuthorityInformationAccessOID.OCSP
                     and isinstance(d.access_location, x509.UniformResourceIdentifier)]
    except x509.ExtensionNotFound:
        pass
    try:
        points = cert.extensions.get_extension_for_class(x509.CRLDistributionPoints).value
        crl_urls = [str(n.value) for p in points for n in (p.full_name or [])
                    if isinstance(n, x509.UniformResourceIdentifier)]
    except x509.ExtensionNotFound:
        pass
    keep = ("http://", "https://")
    return [u for u in ocsp_urls if u.lower().startswith(keep)], [u for u in crl_urls if u.lower().startswith(keep)]


def _reason(value: x509.ReasonFlags | None) -> str | None:
    return value.value if value is not None else None


class RevocationChecker:
    """Asks issuers and keeps their answers per certificate (sha256 of the leaf) until their nextUpdate, in memory
    and, with `cache_path`, in a JSON file (public data only: no key, no secret). Thread-safe."""

    def __init__(self, cache_path: Path | None = None, fetch: Fetch = http_fetch,
                 now: Callable[[], dt.datetime] = _now) -> None:
        self.cache_path = cache_path
        self._fetch = fetch
        self._now = now
        self._lock = threading.Lock()
        self._cache: dict[str, dict[str, Any]] = self._load()

    def _load(self) -> dict[str, dict[str, Any]]:
        if self.cache_path is None:
            return {}
        try:
            data = json.loads(self.cache_path.read_text("utf-8"))
        except (OSError, ValueError):
            return {}  # no cache yet, or a damaged one: ask again
        return {k: v for k, v in data.items() if isinstance(v, dict)} if isinstance(data, dict) else {}

    def _remember(self, key: str, found: CertificateRevocation) -> None:
        if found.valid_until is None:
            return
        with self._lock:
            self._cache[key] = asdict(found)
            now = self._now().isoformat()
            self._cache = {k: v for k, v in self._cache.items() if str(v.get("valid_until", "")) > now}
            data = json.dumps(self._cache, indent=1, sort_keys=True)
        if self.cache_path is not None:
            try:
                write_atomic(self.cache_path, data, private=True)
            except OSError:
                pass  # the answer still counts for this run; it is asked again next time

    def _cached(self, key: str) -> CertificateRevocation | None:
        with self._lock:
            entry = self._cache.get(key)
        if entry is None or str(entry.get("valid_until", "")) <= self._now().isoformat():
            return None
        known = set(CertificateRevocation.__dataclass_fields__)
        try:
            found = CertificateRevocation(**{"role": ROLE_SIGNER, "certificate": "", **{
                k: v for k, v in entry.items() if k in known}})
        except TypeError:
            return None  # an entry of another shape: asked again
        return replace(found, cached=True)

    def check(self, chain_pem: Sequence[str], tsa_chain_pem: Sequence[str] = (),
              anchors_pem: Sequence[str] = ()) -> Revocation:
        """The revocation status of chain_pem[0] and the CAs above it (each issued by the next, the last by one of
        `anchors_pem`), and of the timestamp authority's chain `tsa_chain_pem` when given. Never raises: a status
        that could not be found out is "not_checked" with the reason."""
        try:
            chain = [x509.load_pem_x509_certificate(p.encode("ascii")) for p in chain_pem]
            tsa = [x509.load_pem_x509_certificate(p.encode("ascii")) for p in tsa_chain_pem]
            anchors = [x509.load_pem_x509_certificate(p.encode("ascii")) for p in anchors_pem]
        except ValueError:
            chain, tsa, anchors = [], [], []
        if not chain:
            return Revocation(REVOCATION_NOT_CHECKED, _not_checked_detail(NOT_CHECKED_NO_CERTIFICATE),
                              why_not=NOT_CHECKED_NO_CERTIFICATE)
        signing = [self._one(cert, issuer, ROLE_SIGNER if i == 0 else ROLE_CA)
                   for i, (cert, issuer) in enumerate(_path(chain, anchors))]
        stamping = [self._one(cert, issuer, ROLE_TSA if i == 0 else ROLE_TSA_CA)
                    for i, (cert, issuer) in enumerate(_path(tsa, anchors))]
        return _combined(signing, stamping, Revocation(
            REVOCATION_NOT_CHECKED, "", certificate=_describe(chain[0]), chain_pem=list(chain_pem),
            tsa_chain_pem=list(tsa_chain_pem), anchors_pem=list(anchors_pem)))

    def _one(self, cert: x509.Certificate, issuer: x509.Certificate | None, role: str) -> CertificateRevocation:
        """One certificate's status, from the cache while its answer is current, else asked of its issuer."""
        base = CertificateRevocation(role, _describe(cert), REVOCATION_NOT_CHECKED, "")
        if issuer is None:
            return replace(base, detail=_not_checked_detail(NOT_CHECKED_NO_ISSUER), why_not=NOT_CHECKED_NO_ISSUER)
        key = hashlib.sha256(cert.public_bytes(serialization.Encoding.DER)).hexdigest()
        if (cached := self._cached(key)) is not None:
            return replace(cached, role=role)
        ocsp_urls, crl_urls = _urls(cert)
        if not ocsp_urls and not crl_urls:
            return replace(base, detail=_not_checked_detail(NOT_CHECKED_NO_RESPONDER), why_not=NOT_CHECKED_NO_RESPONDER)
        problems: list[tuple[str, str]] = []  # (why_not, sentence)
        for url in ocsp_urls:
            try:
                found = self._ask_ocsp(url, cert, issuer, base)
            except Unreachable as e:
                problems.append((NOT_CHECKED_OFFLINE, str(e)))
                continue
            except (Unusable, ValueError, InvalidSignature) as e:
                problems.append((NOT_CHECKED_UNUSABLE, f"the OCSP answer from {url} {_why(e)}"))
                continue
            if found is not None:
                self._remember(key, found)
                return found
            problems.append((NOT_CHECKED_UNUSABLE, f"the OCSP responder {url} does not know the certificate"))
        for url in crl_urls:
            try:
                found = self._ask_crl(url, cert, issuer, base)
            except Unreachable as e:
                problems.append((NOT_CHECKED_OFFLINE, str(e)))
                continue
            except (Unusable, ValueError, InvalidSignature) as e:
                problems.append((NOT_CHECKED_UNUSABLE, f"the revocation list at {url} {_why(e)}"))
                continue
            self._remember(key, found)
            return found
        why = NOT_CHECKED_UNUSABLE if any(w == NOT_CHECKED_UNUSABLE for w, _ in problems) else NOT_CHECKED_OFFLINE
        return replace(base, why_not=why,
                       detail=f"{_not_checked_detail(why)[:-1]} ({'; '.join(p for _, p in problems)}).")

    def _ask_ocsp(self, url: str, leaf: x509.Certificate, issuer: x509.Certificate,
                  base: CertificateRevocation) -> CertificateRevocation | None:
        request = ocsp.OCSPRequestBuilder().add_certificate(leaf, issuer, hashes.SHA1()).build()  # noqa: S303
        answer = ocsp.load_der_ocsp_response(
            self._fetch(url, request.public_bytes(serialization.Encoding.DER), "application/ocsp-request"))
        if answer.response_status is not ocsp.OCSPResponseStatus.SUCCESSFUL:
            raise Unusable(f"says {answer.response_status.name.lower()}")
        _check_ocsp_signer(answer, issuer)
        for single in answer.responses:
            if single.serial_number != leaf.serial_number or single.issuer_key_hash != _key_hash(leaf, issuer, single):
                continue
            this_update, next_update = single.this_update_utc, single.next_update_utc
            now = self._now()
            if this_update > now + SKEW or (next_update is not None and next_update < now - SKEW):
                raise Unusable("is not current")
            until = next_update or now + NO_NEXT_UPDATE
            found = replace(base, method="OCSP", source=url, checked_at=this_update.isoformat(),
                            valid_until=until.isoformat(), why_not=None)
            if single.certificate_status is ocsp.OCSPCertStatus.GOOD:
                return replace(found, status=REVOCATION_GOOD,
                               detail=f"Not revoked: the issuer's OCSP responder says so (answer of "
                                      f"{_day(this_update)}, valid until {_day(until)}).")
            if single.certificate_status is ocsp.OCSPCertStatus.REVOKED:
                when = single.revocation_time_utc
                reason = _reason(single.revocation_reason)
                return replace(found, status=REVOCATION_REVOKED, revoked_at=when.isoformat() if when else None,
                               reason=reason, detail=_revoked_detail(when, reason, "OCSP responder"))
            return None  # "unknown": the responder does not know it
        raise Unusable("is not about this certificate")

    def _ask_crl(self, url: str, leaf: x509.Certificate, issuer: x509.Certificate,
                 base: CertificateRevocation) -> CertificateRevocation:
        data = self._fetch(url, None, "")
        crl = x509.load_pem_x509_crl(data) if data.lstrip().startswith(b"-----") else x509.load_der_x509_crl(data)
        key = issuer.public_key()  # one that cannot sign (an X25519 key, say) cannot have signed the list
        if crl.issuer != issuer.subject or not isinstance(key, _SIGNING_KEYS) or not crl.is_signature_valid(key):
            raise Unusable("is not signed by the certificate's issuer")
        now = self._now()
        this_update, next_update = crl.last_update_utc, crl.next_update_utc
        if this_update > now + SKEW or (next_update is not None and next_update < now - SKEW):
            raise Unusable("is not current")
        until = next_update or now + NO_NEXT_UPDATE
        found = replace(base, method="CRL", source=url, checked_at=this_update.isoformat(),
                        valid_until=until.isoformat(), why_not=None)
        entry = crl.get_revoked_certificate_by_serial_number(leaf.serial_number)
        if entry is None:
            return replace(found, status=REVOCATION_GOOD,
                           detail=f"Not revoked: not on the issuer's revocation list of {_day(this_update)} "
                                  f"(valid until {_day(until)}).")
        try:
            reason = _reason(entry.extensions.get_extension_for_class(x509.CRLReason).value.reason)
        except x509.ExtensionNotFound:
            reason = None
        when = entry.revocation_date_utc
        return replace(found, status=REVOCATION_REVOKED, revoked_at=when.isoformat(), reason=reason,
                       detail=_revoked_detail(when, reason, "revocation list"))

    def apply(self, report: InspectionReport) -> InspectionReport:
        """Ask about the report's signing chain (report.revocation from `pending`), and about its timestamp
        authority's when a trusted timestamp decides the signing time, and state the answers in the report: its
        `revocation`, the revocation check and, for a certificate revoked before a trusted signing time or without
        one, the verdict (invalid), a failure code and the summary; for a revoked authority whose tokens no longer
        stand, the timestamp check. Blocks on the network: call it off the GUI thread."""
        if report.revocation is None or not report.revocation.chain_pem:
            return report
        pending_one = report.revocation
        tsa = pending_one.tsa_chain_pem if _trusted_signing_time(report) is not None else []
        found = self.check(pending_one.chain_pem, tsa, pending_one.anchors_pem)
        report.revocation = found
        _state_in_report(report, found)
        return report


def _path(chain: Sequence[x509.Certificate], anchors: Sequence[x509.Certificate]
          ) -> list[tuple[x509.Certificate, x509.Certificate | None]]:
    """Each certificate to ask about with its issuer (None: not found), from chain[0] up to, not including, a trust
    anchor or a self-issued root (RFC 5280 §6.1: the path ends at the anchor, which no one revokes)."""
    anchor_ders = {a.public_bytes(serialization.Encoding.DER) for a in anchors}
    candidates = [*chain, *anchors]
    out: list[tuple[x509.Certificate, x509.Certificate | None]] = []
    cert: x509.Certificate | None = chain[0] if chain else None
    while cert is not None and len(out) < MAX_PATH:
        if out and (cert.public_bytes(serialization.Encoding.DER) in anchor_ders
                    or (cert.subject == cert.issuer and _issued(cert, cert))):
            break
        current = cert
        issuer = next((c for c in candidates if c != current and c.subject == current.issuer
                       and _issued(current, c)), None)
        out.append((current, issuer))
        cert = issuer if issuer is not None and all(issuer != seen for seen, _ in out) else None
    return out


_ROLE_LABEL = {ROLE_SIGNER: "The signer's certificate", ROLE_CA: "The intermediate CA",
               ROLE_TSA: "The timestamp authority's certificate", ROLE_TSA_CA: "The timestamp authority's CA"}


def certificate_line(c: CertificateRevocation) -> str:
    """One certificate's status for people: "The intermediate CA Example CA (serial 1f): Not revoked: …"."""
    return f"{_ROLE_LABEL.get(c.role, c.role)} {c.certificate}: {c.detail}"


def _combined(signing: list[CertificateRevocation], stamping: list[CertificateRevocation],
              base: Revocation) -> Revocation:
    """The report's revocation from each certificate's: "revoked" when any is (its fields are the revoked one's),
    "good" when every certificate of the signing chain and of the authority's chain asked about is good, else
    "not_checked" with the first reason. `valid_until` is the earliest answer's, `cached` when all came from the
    cache."""
    every = signing + stamping
    revoked = next((c for c in every if c.status == REVOCATION_REVOKED), None)
    missing = next((c for c in every if c.status != REVOCATION_GOOD), None)
    main = revoked or missing or signing[0]
    status = (REVOCATION_REVOKED if revoked else REVOCATION_NOT_CHECKED if missing else REVOCATION_GOOD)
    untils = [c.valid_until for c in every if c.valid_until]
    detail = every[0].detail if len(every) == 1 else " ".join(certificate_line(c) for c in every)
    return replace(base, status=status, detail=detail, why_not=main.why_not if status == REVOCATION_NOT_CHECKED
                   else None, method=main.method, source=main.source, checked_at=main.checked_at,
                   valid_until=min(untils) if untils else None, cached=all(c.cached for c in every),
                   revoked_at=main.revoked_at, reason=main.reason, certificate=main.certificate, certificates=every)


def not_asked(report: InspectionReport, why: str = NOT_CHECKED_PRIVACY) -> InspectionReport:
    """State in the report that revocation was not asked about, and why (domain.timestamps WHY_NOT_CHECKED)."""
    if report.revocation is not None and report.revocation.chain_pem:
        report.revocation = replace(report.revocation, status=REVOCATION_NOT_CHECKED, why_not=why,
                                    detail=_not_checked_detail(why), certificates=[])
    if report.revocation is not None:
        _state_in_report(report, report.revocation)
    return report


def _state_in_report(report: InspectionReport, found: Revocation) -> None:
    status = {REVOCATION_GOOD: CheckStatus.PASS, REVOCATION_REVOKED: CheckStatus.FAIL}.get(found.status,
                                                                                         CheckStatus.UNKNOWN)
    detail = found.detail
    signed = _trusted_signing_time(report)
    notes: list[str] = []
    effective = False  # a revocation that changes the verdict or the signing time
    if (tsa := next((c for c in found.certificates if c.role in TSA_ROLES and c.status == REVOCATION_REVOKED),
                    None)) is not None:
        if _tokens_stand(tsa, signed):
            notes.append(f"The timestamp was made before the authority's certificate was revoked, for a reason "
                         f"that leaves earlier timestamps valid ({tsa.reason}; RFC 3161 §4.1), so it stands.")
        else:
            _timestamp_falls(report, tsa)
            signed, effective = None, True
    failing = [c for c in found.certificates if c.role not in TSA_ROLES and c.status == REVOCATION_REVOKED]
    if not found.certificates and found.status == REVOCATION_REVOKED:  # an older report, or a service's answer
        failing = [CertificateRevocation(ROLE_SIGNER, found.certificate or "", found.status, found.detail,
                                         method=found.method, source=found.source, revoked_at=found.revoked_at,
                                         reason=found.reason)]
    standing = [c for c in failing if signed is not None and (at := _parse(c.revoked_at)) is not None and signed < at]
    for c in failing:
        if c in standing:
            continue
        effective = True
        code = OCSP_REVOKED if c.method == "OCSP" else CRL_REVOKED
        line = certificate_line(c) if found.certificates else c.detail
        if code not in report.validation.failure_codes():
            report.validation.failure.append(ValidationCode(code, line, c.source or ""))
        if report.verdict in (Verdict.TRUSTED, Verdict.VALID):
            report.verdict = Verdict.INVALID
            report.summary = (f"{line} These Content Credentials can no longer be relied on: anyone holding the "
                              "certificate's key could have signed them.")
    if standing and signed is not None:
        notes.append(f"The file was signed before that ({_day(signed)}, as a trusted timestamp shows), so its "
                     "signature stands.")
    if found.status == REVOCATION_REVOKED and not effective:
        status = CheckStatus.WARN  # revoked, but after a trusted signing time: the signature stands
    detail = " ".join([detail, *notes])
    for i, existing in enumerate(report.checks):
        if existing.id == "revocation":
            report.checks[i] = Check("revocation", status, detail)
            return
    report.checks.append(Check("revocation", status, detail))


def _tokens_stand(tsa: CertificateRevocation, signed: dt.datetime | None) -> bool:
    """RFC 3161 §4.1: tokens made before a revocation for a reason other than key compromise stay valid."""
    revoked = _parse(tsa.revoked_at)
    return signed is not None and revoked is not None and tsa.reason in TOKENS_SURVIVE and signed < revoked


def _timestamp_falls(report: InspectionReport, tsa: CertificateRevocation) -> None:
    """The timestamp is no longer relied on: its check fails and says why; a signer's certificate that has expired
    since is then judged at today's date (C2PA 2.2 §15.5 "Validate the credential": signingCredential.expired)."""
    why = (f"{certificate_line(tsa)} Its timestamps are therefore not relied on (RFC 3161 §4.1): the signing time is "
           "the signer's own claim.")
    for i, c in enumerate(report.checks):
        if c.id == "timestamp":
            report.checks[i] = Check("timestamp", CheckStatus.FAIL, why)
            break
    else:
        report.checks.append(Check("timestamp", CheckStatus.FAIL, why))
    expired = _leaf_expired(report)
    if expired is not None and report.verdict in (Verdict.TRUSTED, Verdict.VALID):
        sentence = (f"The signer's certificate expired on {_day(expired)}, and the timestamp that showed the file was "
                    "signed before then can no longer be relied on.")
        report.validation.failure.append(ValidationCode(EXPIRED, sentence, tsa.source or ""))
        report.verdict = Verdict.INVALID
        report.summary = f"{sentence} These Content Credentials are judged at today's date, and fail."


def _leaf_expired(report: InspectionReport) -> dt.datetime | None:
    """When the signing certificate expired, if it has."""
    if report.revocation is None or not report.revocation.chain_pem:
        return None
    try:
        leaf = x509.load_pem_x509_certificate(report.revocation.chain_pem[0].encode("ascii"))
    except ValueError:
        return None
    return leaf.not_valid_after_utc if leaf.not_valid_after_utc < _now() else None


def _trusted_signing_time(report: InspectionReport) -> dt.datetime | None:
    stamp = report.check("timestamp")
    return _parse(report.signed_at) if stamp is not None and stamp.status is CheckStatus.PASS else None


def _parse(value: str | None) -> dt.datetime | None:
    if not value:
        return None
    try:
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def _day(when: dt.datetime) -> str:
    return when.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")


def _revoked_detail(when: dt.datetime | None, reason: str | None, by: str) -> str:
    on = f" on {_day(when)}" if when else ""
    why = f" (reason: {reason})" if reason and reason != "unspecified" else ""
    return f"Revoked{on}{why}, as the issuer's {by} says."


def _why(e: Exception) -> str:
    text = str(e)
    return text if isinstance(e, Unusable) and text else "could not be read or its signature does not verify"


def _issued(cert: x509.Certificate, issuer: x509.Certificate) -> bool:
    try:
        cert.verify_directly_issued_by(issuer)
    except (ValueError, TypeError, InvalidSignature):
        return False
    return True


def _key_hash(leaf: x509.Certificate, issuer: x509.Certificate, single: ocsp.OCSPSingleResponse) -> bytes:
    """The issuer key hash of a CertID for this certificate with the answer's hash algorithm (RFC 6960 §4.1.1)."""
    return ocsp.OCSPRequestBuilder().add_certificate(leaf, issuer, single.hash_algorithm).build().issuer_key_hash


def _check_ocsp_signer(answer: ocsp.OCSPResponse, issuer: x509.Certificate) -> None:
    """Raises unless the answer is signed by the issuer or by a responder certificate the issuer issued for OCSP
    signing (RFC 6960 §4.2.2.2)."""
    candidates = [issuer]
    for cert in answer.certificates:
        try:
            eku = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
        except x509.ExtensionNotFound:
            continue
        if ExtendedKeyUsageOID.OCSP_SIGNING in eku and cert.issuer == issuer.subject and _issued(cert, issuer):
            candidates.append(cert)
    for cert in candidates:
        try:
            _verify(cert.public_key(), answer.signature, answer.tbs_response_bytes, answer.signature_hash_algorithm)
        except InvalidSignature:
            continue
        return
    raise Unusable("is not signed by the certificate's issuer or a responder it named")
