"""Inspect one file with the local validator (c2pa-rs through c2pa-python) into an InspectionReport."""

from __future__ import annotations

import hashlib
import io
import json
import re
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from functools import lru_cache
from pathlib import Path
from typing import Any, BinaryIO

from ..domain.ai import is_generative
from ..domain.checks import UNTRUSTED, tolerated
from ..domain.explain import summarise
from ..domain.regular_files import NotRegularFile, open_regular, regular_stat
from ..domain.report import CheckStatus, EngineInfo, FileInfo, InspectionReport, Validation, ValidationCode, Verdict
from . import attribution, cawg_trust, cert_chains, chain_trust, interpret, locate, narrowed_trust
from .c2pa_loader import c2pa
from .cross_check import SecondValidator
from .cross_check import apply as apply_cross_check
from .cross_check import start as start_cross_check
from .exif import read_capture
from .formats import c2pa_name, can_inspect
from .media import sha256_file, sniff
from .pictures import picture_shape
from .revocation import pending as pending_revocation
from .trust import TrustConfig, offline_core

_HASHER = ThreadPoolExecutor(max_workers=2, thread_name_prefix="trustnxt-sha256")
# Files up to this size are read into memory once (the worker's memory cap is far above it).
IN_MEMORY_BYTES = 64 * 1024 ** 2


@lru_cache(maxsize=1)
def engine_version() -> str:
    return f"c2pa-python {c2pa.__version__} (c2pa-rs {c2pa.sdk_version()})"


def engine_info(trust: TrustConfig) -> EngineInfo:
    return EngineInfo(name="TrustNXT Desktop local validator", version=engine_version(), trust_lists=trust.names(),
                      trust_snapshots=trust.snapshots())


def inspect_file(path: Path, trust: TrustConfig, second: SecondValidator | None = None) -> InspectionReport:
    """Never raises for a problem with the file itself: the report's verdict says what happened.

    A file up to IN_MEMORY_BYTES is read once: its hash, its EXIF and the validator all work on those
    bytes. A bigger one is streamed from disk, hashed on another thread while c2pa validates. A FIFO,
    socket or device (or a link to one) is never opened: its report is an `error`, "not a regular file".
    With `second`, the second validator (engine.cross_check) checks the same bytes and the report
    carries its result (`cross_check`) and the consensus verdict.
    """
    engine = engine_info(trust)
    info = FileInfo(path=str(path), name=path.name, size=0, sha256="", media_type=None)
    digest: Future[str] | None = None  # the hash of a file too big to read whole, under way
    try:
        info.size = regular_stat(path).st_size
        info.media_type = sniff(path)
        data = _read_whole(path, info.size)
        if data is None:
            # hashlib releases the GIL, so the hash of a big file costs almost no extra latency.
            digest = _HASHER.submit(sha256_file, path)
        else:
            info.size = len(data)  # what was hashed and validated, should the file change meanwhile
            info.sha256 = hashlib.sha256(data).hexdigest()
    except NotRegularFile as e:
        return _no_manifest(info, engine, Verdict.ERROR, e.strerror)
    except OSError as e:
        return _no_manifest(info, engine, Verdict.ERROR, f"could not read the file: {e.strerror or e}")
    # The second validator works on the same bytes (or, past IN_MEMORY_BYTES, reads the file itself) while
    # the main one validates.
    second_opinion = (start_cross_check(data if data is not None else path, info.size, info.media_type, trust, second)
                      if second is not None else None)
    report = _inspect(_Source(path, data), info, engine, trust)
    if digest is not None:
        try:
            info.sha256 = digest.result()
        except OSError as e:
            return _no_manifest(info, engine, Verdict.ERROR, f"could not read the file: {e.strerror or e}")
    opinion = second_opinion.result() if second_opinion is not None else None
    if opinion is not None:
        report = apply_cross_check(report, opinion)
    # The trust in an identity's certificate is the second validator's to judge (engine.cawg_trust).
    cawg_trust.decide(report.identity, opinion.identity if opinion is not None and opinion.check.ran else None,
                      f"{opinion.check.engine} {opinion.check.version}" if opinion is not None else None,
                      report.validation)
    return report


