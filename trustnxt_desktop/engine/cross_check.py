"""The second, independent validator: encypher-c2pa (its own Rust core, no code shared with c2pa-rs),
run on the same bytes the main validator just read, with the same trust material.

Runs inside the isolated parser worker of the inspection (engine.untrusted), after the main validator,
so it shares the worker's memory and time limits. While it runs, a marker file named by the caller
exists: when the worker dies (crash, stall, memory) the caller finds the marker, knows the second
validator was running, and has the main validator inspect the file again alone, so a failure of the
second validator costs only the cross-check. Offline and quiet by construction:
- online checks off on every call (`"online": false`) and ENCYPHER_C2PA_ONLINE=off in the worker: it never
  fetches a remote manifest, an OCSP response or a DID document (encypher-c2pa 1.7.1 README, "Online checks");
- telemetry off on every call (`"telemetry": {"enabled": false}`), ENCYPHER_C2PA_TELEMETRY=off, and its
  saved preference set to off (`set_telemetry_preference(False)`) once per worker in a folder of ours
  (ENCYPHER_C2PA_CONFIG_DIR), so the app never changes the preference a person chose for Encypher's own
  tools in ~/.config/encypher. The options go to the library's `verify_bytes` as its own `verify()` sends
  them; `verify(telemetry=False)` would also save the preference again on every call (a file write per
  inspected file, 0.4–2.8 ms each on the corpus);
- `no_default_trust=True` and the main validator's anchors, allowed certificates and time-stamp
  authorities (engine.trust): its bundled lists stay out, so both answer "is the signer trusted" against
  the same lists. (The interim list's accepted EKUs, `trust_config`, have no encypher-c2pa option.)

The library is imported on first use inside the worker, never at start-up of the app or the CLI.
"""

from __future__ import annotations

import importlib.metadata
import json
import os
import re
import time
import uuid
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from cryptography import x509

from ..domain.checks import tolerated
from ..domain.cross_check import compare, consensus, findings, primary_findings, rule_sentence, tampering, words_of
from ..domain.explain import explain_code, summarise
from ..domain.report import CheckStatus, CrossCheck, InspectionReport, SignerInfo, Verdict
from ..domain.validator_codes import PRIMARY, SECOND
from . import cert_chains, interpret
from .trust import TrustConfig

ENGINE = SECOND  # "encypher-c2pa"
# Its path API refuses bigger files (encypher-c2pa 1.7.1 README, "Path-based APIs ... up to 128 MiB");
# a file the main validator did not hold in memory is handed over by path.
PATH_LIMIT = 128 * 1024 ** 2
_INGREDIENT_LABELS = ("c2pa.ingredient", "c2pa.ingredient.v2", "c2pa.ingredient.v3")
_MANIFEST_URL = re.compile(r"/c2pa/([^/]+)$")
_ISSUER_ORG = "issuer_organisation"  # where reader_store keeps encypher-c2pa's `issuer`
_PEM_BLOCK = re.compile(r"-----BEGIN CERTIFICATE-----\s.*?-----END CERTIFICATE-----", re.DOTALL)
_IDENTITY_LABEL = b"cawg.identity"


@dataclass(frozen=True)
class SecondValidator:
    """What the worker needs to run the cross-check (sent with each call as a dict of text)."""

    config_dir: str  # encypher-c2pa keeps its (telemetry: off) preference here
    marker: str | None = None  # exists while the second validator runs on this call (see the module docstring)
    # Tests only: "abort" | "hang" makes the worker crash or stall where the second validator would run.
    test_fault: str | None = None

    def for_call(self) -> SecondValidator:
        """These settings with a marker of its own for one call."""
        folder = Path(self.config_dir) / "running"
        return SecondValidator(self.config_dir, str(folder / uuid.uuid4().hex), self.test_fault)

    def was_running(self) -> bool:
        """After a worker died: whether it died inside the second validator (its marker is there). Removes it."""
        if not self.marker:
            return False
        try:
            os.unlink(self.marker)
        except FileNotFoundError:
            return False
        except OSError:
            return True
        return True


