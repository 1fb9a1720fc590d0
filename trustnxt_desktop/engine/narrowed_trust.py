"""The main validator's trust material cut down to what one file could use.

c2pa-rs reads its trust anchors again for every signature it judges (every anchor of every list, on every
file: about 30 % of its time on a signed file with the shipped lists, none of it on a file without
credentials). An anchor can end a certification path only where its subject names the issuer of a
certificate on the path (RFC 5280 §6.1; engine.cert_chains), and an allowed certificate accepts only
itself (C2PA 2.x, 14.4.3). So a context that holds only the anchors matching the certificates found in
the file's manifest store, and only the allowed certificates with a found signer's serial number, judges
those certificates as the full context does.

What is found is a hint (cert_chains: a chain split by its container is not found). The answer given
with the narrowed context stands only when `covers` holds: every manifest's signing certificate was the
leaf of a whole chain found and every time-stamped manifest had a whole time-stamp token; otherwise the
file is read again with the full context (engine.inspect).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from cryptography import x509

from . import cert_chains
from .c2pa_loader import c2pa
from .trust import TrustConfig

_PEM_BLOCK = re.compile(r"-----BEGIN CERTIFICATE-----\s.*?-----END CERTIFICATE-----", re.DOTALL)
_CONTEXTS_PER_THREAD = 64

_Anchors = tuple[tuple[cert_chains.Described, str, str], ...]  # (described, name_key of its subject, PEM)


def context(trust: TrustConfig, chains: cert_chains.Chains) -> c2pa.Context | None:
    """A c2pa Context like trust.context() with only the trust material `chains` could use; None when no whole
    chain was found, the lists do not parse here, or nothing would be left out. Built once per thread for each
    set of anchors (a batch meets the same signers again and again)."""
    settings = _settings(trust, chains)
    if settings is None:
        return None
    key = repr(settings["trust"])
    cache: dict[str, c2pa.Context] = trust._local.__dict__.setdefault("narrowed", {})
    if key not in cache:
        if len(cache) >= _CONTEXTS_PER_THREAD:
            cache.clear()
        cache[key] = c2pa.Context.from_dict(settings)
    return cache[key]


def covers(store: dict[str, Any], chains: cert_chains.Chains) -> bool:
    """Whether c2pa's answer (its manifest store JSON) judged only certificates found whole in `chains`: every
    manifest's signing certificate, by serial number, and as many time-stamped manifests as tokens found."""
    serials = []
    stamped: set[str] = set()
    for label, manifest in (store.get("manifests") or {}).items():
        info = manifest.get("signature_info") if isinstance(manifest, dict) else None
        if not isinstance(info, dict):
            continue
        serial = str(info.get("cert_serial_number") or "")
        if not serial.isdigit():
            return False
        serials.append(int(serial))
        if info.get("time"):
            stamped.add(str(label))
    stamped |= cert_chains.time_stamped_labels(store.get("validation_results"))  # every timeStamp.* code
    return chains.covers(serials, len(stamped))


def _settings(trust: TrustConfig, chains: cert_chains.Chains) -> dict[str, Any] | None:
    index = _index(trust)
    if index is None or not chains.leaves:
        return None
    signers, tsas, allowed_by_serial, allowed_rest = index
    settings = trust.settings()
    material: dict[str, Any] = dict(settings.get("trust") or {})
    saved = False
    if signers:
        kept = _kept(signers, chains)
        saved |= len(kept) < len(signers)
        material["trust_anchors"] = "".join(pem for _d, _s, pem in kept)
    if "allowed_list" in material:
        allowed = allowed_rest + "".join(allowed_by_serial.get(s, "") for s in sorted(chains.leaves))
        saved |= len(allowed) < len(material["allowed_list"])
        if allowed:
            material["allowed_list"] = allowed
        else:
            del material["allowed_list"]  # an empty list and one without the signer accept the same: nothing
    entries = []
    for entry, anchors in zip(material.get("anchors") or [], tsas, strict=True):
        kept = _kept(anchors, chains) if anchors else ()
        saved |= bool(anchors) and len(kept) < len(anchors)
        entries.append({**entry, "trust_anchors": "".join(pem for _d, _s, pem in kept) or entry["trust_anchors"]})
    if entries:
        material["anchors"] = entries
    if not saved:
        return None
    settings["trust"] = material
    return settings


def _kept(anchors: _Anchors, chains: cert_chains.Chains) -> _Anchors:
    """The anchors that could validate one of the certificates found; never none at all, so c2pa still judges
    against supplied material (the first anchor stands in: it cannot match)."""
    kept = tuple(a for a in anchors if cert_chains.may_validate(a[0], a[1], chains))
    return kept or anchors[:1]


@lru_cache(maxsize=8)
def _index(trust: TrustConfig) -> tuple[_Anchors, tuple[_Anchors, ...], dict[int, str], str] | None:
    """The signer anchors as trust.settings() joins them, the anchors of each time-stamp authority entry, the
    allowed certificates by serial number and what else the allowed list holds (kept whole); None when a
    certificate does not parse here (c2pa may read it otherwise: nothing is narrowed then)."""
    material = trust.settings().get("trust") or {}
    try:
        signers = _parsed(material.get("trust_anchors") or "")
        tsas = tuple(_parsed(e.get("trust_anchors") or "") for e in material.get("anchors") or [])
        by_serial: dict[int, str] = {}
        allowed = material.get("allowed_list") or ""
        for block in _PEM_BLOCK.findall(allowed):
            serial = x509.load_pem_x509_certificate(block.encode("ascii")).serial_number
            by_serial[serial] = by_serial.get(serial, "") + block + "\n"
    except ValueError:
        return None
    rest = "".join(line + "\n" for line in _PEM_BLOCK.sub("", allowed).splitlines() if line.strip())
    return signers, tsas, by_serial, rest


def _parsed(pem: str) -> _Anchors:
    found = []
    for block in _PEM_BLOCK.findall(pem):
        cert = x509.load_pem_x509_certificate(block.encode("ascii"))
        found.append((cert_chains.describe(cert), cert_chains.name_key(cert.subject), block + "\n"))
    return tuple(found)


__all__ = ["context", "covers"]