def _read_whole(path: Path, size: int) -> bytes | None:
    if size > IN_MEMORY_BYTES:
        return None
    with open_regular(path) as f:
        data = f.read(IN_MEMORY_BYTES + 1)
    return None if len(data) > IN_MEMORY_BYTES else data  # grew since stat(): stream it after all


class _Source:
    """The file being inspected: its bytes when they were read into memory, else its path."""

    def __init__(self, path: Path, data: bytes | None) -> None:
        self.path = path
        self.data = data

    def open(self) -> BinaryIO:
        return io.BytesIO(self.data) if self.data is not None else open_regular(self.path)

    def for_pillow(self) -> Path | io.BytesIO:
        return io.BytesIO(self.data) if self.data is not None else self.path


def failed_report(path: Path, trust: TrustConfig, reason: str, *, identify: bool = True) -> InspectionReport:
    """An `error` report for a file whose parsing failed outside inspect_file (e.g. its worker crashed),
    or that was not given to a parser at all (not a regular file).

    With `identify`, our own code reads the file for its magic bytes and hash, and only a regular file
    (open_regular). Without it the file is not opened at all (only stat'ed for its size): the caller
    does not know that reading it ends (a worker that stalled on it, a FIFO, a device).
    """
    info = FileInfo(path=str(path), name=path.name, size=0, sha256="", media_type=None)
    try:
        info.size = regular_stat(path).st_size if identify else path.stat().st_size
        if identify:
            info.sha256, info.media_type = sha256_file(path), sniff(path)
    except OSError:
        pass
    return _no_manifest(info, engine_info(trust), Verdict.ERROR, reason)


def _inspect(source: _Source, info: FileInfo, engine: EngineInfo, trust: TrustConfig) -> InspectionReport:
    if info.size == 0:
        return _no_manifest(info, engine, Verdict.ERROR, "the file is empty")
    if not can_inspect(info.media_type):
        return _no_manifest(info, engine, Verdict.UNSUPPORTED, None)
    unsigned = read_capture(source.for_pillow(), info.media_type)
    thumbnail = io.BytesIO()
    # Built before reading: a trust configuration c2pa refuses is no fault of this file, and must not
    # send it down the path for manifests that c2pa rejected (_from_error).
    context = trust.context()
    chains = _chains(source)
    try:
        store, remote_url, certs = _read_narrowed(source, info.media_type, trust, context, chains, thumbnail)
        state = interpret.validation_state(store)
        trust_source = None
        if state == "Trusted":
            trust_source = trust.which_source_trusts(lambda ctx: _state(source, info.media_type, ctx),
                                                     _signing_chains(chains, store, certs))
    except c2pa.C2paError as e:
        report = _from_error(info, engine, e, source)
    else:
        report = _from_store(info, engine, store, store.get("validation_results"), state, trust_source,
                             remote_url=remote_url, stores=lambda: locate.count_stores(source.data, source.path),
                             network=trust.remote_manifest_fetch, certs=certs)
        # Whether the signer was revoked is asked in the app's process, never here (engine.revocation).
        signing = _signing_chains(chains, store, certs)
        report.revocation = pending_revocation(
            signing, chains.tokens_of(signing[0][0]) if chains is not None and signing else (),
            [s.anchors_pem for s in trust.sources])
        if cawg_trust.has_x509_identity(report.identity):  # its certificate is not in c2pa's manifest JSON
            cawg_trust.describe(report.identity,
                                cawg_trust.identity_chains(_read_unverified(source, info.media_type)), trust)
    report.capture_unsigned = unsigned
    if info.media_type == "application/c2pa":
        _sidecar_alone(report)
    report.picture = picture_shape(source.for_pillow(), info.media_type)
    if thumbnail.getbuffer().nbytes:
        thumbnail.seek(0)
        report.thumbnail_shape = picture_shape(thumbnail)
    return report


# Hard-binding failures: a manifest store read without its media always has one (C2PA 2.x, 15.12 and 18.7).
_HARD_BINDINGS = {"assertion.dataHash.mismatch", "assertion.boxesHash.mismatch", "assertion.bmffHash.mismatch",
                  "assertion.collectionHash.mismatch"}