@lru_cache(maxsize=1)
def version() -> str:
    try:
        return importlib.metadata.version(ENGINE)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


_prepared: set[str] = set()


def _library(options: SecondValidator) -> Any:
    """encypher_c2pa, imported here (not at start-up) with telemetry and online checks off."""
    os.environ["ENCYPHER_C2PA_TELEMETRY"] = "off"
    os.environ["ENCYPHER_C2PA_ONLINE"] = "off"
    os.environ["ENCYPHER_C2PA_CONFIG_DIR"] = options.config_dir
    import encypher_c2pa

    if options.config_dir not in _prepared:
        os.makedirs(options.config_dir, mode=0o700, exist_ok=True)
        encypher_c2pa.configure_telemetry(False)
        _prepared.add(options.config_dir)
    return encypher_c2pa


@lru_cache(maxsize=8)
def trust_options(trust: TrustConfig) -> dict[str, Any]:
    """encypher-c2pa's trust keywords for the main validator's sources: its bundled snapshot left out."""
    signers = trust.signer_sources()
    anchors = "".join(s.anchors_pem for s in signers)
    allowed = "".join(s.allowed_pem for s in signers)
    tsa = "".join(s.anchors_pem for s in trust.sources if not s.trusts_signers)
    return {"no_default_trust": True, "trust_pem": anchors or None, "allowed_list_pem": allowed or None,
            "tsa_trust_pem": tsa or None}


def options_json(trust_kw: dict[str, Any]) -> str:
    """The options encypher-c2pa 1.7.1's verify() builds (bindings/python __init__.py), with online checks
    and telemetry off for this call."""
    options: dict[str, Any] = {
        "trust_pem": None, "tsa_trust_pem": None, "allowed_list_pem": None, "cawg_trust_pem": None,
        "cawg_allowed_certs_pem": None, "cawg_trust_configurations": None, "trust_anchor_not_before": None,
        "trust_anchor_not_after": None, "no_default_trust": True, "cawg_did_documents": None,
        "cawg_ica_trusted_issuers": None, "cawg_ica_trust_anchors": None, "cawg_ica_status_lists": None,
        "expected_seek_positions": [], "cawg_strict_encoding": False, "strict_conformance": False,
        "validation_time": None, "online": False, "online_allow_private_networks": False,
        "telemetry": {"enabled": False, "endpoint": None, "sdk_name": "python"},
    }
    options.update(trust_kw)
    return json.dumps(options)


_NO_TRUST = options_json({})


def _verify(lib: Any, data: bytes, media_type: str, trust: TrustConfig, embedded: bool | None = None) -> dict[str, Any]:
    identity = _IDENTITY_LABEL in data  # a CAWG identity assertion may be there: have its certificate judged too

    def run(options: str) -> dict[str, Any]:
        result = json.loads(lib.verify_bytes(data, media_type, _with_identity_trust(options, trust)
                                             if identity else options))
        if not isinstance(result, dict):
            raise ValueError("encypher-c2pa answered with something that is not a report")
        return result

    # Parsing a few hundred kilobytes of trust lists costs more than most files. For bytes that hold no
    # embedded manifest store, ask first without trust material whether there is anything to judge. The
    # hint only orders the calls: a file in which the library finds anything is judged with the trust
    # material.
    if not (_may_embed(data) if embedded is None else embedded):
        first = run(_NO_TRUST)
        if not first.get("present") and not _codes(first, "failure"):
            return first
    # Parsing the trust lists is most of the library's time on a small signed file, and it happens on every
    # call (no handle to keep them parsed). Only anchors that could end a path from a certificate the file
    # carries are handed over (engine.cert_chains); the answer stands only when it judged no certificate the
    # search did not see, otherwise the file is judged again with every anchor.
    chains = cert_chains.find(data)
    narrowed = _narrowed_options(trust, chains)
    result = run(narrowed or _trusted_options(trust, ""))
    if narrowed is not None and not chains.covers((int(s) for s in _serials(result)), _time_stamped(result)):
        result = run(_trusted_options(trust, ""))
    # The allowed list (the interim list's is some 180 KB of end-entity certificates) is handed over only
    # when one of its certificates is one of this file's signing certificates: no other can match.
    allowed = _allowed_for(trust, _serials(result))
    return run(_trusted_options(trust, allowed)) if allowed else result


