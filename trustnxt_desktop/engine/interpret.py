"""Turn the manifest store JSON that c2pa returns into the parts of an InspectionReport.

Pure functions over dicts, so they can be tested on recorded JSON and reused for any validator that
speaks the same manifest store format.
"""

from __future__ import annotations

import re
from typing import Any

from ..domain.ai import AiKind, file_ai, manifest_ai
from ..domain.checks import CHECK_IDS, UNTRUSTED, checks_of_failure, is_media_code, tolerated
from ..domain.display import plural
from ..domain.explain import TRUSTED_TIME, UNTRUSTED_TIME, Evidence, explain_code
from ..domain.report import (
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
from ..domain.sources import count_sources, problem_sources, walk

MAX_INGREDIENT_DEPTH = 32
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


def certificates(crjson: dict[str, Any] | None) -> dict[str, dict[str, Any]]:
    """Each manifest's signing certificate as c2pa's crJSON describes it ({subject, issuer} as {"CN": …,
    "O": …}, serialNumber, validity), by manifest label; {} when there is no crJSON."""
    found: dict[str, dict[str, Any]] = {}
    for m in (crjson or {}).get("manifests") or []:
        info = ((m.get("signature") or {}) if isinstance(m, dict) else {}).get("certificateInfo")
        if isinstance(info, dict) and m.get("label"):
            found[str(m["label"])] = info
    return found


def _name(certificate: dict[str, Any] | None, which: str) -> dict[str, str]:
    name = (certificate or {}).get(which)
    return {str(k): str(v) for k, v in name.items() if isinstance(v, str)} if isinstance(name, dict) else {}


def _issuer_name(issuer: dict[str, str]) -> str | None:
    """'Adobe Product Services G3 (Adobe Systems Incorporated)': the issuing CA's common name, and its
    organisation when the name does not already say it."""
    cn, org = issuer.get("CN"), issuer.get("O")
    if cn and org and org.casefold() not in cn.casefold():
        return f"{cn} ({org})"
    return cn or org


def signer(manifest: dict[str, Any], certificate: dict[str, Any] | None = None) -> SignerInfo | None:
    """Who signed a manifest. c2pa-rs 0.91 reports the signing certificate's *subject* organisation (O=) as
    `signature_info.issuer` (crypto/cose/verifier.rs fills its issuer_org from the subject), so that value is
    the signer's organisation; the issuing CA is named only when `certificate` (crJSON's certificateInfo for
    this manifest, see certificates) is given."""
    info = manifest.get("signature_info")
    if not info:
        return None
    subject = _name(certificate, "subject")
    return SignerInfo(
        common_name=info.get("common_name") or subject.get("CN"),
        organisation=(subject.get("O") or info.get("organization") or info.get("organisation")
                      or info.get("issuer")),
        issuer=_issuer_name(_name(certificate, "issuer")),
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
            params = given if isinstance(given := a.get("parameters"), dict) else {}
            found.append(Action(
                action=str(a["action"]),
                when=a.get("when"),
                software_agent=agent or None,
                # Adobe keeps a third-party model's source type (and the model's name) in `parameters`.
                digital_source_type=(a.get("digitalSourceType") or params.get("digitalSourceType")
                                     or params.get("com.adobe.digitalSourceType")),
                description=a.get("description") or params.get("description") or params.get("com.adobe.details"),
            ))
    return found


def manifest_ai_kind(manifest: dict[str, Any]) -> AiKind:
    """AI declared by this manifest alone (domain.ai decides what the source types mean)."""
    legacy = any(str(a.get("label", "")).startswith("com.adobe.generative-ai") for a in manifest.get("assertions", []))
    return manifest_ai((a.digital_source_type for a in actions(manifest)), generative_ai_assertion=legacy)


def file_ai_kind(manifest: dict[str, Any], ingredient_nodes: list[Ingredient]) -> AiKind:
    """The active manifest's declaration, or AI-generated material anywhere in what the file was made from."""
    return file_ai(manifest_ai_kind(manifest),
                   (AiKind(n.ai_disclosure) for n in ingredient_nodes if n.ai_disclosure))


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

# Codes c2pa-rs does not count against a manifest, and which check each failure fails: domain.checks
# (tolerated, checks_of_failure), shared with the views that name the checks. An identity service's key that
# was not fetched (cawg.ica.did_unavailable) is tolerated here although c2pa-rs counts it: inspection refuses
# the network (engine.trust.offline_core), so every identity verified by a did:web service ends there.


def validation_state(store: dict[str, Any]) -> str | None:
    """The store's validation_state ("Invalid" | "Valid" | "Trusted", or None), judged without the codes
    that concern only a CAWG identity assertion.

    c2pa-rs 0.91.3 lowers a manifest whose signer is trusted to "Valid" when an X.509 identity
    assertion's certificate is reported untrusted (which it reports for every one, c2pa-rs#2599), and
    to "Invalid" when an identity service's key was not fetched. When such codes are the only failures
    (active manifest and ingredient deltas all `tolerated`), the state is c2pa-rs's own rule without
    them (C2PA 2.2 "valid manifest" / "trusted manifest"): "Valid" when the claim signature was
    validated within its validity, "Trusted" when its signing credential was trusted as well.
    """
    state: str | None = store.get("validation_state")
    results = store.get("validation_results") or {}
    active = results.get("activeManifest") or {}

    def codes(entries: Any) -> list[str]:
        return [str(e.get("code")) for e in entries or [] if isinstance(e, dict)]

    failures = codes(active.get("failure"))
    for delta in results.get("ingredientDeltas") or []:
        failures += codes(((delta or {}).get("validationDeltas") or {}).get("failure"))
    if state not in ("Valid", "Invalid") or not any(c.startswith("cawg.") for c in failures):
        return state
    success = set(codes(active.get("success")))
    if not all(tolerated(c) for c in failures) or not {"claimSignature.validated",
                                                         "claimSignature.insideValidity"} <= success:
        return state
    return "Trusted" if "signingCredential.trusted" in success and UNTRUSTED not in failures else "Valid"


# For C2PA 1.x `validation_status` lists, which carry no kind: codes that are not failures.
_SUCCESS_SUFFIXES = (".match", ".validated", ".trusted", ".insideValidity", ".notRevoked")
_INFORMATIONAL = frozenset({"ingredient.unknownProvenance", "signingCredential.ocsp.skipped", "timeStamp.untrusted",
                            "algorithm.deprecated", "assertion.bmffHash.additionalExclusionsPresent"})


def _kind(code: str) -> str:
    if code.endswith(_SUCCESS_SUFFIXES):
        return "success"
    return "informational" if code in _INFORMATIONAL else "failure"


def _codes(entries: list[dict[str, Any]] | None, evidence: Evidence) -> list[ValidationCode]:
    return [
        ValidationCode(code=e.get("code", "?"),
                       explanation=explain_code(e.get("code", ""), e.get("explanation", ""), evidence),
                       detail=e.get("explanation", ""), url=e.get("url"))
        for e in entries or [] if isinstance(e, dict)
    ]


def validation(store: dict[str, Any], results: dict[str, Any] | None, manifest_stores: int | None = None) -> Validation:
    """The active manifest's codes, each explained in the light of the others (domain.explain.Evidence)."""
    active = (results or {}).get("activeManifest")
    if active:
        lists = {k: active.get(k) or [] for k in ("failure", "informational", "success")}
    else:  # Older stores: only a flat list of problems.
        lists = {"failure": store.get("validation_status") or [], "informational": [], "success": []}
    evidence = Evidence.from_codes((e.get("code", "") for entries in lists.values() for e in entries
                                    if isinstance(e, dict)), manifest_stores)
    return Validation(failure=_codes(lists["failure"], evidence), warning=_codes(lists["informational"], evidence),
                      success=_codes(lists["success"], evidence))


_Statuses = dict[str, list[str]]  # "failure" | "informational" | "success" -> codes


def _status_lists(codes: dict[str, Any] | None) -> _Statuses:
    codes = codes if isinstance(codes, dict) else {}
    return {k: [e.get("code", "?") for e in codes.get(k) or [] if isinstance(e, dict)]
            for k in ("failure", "informational", "success")}


def _deltas(results: dict[str, Any] | None, into: dict[tuple[str, str], _Statuses]) -> None:
    """Add validation results' ingredientDeltas, keyed by (manifest label, ingredient assertion label)."""
    for delta in (results or {}).get("ingredientDeltas", []) or []:
        match = _JUMBF_ASSERTION.search(str(delta.get("ingredientAssertionURI", "")))
        if not match:
            continue
        found = into.setdefault((match["manifest"], match["label"]),
                                {"failure": [], "informational": [], "success": []})
        for kind, codes in _status_lists(delta.get("validationDeltas")).items():
            found[kind] += [c for c in codes if c not in found[kind]]


def _recorded(raw: dict[str, Any]) -> _Statuses:
    """What the library recorded in the ingredient assertion when the ingredient was added: the
    `validation_results` of a v3 ingredient (C2PA 2.x), else the v1/v2 `validation_status` list."""
    results = raw.get("validation_results")
    if isinstance(results, dict) and results.get("activeManifest"):
        return _status_lists(results["activeManifest"])
    found: _Statuses = {"failure": [], "informational": [], "success": []}
    for entry in raw.get("validation_status") or []:
        if isinstance(entry, dict) and entry.get("code"):
            found[_kind(str(entry["code"]))].append(str(entry["code"]))
    return found


def ingredients(store: dict[str, Any], results: dict[str, Any] | None,
                certs: dict[str, dict[str, Any]] | None = None) -> list[Ingredient]:
    """The ingredient tree with each ingredient's own verdict, codes, signer and AI declaration.

    An ingredient's codes are what the library recorded when it was added (a parent whose data hash
    did not match then stays invalid: its bytes are not in this file to check again) plus what this
    validation found about its manifest now (ingredientDeltas, which c2pa-rs reports only where they
    differ from the recorded ones). It is `trusted` only when this validation trusts its signer.
    """
    deltas: dict[tuple[str, str], _Statuses] = {}
    _deltas(results, deltas)
    manifests = store.get("manifests", {})
    for manifest in manifests.values():  # what each ingredient recorded about its own ingredients
        for raw in manifest.get("ingredients", []) or []:
            if isinstance(raw.get("validation_results"), dict):
                _deltas(raw["validation_results"], deltas)

    def build(manifest_label: str | None, depth: int, seen: frozenset[str]) -> list[Ingredient]:
        if not manifest_label:
            return []
        manifest = manifests.get(manifest_label)
        if manifest is None or depth > MAX_INGREDIENT_DEPTH:
            return []
        nodes = []
        for raw in manifest.get("ingredients", []) or []:
            own = raw.get("active_manifest")
            own_manifest = manifests.get(own) if own else None
            now = deltas.get((manifest_label, str(raw.get("label", ""))),
                             {"failure": [], "informational": [], "success": []})
            verdict, codes = _ingredient_verdict(own_manifest is not None, _recorded(raw), now)
            children = build(own, depth + 1, seen | {manifest_label}) if own and own not in seen else []
            nodes.append(Ingredient(
                title=raw.get("title"),
                relationship=raw.get("relationship"),
                verdict=verdict,
                format=raw.get("format"),
                thumbnail=(raw.get("thumbnail") or {}).get("identifier"),
                manifest=own,
                failure_codes=codes,
                ingredients=children,
                signer=signer(own_manifest, (certs or {}).get(own or "")) if own_manifest else None,
                ai_disclosure=file_ai_kind(own_manifest, children).value if own_manifest else None,
            ))
        return nodes

    return build(store.get("active_manifest"), 0, frozenset())


def _ingredient_verdict(has_manifest: bool, recorded: _Statuses, now: _Statuses) -> tuple[Verdict, list[str]]:
    """The rule of c2pa-rs's own validation_state, applied to one ingredient's recorded + current codes."""
    trusted = "signingCredential.trusted" in now["success"] or (
        "signingCredential.trusted" in recorded["success"] and UNTRUSTED not in now["failure"])
    codes: list[str] = []
    for code in recorded["failure"] + now["failure"]:
        if code not in codes and not (trusted and code == UNTRUSTED):
            codes.append(code)
    broken = [c for c in codes if not tolerated(c)]
    if broken:
        # A manifest that could not be fetched (stored remotely) was not checked, not found wrong.
        return (Verdict.UNVERIFIED if all(c == "manifest.inaccessible" for c in broken) else Verdict.INVALID), codes
    if not has_manifest:
        return Verdict.NONE, codes
    return (Verdict.TRUSTED if trusted and not codes else Verdict.VALID), codes


def _what_went_wrong(problems: list[tuple[Ingredient, str | None]]) -> str:
    unchecked = [n for n, _ in problems if n.verdict is Verdict.UNVERIFIED]
    if not unchecked:
        return "did not pass verification"
    return "could not be checked" if len(unchecked) == len(problems) else "failed verification or could not be checked"


def ingredient_summary(nodes: list[Ingredient]) -> str | None:
    """The summary's sentence about source files whose credentials failed or could not be checked."""
    problems = problem_sources(nodes)
    if not problems:
        return None
    names = ", ".join(f"“{n.title or '(untitled)'}”" for n, _ in problems[:3])
    files = "a file" if len(problems) == 1 else "files"
    return f"It was made from {files} whose Content Credentials {_what_went_wrong(problems)} ({names})."


def ingredient_problem_sentence(nodes: list[Ingredient]) -> str | None:
    """Names each failing source file and why, for the `ingredients` check and the summary."""
    problems = problem_sources(nodes)
    if not problems:
        return None
    parts = []
    for node, parent in problems[:3]:
        where = f" (a source of \u201c{parent}\u201d)" if parent else ""
        code = next((c for c in node.failure_codes if not tolerated(c)), None)
        why = explain_code(code).rstrip(".") if code else "it could not be checked"
        if node.verdict is Verdict.UNVERIFIED:
            why = "its Content Credentials are stored elsewhere and were not checked"
        parts.append(f"\u201c{node.title or '(untitled)'}\u201d{where}: {why[:1].lower() + why[1:]}")
    more = f"; and {len(problems) - 3:,} more" if len(problems) > 3 else ""
    return "; ".join(parts) + more + "."


# -- the six checks -----------------------------------------------------------------------------

def _first(codes: list[ValidationCode], *prefixes: str, exclude: tuple[str, ...] = ()) -> ValidationCode | None:
    return next((c for c in codes if c.code.startswith(prefixes) and c.code not in exclude), None)


_TIME_OK = ("timeStamp.validated", "timeStamp.trusted", "timeStamp.untrusted")
# What a missing timestamp means (C2PA 2.2 §14.6: without one the certificate is judged at validation time).
# Worded as what is missing: only a trusted timestamp may back "signed while valid" (docs/verdicts.md).
NO_TIMESTAMP_DETAIL = ("No timestamp: the signing time, if any, is the signer's own claim, so nothing proves when the "
                       "file was signed. Once the signer's certificate expires these Content Credentials will be "
                       "judged invalid (certificate expired).")
NO_TIMESTAMP_EXPIRED_DETAIL = ("No timestamp: the signing time, if any, is the signer's own claim, so nothing proves "
                               "when the file was signed. The signer's certificate is judged as it is today, and it "
                               "has expired.")


def checks(verdict: Verdict, v: Validation, ingredient_nodes: list[Ingredient], *, trust_source: str | None,
           trust_lists: list[str], signed_time: str | None, stopped: str | None = None) -> list[Check]:
    """The six checks of the report, from the codes (all three lists) and the ingredient tree.

    `stopped`: why the validator stopped before checking everything (a manifest it could not load):
    then a check without a code is "unknown", never "pass".
    """
    fail, ok, info = v.failure, v.success, v.warning
    everything = fail + info + ok
    evidence = Evidence.from_codes(c.code for c in everything)
    failing: dict[str, ValidationCode] = {}
    for c in fail:
        for check_id in checks_of_failure(c.code):
            failing.setdefault(check_id, c)
    not_checked = f"Not checked: {stopped}" if stopped else None
    out: list[Check] = []

    if failing.get("integrity"):
        out.append(Check("integrity", CheckStatus.FAIL, _integrity_detail(fail)))
    elif _first(ok, *_HASH_MATCH):
        out.append(Check("integrity", CheckStatus.PASS, "The media is exactly what was signed."))
    else:
        out.append(Check("integrity", CheckStatus.UNKNOWN,
                         not_checked or "The validator did not confirm the media's hash."))

    if bad := failing.get("signature"):
        out.append(Check("signature", CheckStatus.FAIL, bad.explanation))
    elif _first(ok, "claimSignature.validated"):
        out.append(Check("signature", CheckStatus.PASS, "The signature is correct."))
    else:
        out.append(Check("signature", CheckStatus.UNKNOWN, not_checked or "The signature was not confirmed."))

    if verdict is Verdict.TRUSTED:
        vouched = ("; a trusted timestamp shows its certificate was valid when the file was signed"
                   if evidence.timestamp == TRUSTED_TIME else "")
        out.append(Check("signer_trust", CheckStatus.PASS,
                         f"The signer is trusted via {trust_source or 'a trust list'}{vouched}."))
    elif bad := failing.get("signer_trust"):
        out.append(Check("signer_trust", CheckStatus.FAIL, bad.explanation))
    elif _first(ok, "signingCredential.trusted"):  # trusted signer, but the manifest failed elsewhere
        out.append(Check("signer_trust", CheckStatus.PASS,
                         "The signer's certificate chains to a trust list you use "
                         "(the manifest failed another check)."))
    elif _first(fail, UNTRUSTED):
        lists = ", ".join(trust_lists) if trust_lists else "none are loaded"
        out.append(Check("signer_trust", CheckStatus.WARN,
                         f"The signer is not on any trust list you use (loaded: {lists})."))
    else:
        out.append(Check("signer_trust", CheckStatus.UNKNOWN, not_checked or "Trust in the signer was not evaluated."))

    # Every timeStamp code counts, whichever list c2pa-rs put it in (it logs a mismatch as informational).
    # One it only logged did not count against a manifest it still holds valid (it then judges the
    # certificate at today's date): that timestamp is not relied on, a warning, not a failed check.
    only_logged = "timestamp" not in failing and verdict in (Verdict.TRUSTED, Verdict.VALID)
    stamp = _first(ok + info, "timeStamp.validated")
    authority = (stamp.detail.split(":", 1)[-1].strip() if stamp and ":" in stamp.detail else "a timestamp authority")
    when = f" {signed_time}" if signed_time else ""
    if bad := failing.get("timestamp") or _first(everything, "timeStamp.", exclude=_TIME_OK):
        out.append(Check("timestamp", CheckStatus.WARN if only_logged else CheckStatus.FAIL, bad.explanation))
    elif evidence.timestamp == TRUSTED_TIME:
        valid = (", while the signer's certificate was valid" if _first(ok, "claimSignature.insideValidity")
                 and not evidence.expired else "")
        out.append(Check("timestamp", CheckStatus.PASS, f"Signed{when}{valid}, as {authority} vouches."))
    elif evidence.timestamp == UNTRUSTED_TIME or _first(everything, "timeStamp.untrusted"):
        out.append(Check("timestamp", CheckStatus.WARN,
                         f"A timestamp from {authority} gives the signing time{when}, but that authority is not on a "
                         "trust list you use, so the time is not relied on."))
    else:
        out.append(Check("timestamp", CheckStatus.UNKNOWN if stopped else CheckStatus.NOT_APPLICABLE,
                         not_checked or (NO_TIMESTAMP_EXPIRED_DETAIL if evidence.expired else NO_TIMESTAMP_DETAIL)))

    out.append(_ingredients_check(ingredient_nodes, failing.get("ingredients"), not_checked))

    if bad := failing.get("revocation"):
        out.append(Check("revocation", CheckStatus.FAIL, bad.explanation))
    elif _first(ok, "signingCredential.ocsp.notRevoked"):
        out.append(Check("revocation", CheckStatus.PASS, "The certificate issuer confirmed it is not revoked."))
    else:
        out.append(Check("revocation", CheckStatus.UNKNOWN, "Revocation was not checked (online checks are off)."))
    return out


def _integrity_detail(fail: list[ValidationCode]) -> str:
    """What failed, in the words of the first failure about the media's bytes and of the first about a signed
    statement (domain.checks.is_media_code), so the check's title and its sentence name the same thing."""
    codes = [c for c in fail if "integrity" in checks_of_failure(c.code)]
    media = next((c for c in codes if is_media_code(c.code)), None)
    statement = next((c for c in codes if not is_media_code(c.code)), None)
    return " ".join(c.explanation for c in (media, statement) if c is not None)


def _ingredients_check(nodes: list[Ingredient], failed: ValidationCode | None, not_checked: str | None) -> Check:
    total = count_sources(nodes)
    broken = count_sources(nodes, bad_only=True)
    if broken:
        who = "Its source file" if total == 1 else f"{broken:,} of its {plural(total, 'source file')}"
        what = _what_went_wrong(problem_sources(nodes))
        return Check("ingredients", CheckStatus.WARN, f"{who} {what} — {ingredient_problem_sentence(nodes)}")
    if failed:
        return Check("ingredients", CheckStatus.WARN, failed.explanation)
    if total == 0:
        return Check("ingredients", CheckStatus.UNKNOWN if not_checked else CheckStatus.NOT_APPLICABLE,
                     not_checked or "Made from no other recorded files.")
    bare = sum(1 for n in walk(nodes) if n.verdict is Verdict.NONE)
    if bare == total:
        return Check("ingredients", CheckStatus.UNKNOWN,
                     "Its source file carries no Content Credentials of its own, so its history is unknown."
                     if total == 1 else f"None of its {plural(total, 'source file')} carries Content Credentials "
                     "of its own, so their history is unknown.")
    if bare == 0:
        which = "its source file" if total == 1 else f"all {plural(total, 'source file')}"
        return Check("ingredients", CheckStatus.PASS, f"The Content Credentials of {which} are intact.")
    rest = "1 other carries none of its own" if bare == 1 else f"{bare:,} others carry none of their own"
    return Check("ingredients", CheckStatus.PASS,
                 f"The Content Credentials of {plural(total - bare, 'source file')} are intact; {rest}.")


def empty_checks(reason: str) -> list[Check]:
    return [Check(i, CheckStatus.NOT_APPLICABLE, reason) for i in CHECK_IDS]
