"""Which of our trust sources could have accepted a signing certificate chain, from the chain itself: naming
the source that trusts a signer without validating the file again under each source.

c2pa-rs accepts a signing certificate (C2PA 2.x, 14.4 "Trust lists"; c2pa-rs crypto/cose/
certificate_trust_policy.rs) when the SHA-256 of its DER is on the allowed list of end-entity certificates
(14.4.3, "Private credential storage"), or when a certificate of its x5chain was issued by a trust anchor:
the anchor's subject is that certificate's issuer and the anchor's key verifies that certificate's signature
(RFC 5280 §6.1; with OpenSSL's partial chains also when the anchor *is* a certificate of the chain). A source
with no such anchor and no such allowed certificate cannot have accepted the chain.

Everything here errs towards "could have": a name that matches only loosely (cert_chains.name_key) or by key
identifier, an anchor or certificate that does not parse, a signature this library cannot check, all count
as possible; only a signature that checks and is wrong rules an anchor out. So the sources found always
include the one that accepted the chain, and when a file is Trusted and exactly one source is found, it is
that source.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, rsa
from cryptography.x509.oid import SignatureAlgorithmOID as Alg

from .cert_chains import name_key

_PEM_BLOCK = re.compile(rb"-----BEGIN [^-\r\n]+-----(.*?)-----END [^-\r\n]+-----", re.DOTALL)
# An allowed list may also hold bare lines, each the base64 SHA-256 of a certificate's DER (c2pa-rs
# add_end_entity_credentials): 44 characters outside any PEM block.
_HASH_LINE = re.compile(rb"^[A-Za-z0-9+/]{43}=$")
# The kind of key each signature algorithm needs: an anchor with another kind of key cannot have signed (a
# validator's check of that signature fails; c2pa-rs moves on to the next anchor).
_KEY_KIND: dict[x509.ObjectIdentifier, type] = {
    **dict.fromkeys((Alg.RSA_WITH_SHA1, Alg.RSA_WITH_SHA224, Alg.RSA_WITH_SHA256, Alg.RSA_WITH_SHA384,
                     Alg.RSA_WITH_SHA512, Alg.RSASSA_PSS), rsa.RSAPublicKey),
    **dict.fromkeys((Alg.ECDSA_WITH_SHA1, Alg.ECDSA_WITH_SHA224, Alg.ECDSA_WITH_SHA256, Alg.ECDSA_WITH_SHA384,
                     Alg.ECDSA_WITH_SHA512), ec.EllipticCurvePublicKey),
    Alg.ED25519: ed25519.Ed25519PublicKey, Alg.ED448: ed448.Ed448PublicKey,
}


@dataclass(frozen=True)
class _Anchors:
    """A source's anchors and allowed certificates, indexed for matching. `unreadable`: some PEM block did not
    parse, so the source counts as able to accept any chain."""

    by_subject: dict[str, tuple[x509.Certificate, ...]]  # name_key() of the subject
    by_key_id: dict[bytes, tuple[x509.Certificate, ...]]  # subject key identifier
    ders: frozenset[bytes]
    allowed: frozenset[bytes]  # SHA-256 of each allowed certificate's DER
    unreadable: bool


def sources_accepting(sources: Sequence[tuple[str, str]], chains: Iterable[Sequence[bytes]]) -> list[int]:
    """The indices into `sources` ((anchors PEM, allowed PEM) of each trust source, in order) of those that could
    have accepted at least one of `chains` (each DER certificates, leaf first, as cert_chains.Chains.x5chains
    holds them). [] when `chains` is empty."""
    whole = [tuple(c) for c in chains if c]
    return [i for i, (anchors, allowed) in enumerate(sources)
            if any(_could_accept(_index(anchors, allowed), chain) for chain in whole)]


def chains_of(x5chains: Iterable[Sequence[bytes]], serial: int, subject: str | None = None,
              issuer: str | None = None) -> list[tuple[bytes, ...]]:
    """Those of `x5chains` (DER, leaf first) whose leaf has this serial number and, when they are given, these
    common names of its subject and issuer (compared case-folded, as cert_chains.name_key does)."""
    found = []
    for chain in x5chains:
        leaf = _certificate(bytes(chain[0])) if chain else None
        if leaf is None or leaf.serial_number != serial:
            continue
        if all(name is None or name_key(of) == name.strip().casefold()
               for name, of in ((subject, leaf.subject), (issuer, leaf.issuer))):
            found.append(tuple(chain))
    return found


def _could_accept(index: _Anchors, chain: tuple[bytes, ...]) -> bool:
    if index.unreadable or hashlib.sha256(chain[0]).digest() in index.allowed:
        return True
    for der in chain:
        if der in index.ders:
            return True
        cert = _certificate(der)
        if cert is None:
            return True  # c2pa-rs may read it otherwise: it cannot be ruled out
        issuers = index.by_subject.get(name_key(cert.issuer), ())
        key_id = _authority_key_id(cert)
        if key_id is not None:
            issuers += index.by_key_id.get(key_id, ())
        if any(_may_have_signed(anchor, cert) for anchor in issuers):
            return True
    return False


@lru_cache(maxsize=64)
def _index(anchors_pem: str, allowed_pem: str) -> _Anchors:
    """One source's anchors and allowed list (cached: a batch asks about the same sources for every file)."""
    by_subject: dict[str, list[x509.Certificate]] = {}
    by_key_id: dict[bytes, list[x509.Certificate]] = {}
    ders: set[bytes] = set()
    unreadable = False
    for body in _PEM_BLOCK.findall(anchors_pem.encode("utf-8", "replace")):
        der = _der(body)
        cert = _certificate(der) if der is not None else None
        if der is None or cert is None:
            unreadable = True
            continue
        ders.add(der)
        by_subject.setdefault(name_key(cert.subject), []).append(cert)
        try:
            ski = cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value.digest
            by_key_id.setdefault(ski, []).append(cert)
        except (x509.ExtensionNotFound, ValueError):
            pass
    allowed: set[bytes] = set()
    raw = allowed_pem.encode("utf-8", "replace")
    for body in _PEM_BLOCK.findall(raw):
        der = _der(body)
        if der is None:
            unreadable = True
        else:
            allowed.add(hashlib.sha256(der).digest())
    for line in _PEM_BLOCK.sub(b"", raw).splitlines():
        if _HASH_LINE.match(line.strip()):
            allowed.add(base64.b64decode(line.strip()))
    return _Anchors({k: tuple(v) for k, v in by_subject.items()}, {k: tuple(v) for k, v in by_key_id.items()},
                    frozenset(ders), frozenset(allowed), unreadable)