def _with_identity_trust(options: str, trust: TrustConfig) -> str:
    """`options` with every signer anchor and allowed certificate also given as CAWG identity trust material
    (`cawg_trust_pem`, `cawg_allowed_certs_pem`): the lists you trust for signers are the ones identities are
    judged against (engine.cawg_trust). All of them, not the narrowed few: the identity's chain is not among the
    claim signatures' certificates that narrowing looks at."""
    given = json.loads(options)
    full = trust_options(trust)
    given["cawg_trust_pem"], given["cawg_allowed_certs_pem"] = full["trust_pem"], full["allowed_list_pem"]
    return json.dumps(given)


def identity_codes(result: dict[str, Any]) -> dict[str, dict[str, list[str]]]:
    """label -> {kind: codes} of what encypher-c2pa said about each CAWG identity assertion of the active
    manifest (it names the assertion by its label alone in `url`)."""
    found: dict[str, dict[str, list[str]]] = {}
    for kind in ("failure", "informational", "success"):
        for e in (result.get("validation_results") or {}).get(kind) or []:
            url = str(e.get("url") or "") if isinstance(e, dict) else ""
            label = url.rsplit("/", 1)[-1]
            if label.split("__", 1)[0] == _IDENTITY_LABEL.decode() and e.get("code"):
                found.setdefault(label, {}).setdefault(kind, []).append(str(e["code"]))
    return found


_Anchors = tuple[tuple[cert_chains.Described, str, str], ...]  # (described, name_key of its subject, PEM)


@lru_cache(maxsize=8)
def _anchor_index(trust: TrustConfig) -> tuple[_Anchors, _Anchors] | None:
    """The signer anchors and the time-stamp authority anchors of trust_options(), described for matching;
    None when one does not parse (the library may read it differently: nothing is narrowed then)."""
    def parsed(pem: str) -> _Anchors:
        found = []
        for block in _PEM_BLOCK.findall(pem):
            cert = x509.load_pem_x509_certificate(block.encode("ascii"))
            found.append((cert_chains.describe(cert), cert_chains.name_key(cert.subject), block + "\n"))
        return tuple(found)

    options = trust_options(trust)
    try:
        return parsed(options["trust_pem"] or ""), parsed(options["tsa_trust_pem"] or "")
    except ValueError:
        return None


def _narrowed(anchors: _Anchors, chains: cert_chains.Chains) -> str | None:
    """The anchors that could validate one of the certificates found; never none at all, so the library
    still judges trust against supplied material (the first anchor stands in: it cannot match)."""
    if not anchors:
        return None
    kept = [pem for described, subject, pem in anchors if cert_chains.may_validate(described, subject, chains)]
    return "".join(kept or [anchors[0][2]])


def _narrowed_options(trust: TrustConfig, chains: cert_chains.Chains) -> str | None:
    """Options with only the anchors that may matter to this file; None when that saves nothing."""
    index = _anchor_index(trust)
    if index is None or not chains.leaves:
        return None  # no whole chain seen: the answer could not be vouched for
    return options_json({**trust_options(trust), "trust_pem": _narrowed(index[0], chains),
                         "tsa_trust_pem": _narrowed(index[1], chains), "allowed_list_pem": None})


def _time_stamped(result: dict[str, Any]) -> int:
    """How many manifests have a time-stamp result (any timeStamp.* code) in the library's answer."""
    report = result.get("manifest_report") or {}
    return len(cert_chains.time_stamped_labels(result.get("validation_results"), report.get("validation_results")))