def _sidecar_alone(report: InspectionReport) -> None:
    """A .c2pa sidecar inspected by itself: the media its hard binding covers is not there, so a mismatch
    says nothing about any media. When that is the only failure the report is `unverified`, not `invalid`."""
    codes = set(report.validation.failure_codes()) - {UNTRUSTED}
    if not codes or not codes <= _HARD_BINDINGS:
        return
    missing = "The media this manifest store describes is not part of it, so it was not checked."
    for code in report.validation.failure:
        if code.code in _HARD_BINDINGS:
            code.explanation = missing
    for check in report.checks:
        if check.id == "integrity":
            check.status, check.detail = CheckStatus.UNKNOWN, missing
    report.verdict = Verdict.UNVERIFIED
    report.summary = ("This is a C2PA manifest store on its own (a .c2pa sidecar), without the media it describes: "
                      "its signature and signer can be read, but whether that media is intact cannot be checked "
                      "here.")


def _read(f: BinaryIO, media_type: str | None, context: c2pa.Context,
          thumbnail: BinaryIO | None = None) -> tuple[dict[str, Any], str | None, dict[str, dict[str, Any]]]:
    """The manifest store, the address it was fetched from when it is not embedded in the file, and each
    manifest's signing certificate (subject and issuer names, from c2pa's crJSON: its manifest JSON does
    not name the issuer; see interpret.certificates).

    c2pa puts validation_state and validation_results in the store (its own get_validation_state()/
    get_validation_results() parse the same JSON again to get them). The active manifest's thumbnail
    is copied into `thumbnail` when one is given (same parse)."""
    with c2pa.Reader(c2pa_name(media_type) if media_type else media_type, f, context=context) as reader:
        store = json.loads(reader.json())
        remote_url = None if reader.is_embedded() else reader.get_remote_url()
        identifier = ((interpret.active_manifest(store) or {}).get("thumbnail") or {}).get("identifier")
        if thumbnail is not None and identifier:
            try:
                reader.resource_to_stream(identifier, thumbnail)
            except c2pa.C2paError:
                thumbnail.seek(0)
                thumbnail.truncate()  # an unreadable thumbnail: no shape to compare, the report stands
        try:
            certs = interpret.certificates(json.loads(reader.crjson()))
        except (c2pa.C2paError, ValueError):
            certs = {}  # the names are a detail: a store c2pa cannot describe this way still reports
        return store, remote_url, certs


def _chains(source: _Source) -> cert_chains.Chains | None:
    """The certificates of the file's manifest store (engine.cert_chains); a streamed file's store alone is read,
    so its report names the same certificates (revocation, trust source) as if it had been read whole. None
    when it cannot be read: the validator then says why."""
    if source.data is not None:
        return cert_chains.find(source.data)
    try:
        return cert_chains.find_in_file(source.path)
    except OSError:
        return None


def _read_narrowed(source: _Source, media_type: str | None, trust: TrustConfig, context: c2pa.Context,
                   chains: cert_chains.Chains | None, thumbnail: BinaryIO
                   ) -> tuple[dict[str, Any], str | None, dict[str, dict[str, Any]]]:
    """_read with only the trust material the certificates in the file's manifest store could use
    (engine.narrowed_trust) when that answer judged no certificate that was not found; otherwise, and for
    any error, _read with `context` (every anchor), whose answer and errors are the ones reported."""
    narrowed = narrowed_trust.context(trust, chains) if chains is not None else None
    if narrowed is not None and chains is not None:
        try:
            with source.open() as f:
                found = _read(f, media_type, narrowed, thumbnail)
            if narrowed_trust.covers(found[0], chains):
                return found
        except c2pa.C2paError:
            pass
        thumbnail.seek(0)
        thumbnail.truncate()
    with source.open() as f:
        return _read(f, media_type, context, thumbnail)


def _signing_chains(chains: cert_chains.Chains | None, store: dict[str, Any], certs: dict[str, dict[str, Any]]
                    ) -> list[tuple[bytes, ...]]:
    """The whole x5chains in the file's manifest store (`chains`, from cert_chains.find) whose leaf is the active
    manifest's signing certificate: its serial number (c2pa's signature_info) and, when c2pa's crJSON names them,
    the common names of its subject and issuer. [] when the file could not be read or none is found."""
    manifest = interpret.active_manifest(store) or {}
    serial = str((manifest.get("signature_info") or {}).get("cert_serial_number") or "")
    if chains is None or not serial.isdigit():
        return []
    named = certs.get(str(store.get("active_manifest"))) or {}
    subject, issuer = ((name.get("CN") if isinstance(name := named.get(which), dict) else None)
                       for which in ("subject", "issuer"))
    return chain_trust.chains_of(chains.x5chains, int(serial),
                                 str(subject) if subject else None, str(issuer) if issuer else None)