def _der(body: bytes) -> bytes | None:
    try:
        return base64.b64decode(b"".join(body.split()), validate=True)
    except (binascii.Error, ValueError):
        return None


@lru_cache(maxsize=512)
def _certificate(der: bytes) -> x509.Certificate | None:
    try:
        return x509.load_der_x509_certificate(der)
    except ValueError:
        return None


def _authority_key_id(cert: x509.Certificate) -> bytes | None:
    try:
        key_id: bytes | None = cert.extensions.get_extension_for_class(x509.AuthorityKeyIdentifier).value.key_identifier
    except (x509.ExtensionNotFound, ValueError):
        return None
    return key_id


@lru_cache(maxsize=1024)
def _may_have_signed(anchor: x509.Certificate, cert: x509.Certificate) -> bool:
    """False only when the anchor's key is of a kind `cert`'s signature algorithm cannot use, or checks its
    signature and finds it wrong (cached: verifying is the costly step, and a batch meets the same signers'
    chains again and again)."""
    kind = _KEY_KIND.get(cert.signature_algorithm_oid)
    try:
        if kind is not None and not isinstance(anchor.public_key(), kind):
            return False
    except (ValueError, UnsupportedAlgorithm):  # a key this library cannot load: cannot be ruled out
        return True
    try:
        cert.verify_directly_issued_by(anchor)
    except InvalidSignature:
        return False
    except (ValueError, TypeError, UnsupportedAlgorithm):  # names that differ exactly, a key or algorithm it cannot use
        return True
    return True


__all__ = ["chains_of", "sources_accepting"]