def _may_embed(data: bytes) -> bool:
    """Whether the bytes may hold an embedded manifest store: JUMBF description boxes (type `jumd`, ISO/IEC
    19566-5) and the store's label "c2pa" both occur. A hint only, never an answer: an XMP reference
    to a store ("self#jumbf=/c2pa/…") alone does not count."""
    return b"jumd" in data and b"c2pa" in data


def _serials(result: dict[str, Any]) -> frozenset[str]:
    """Serial numbers of the signing certificates of every manifest the report holds (the active one and
    those of its ingredients), as encypher-c2pa reads them (decimal)."""
    manifests = (result.get("manifest_report") or {}).get("manifests") or {}
    found = set()
    for m in manifests.values() if isinstance(manifests, dict) else []:
        serial = ((m.get("signature_info") or {}) if isinstance(m, dict) else {}).get("cert_serial_number")
        if isinstance(serial, str) and serial.isdigit():
            found.add(serial)
    return frozenset(found)


@lru_cache(maxsize=8)
def _allowed_index(trust: TrustConfig) -> dict[str, str]:
    """The allowed end-entity certificates (engine.trust allowed_pem) by serial number (decimal)."""
    index: dict[str, str] = {}
    for source in trust.signer_sources():
        for block in _PEM_BLOCK.findall(source.allowed_pem):
            try:
                serial = str(x509.load_pem_x509_certificate(block.encode("ascii")).serial_number)
            except ValueError:
                continue  # not one the library could use either
            index[serial] = index.get(serial, "") + block + "\n"
    return index


def _allowed_for(trust: TrustConfig, serials: frozenset[str]) -> str:
    """The allowed certificates a signer of this file could be: an allowed certificate accepts a signer only
    when it is that very certificate, so one with another serial number can never match. Handing over only
    these gives the same answer as the whole list in less time."""
    index = _allowed_index(trust)
    return "".join(index.get(s, "") for s in sorted(serials))


@lru_cache(maxsize=16)
def _trusted_options(trust: TrustConfig, allowed: str) -> str:
    return options_json({**trust_options(trust), "allowed_list_pem": allowed or None})


def _codes(result: dict[str, Any], kind: str) -> list[str]:
    entries = (result.get("validation_results") or {}).get(kind) or []
    return [str(e.get("code")) for e in entries if isinstance(e, dict) and e.get("code")]


def _read(path: Path) -> bytes:
    with open(path, "rb") as f:
        data = f.read(PATH_LIMIT + 1)
    if len(data) > PATH_LIMIT:
        raise OSError(f"it grew past the {PATH_LIMIT // 1024 ** 2} MiB the second validator reads")
    return data


class _running:
    """The call's marker exists while the second validator runs (SecondValidator.was_running)."""

    def __init__(self, options: SecondValidator) -> None:
        self.marker = options.marker
        self.fault = options.test_fault

    def __enter__(self) -> None:
        if self.marker:
            os.makedirs(os.path.dirname(self.marker), mode=0o700, exist_ok=True)
            with open(self.marker, "x"):
                pass
        if self.fault == "abort":
            os.abort()
        while self.fault == "hang":
            time.sleep(3600)

    def __exit__(self, *_: object) -> None:
        if self.marker:
            try:
                os.unlink(self.marker)
            except OSError:
                pass


def verdict_of(result: dict[str, Any]) -> Verdict:
    """encypher-c2pa's report in this app's verdict vocabulary (its REPORT_SCHEMA.md: `present`,
    `validation_state`, `trust.status`; a manifest it was told about but did not fetch is
    manifest.inaccessible)."""
    failures = [c for c in _codes(result, "failure") if not tolerated(c)]
    if not result.get("present") and not failures:
        return Verdict.NONE
    if failures and all(c == "manifest.inaccessible" for c in failures):
        return Verdict.UNVERIFIED
    state = result.get("validation_state")
    trusted = (result.get("trust") or {}).get("status") == "valid_for_supplied_material"
    if state == "Trusted" or (state == "Valid" and trusted):
        return Verdict.TRUSTED
    return Verdict.VALID if state == "Valid" else Verdict.INVALID


