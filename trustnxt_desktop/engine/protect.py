"""Protect one file: sign a copy carrying a Trust Label. The original is only ever opened for reading."""

from __future__ import annotations

import io
import mmap
import re
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .c2pa_loader import c2pa

from ..domain.errors import ProtectError
from ..domain.protect import PROTECTED_SUFFIX, ProtectOptions, ProtectResult, ProtectStatus
from . import output
from .exif import read_capture
from .identity import SigningIdentity
from .manifest import PARENT_LABEL, THUMBNAIL_ID, build_manifest, choose_source_type
from .media import extension_for, is_image, media_type_for_extension, sniff
from .thumbnails import make_thumbnail

ENGINE_LABEL = "local"
# (source, media type, long edge) -> JPEG bytes or None; raises when the picture cannot be decoded.
Thumbnailer = Callable[[Path, str, int], "bytes | None"]


@lru_cache(maxsize=1)
def writable_types() -> frozenset[str]:
    return frozenset(c2pa.Builder.get_supported_mime_types())


def _context() -> c2pa.Context:
    # Our own thumbnail replaces c2pa's (which decodes at full size); never fetch remote manifests.
    return c2pa.Context.from_dict({"builder": {"thumbnail": {"enabled": False}},
                                   "verify": {"remote_manifest_fetch": False}})


@dataclass(frozen=True)
class _Fingerprint:
    size: int
    mtime_ns: int


def _fingerprint(path: Path) -> _Fingerprint:
    st = path.stat()
    return _Fingerprint(st.st_size, st.st_mtime_ns)


class Cancelled(Exception):
    pass


def protect_file(source: Path, identity: SigningIdentity, options: ProtectOptions,
                 cancel: threading.Event | None = None, *, thumbnailer: Thumbnailer | None = None) -> ProtectResult:
    """Never raises for a problem with the file: the result says what happened.

    `cancel` is checked before work starts and again just before the output is published, so a
    cancelled job leaves nothing behind even if signing was already under way. `thumbnailer` lets the
    caller decode the picture elsewhere (the app does it in an isolated worker process).
    """
    started = time.perf_counter()
    result = ProtectResult(source=source, status=ProtectStatus.FAILED, engine=ENGINE_LABEL)
    try:
        _protect(source, identity, options, result, cancel or threading.Event(), thumbnailer or make_thumbnail)
    except Cancelled:
        result.status, result.error, result.output = ProtectStatus.CANCELLED, "Cancelled.", None
    except ProtectError as e:
        result.status, result.error = ProtectStatus.FAILED, str(e)
    except c2pa.C2paError as e:
        result.status, result.error = ProtectStatus.FAILED, _explain_c2pa_error(e, options)
    except PermissionError as e:
        result.status, result.error = ProtectStatus.FAILED, f"Permission denied: {e.filename or source}"
    except FileNotFoundError as e:
        result.status, result.error = ProtectStatus.FAILED, f"File not found: {e.filename or source}"
    except OSError as e:
        result.status, result.error = ProtectStatus.FAILED, f"Could not read or write the file: {e.strerror or e}"
    result.seconds = time.perf_counter() - started
    return result


