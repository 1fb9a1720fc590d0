"""Inspect one file with the local validator (c2pa-rs through c2pa-python) into an InspectionReport."""

from __future__ import annotations

import hashlib
import io
import json
import re
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from pathlib import Path
from typing import BinaryIO

from .c2pa_loader import c2pa

from ..domain.explain import summarise
from ..domain.report import EngineInfo, FileInfo, InspectionReport, Verdict
from . import interpret
from .exif import read_capture
from .media import sha256_file, sniff
from .trust import TrustConfig

_REMOTE_URL = re.compile(r"(https?://\S+)")
_HASHER = ThreadPoolExecutor(max_workers=2, thread_name_prefix="trustnxt-sha256")
# Files up to this size are read into memory once (the worker's memory cap is far above it).
IN_MEMORY_BYTES = 64 * 1024 ** 2


@lru_cache(maxsize=1)
def engine_version() -> str:
    return f"c2pa-python {c2pa.__version__} (c2pa-rs {c2pa.sdk_version()})"


@lru_cache(maxsize=1)
def readable_types() -> frozenset[str]:
    return frozenset(c2pa.Reader.get_supported_mime_types())


def engine_info(trust: TrustConfig) -> EngineInfo:
    return EngineInfo(name="TrustNXT Desktop local validator", version=engine_version(), trust_lists=trust.names())


def inspect_file(path: Path, trust: TrustConfig) -> InspectionReport:
    """Never raises for a problem with the file itself: the report's verdict says what happened.

    A file up to IN_MEMORY_BYTES is read once: its hash, its EXIF and the validator all work on those
    bytes. A bigger one is streamed from disk, hashed on another thread while c2pa validates.
    """
    engine = engine_info(trust)
    info = FileInfo(path=str(path), name=path.name, size=0, sha256="", media_type=None)
    try:
        info.size = path.stat().st_size
        info.media_type = sniff(path)
        data = _read_whole(path, info.size)
        if data is None:
            # hashlib releases the GIL, so the hash of a big file costs almost no extra latency.
            digest = _HASHER.submit(sha256_file, path)
        else:
            info.size = len(data)  # what was hashed and validated, should the file change meanwhile
            info.sha256 = hashlib.sha256(data).hexdigest()
    except OSError as e:
        return _no_manifest(info, engine, Verdict.ERROR, f"could not read the file: {e.strerror or e}")
    report = _inspect(_Source(path, data), info, engine, trust)
    if data is None:
        try:
            info.sha256 = digest.result()
        except OSError as e:
            return _no_manifest(info, engine, Verdict.ERROR, f"could not read the file: {e.strerror or e}")
    return report


def _read_whole(path: Path, size: int) -> bytes | None:
    if size > IN_MEMORY_BYTES:
        return None
    with open(path, "rb") as f:
        data = f.read(IN_MEMORY_BYTES + 1)
    return None if len(data) > IN_MEMORY_BYTES else data  # grew since stat(): stream it after all


class _Source:
    """The file being inspected: its bytes when they were read into memory, else its path."""

    def __init__(self, path: Path, data: bytes | None) -> None:
        self.path = path
        self.data = data

    def open(self) -> BinaryIO:
        return io.BytesIO(self.data) if self.data is not None else open(self.path, "rb")  # noqa: SIM115

    def for_pillow(self) -> Path | io.BytesIO:
        return io.BytesIO(self.data) if self.data is not None else self.path


def failed_report(path: Path, trust: TrustConfig, reason: str) -> InspectionReport:
    """An `error` report for a file whose parsing failed outside inspect_file (e.g. its worker crashed).

    Only our own code touches the file here: its size, magic bytes and hash.
    """
    try:
        info = FileInfo(path=str(path), name=path.name, size=path.stat().st_size, sha256=sha256_file(path),
                        media_type=sniff(path))
    except OSError:
        info = FileInfo(path=str(path), name=path.name, size=0, sha256="", media_type=None)
    return _no_manifest(info, engine_info(trust), Verdict.ERROR, reason)


def _inspect(source: _Source, info: FileInfo, engine: EngineInfo, trust: TrustConfig) -> InspectionReport:
    if info.size == 0:
        return _no_manifest(info, engine, Verdict.ERROR, "the file is empty")
    if info.media_type is None or info.media_type not in readable_types():
        return _no_manifest(info, engine, Verdict.UNSUPPORTED, None)
    unsigned = read_capture(source.for_pillow(), info.media_type)
    try:
        with source.open() as f:
            store = _read(f, info.media_type, trust.context())
        state = store.get("validation_state")
        trust_source = None
        if state == "Trusted":
            trust_source = trust.which_source_trusts(lambda ctx: _state(source, info.media_type, ctx))
    except c2pa.C2paError as e:
        report = _from_error(info, engine, e)
    else:
        report = _from_store(info, engine, store, store.get("validation_results"), state, trust_source)
    report.capture_unsigned = unsigned
    return report