def reader_store(result: dict[str, Any]) -> dict[str, Any]:
    """encypher-c2pa's manifest_report in the shape of c2pa-rs's manifest store JSON, so the same
    interpretation (engine.interpret) reads both: claim_generator_info as a list, and each manifest's
    ingredients listed from its ingredient assertions (C2PA 2.x ingredient assertion: dc:title,
    relationship, activeManifest / c2pa_manifest hashed URI, validationResults or validationStatus)."""
    report = result.get("manifest_report") or {}
    given = raw if isinstance(raw := report.get("manifests"), dict) else {}
    manifests: dict[str, Any] = {}
    for label, manifest in given.items():
        if not isinstance(manifest, dict):
            continue
        m = dict(manifest)
        if isinstance(m.get("signature_info"), dict):
            # encypher-c2pa's `issuer` is the organisation of the certificate's issuer (c2pa-validate/cert.rs);
            # c2pa-rs puts the subject's organisation under that name, which engine.interpret reads as such.
            info = dict(m["signature_info"])
            info[_ISSUER_ORG] = info.pop("issuer", None)
            m["signature_info"] = info
        if isinstance(m.get("claim_generator_info"), dict):
            m["claim_generator_info"] = [m["claim_generator_info"]]
        m["ingredients"] = [_ingredient(a, given) for a in m.get("assertions") or []
                            if isinstance(a, dict) and str(a.get("label", "")).split("__")[0] in _INGREDIENT_LABELS]
        manifests[label] = m
    results = report.get("validation_results")
    if not isinstance(results, dict) or not results.get("activeManifest"):
        results = {"activeManifest": result.get("validation_results") or {}}
    return {"active_manifest": report.get("active_manifest"), "manifests": manifests, "validation_results": results,
            "validation_state": report.get("validation_state")}


def _ingredient(assertion: dict[str, Any], manifests: dict[str, Any]) -> dict[str, Any]:
    data = raw if isinstance(raw := assertion.get("data"), dict) else {}
    ref = data.get("activeManifest") or data.get("c2pa_manifest") or {}
    found = _MANIFEST_URL.search(str(ref.get("url", "")) if isinstance(ref, dict) else "")
    results = data.get("validationResults")
    status = data.get("validationStatus")
    return {"title": data.get("dc:title") or data.get("title"), "format": data.get("dc:format"),
            "relationship": data.get("relationship"), "label": assertion.get("label"),
            "active_manifest": found.group(1) if found and found.group(1) in manifests else None,
            "validation_results": results if isinstance(results, dict) else None,
            "validation_status": status if isinstance(status, list) else None}


@dataclass
class SecondOpinion:
    """What the second validator said: its cross-check (not yet compared), the manifest store it read in
    reader shape (None when none) and its own words for each failing aspect."""

    check: CrossCheck
    store: dict[str, Any] | None = None
    words: dict[str, str] | None = None
    identity: dict[str, dict[str, list[str]]] | None = None  # identity_codes() of its answer; None: not asked


def _signer(manifest: dict[str, Any]) -> SignerInfo | None:
    found = interpret.signer(manifest)
    if found is not None:
        found.issuer = (manifest.get("signature_info") or {}).get(_ISSUER_ORG)
    return found


