"""Turn the manifest store JSON that c2pa returns into the parts of an InspectionReport.

Pure functions over dicts, so they can be tested on recorded JSON and reused for any validator that
speaks the same manifest store format.
"""

from __future__ import annotations

import re
from typing import Any

from ..domain.explain import explain_code
from ..domain.protect import AI_SOURCE_TYPES
from ..domain.report import (
    CHECK_IDS,
    Action,
    Capture,
    Check,
    CheckStatus,
    GeoPoint,
    Ingredient,
    SignerInfo,
    Validation,
    ValidationCode,
    Verdict,
)

MAX_INGREDIENT_DEPTH = 32
UNTRUSTED = "signingCredential.untrusted"
_HASH_MATCH = ("assertion.dataHash.match", "assertion.bmffHash.match", "assertion.boxesHash.match",
               "assertion.collectionHash.match")
_ACTION_LABELS = ("c2pa.actions", "c2pa.actions.v2")
_EXIF_LABELS = ("stds.exif", "c2pa.metadata", "stds.metadata")
_JUMBF_ASSERTION = re.compile(r"/c2pa/(?P<manifest>[^/]+)/c2pa\.assertions/(?P<label>[^/]+)$")


def active_manifest(store: dict[str, Any]) -> dict[str, Any] | None:
    label = store.get("active_manifest")
    return store.get("manifests", {}).get(label) if label else None


def claim_generator(manifest: dict[str, Any]) -> str | None:
    infos = manifest.get("claim_generator_info") or []
    if infos and isinstance(infos[0], dict) and infos[0].get("name"):
        first = infos[0]
        return f"{first['name']} {first['version']}" if first.get("version") else str(first["name"])
    return manifest.get("claim_generator")


def signer(manifest: dict[str, Any]) -> SignerInfo | None:
    info = manifest.get("signature_info")
    if not info:
        return None
    return SignerInfo(
        common_name=info.get("common_name"),
        organisation=info.get("organization") or info.get("organisation"),
        issuer=info.get("issuer"),
        algorithm=(info.get("alg") or "").upper() or None,
        serial=info.get("cert_serial_number"),
    )


def signed_at(manifest: dict[str, Any]) -> str | None:
    return (manifest.get("signature_info") or {}).get("time")


def _assertions(manifest: dict[str, Any], labels: tuple[str, ...]) -> list[dict[str, Any]]:
    return [a.get("data") or {} for a in manifest.get("assertions", []) if a.get("label") in labels]


def actions(manifest: dict[str, Any]) -> list[Action]:
    found: list[Action] = []
    for data in _assertions(manifest, _ACTION_LABELS):
        for a in data.get("actions", []) or []:
            if not isinstance(a, dict) or "action" not in a:
                continue
            agent = a.get("softwareAgent")
            if isinstance(agent, dict):
                agent = " ".join(str(agent[k]) for k in ("name", "version") if agent.get(k))
            params = a.get("parameters") if isinstance(a.get("parameters"), dict) else {}
            found.append(Action(
                action=str(a["action"]),
                when=a.get("when"),
                software_agent=agent or None,
                digital_source_type=a.get("digitalSourceType") or params.get("digitalSourceType"),
                description=a.get("description") or params.get("description"),
            ))
    return found


def is_ai(action_list: list[Action]) -> bool:
    return any(a.digital_source_type in AI_SOURCE_TYPES for a in action_list)


def ai_generated(store: dict[str, Any]) -> bool:
    """True when the active manifest or any manifest it was made from declares AI-generated media."""
    manifests = store.get("manifests", {})
    seen: set[str] = set()
    todo = [store.get("active_manifest")]
    while todo:
        label = todo.pop()
        if not label or label in seen or label not in manifests:
            continue
        seen.add(label)
        manifest = manifests[label]
        if is_ai(actions(manifest)):
            return True
        todo.extend(i.get("active_manifest") for i in manifest.get("ingredients", []) or [])
    return False


# -- capture data -----------------------------------------------------------------------------

def capture(manifest: dict[str, Any]) -> Capture | None:
    """Device, place and time from signed EXIF-style assertions."""
    values: dict[str, Any] = {}
    for data in _assertions(manifest, _EXIF_LABELS):
        for key, value in data.items():
            if key != "@context":
                values.setdefault(key.split(":")[-1].lower(), value)
    lat = _coordinate(values.get("gpslatitude"), values.get("gpslatituderef"))
    lon = _coordinate(values.get("gpslongitude"), values.get("gpslongituderef"))
    alt = _number(values.get("gpsaltitude"))
    result = Capture(
        signed=True,
        make=_str(values.get("make")),
        model=_str(values.get("model")),
        gps=GeoPoint(lat=lat, lon=lon, alt=alt) if lat is not None and lon is not None else None,
        taken_at=_str(values.get("datetimeoriginal") or values.get("datetimedigitized") or values.get("gpstimestamp")),
    )
    return None if result.is_empty() else result