def _read(f: BinaryIO, media_type: str | None, context: c2pa.Context) -> dict:
    """The manifest store; c2pa puts validation_state and validation_results in it (its own
    get_validation_state()/get_validation_results() parse the same JSON again to get them)."""
    with c2pa.Reader(media_type, f, context=context) as reader:
        return json.loads(reader.json())


def _state(source: _Source, media_type: str | None, context: c2pa.Context) -> str | None:
    with source.open() as f:
        return _read(f, media_type, context).get("validation_state")


def extract_resource(path: Path, identifier: str, dest: BinaryIO, trust: TrustConfig | None = None) -> int:
    """Copy a manifest resource (a thumbnail) into dest; returns the number of bytes written."""
    trust = trust or TrustConfig()
    with open(path, "rb") as f, c2pa.Reader(sniff(path), f, context=trust.context()) as reader:
        return reader.resource_to_stream(identifier, dest)


def _no_manifest(info: FileInfo, engine: EngineInfo, verdict: Verdict, reason: str | None,
                 remote_url: str | None = None) -> InspectionReport:
    summary = summarise(verdict, reason=reason)
    detail = {
        Verdict.NONE: "No Content Credentials in this file.",
        Verdict.UNSUPPORTED: "This file type is not supported.",
        Verdict.UNVERIFIED: "The Content Credentials are stored remotely and were not checked.",
    }.get(verdict, "The file could not be parsed.")
    return InspectionReport(file=info, verdict=verdict, summary=summary, engine=engine,
                            checks=interpret.empty_checks(detail), error=reason if verdict is Verdict.ERROR else None,
                            remote_url=remote_url)


def _from_error(info: FileInfo, engine: EngineInfo, e: c2pa.C2paError) -> InspectionReport:
    kind = type(e).__name__
    message = str(e).strip()
    if "ManifestNotFound" in kind:
        return _no_manifest(info, engine, Verdict.NONE, None)
    if "NotSupported" in kind:
        return _no_manifest(info, engine, Verdict.UNSUPPORTED, None)
    if message.startswith("Remote:") or "RemoteManifest" in kind:
        url_match = _REMOTE_URL.search(message)
        url = url_match.group(1) if url_match else None
        fetching = "must fetch" not in message
        reason = ("Fetching it failed." if fetching else
                  "Fetching remote Content Credentials is off (it tells the host you opened the file); "
                  "turn it on in settings to check them.")
        return _no_manifest(info, engine, Verdict.UNVERIFIED, reason, remote_url=url)
    reason = message.split(":", 1)[1].strip() if ":" in message else message or kind
    return _no_manifest(info, engine, Verdict.ERROR, reason)


def _from_store(info: FileInfo, engine: EngineInfo, store: dict, results: dict | None, state: str | None,
                trust_source: str | None) -> InspectionReport:
    verdict = {"Trusted": Verdict.TRUSTED, "Valid": Verdict.VALID}.get(state or "", Verdict.INVALID)
    manifest = interpret.active_manifest(store) or {}
    signer = interpret.signer(manifest)
    if signer and verdict is Verdict.TRUSTED:
        signer.trust_source = trust_source
    validation = interpret.validation(store, results)
    ingredients = interpret.ingredients(store, results)
    actions = interpret.actions(manifest)
    ai = interpret.ai_generated(store)
    when = interpret.signed_at(manifest)
    reason = next((c.explanation for c in validation.failure if c.code != interpret.UNTRUSTED), None)
    return InspectionReport(
        file=info,
        verdict=verdict,
        summary=summarise(verdict, signer=signer.common_name if signer else None, trust_source=trust_source,
                          signed_at=when, ai_generated=ai, reason=reason),
        engine=engine,
        checks=interpret.checks(verdict, validation, ingredients, trust_source=trust_source,
                                trust_lists=engine.trust_lists, signed_time=when),
        signer=signer,
        signed_at=when,
        claim_generator=interpret.claim_generator(manifest),
        title=manifest.get("title"),
        capture=interpret.capture(manifest),
        actions=actions,
        ai_generated=ai,
        ingredients=ingredients,
        validation=validation,
        manifests=len(store.get("manifests", {})),
        thumbnail=(manifest.get("thumbnail") or {}).get("identifier"),
        raw=store,
    )