def second_opinion(asset: bytes | Path | None, size: int, media_type: str | None, trust: TrustConfig,
                   options: SecondValidator, embedded: bool | None = None) -> SecondOpinion:
    """encypher-c2pa's result on `asset` (the bytes the main validator read, or the file's path when they
    were not held in memory).

    Never raises for the file: what the library refuses becomes its verdict (`unsupported`, `error`);
    when it could not be asked at all, `ran` is False and `problem` says why.
    """
    check = CrossCheck(engine=ENGINE, version=version(), ran=False)
    if asset is None or (isinstance(asset, Path) and size > PATH_LIMIT):
        check.problem = f"the file is larger than the {PATH_LIMIT // 1024 ** 2} MiB it reads"
        return SecondOpinion(check)
    try:
        lib = _library(options)
        # A file the main validator streamed (over 64 MiB) is read here: the library works on bytes.
        data = asset if isinstance(asset, bytes) else _read(asset)
    except (ImportError, OSError) as e:
        check.problem = f"it is not available ({e})" if isinstance(e, ImportError) else f"could not read the file ({e})"
        return SecondOpinion(check)
    check.ran = True
    if not data:  # nothing for either validator to read: the same `error`, not a disagreement
        check.verdict, check.problem, check.findings = Verdict.ERROR, "the file is empty", {"verdict": "error"}
        return SecondOpinion(check)
    try:
        with _running(options):
            result = _verify(lib, data, media_type or "application/octet-stream", trust, embedded)
    except (KeyboardInterrupt, SystemExit, MemoryError):
        raise
    except BaseException as e:  # noqa: BLE001 - a Rust panic arrives as pyo3's PanicException (a BaseException)
        text = str(e).strip() or type(e).__name__
        check.verdict = Verdict.UNSUPPORTED if text.startswith("unsupported_mime") else Verdict.ERROR
        check.problem = None if check.verdict is Verdict.UNSUPPORTED else text[:300]
        check.findings = {"verdict": check.verdict.value}
        return SecondOpinion(check)
    store = reader_store(result)
    manifest = interpret.active_manifest(store) or {}
    nodes = interpret.ingredients(store, store["validation_results"])
    ai = interpret.file_ai_kind(manifest, nodes).value if manifest else None
    check.verdict = verdict_of(result)
    check.state = result.get("validation_state")
    check.failure_codes = list(dict.fromkeys(_codes(result, "failure")))
    check.signer = _signer(manifest)
    check.trust = (result.get("trust") or {}).get("status")
    codes = _codes(result, "failure") + _codes(result, "informational") + _codes(result, "success")
    identity = identity_codes(result)
    check.findings = findings(check.verdict, ENGINE, codes, signer=check.signer, signed_at=None,
                              reports_signed_at=False, ai=ai, ingredients=nodes,
                              identities={label: [c for kind in by_kind.values() for c in kind]
                                          for label, by_kind in identity.items()})
    failures = [(str(e.get("code")), str(e.get("explanation") or "")) for e in
                (result.get("validation_results") or {}).get("failure") or [] if isinstance(e, dict)]
    return SecondOpinion(check, store if manifest else None, words_of(ENGINE, failures), identity)


# One thread per worker process: the library releases the GIL while it verifies (pyo3 `detach`), and so do
# c2pa-python's calls into c2pa-rs, so the second validator runs while the main one does.
_THREAD = ThreadPoolExecutor(max_workers=1, thread_name_prefix="trustnxt-second-validator")


def start(asset: bytes | Path | None, size: int, media_type: str | None, trust: TrustConfig,
          options: SecondValidator) -> Future[SecondOpinion]:
    """second_opinion() on its own thread; its result is awaited once the main validator is done. Bytes
    without an embedded manifest store (no JUMBF label "c2pa") take the library a few microseconds: they are
    checked right here, which costs less than handing them to the thread."""
    if isinstance(asset, bytes) and not _may_embed(asset):
        done: Future[SecondOpinion] = Future()
        try:
            done.set_result(second_opinion(asset, size, media_type, trust, options, embedded=False))
        except Exception as e:  # noqa: BLE001 - raised where the thread's would be: at result()
            done.set_exception(e)
        return done
    return _THREAD.submit(second_opinion, asset, size, media_type, trust, options,
                          True if isinstance(asset, bytes) else None)