def _str(value: Any) -> str | None:
    return str(value).strip() or None if value is not None else None


def _number(value: Any) -> float | None:
    if value is None:
        return None
    try:
        if isinstance(value, str) and "/" in value:
            num, den = value.split("/", 1)
            return float(num) / float(den)
        return float(value)
    except (TypeError, ValueError, ZeroDivisionError):
        return None


def _coordinate(value: Any, ref: Any = None) -> float | None:
    """Decimal degrees from '43.15', 43.15, or XMP's 'DDD,MM.mmmN' / 'DDD,MM,SSN'."""
    if value is None:
        return None
    number = _number(value)
    if number is None and isinstance(value, str):
        match = re.fullmatch(r"\s*(\d+),(\d+(?:\.\d+)?)(?:,(\d+(?:\.\d+)?))?\s*([NSEW])\s*", value)
        if not match:
            return None
        deg, minutes, seconds, hemi = match.groups()
        number = float(deg) + float(minutes) / 60 + (float(seconds) / 3600 if seconds else 0)
        ref = hemi
    if number is None:
        return None
    if isinstance(ref, str) and ref.upper() in ("S", "W") and number > 0:
        number = -number
    return round(number, 7)


# -- validation codes -----------------------------------------------------------------------------

def _codes(entries: list[dict[str, Any]] | None) -> list[ValidationCode]:
    return [
        ValidationCode(code=e.get("code", "?"), explanation=explain_code(e.get("code", ""), e.get("explanation", "")),
                       detail=e.get("explanation", ""), url=e.get("url"))
        for e in entries or []
    ]


def validation(store: dict[str, Any], results: dict[str, Any] | None) -> Validation:
    active = (results or {}).get("activeManifest")
    if active:
        return Validation(failure=_codes(active.get("failure")), warning=_codes(active.get("informational")),
                          success=_codes(active.get("success")))
    # Older stores: only a flat list of problems.
    return Validation(failure=_codes(store.get("validation_status")))


def ingredient_failures(results: dict[str, Any] | None) -> dict[tuple[str, str], list[str]]:
    """(manifest label, ingredient assertion label) -> failure codes reported for that ingredient."""
    found: dict[tuple[str, str], list[str]] = {}
    for delta in (results or {}).get("ingredientDeltas", []) or []:
        match = _JUMBF_ASSERTION.search(delta.get("ingredientAssertionURI", ""))
        if not match:
            continue
        failures = (delta.get("validationDeltas") or {}).get("failure", []) or []
        found[(match["manifest"], match["label"])] = [f.get("code", "?") for f in failures]
    return found


def ingredients(store: dict[str, Any], results: dict[str, Any] | None) -> list[Ingredient]:
    failures = ingredient_failures(results)
    manifests = store.get("manifests", {})

    def build(manifest_label: str | None, depth: int, seen: frozenset[str]) -> list[Ingredient]:
        manifest = manifests.get(manifest_label) if manifest_label else None
        if manifest is None or depth > MAX_INGREDIENT_DEPTH:
            return []
        nodes = []
        for raw in manifest.get("ingredients", []) or []:
            own = raw.get("active_manifest")
            codes = list(failures.get((manifest_label, raw.get("label", "")), []))
            codes += [s.get("code", "?") for s in raw.get("validation_status", []) or []
                      if s.get("code") not in codes and not str(s.get("code", "")).endswith((".match", ".validated"))]
            nodes.append(Ingredient(
                title=raw.get("title"),
                relationship=raw.get("relationship"),
                verdict=_ingredient_verdict(own, codes),
                format=raw.get("format"),
                thumbnail=(raw.get("thumbnail") or {}).get("identifier"),
                manifest=own,
                failure_codes=codes,
                ingredients=build(own, depth + 1, seen | {manifest_label}) if own and own not in seen else [],
            ))
        return nodes

    return build(store.get("active_manifest"), 0, frozenset())


def _ingredient_verdict(own_manifest: str | None, failure_codes: list[str]) -> Verdict:
    if not own_manifest:
        return Verdict.NONE
    if any(c != UNTRUSTED and not c.startswith("ingredient.unknownProvenance") for c in failure_codes):
        return Verdict.INVALID
    return Verdict.VALID if UNTRUSTED in failure_codes else Verdict.TRUSTED


