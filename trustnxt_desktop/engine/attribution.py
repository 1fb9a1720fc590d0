"""Authors, training and data-mining choices and CAWG identity assertions, read from the manifest store
JSON that c2pa returns (pure functions over dicts, like engine.interpret).

Sources: schema.org CreativeWork `author` (C2PA 2.1 §18.11, deprecated there but still written by
Adobe tools and by us); `dc:creator` of c2pa.metadata (C2PA 2.1 §18.13), cawg.metadata (CAWG metadata
assertion 1.0) and the older stds.iptc; c2pa.training-mining / cawg.training-mining entries; and
cawg.identity (CAWG identity assertion 1.1) as c2pa-rs decodes it: `signer_payload` + `signature_info`
for X.509, the verifiable credential itself for identity claims aggregation.
"""

from __future__ import annotations

from typing import Any

from ..domain.attribution import judge_identity
from ..domain.report import Author, IdentityAssertion, SignerInfo, TrainingChoice, VerifiedIdentity

_CREATIVE_WORK = "stds.schema-org.CreativeWork"
_METADATA_LABELS = ("c2pa.metadata", "cawg.metadata", "stds.iptc", "stds.iptc.photo-metadata")
_TRAINING_LABELS = ("c2pa.training-mining", "cawg.training-mining")
_IDENTITY_LABEL = "cawg.identity"
_ASSERTION_REF = "c2pa.assertions/"


def _labelled(manifest: dict[str, Any], match: Any) -> list[tuple[str, Any]]:
    """(label, data) of the assertions whose label satisfies match(label); c2pa-rs numbers repeats as
    label__1, label__2."""
    found = []
    for a in manifest.get("assertions", []) or []:
        label = a.get("label") if isinstance(a, dict) else None
        if isinstance(label, str) and match(label.split("__", 1)[0]):
            found.append((label, a.get("data")))
    return found


def _text(value: Any) -> str | None:
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return None


def _names(value: Any) -> list[tuple[str, str | None]]:
    """(name, identifier) from schema.org / Dublin Core values: a string, a Person/Organization object,
    an RDF container ({"@list": [...]}), or a list of any of those."""
    if isinstance(value, list):
        return [n for v in value for n in _names(v)]
    if isinstance(value, dict):
        for container in ("@list", "@set", "rdf:Seq", "rdf:Bag"):
            if container in value:
                return _names(value[container])
        name = _text(value.get("name")) or _text(value.get("@value"))
        ident = _text(value.get("identifier")) or _text(value.get("@id")) or _text(value.get("url"))
        return [(name, ident)] if name else []
    name = _text(value)
    return [(name, None)] if name else []


def authors(manifest: dict[str, Any]) -> list[Author]:
    """Authors named by the signer, first mention first, each name once."""
    found: list[Author] = []
    seen: set[str] = set()
    sources = [(label, data, "author") for label, data in _labelled(manifest, lambda lb: lb == _CREATIVE_WORK)]
    sources += [(label, data, "dc:creator") for label, data in _labelled(manifest, lambda lb: lb in _METADATA_LABELS)]
    for label, data, key in sources:
        if not isinstance(data, dict):
            continue
        for name, ident in _names(data.get(key)):
            if name.casefold() not in seen:
                seen.add(name.casefold())
                found.append(Author(name=name, assertion=label, identifier=ident))
    return found


def training_mining(manifest: dict[str, Any]) -> list[TrainingChoice]:
    choices = []
    for _label, data in _labelled(manifest, lambda lb: lb in _TRAINING_LABELS):
        entries = data.get("entries") if isinstance(data, dict) else None
        if not isinstance(entries, dict):
            continue
        for entry, value in entries.items():
            if isinstance(value, dict) and _text(value.get("use")):
                choices.append(TrainingChoice(entry=str(entry), use=str(value["use"]),
                                              constraint_info=_text(value.get("constraint_info"))))
    return choices


def _codes_for(results: dict[str, Any] | None, label: str) -> tuple[list[str], list[str], list[str]]:
    """The validator's (failure, informational, success) codes whose URL points at this assertion."""
    active = (results or {}).get("activeManifest") or {}
    suffix = f"/{_ASSERTION_REF}{label}"

    def pick(kind: str) -> list[str]:
        return [str(e.get("code", "?")) for e in active.get(kind, []) or []
                if isinstance(e, dict) and str(e.get("url", "")).endswith(suffix)]

    return pick("failure"), pick("informational"), pick("success")


def _referenced(payload: Any) -> list[str]:
    refs = payload.get("referenced_assertions") if isinstance(payload, dict) else None
    labels = []
    for ref in refs or []:
        url = ref.get("url") if isinstance(ref, dict) else ref
        if isinstance(url, str):
            labels.append(url.rsplit(_ASSERTION_REF, 1)[-1])
    return labels


def _verified(entries: Any) -> list[VerifiedIdentity]:
    out = []
    for v in entries if isinstance(entries, list) else []:
        if not isinstance(v, dict):
            continue
        provider = given if isinstance(given := v.get("provider"), dict) else {}
        out.append(VerifiedIdentity(
            type=_text(v.get("type")) or "unknown", name=_text(v.get("name")), username=_text(v.get("username")),
            uri=_text(v.get("uri")), address=_text(v.get("address")), provider=_text(provider.get("name")),
            provider_id=_text(provider.get("id")), verified_at=_text(v.get("verifiedAt")),
        ))
    return out


def _issuer(value: Any) -> str | None:
    return _text(value.get("id")) if isinstance(value, dict) else _text(value)


def identities(manifest: dict[str, Any], results: dict[str, Any] | None, *,
               network: bool = False) -> list[IdentityAssertion]:
    """Each cawg.identity assertion of the manifest with who it names and its status from the codes.

    `network`: whether the validator was allowed to fetch an identity service's key (engine.trust
    refuses every host unless remote fetching is on), which decides how an unfetched key is explained.
    """
    found = []
    for label, data in _labelled(manifest, lambda lb: lb == _IDENTITY_LABEL):
        data = data if isinstance(data, dict) else {}
        payload = data.get("signer_payload") or data.get("c2paAsset") or {}
        sig_type = _text(payload.get("sig_type") if isinstance(payload, dict) else None) or "unknown"
        info = data.get("signature_info") if isinstance(data.get("signature_info"), dict) else None
        # c2pa-rs names the certificate's subject organisation (O=) "issuer" (see interpret.signer).
        signer = SignerInfo(
            common_name=_text(info.get("common_name")),
            organisation=_text(info.get("organization")) or _text(info.get("issuer")),
            algorithm=(_text(info.get("alg")) or "").upper() or None,
            serial=_text(info.get("cert_serial_number")),
        ) if info else None
        issuer = _issuer(data.get("issuer"))
        failure, informational, success = _codes_for(results, label)
        status, detail = judge_identity(sig_type, failure, informational, success, issuer, network=network)
        found.append(IdentityAssertion(
            label=label, sig_type=sig_type, status=status, status_detail=detail, signer=signer, issuer=issuer,
            verified_identities=_verified(data.get("verifiedIdentities")), referenced_assertions=_referenced(payload),
            codes=failure + informational + success,
        ))
    return found
