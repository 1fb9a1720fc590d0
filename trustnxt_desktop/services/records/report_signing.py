"""PDF evidence reports signed with the signing identity (PAdES), and checking such a signature.

Signing (ETSI EN 319 142-1, PAdES baseline; ISO 32000-2 §12.8): one certification signature (DocMDP: no
changes allowed) over the whole file, a CMS signature with the ESS signing-certificate-v2 attribute, made with
the identity's key and carrying its certificate chain — PAdES B-B; with a timestamp authority configured, the
authority's RFC 3161 token over the signature is added — PAdES B-T. An authority that cannot be reached costs the
timestamp, not the signature (as for protected copies). pyHanko does the PDF and CMS work.

Key usage: the signing certificate must allow digitalSignature or nonRepudiation (RFC 5280 §4.2.1.3); identities
made here carry digitalSignature (C2PA requires it) and certificates requested here ask for both. pyHanko's own
default wants nonRepudiation only; this module accepts either, as PDF readers do.

Checking: the signature must verify, cover the whole file, be the only one, and leave its /Contents exactly as a
signer writes it (hex digits of one case, the CMS structure followed only by zero padding), and every certificate
the signature and its timestamp carry must verify under its issuer among them or a trust anchor in force: so any
change of a byte is detected, also in the parts of a PDF signature that the signature itself does not cover.
Who signed and whether that certificate is trusted here come from the trust sources in force.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import logging
import re
from collections.abc import Callable, Coroutine, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.x509.oid import NameOID

from ...domain.errors import IdentityError, TrustNXTError
from ...domain.report import InspectionReport
from ...domain.secrets import SecretStore
from ...engine import certs
from ...engine.csr import order_chain
from ...engine.identity import IdentityStore, SigningIdentity
from ...engine.trust import TSA_KIND, TrustSource
from ...runtime.atomic import replace_file, write_atomic
from ..trust.identity_trust import sources_trusting
from ..trust.sources import build_trust_config
from .exports import EvidenceRequest, ExportError, evidence_request

FIELD_NAME = "TrustNXTEvidenceSignature"
TSA_TIMEOUT = 10.0  # seconds for the timestamp authority's answer
_KEY_USAGE = {"digital_signature", "non_repudiation"}
log = logging.getLogger(__name__)
T = TypeVar("T")


def _run_async(make: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Run pyHanko's asynchronous work to its end on an event loop of its own: a plain selector loop, whatever loop
    policy the process has set (qasync's cannot run off the GUI thread), on a short-lived thread when the calling
    thread already runs a loop (a CLI command's)."""
    def run() -> T:
        with asyncio.Runner(loop_factory=asyncio.SelectorEventLoop) as runner:
            return runner.run(make())

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return run()
    with ThreadPoolExecutor(1, thread_name_prefix="trustnxt-pdf-signature") as pool:
        return pool.submit(run).result()


class ReportSigningError(TrustNXTError):
    """A report could not be signed (the unsigned file is left as it was); str(e) says why."""


@dataclass(frozen=True)
class ReportSigner:
    """The identity that signs reports, with its key in memory, and the timestamp authority to ask (None: none)."""

    identity: SigningIdentity
    tsa_url: str | None = None

    def describe(self) -> dict[str, str]:
        """What the report's cover says about its signature before it is made: name, organisation, issuer and the
        signing certificate's SHA-256."""
        info = self.identity.info
        leaf = certs.load_pem_chain(self.identity.chain_pem.encode("ascii"))[0]
        return {"status": "signed", "name": info.display_name, "organisation": info.organisation or "",
                "issuer": _issuer_name(leaf), "fingerprint": info.fingerprint}


@dataclass(frozen=True)
class NotSigning:
    """Why reports are not signed now, in words (no identity, no keyring, …)."""

    reason: str

    def describe(self) -> dict[str, str]:
        return {"status": "unsigned", "reason": self.reason}


def _issuer_name(cert: x509.Certificate) -> str:
    """The issuing CA's common name (its whole name when it has none), as people read it."""
    named = cert.issuer.get_attributes_for_oid(NameOID.COMMON_NAME)
    return str(named[0].value) if named else cert.issuer.rfc4514_string()