def count_ingredients(nodes: list[Ingredient], bad_only: bool = False) -> int:
    total = 0
    for n in nodes:
        if not bad_only or n.verdict in (Verdict.INVALID, Verdict.ERROR):
            total += 1
        total += count_ingredients(n.ingredients, bad_only)
    return total


# -- the six checks -----------------------------------------------------------------------------

def _first(codes: list[ValidationCode], *prefixes: str, exclude: tuple[str, ...] = ()) -> ValidationCode | None:
    return next((c for c in codes if c.code.startswith(prefixes) and c.code not in exclude), None)


def checks(verdict: Verdict, v: Validation, ingredient_nodes: list[Ingredient], *, trust_source: str | None,
           trust_lists: list[str], signed_time: str | None) -> list[Check]:
    fail, ok, info = v.failure, v.success, v.warning
    out: list[Check] = []

    bad = _first(fail, "assertion.", "claim.", "manifest.")
    if bad:
        out.append(Check("integrity", CheckStatus.FAIL, bad.explanation))
    elif _first(ok, *_HASH_MATCH):
        out.append(Check("integrity", CheckStatus.PASS, "The media is exactly what was signed."))
    else:
        out.append(Check("integrity", CheckStatus.UNKNOWN, "The validator did not confirm the media's hash."))

    bad = _first(fail, "claimSignature.", "algorithm.") or _first(fail, "signingCredential.invalid")
    if bad:
        out.append(Check("signature", CheckStatus.FAIL, bad.explanation))
    elif _first(ok, "claimSignature.validated"):
        out.append(Check("signature", CheckStatus.PASS, "The signature is correct."))
    else:
        out.append(Check("signature", CheckStatus.UNKNOWN, "The signature was not confirmed."))

    bad = _first(fail, "signingCredential.", exclude=(UNTRUSTED, "signingCredential.ocsp.skipped"))
    if verdict is Verdict.TRUSTED:
        out.append(Check("signer_trust", CheckStatus.PASS, f"The signer is trusted via {trust_source or 'a trust list'}."))
    elif bad:
        out.append(Check("signer_trust", CheckStatus.FAIL, bad.explanation))
    elif _first(fail, UNTRUSTED):
        lists = ", ".join(trust_lists) if trust_lists else "none are loaded"
        out.append(Check("signer_trust", CheckStatus.WARN,
                         f"The signer is not on any trust list you use (loaded: {lists})."))
    else:
        out.append(Check("signer_trust", CheckStatus.UNKNOWN, "Trust in the signer was not evaluated."))

    bad = _first(fail, "timeStamp.", exclude=("timeStamp.untrusted",))
    if bad:
        out.append(Check("timestamp", CheckStatus.FAIL, bad.explanation))
    elif _first(fail + info, "timeStamp.untrusted"):
        out.append(Check("timestamp", CheckStatus.WARN, "The timestamp authority is not on a trust list you use."))
    elif stamp := _first(ok, "timeStamp.validated"):
        authority = stamp.detail.split(":", 1)[-1].strip() if ":" in stamp.detail else "a timestamp authority"
        out.append(Check("timestamp", CheckStatus.PASS, f"Signing time {signed_time or ''} vouched for by {authority}.".replace("  ", " ")))
    else:
        out.append(Check("timestamp", CheckStatus.NOT_APPLICABLE,
                         "No timestamp: the signing time, if any, is the signer's own claim."))

    total = count_ingredients(ingredient_nodes)
    broken = count_ingredients(ingredient_nodes, bad_only=True)
    if total == 0:
        out.append(Check("ingredients", CheckStatus.NOT_APPLICABLE, "Made from no other recorded files."))
    elif broken:
        out.append(Check("ingredients", CheckStatus.WARN,
                         f"{broken} of {total} source files have Content Credentials that failed verification."))
    else:
        out.append(Check("ingredients", CheckStatus.PASS, f"The Content Credentials of all {total} source files are intact."))

    bad = _first(fail, "signingCredential.revoked", "signingCredential.ocsp.revoked")
    if bad:
        out.append(Check("revocation", CheckStatus.FAIL, bad.explanation))
    elif _first(ok, "signingCredential.ocsp.notRevoked"):
        out.append(Check("revocation", CheckStatus.PASS, "The certificate issuer confirmed it is not revoked."))
    else:
        out.append(Check("revocation", CheckStatus.UNKNOWN, "Revocation was not checked (online checks are off)."))
    return out


def empty_checks(reason: str) -> list[Check]:
    return [Check(i, CheckStatus.NOT_APPLICABLE, reason) for i in CHECK_IDS]