def _state(source: _Source, media_type: str | None, context: c2pa.Context) -> str | None:
    """The validation state alone (which trust source accepts the signer): one parse of c2pa's JSON, not
    the certificates, remote address or thumbnail that _read also gets."""
    with source.open() as f, c2pa.Reader(c2pa_name(media_type) if media_type else media_type, f,
                                         context=context) as reader:
        return interpret.validation_state(json.loads(reader.json()))


def extract_resource(path: Path, identifier: str, dest: BinaryIO, trust: TrustConfig | None = None) -> int:
    """Copy a manifest resource (a thumbnail) into dest; returns the number of bytes written."""
    trust = trust or TrustConfig()
    media_type = sniff(path)
    with open_regular(path) as f, c2pa.Reader(c2pa_name(media_type) if media_type else media_type, f,
                                            context=trust.context()) as reader:
        written: int = reader.resource_to_stream(identifier, dest)
        return written


def _no_manifest(info: FileInfo, engine: EngineInfo, verdict: Verdict, reason: str | None,
                 remote_url: str | None = None) -> InspectionReport:
    summary = summarise(verdict, reason=reason, remote_url=remote_url)
    detail = {
        Verdict.NONE: "No Content Credentials in this file.",
        Verdict.UNSUPPORTED: "This file type is not supported.",
        Verdict.UNVERIFIED: "The Content Credentials are stored remotely and were not checked.",
    }.get(verdict, "The file could not be parsed.")
    return InspectionReport(file=info, verdict=verdict, summary=summary, engine=engine,
                            checks=interpret.empty_checks(detail), error=reason if verdict is Verdict.ERROR else None,
                            remote_url=remote_url)


def _from_error(info: FileInfo, engine: EngineInfo, e: c2pa.C2paError, source: _Source) -> InspectionReport:
    kind = type(e).__name__
    message = str(e).strip()
    if "ManifestNotFound" in kind or "cannot contain C2PA manifests" in message:
        # The second: a JPEG XL bare codestream, which has nowhere to keep a manifest (ISO/IEC 18181-2).
        return _no_manifest(info, engine, Verdict.NONE, None)
    if "NotSupported" in kind:
        return _no_manifest(info, engine, Verdict.UNSUPPORTED, None)
    if message.startswith("Remote:") or "RemoteManifest" in kind:
        return _remote_not_checked(info, engine, message, source)
    unloaded = _read_unverified(source, info.media_type)
    if unloaded is not None:
        return _from_unloaded(info, engine, unloaded, message)
    reason = message.split(":", 1)[1].strip() if ":" in message else message or kind
    return _no_manifest(info, engine, Verdict.ERROR, reason)


# -- remote manifests -----------------------------------------------------------------------------

def _remote_not_checked(info: FileInfo, engine: EngineInfo, message: str, source: _Source) -> InspectionReport:
    """`unverified`: the file refers to a remote manifest store (XMP dcterms:provenance) that was not
    fetched (fetching is off) or could not be fetched. The address comes from the file's XMP, the
    reason from the kind of failure c2pa reports."""
    found = locate.provenance_url(source.data, source.path)
    url = found if found and found.lower().startswith(("http://", "https://")) else None
    if "must fetch" in message:
        reason = ("Fetching remote Content Credentials is off (fetching tells the host you opened the file); "
                  "turn it on in settings to check them.")
    else:
        reason = f"Fetching them failed: {_fetch_failure(message)}."
    return _no_manifest(info, engine, Verdict.UNVERIFIED, reason, remote_url=url)