def load_signer(root: Path, secrets: SecretStore, tsa_url: str | None) -> ReportSigner | NotSigning:
    """The signing identity of `root`, ready to sign reports, or why it cannot. Blocking (keyring, disk)."""
    store = IdentityStore(root, secrets)
    if not store.exists():
        return NotSigning("there is no signing identity yet (Settings › Signing identity, or `trustnxt identity "
                          "create`)")
    try:
        return ReportSigner(store.load(), tsa_url or None)
    except (IdentityError, TrustNXTError) as e:
        return NotSigning(str(e))


@dataclass(frozen=True)
class Signed:
    """A signature made: PAdES level and, without a timestamp although one was asked for, why not."""

    level: str  # "PAdES B-B" | "PAdES B-T"
    timestamp_problem: str = ""


def sign_pdf(unsigned: bytes, signer: ReportSigner) -> tuple[bytes, Signed]:
    """The signed PDF (an incremental update of `unsigned`) and how it was signed. Raises ReportSigningError when
    the PDF cannot be read or the identity cannot sign it. Blocking (and the timestamp authority's network call)."""
    from pyhanko.sign import fields, signers
    from pyhanko.sign.timestamps.common_utils import TimestampRequestError
    from pyhanko.sign.timestamps.requests_client import RequestsHTTPTimeStamper

    timestamper: Any = RequestsHTTPTimeStamper  # pyHanko leaves its constructor unannotated

    pyhanko_signer = _pyhanko_signer(signer.identity)
    meta = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME, subfilter=fields.SigSeedSubFilter.PADES, md_algorithm="sha256", certify=True,
        docmdp_permissions=fields.MDPPerm.NO_CHANGES, signer_key_usage=set(_KEY_USAGE),
        reason="Evidence report: the files' hashes and both validators' results as inspected",
        name=signer.identity.info.display_name)
    problem = ""
    if signer.tsa_url:
        try:
            tsa = timestamper(signer.tsa_url, timeout=TSA_TIMEOUT)
            return _sign(unsigned, meta, pyhanko_signer, tsa), Signed("PAdES B-T")
        except (TimestampRequestError, OSError) as e:
            problem = f"the timestamp authority {signer.tsa_url} could not be used ({_first_line(e)})"
        except ReportSigningError as e:
            if "timestamp" not in str(e).lower():
                raise
            problem = f"the timestamp authority {signer.tsa_url} could not be used ({_first_line(e)})"
    return _sign(unsigned, meta, pyhanko_signer, None), Signed("PAdES B-B", problem)


def _first_line(e: Exception) -> str:
    return (str(e).strip().splitlines() or [type(e).__name__])[0][:200]


def _sign(unsigned: bytes, meta: Any, pyhanko_signer: Any, timestamper: Any) -> bytes:
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.misc import PdfError
    from pyhanko.sign import signers
    from pyhanko.sign.general import SigningError

    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(unsigned), strict=False)
        pdf_signer = signers.PdfSigner(meta, signer=pyhanko_signer, timestamper=timestamper)
        out = _run_async(lambda: pdf_signer.async_sign_pdf(writer, output=io.BytesIO()))
    except (PdfError, SigningError, ValueError) as e:
        raise ReportSigningError(f"the report could not be signed: {_first_line(e)}") from e
    assert isinstance(out, io.BytesIO)
    return out.getvalue()


def _pyhanko_signer(identity: SigningIdentity) -> Any:
    from asn1crypto import keys
    from asn1crypto import x509 as asn1_x509
    from pyhanko.sign import signers
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    # The key as PKCS#8 DER, in memory only, for this one signer (as engine.identity's pem_signer hands it on).
    pem = serialization.load_pem_private_key(identity.pem_signer().key_pem.encode("ascii"), None)
    der = pem.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    chain = [asn1_x509.Certificate.load(c.public_bytes(serialization.Encoding.DER))
             for c in certs.load_pem_chain(identity.chain_pem.encode("ascii"))]
    store: Any = SimpleCertificateStore  # its from_certs is unannotated
    return signers.SimpleSigner(signing_cert=chain[0], signing_key=keys.PrivateKeyInfo.load(der),
                                cert_registry=store.from_certs(chain[1:]))


def sign_file(unsigned: Path, target: Path, signer: ReportSigner) -> Signed:
    """Sign the PDF at `unsigned` into `target` (written atomically; `unsigned` is left alone). Raises
    ReportSigningError, or OSError when a file cannot be read or written."""
    data, signed = sign_pdf(unsigned.read_bytes(), signer)
    write_atomic(target, data)
    return signed