def _protect(source: Path, identity: SigningIdentity, options: ProtectOptions, result: ProtectResult,
             cancel: threading.Event, thumbnailer: Thumbnailer) -> None:
    if cancel.is_set():
        raise Cancelled
    if not source.is_file():
        raise ProtectError("Not a file." if source.exists() else "The file no longer exists.")
    before = _fingerprint(source)
    if before.size == 0:
        raise ProtectError("The file is empty.")
    media_type = sniff(source)
    result.media_type = media_type
    if media_type is None or media_type not in writable_types():
        result.status = ProtectStatus.SKIPPED
        kind = f"{media_type} files" if media_type else "This file type"
        result.error = f"{kind} cannot carry Content Credentials."
        return
    extension = source.suffix
    named_as = media_type_for_extension(source)
    if named_as != media_type:
        extension = extension_for(media_type) or source.suffix
        result.warnings.append(f"The file is really {media_type}; the protected copy is named {extension}.")

    has_parent = _has_manifest(source, media_type)
    exif = read_capture(source, media_type) if is_image(media_type) and not options.digital_source_type else None
    thumb = _thumbnail(source, media_type, options, result, thumbnailer)
    manifest = build_manifest(
        title=options.title or source.name,
        media_type=media_type,
        options=options,
        source_type=choose_source_type(media_type, exif, options),
        has_parent=has_parent,
        thumbnail=thumb is not None,
    )
    builder = c2pa.Builder(manifest, context=_context())
    if thumb is not None:
        builder.add_resource(THUMBNAIL_ID, io.BytesIO(thumb))
    out_dir = options.out_dir or source.parent
    with open(source, "rb") as src:
        if has_parent:
            builder.add_ingredient({"title": source.name, "relationship": "parentOf", "label": PARENT_LABEL},
                                   media_type, src)
            src.seek(0)
        with output.atomic_output(out_dir, source.name) as (tmp_file, tmp_path):
            builder.sign(identity.c2pa_signer(options.tsa_url), media_type, src, tmp_file)
            output.finish(tmp_file)
            if _fingerprint(source) != before:
                raise ProtectError("The file changed while it was being protected; try again once it is saved.")
            if cancel.is_set():
                raise Cancelled
            final = output.publish(tmp_path, output.candidate_paths(source, out_dir, PROTECTED_SUFFIX, extension))
    result.output = final
    result.status = ProtectStatus.DONE


# Every embedded manifest store is a JUMBF box labelled "c2pa" (PDF names it C2PA_Manifest); a remote
# reference sits in XMP as dcterms:provenance. A file with none of these bytes has no manifest.
_MANIFEST_HINTS = (b"c2pa", b"C2PA", b"provenance")
_PRESCAN_LIMIT = 64 * 1024 * 1024  # above this, c2pa's own box walk beats scanning every byte


def _may_have_manifest(source: Path) -> bool:
    """Cheap pre-check (memchr over a read-only map) that spares most files a full c2pa Reader pass."""
    with open(source, "rb") as f:
        size = os.fstat(f.fileno()).st_size
        if size == 0 or size > _PRESCAN_LIMIT:
            return size > 0
        with mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as data:
            return any(data.find(hint) != -1 for hint in _MANIFEST_HINTS)


def _has_manifest(source: Path, media_type: str) -> bool:
    if not _may_have_manifest(source):
        return False
    with open(source, "rb") as f:
        try:
            reader = c2pa.Reader.try_create(media_type, f, context=_context())
        except c2pa.C2paError as e:
            raise ProtectError(f"The file's existing Content Credentials could not be read ({_short(e)}).") from e
        if reader is None:
            return False
        reader.close()
        return True


def _thumbnail(source: Path, media_type: str, options: ProtectOptions, result: ProtectResult,
               thumbnailer: Thumbnailer) -> bytes | None:
    if options.thumbnail_edge == 0 or not is_image(media_type):
        return None
    try:
        return thumbnailer(source, media_type, options.thumbnail_edge)
    except Exception as e:  # noqa: BLE001 - a preview must never cost the user their protected copy
        result.warnings.append(f"No thumbnail: the image could not be decoded for a preview ({_short(e)}).")
        return None


def _short(e: BaseException) -> str:
    text = str(e).strip() or type(e).__name__
    text = re.sub(r"^(Other|Io|Json|Decoding|Encoding|Verify|Signature|Manifest): ", "", text)  # c2pa's kind prefix
    return text if len(text) < 200 else text[:197] + "..."


def _explain_c2pa_error(e: c2pa.C2paError, options: ProtectOptions) -> str:
    text = _short(e)
    if options.tsa_url and any(w in text.lower() for w in ("timestamp", "tsa", "http", "request", "connect")):
        return f"The timestamp authority {options.tsa_url} could not be used ({text}). The file was not protected."
    if "NotSupported" in type(e).__name__ or "unsupported" in text.lower():
        return f"This file cannot carry Content Credentials ({text})."
    return f"Signing failed: {text}"