def _fetch_failure(message: str) -> str:
    """Why c2pa-rs could not fetch a remote manifest, in words (from the kind of error it reports)."""
    status = re.search(r"\bcode:\s*(\d{3})\b", message)
    if status:
        code = int(status.group(1))
        return f"the server answered HTTP {code}" + {404: " (not found)", 403: " (forbidden)",
                                                        410: " (gone)"}.get(code, "")
    lower = message.lower()
    if any(w in lower for w in ("error sending request", "connect", "dns", "resolve", "timed out", "timeout")):
        return "nothing answered at that address"
    return "the address did not give a manifest store"


# -- a manifest c2pa found but would not load ---------------------------------------------------------

# C2PA 2.x codes for an assertion of a known kind that does not decode, by label prefix, and what it holds.
_MALFORMED = (("c2pa.actions", "assertion.action.malformed", " (its record of how the file was made and edited)"),
              ("c2pa.ingredient", "assertion.ingredient.malformed", " (its record of a source file)"))


def _read_unverified(source: _Source, media_type: str | None) -> dict[str, Any] | None:
    """The manifest store as c2pa parses it without validating (`verify_after_reading` off), in its
    detailed form (claim, assertion store, signature); None when even that fails or finds no claim.

    Used only after a validating read failed: c2pa-rs 0.91 stops on an assertion it cannot decode
    (e.g. an actions assertion without its `actions` list, c2pa-rs#1413) instead of reporting it, so
    this is how the report can still name the signer, the generator and the failing assertion. Runs
    in the same isolated worker as the first read. Nothing read this way is reported as verified.
    """
    context = c2pa.Context.from_dict({"verify": {"verify_after_reading": False, "verify_trust": False,
                                                 "remote_manifest_fetch": False, "ocsp_fetch": False},
                                      "core": offline_core()})
    try:
        with source.open() as f, c2pa.Reader(c2pa_name(media_type) if media_type else media_type, f,
                                              context=context) as reader:
            detailed = json.loads(reader.detailed_json())
    except (c2pa.C2paError, ValueError):
        return None
    active = (detailed.get("manifests") or {}).get(detailed.get("active_manifest") or "")
    return detailed if isinstance(active, dict) and isinstance(active.get("claim"), dict) else None


def _failing_assertion(labels: list[str], message: str) -> str | None:
    """The assertion the library's message names, among those the manifest really holds (the longest
    match, so 'c2pa.actions.v2' wins over 'c2pa.actions')."""
    named = [label for label in labels
             if re.search(r"(?<![\w.])" + re.escape(label) + r"(?![\w.])", message)]
    return max(named, key=len) if named else None


def _from_unloaded(info: FileInfo, engine: EngineInfo, detailed: dict[str, Any], message: str) -> InspectionReport:
    """`invalid`: the manifest was found and parsed, but the validator rejected one of its assertions
    and stopped. Signer, generator, title and the readable assertions come from the unvalidated parse."""
    label = str(detailed["active_manifest"])
    found = detailed["manifests"][label]
    claim, store = found["claim"], found.get("assertion_store") or {}
    info_ = claim.get("claim_generator_info")
    manifest = {  # the shape of a reader manifest, so the same interpretation applies
        "claim_generator_info": [info_] if isinstance(info_, dict) else info_ or [],
        "claim_generator": claim.get("claim_generator"),
        "title": claim.get("dc:title"),
        "signature_info": found.get("signature") or {},
        "assertions": [{"label": k, "data": v} for k, v in store.items() if isinstance(v, dict)],
    }
    words = message.split(":", 1)[1].strip() if ":" in message else message
    assertion = _failing_assertion(list(store), message)
    if assertion:
        code, what = next(((c, w) for prefix, c, w in _MALFORMED if assertion.startswith(prefix)),
                          ("assertion.json.invalid" if "application/json" in message else "assertion.cbor.invalid", ""))
        explanation = (f"The statement “{assertion}”{what} in the Content Credentials is malformed, "
                       "so the validator rejected the manifest before checking its signature.")
        url = f"self#jumbf=/c2pa/{label}/c2pa.assertions/{assertion}"
    else:
        code, url = "general.error", f"self#jumbf=/c2pa/{label}"
        explanation = f"The validator rejected the Content Credentials before checking their signature: {words}"
    failure = ValidationCode(code=code, explanation=explanation, detail=words, url=url)
    validation = Validation(failure=[failure])
    signer = interpret.signer(manifest)
    actions = interpret.actions(manifest)
    ai = interpret.manifest_ai_kind(manifest)
    stopped = (f"the validator stopped at the malformed statement “{assertion}”." if assertion
               else "the validator stopped before checking it.")
    return InspectionReport(
        file=info,
        verdict=Verdict.INVALID,
        summary=summarise(Verdict.INVALID, reason=explanation, ai=ai),
        engine=engine,
        checks=interpret.checks(Verdict.INVALID, validation, [], trust_source=None, trust_lists=engine.trust_lists,
                                signed_time=None, stopped=stopped),
        signer=signer,
        claim_generator=interpret.claim_generator(manifest),
        title=manifest["title"],
        capture=interpret.capture(manifest),
        actions=actions,
        ai_generated=is_generative(ai),
        ai_disclosure=ai.value,
        validation=validation,
        manifests=len(detailed.get("manifests") or {}),
        raw=detailed,
        authors=attribution.authors(manifest),
        training_mining=attribution.training_mining(manifest),
    )


