"""Whether copies signed with your identity show as trusted on this computer, and by which trust source.

- An identity made on this computer: its own root is a trust source here (services.trust.sources), so yes.
- A certificate issued to you (imported): only when its CA is among the certificates you trust or on a
  published trust list in use. Its issuing CA can be added as an anchor of your own (issuer_anchor).

The test mirrors how a C2PA validator builds the chain (C2PA Technical Specification 2.2, §14.5 "Trust
lists"; RFC 5280 §6 path validation, reduced to what decides it here): the chain's own certificates or
the issuer of its top certificate must be an anchor of a source, checked by name and signature; an
end-entity certificate on a source's allowed list is accepted as it is.
"""

from __future__ import annotations

from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature

from ...engine import certs
from ...engine.identity import IdentityStore
from ...engine.trust import TrustSource
from .sources import build_trust_config


def _certificates(pem: str) -> list[x509.Certificate]:
    try:
        return certs.load_pem_chain(pem.encode("ascii")) if pem.strip() else []
    except ValueError:
        return []


def _issued_by(cert: x509.Certificate, anchor: x509.Certificate) -> bool:
    if cert.issuer != anchor.subject:
        return False
    try:
        cert.verify_directly_issued_by(anchor)
    except (ValueError, TypeError, InvalidSignature):
        return False
    return True


def _trusts(source: TrustSource, chain: list[x509.Certificate]) -> bool:
    if any(certs.fingerprint(a) == certs.fingerprint(chain[0]) for a in _certificates(source.allowed_pem)):
        return True
    anchors = _certificates(source.anchors_pem)
    held = {certs.fingerprint(c) for c in chain[1:]}
    return any(certs.fingerprint(a) in held or _issued_by(chain[-1], a) for a in anchors)


def sources_trusting(sources: tuple[TrustSource, ...], chain: list[x509.Certificate]) -> list[TrustSource]:
    """The signer sources among `sources` under which a file signed with `chain` (signing certificate first) would
    show as trusted, in their order: an anchor of the source issued the chain or is in it, or the certificate is
    on its allowed list; a source that names the extended key usages it accepts (store.cfg) must also find one of
    them in the signing certificate (C2PA 2.2 §14.4.1)."""
    try:
        usages = {u.dotted_string for u in chain[0].extensions.get_extension_for_class(x509.ExtendedKeyUsage).value}
    except x509.ExtensionNotFound:
        usages = set()
    found = []
    for source in sources:
        if not source.trusts_signers or not _trusts(source, chain):
            continue
        accepted = {line.strip() for line in source.trust_config.splitlines()
                    if line.strip() and not line.strip().startswith("//")}
        if accepted and not usages & accepted:
            continue
        found.append(source)
    return found


def trusting_source(root: Path, identities: IdentityStore) -> str | None:
    """The name of the first trust source in force under which the current identity's copies show as trusted
    ("Your TrustNXT Desktop identity", "Your anchor: Newsroom CA", "C2PA trust list (2026-08-21)"); None when
    none does or there is no identity. Blocking: reads certificates and trust lists from disk."""
    if not identities.exists():
        return None
    chain = certs.load_pem_chain(identities.chain_pem().encode("ascii"))
    for source in build_trust_config(root, identities).signer_sources():
        if _trusts(source, chain):
            return source.name
    return None


def issuer_anchor(identities: IdentityStore) -> tuple[str, bytes] | None:
    """(name, PEM) of the CA certificates that issued the current identity — what to trust so its copies show
    as trusted here — named after the topmost one's common name; None without an identity or a CA in its chain."""
    if not identities.exists():
        return None
    chain = certs.load_pem_chain(identities.chain_pem().encode("ascii"))
    if len(chain) < 2:
        return None
    return certs.common_name(chain[-1]), certs.to_pem(chain[1:]).encode("ascii")


__all__ = ["issuer_anchor", "sources_trusting", "trusting_source"]
