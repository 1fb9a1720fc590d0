"""CAWG X.509 identity assertions at inspection: what their certificates state, which of our trust sources
could accept them, and their trust status taken from the validator that can judge it.

An X.509 identity assertion (`cawg.identity`, sig_type `cawg.x509.cose`, CAWG identity assertion 1.1 §8.2) is
a COSE_Sign1 whose x5chain names the person: their name and organisation in the subject, and, where the
issuing CA verified them, e-mail addresses and web sites in the subject alternative names (RFC 5280 §4.2.1.6).
c2pa-rs's manifest JSON gives only the subject's common name and organisation; the certificate itself is
read here from c2pa's detailed JSON (the assertion's `signature`, base64).

Trust: c2pa-rs 0.91 reports every identity certificate as `cawg.x509.credential.untrusted` whatever its
trust settings (c2pa-rs#2599), while encypher-c2pa (the second validator, engine.cross_check) judges it
against the anchors it is given. So an identity's trust status is encypher-c2pa's when it ran, and says so;
its integrity failures count from either validator. The trust list named is the one whose anchor (or
allowed certificate) could accept the identity's chain (engine.chain_trust), the first in order when
several could.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping, Sequence
from typing import Any

from cryptography import x509
from cryptography.x509.oid import NameOID

from ..domain.attribution import X509, X509_NO_SECOND_NOTE, X509_WHY_SECOND, judge_x509_trust
from ..domain.report import IdentityAssertion, Validation, Verdict
from . import cert_chains, chain_trust
from .c2pa_loader import c2pa
from .trust import TrustConfig

IDENTITY_LABEL = "cawg.identity"
UNTRUSTED_IDENTITY = "cawg.x509.credential.untrusted"
# kind ("failure" | "informational" | "success") -> the codes a validator gave about one identity assertion
Codes = Mapping[str, Sequence[str]]


def primary_judge() -> str:
    return f"c2pa-rs {c2pa.sdk_version()}"


def has_x509_identity(identities: Sequence[IdentityAssertion]) -> bool:
    return any(a.sig_type == X509 for a in identities)


def identity_chains(detailed: Mapping[str, Any] | None) -> dict[str, tuple[bytes, ...]]:
    """label -> the x5chain (DER, leaf first) of each identity assertion of the active manifest, from c2pa's
    detailed JSON (Reader.detailed_json()); an assertion whose signature does not decode is left out."""
    manifests = (detailed or {}).get("manifests") or {}
    active = manifests.get((detailed or {}).get("active_manifest") or "") if isinstance(manifests, dict) else None
    store = active.get("assertion_store") if isinstance(active, dict) else None
    found: dict[str, tuple[bytes, ...]] = {}
    for label, data in (store or {}).items() if isinstance(store, dict) else ():
        if str(label).split("__", 1)[0] != IDENTITY_LABEL or not isinstance(data, dict):
            continue
        signature = _bytes(data.get("signature"))
        chain = cert_chains.cose_x5chain(signature) if signature else ()
        if chain:
            found[str(label)] = chain
    return found


def _bytes(value: Any) -> bytes | None:
    """A byte string as c2pa's JSON gives one: base64 text, or a list of byte values."""
    if isinstance(value, str):
        try:
            return base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            return None
    if isinstance(value, list) and all(isinstance(b, int) and 0 <= b < 256 for b in value):
        return bytes(value)
    return None


def _name(name: x509.Name) -> str | None:
    parts = [str(a.value) for oid in (NameOID.COMMON_NAME, NameOID.ORGANIZATION_NAME)
             for a in name.get_attributes_for_oid(oid)]
    return " · ".join(dict.fromkeys(parts)) or None


def describe(identities: Sequence[IdentityAssertion], chains: Mapping[str, tuple[bytes, ...]],
             trust: TrustConfig) -> None:
    """Fill in what each X.509 identity's certificate states (e-mail addresses, web sites, the issuing CA, its
    validity) and the first of `trust`'s signer sources that could accept its chain (`trust_source`, kept by
    decide() only when the identity is judged trusted)."""
    sources = trust.signer_sources()
    material = [(s.anchors_pem, s.allowed_pem) for s in sources]
    for a in identities:
        chain = chains.get(a.label)
        if a.sig_type != X509 or not chain:
            continue
        try:
            leaf = x509.load_der_x509_certificate(chain[0])
        except ValueError:
            continue
        try:
            names = leaf.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
            a.emails = [str(e) for e in names.get_values_for_type(x509.RFC822Name)]
            a.websites = [str(u) for u in names.get_values_for_type(x509.UniformResourceIdentifier)]
        except (x509.ExtensionNotFound, ValueError):
            pass
        a.verified_by = _name(leaf.issuer)
        a.verified_at = leaf.not_valid_before_utc.isoformat()
        a.valid_until = leaf.not_valid_after_utc.isoformat()
        accepting = chain_trust.sources_accepting(material, [chain])
        a.trust_source = sources[accepting[0]].name if accepting else None


def decide(identities: Sequence[IdentityAssertion], second: Mapping[str, Codes] | None,
           second_judge: str | None, validation: Validation | None = None) -> None:
    """Each identity's trust status from the validator that can judge it.

    X.509: with the second validator's codes for the assertion (`second`: label -> codes, `second_judge` its name
    and version), its judgement (domain.attribution.judge_x509_trust), unless c2pa-rs already found the identity
    broken or unverifiable; without them, c2pa-rs's status stands and says how to get a judgement. Identity
    claims aggregation: c2pa-rs's status. `trust_source` stays only on a trusted identity.

    `validation`: the report's codes. c2pa-rs's `cawg.x509.credential.untrusted` about an identity the second
    validator trusts is not a problem of the file: it becomes a note that says so (the raw store keeps it).
    """
    for a in identities:
        codes = (second or {}).get(a.label)
        if a.sig_type != X509 or a.status in (Verdict.INVALID, Verdict.UNVERIFIED) or codes is None or \
                not second_judge:
            a.trust_judged_by = primary_judge()
            if a.sig_type == X509 and a.status is Verdict.VALID and second is None:
                a.status_detail = f"{a.status_detail} {X509_NO_SECOND_NOTE}"
            a.trust_source = a.trust_source if a.status is Verdict.TRUSTED else None
            continue
        failure = list(codes.get("failure") or [])
        a.status, a.status_detail = judge_x509_trust(failure, list(codes.get("success") or []), second_judge,
                                                     a.trust_source)
        a.trust_judged_by = second_judge
        a.codes = list(dict.fromkeys([*a.codes, *(f"{second_judge.split()[0]}:{c}" for kind in
                                                   ("failure", "informational", "success")
                                                   for c in codes.get(kind) or [])]))
        if a.status is not Verdict.TRUSTED:
            a.trust_source = None
        elif validation is not None:
            _untrusted_is_a_note(validation, a, second_judge)


def _untrusted_is_a_note(validation: Validation, a: IdentityAssertion, judge: str) -> None:
    where = f"“{a.trust_source}”" if a.trust_source else "a trust list you use"
    for code in [c for c in validation.failure if c.code == UNTRUSTED_IDENTITY
                 and str(c.url or "").endswith(f"/{a.label}")]:
        validation.failure.remove(code)
        code.explanation = (f"c2pa-rs reports every identity certificate as not trusted ({X509_WHY_SECOND}); the "
                            f"second validator, {judge}, found this one's certificate chaining to {where}.")
        validation.warning.append(code)