# -- checking ---------------------------------------------------------------------------------------

@dataclass
class ReportCheck:
    """What `trustnxt report verify` says about a PDF. `intact`: signed, and not one byte changed since."""

    file: str
    signed: bool = False
    intact: bool = False
    problems: list[str] = field(default_factory=list)
    level: str = ""  # "PAdES B-B" | "PAdES B-T"
    signer: str = ""  # common name
    organisation: str = ""
    issuer: str = ""  # the issuing CA's common name
    fingerprint: str = ""  # SHA-256 of the signing certificate
    signed_at: str = ""  # ISO 8601: the timestamp's time when there is one, else the signer's stated time
    signed_at_basis: str = ""  # "timestamp" | "signer's clock"
    timestamp_authority: str = ""
    timestamp_trusted: bool = False
    trusted_by: str = ""  # the trust source in force under which the signer's certificate is trusted; "" for none

    def to_dict(self) -> dict[str, Any]:
        return {"schema": "trustnxt.report-signature/1", **self.__dict__}

    def lines(self) -> list[str]:
        """The check in plain words, first line the answer."""
        if not self.signed:
            return [f"{self.file}: not signed — {'; '.join(self.problems) or 'it carries no signature'}."]
        if not self.intact:
            return [f"{self.file}: CHANGED or damaged since it was signed — do not rely on it.",
                    *[f"  {p}" for p in self.problems]]
        who = self.signer + (f" ({self.organisation})" if self.organisation else "")
        if self.signed_at_basis == "timestamp":
            trusted = "trusted" if self.timestamp_trusted else "not on a timestamp trust list in force"
            when = f"{self.signed_at} (timestamp by {self.timestamp_authority}, {trusted})"
        else:
            when = f"{self.signed_at} (as the signer's computer states it; no timestamp)"
        trust = (f"trusted here via {self.trusted_by}" if self.trusted_by else
                 "not trusted here: the certificate chains to no trust anchor in force (the signature itself is "
                 "intact)")
        return [f"{self.file}: signature intact — the PDF is exactly as it was signed ({self.level}).",
                f"  Signed by: {who}, certificate issued by {self.issuer}",
                f"  Certificate SHA-256: {self.fingerprint}",
                f"  Signed at: {when}",
                f"  Signer: {trust}"]


_CONTENTS_HEX = re.compile(rb"<([0-9a-f]*|[0-9A-F]*)>")


def _der_length(data: bytes) -> int | None:
    """Length of the DER value at the start of `data` (tag, length, content); None when it is not one."""
    if len(data) < 2 or data[0] != 0x30:
        return None
    first = data[1]
    if first < 0x80:
        return 2 + first
    count = first & 0x7F
    if count == 0 or count > 4 or len(data) < 2 + count:
        return None
    return 2 + count + int.from_bytes(data[2:2 + count], "big")


def _contents_problem(data: bytes, byte_range: list[int]) -> str | None:
    """Why the signature's /Contents is not exactly as a signer writes it; None when it is."""
    start, end = byte_range[1], byte_range[2]
    raw = data[start:end]
    if _CONTENTS_HEX.fullmatch(raw) is None:
        return "the signature's contents hold characters a signer does not write there"
    blob = bytes.fromhex(raw[1:-1].decode("ascii"))
    length = _der_length(blob)
    if length is None or length > len(blob) or blob[length:].strip(b"\0"):
        return "the signature's contents were changed after the signature"
    return None


def _certificates(signed_data: Any) -> list[x509.Certificate]:
    found = []
    for choice in signed_data["certificates"] or []:
        if choice.name == "certificate":
            found.append(x509.load_der_x509_certificate(choice.chosen.dump()))
    return found


def _timestamp_tokens(signed_data: Any) -> list[Any]:
    tokens: list[Any] = []
    for info in signed_data["signer_infos"]:
        for attr in info["unsigned_attrs"] or []:
            if attr["type"].native == "signature_time_stamp_token":
                tokens.extend(value["content"] for value in attr["values"])
    return tokens


def _unverifiable(carried: list[x509.Certificate], anchors: list[x509.Certificate]) -> list[x509.Certificate]:
    """Carried certificates whose signature does not verify under an issuer among `carried` or `anchors` (or
    itself, when self-signed); a certificate whose issuer is in neither is judged by nothing and not listed."""
    pool = carried + anchors
    bad = []
    for cert in carried:
        issuers = [c for c in pool if c.subject == cert.issuer]
        if not issuers:
            continue
        if not any(_verifies(cert, issuer) for issuer in issuers):
            bad.append(cert)
    return bad