# -- a manifest c2pa validated -----------------------------------------------------------------------

def report_from_store(info: FileInfo, engine: EngineInfo, store: dict[str, Any], results: dict[str, Any] | None,
                      state: str | None) -> InspectionReport:
    """A report from a manifest store in c2pa-rs's JSON shape that was read by another validator
    (engine.cross_check): the same interpretation, no trust source named, nothing fetched."""
    return _from_store(info, engine, store, results, state, None)


_HARD_BINDING_MISMATCH = ("assertion.dataHash.mismatch", "assertion.boxesHash.mismatch", "assertion.bmffHash.mismatch")


def _from_store(info: FileInfo, engine: EngineInfo, store: dict[str, Any], results: dict[str, Any] | None,
                state: str | None,
                trust_source: str | None, *, remote_url: str | None = None,
                stores: Callable[[], int] | None = None, network: bool = False,
                certs: dict[str, dict[str, Any]] | None = None) -> InspectionReport:
    verdict = {"Trusted": Verdict.TRUSTED, "Valid": Verdict.VALID}.get(state or "", Verdict.INVALID)
    manifest = interpret.active_manifest(store) or {}
    signer = interpret.signer(manifest, (certs or {}).get(str(store.get("active_manifest"))))
    if signer and verdict is Verdict.TRUSTED:
        signer.trust_source = trust_source
    failures = {c.get("code") for c in ((results or {}).get("activeManifest") or {}).get("failure") or []}
    # Counted only when it can explain a hard-binding mismatch (it reads the whole file again).
    manifest_stores = stores() if stores is not None and failures & set(_HARD_BINDING_MISMATCH) else None
    validation = interpret.validation(store, results, manifest_stores)
    ingredients = interpret.ingredients(store, results, certs)
    actions = interpret.actions(manifest)
    ai = interpret.file_ai_kind(manifest, ingredients)
    when = interpret.signed_at(manifest)
    reason = next((c.explanation for c in validation.failure if not tolerated(c.code)), None)
    return InspectionReport(
        file=info,
        verdict=verdict,
        summary=summarise(verdict, signer=signer.common_name if signer else None, trust_source=trust_source,
                          signed_at=when, ai=ai, reason=reason, remote_url=remote_url,
                          ingredient_problem=interpret.ingredient_summary(ingredients)),
        engine=engine,
        checks=interpret.checks(verdict, validation, ingredients, trust_source=trust_source,
                                trust_lists=engine.trust_lists, signed_time=when),
        signer=signer,
        signed_at=when,
        claim_generator=interpret.claim_generator(manifest),
        title=manifest.get("title"),
        capture=interpret.capture(manifest),
        actions=actions,
        ai_generated=is_generative(ai),
        ai_disclosure=ai.value,
        ingredients=ingredients,
        validation=validation,
        manifests=len(store.get("manifests", {})),
        thumbnail=(manifest.get("thumbnail") or {}).get("identifier"),
        remote_url=remote_url,
        manifest_stores=manifest_stores,
        raw=store,
        authors=attribution.authors(manifest),
        training_mining=attribution.training_mining(manifest),
        identity=attribution.identities(manifest, results, network=network),
    )