def apply(report: InspectionReport, opinion: SecondOpinion) -> InspectionReport:
    """Compare, choose the headline verdict (domain.cross_check.consensus) and attach the cross-check.
    Returns the report to deliver: `report` itself, or for the "readable" rule one built from the second
    validator's manifest store (the main validator could not read the credentials)."""
    check, store = opinion.check, opinion.store
    report.cross_check = check
    check.primary_verdict = report.verdict
    if not check.ran or check.verdict is None:
        check.rule = "single"
        return report
    v = report.validation
    mine = words_of(PRIMARY, [(c.code, c.detail) for c in v.failure + v.warning])
    check.differences = compare(primary_findings(report), check.findings, check.engine, primary_words=mine,
                                second_words=opinion.words)
    check.agrees = not check.differences
    verdict, check.rule = consensus(report.verdict, check.verdict, check.findings)
    if verdict is not report.verdict or any(d.field == "verdict" for d in check.differences):
        check.rule_detail = rule_sentence(check.rule, check)
    if check.rule == "readable" and store is not None:
        return _from_second(report, check, store)
    if check.rule == "tamper":
        _tampered(report, check)
    return report


def _from_second(report: InspectionReport, check: CrossCheck, store: dict[str, Any]) -> InspectionReport:
    """The report of a file only the second validator could read: its verdict, checks, codes and what it
    read of the manifest, with the main validator's own reading (picture, unsigned EXIF, its error) kept."""
    from .inspect import report_from_store  # inspect imports this module

    state = {Verdict.TRUSTED: "Trusted", Verdict.VALID: "Valid"}.get(check.verdict or Verdict.INVALID, "Invalid")
    try:
        built = report_from_store(report.file, report.engine, store, store["validation_results"], state)
    except (KeyError, TypeError, ValueError, AttributeError):  # a store shape we did not foresee: keep ours
        report.verdict = check.verdict or report.verdict
        return report
    for name in ("capture_unsigned", "picture", "error", "manifest_stores", "cross_check"):
        setattr(built, name, getattr(report, name))
    built.thumbnail = None  # its resources are not in a form the main validator can extract
    built.signer = _signer(interpret.active_manifest(store) or {})
    if check.verdict is Verdict.UNVERIFIED:
        built.verdict = Verdict.UNVERIFIED
    main = ("found no Content Credentials in the file" if report.verdict is Verdict.NONE else
            f"could not read them ({report.error})" if report.error else "could not read them")
    built.summary = (f"{built.summary} Only the second validator ({check.engine} {check.version}) could read these "
                     f"Content Credentials; the main validator (c2pa-rs) {main}.")
    return built


def not_run(report: InspectionReport, problem: str) -> InspectionReport:
    """The report of the main validator alone, saying why the second validator's result is missing."""
    report.cross_check = CrossCheck(engine=ENGINE, version=version(), ran=False, problem=problem,
                                    primary_verdict=report.verdict)
    return report


_CHECK_OF = {"hard_binding": "integrity", "assertions": "integrity", "signature": "signature"}


def _tampered(report: InspectionReport, check: CrossCheck) -> None:
    """The second validator measured a change the main one did not: `invalid`, and the check it concerns
    says who found what."""
    field = tampering(check.findings) or "hard_binding"
    code = next((c for c in check.failure_codes if c.endswith((".mismatch", ".missing"))), None)
    reason = explain_code(code) if code else None
    report.verdict = Verdict.INVALID
    report.summary = summarise(Verdict.INVALID, signer=report.signer.common_name if report.signer else None,
                               reason=f"{reason} (found by the second validator, {check.engine})" if reason else None)
    for c in report.checks:
        if c.id == _CHECK_OF[field]:
            c.status = CheckStatus.FAIL
            c.detail = (f"The second validator ({check.engine}) found: {reason or 'a change after signing'} "
                        "The main validator (c2pa-rs) found this intact.")


__all__ = ["ENGINE", "PATH_LIMIT", "SecondOpinion", "SecondValidator", "apply", "not_run", "start", "reader_store",
           "second_opinion",
           "trust_options", "verdict_of", "version"]