def _verifies(cert: x509.Certificate, issuer: x509.Certificate) -> bool:
    try:
        cert.verify_directly_issued_by(issuer)
    except Exception:  # noqa: BLE001 - InvalidSignature, ValueError, TypeError: it does not verify either way
        return False
    return True


def _anchors(sources: tuple[TrustSource, ...], *, tsa: bool) -> list[x509.Certificate]:
    found: list[x509.Certificate] = []
    for s in sources:
        if (s.kind == TSA_KIND) != tsa or not s.anchors_pem.strip():
            continue
        try:
            found.extend(certs.load_pem_chain(s.anchors_pem.encode("ascii")))
        except ValueError:
            continue
    return found


def verify_pdf(data: bytes, sources: tuple[TrustSource, ...], name: str = "report.pdf") -> ReportCheck:
    """Check the PAdES signature of the PDF `data` under the trust `sources` in force (signer and TSA lists).
    Never raises for a damaged or hostile file: its problems are in the answer. Blocking; no network."""
    from asn1crypto import x509 as asn1_x509
    from pyhanko.pdf_utils.misc import PdfError
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation.pdf_embedded import async_validate_pdf_signature
    from pyhanko.sign.validation.settings import KeyUsageConstraints
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    check = ReportCheck(file=name)
    signer_anchors, tsa_anchors = _anchors(sources, tsa=False), _anchors(sources, tsa=True)
    as_asn1 = [asn1_x509.Certificate.load(c.public_bytes(serialization.Encoding.DER))
               for c in signer_anchors + tsa_anchors]
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        signatures = reader.embedded_signatures
    except Exception as e:  # noqa: BLE001 - a hostile file may break the parser anywhere: it is then not intact
        check.problems.append(f"the PDF cannot be read ({_first_line(e)})")
        return check
    if not signatures:
        return check
    check.signed = True
    if len(signatures) != 1:
        check.problems.append(f"it carries {len(signatures)} signatures; an evidence report carries one")
    sig = signatures[0]
    try:
        context = ValidationContext(trust_roots=as_asn1, allow_fetching=False, revocation_mode="soft-fail")
        usage = KeyUsageConstraints(key_usage=set(_KEY_USAGE), match_all_key_usages=False)
        status = _run_async(lambda: async_validate_pdf_signature(sig, context, key_usage_settings=usage))
        byte_range = [int(v) for v in sig.sig_object["/ByteRange"]]
        signed_data = sig.signed_data
    except (PdfError, ValueError, KeyError, TypeError, OverflowError) as e:
        check.problems.append(f"the signature cannot be checked ({_first_line(e)})")
        return check
    except Exception as e:  # noqa: BLE001 - see above: a parser error in a changed file means it is not intact
        check.problems.append(f"the signature cannot be checked ({_first_line(e)})")
        return check

    if not status.intact:
        check.problems.append("the file's contents differ from what was signed")
    if not status.valid:
        check.problems.append("the signature does not verify with the signer's certificate")
    if status.coverage != SignatureCoverageLevel.ENTIRE_FILE:
        check.problems.append("the signature does not cover the whole file: something was added after signing")
    if problem := _contents_problem(data, byte_range):
        check.problems.append(problem)
    leaf = x509.load_der_x509_certificate(status.signing_cert.dump())
    try:
        signer_set = _certificates(signed_data)
        carried = list(signer_set)
        for token in _timestamp_tokens(signed_data):
            carried += _certificates(token)
    except (ValueError, KeyError, TypeError) as e:
        check.problems.append(f"the certificates in the signature cannot be read ({_first_line(e)})")
        signer_set, carried = [leaf], []
    chain = order_chain([c for c in signer_set if c != leaf], leaf)
    if len(chain) != len({certs.fingerprint(c) for c in signer_set + [leaf]}):
        check.problems.append("the signature carries certificates that are not part of its signer's chain")
    if bad := _unverifiable(carried, signer_anchors + tsa_anchors):
        check.problems.append("certificates in the signature were changed: "
                              + ", ".join(certs.common_name(c) for c in bad))

    check.signer, check.organisation = certs.common_name(leaf), certs.organisation(leaf) or ""
    check.issuer = _issuer_name(leaf)
    check.fingerprint = certs.fingerprint(leaf)
    ts = status.timestamp_validity
    check.level = "PAdES B-T" if ts is not None else "PAdES B-B"
    if ts is not None:
        if not (ts.intact and ts.valid):
            check.problems.append("the timestamp does not verify")
        check.signed_at, check.signed_at_basis = _iso(ts.timestamp), "timestamp"
        check.timestamp_authority = ts.signing_cert.subject.human_friendly
        check.timestamp_trusted = bool(ts.trusted)
    elif status.signer_reported_dt is not None:
        check.signed_at, check.signed_at_basis = _iso(status.signer_reported_dt), "signer's clock"
    if status.trusted:
        found = sources_trusting(tuple(s for s in sources if s.kind != TSA_KIND), chain)
        check.trusted_by = found[0].name if found else "a trust anchor in force"
    check.intact = not check.problems
    return check


def _iso(when: dt.datetime) -> str:
    return when.astimezone(dt.UTC).isoformat(timespec="seconds")


def verify_file(path: Path, root: Path, secrets: SecretStore) -> ReportCheck:
    """verify_pdf for a file, under the trust sources of the data root `root` (your identity's root, your anchors,
    the trust lists in force). Raises OSError when the file cannot be read."""
    sources = build_trust_config(root, IdentityStore(root, secrets)).sources
    return verify_pdf(path.read_bytes(), sources, path.name)


# -- the evidence report's way through: announced on its cover, drawn unsigned, signed into place -----------------

def signed_request(reports: Sequence[InspectionReport], root: Path | None) -> tuple[EvidenceRequest,
                                                                                    ReportSigner | NotSigning]:
    """The evidence request for `reports` (exports.evidence_request) with the signature its cover announces, and
    who signs it: the identity of `root` with the timestamp authority its settings name, or why nobody does.
    Blocking (keyring, disk)."""
    request = evidence_request(reports, root)
    signer: ReportSigner | NotSigning
    if root is None:
        signer = NotSigning("no data folder to take a signing identity from")
    else:
        from ..account.keyring_store import KeyringSecretStore
        from ..account.settings import SettingsStore

        signer = load_signer(root, KeyringSecretStore(), SettingsStore(root).load().timestamp_authority())
    request.signature = signer.describe()
    return request, signer


def unsigned_path(out: Path) -> Path:
    """Where the report is drawn before it is signed: hidden, beside `out` (the same file system, for the rename)."""
    return out.with_name(f".{out.name}.unsigned")


def finish_report(staging: Path, out: Path, signer: ReportSigner | NotSigning) -> Path:
    """Sign the drawn report at `staging` into `out` (or, with nobody to sign, move it there), then remove
    `staging`. Raises ExportError when it cannot be signed: a report whose cover announces a signature is never
    published without one."""
    try:
        if isinstance(signer, ReportSigner):
            signed = sign_file(staging, out, signer)
            if signed.timestamp_problem:
                log.warning("evidence report signed without a timestamp: %s", signed.timestamp_problem)
        else:
            replace_file(staging, out)
    except (ReportSigningError, OSError) as e:
        raise ExportError(f"The PDF report could not be signed: {e}") from e
    finally:
        staging.unlink(missing_ok=True)
    return out


def describe_signature(path: Path, root: Path | None) -> str:
    """The signature a saved report carries, in a few words for the status line: "signed by Ana Lima (PAdES B-T,
    timestamped)", "not signed: …", or why it does not verify. Blocking (reads the file, the keyring)."""
    from ..account.keyring_store import KeyringSecretStore

    secrets = KeyringSecretStore()
    check = verify_file(path, root, secrets) if root is not None else verify_pdf(path.read_bytes(), (), path.name)
    if check.intact:
        stamp = "timestamped" if check.level == "PAdES B-T" else "no timestamp"
        return f"signed by {check.signer} ({check.level}, {stamp})"
    if not check.signed:
        said = load_signer(root, secrets, None) if root is not None else None
        return f"not signed: {said.reason if isinstance(said, NotSigning) else 'it carries no signature'}"
    return "its signature does not verify: " + "; ".join(check.problems)


__all__ = ["NotSigning", "ReportCheck", "ReportSigner", "ReportSigningError", "Signed", "describe_signature",
           "finish_report", "load_signer", "sign_file", "sign_pdf", "signed_request", "unsigned_path", "verify_file",
           "verify_pdf"]
