"""Derived copies that keep the chain: "Export for web" and caption edits, each a new signed copy whose parent
ingredient is the file it was made from.

The file's own Content Credentials become the copy's `parentOf` ingredient with their verdict (engine.parent,
read in an isolated worker), the copy's actions open that parent (`c2pa.opened`) and then say what was done
(domain.derive: `c2pa.resized`, `c2pa.transcoded`, `c2pa.edited.metadata`; C2PA 2.1 "Actions"). A file without
credentials is recorded as the parent by title and format. The new pixels or metadata are made in an isolated
worker (engine.derive_render); the signing (the key stays here) is protect's own (engine.protect.sign_copy:
the same identity assertion and timestamp rules). The original is only ever read; outputs never overwrite.
"""

from __future__ import annotations

import dataclasses
import io
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..domain.actions import EDITED_METADATA, RESIZED, TRANSCODED
from ..domain.derive import (
    CAPTIONED_SUFFIX,
    WEB_SUFFIX,
    Caption,
    CaptionEdit,
    WebExport,
)
from ..domain.errors import ProtectError
from ..domain.protect import ProtectOptions, ProtectResult, ProtectStatus
from ..domain.regular_files import problem_sentence
from ..domain.report import Verdict
from ..runtime import atomic as output
from ..runtime.isolation import IsolatedPool, WorkerFailure
from . import untrusted
from .c2pa_loader import c2pa
from .derive_render import CAPTION_TYPES, Rendition
from .identity import SigningIdentity
from .media import extension_for, is_image, sniff
from .parent import ParentCredentials, short_error
from .protect import ENGINE_LABEL, ParentReader, Thumbnailer, explain_c2pa_error, sign_copy
from .trust import TrustConfig

# (source, export, thumbnail long edge) -> the rendition; raises when the picture cannot be decoded.
Renderer = Callable[[Path, WebExport, int], Rendition]
# (source, media type, edit) -> the file's bytes with the new caption; raises ValueError for a format it cannot write.
CaptionWriter = Callable[[Path, str, CaptionEdit], bytes]


class _Refused(Exception):
    """The file cannot be made into this copy (not a picture, a format exiv2 cannot write): SKIPPED."""


def export_for_web(source: Path, identity: SigningIdentity, export: WebExport, options: ProtectOptions,
                   cancel: threading.Event | None = None, *, renderer: Renderer | None = None,
                   parent_reader: ParentReader | None = None) -> ProtectResult:
    """A smaller copy for the web (`<name>.web.<jpg|webp|avif>` in options.out_dir or next to the file), signed
    with the file as its parent: `c2pa.opened`, then `c2pa.resized` when it got smaller, `c2pa.transcoded`, and
    `c2pa.edited.metadata` when location fields were left out. `options` are the protect options (author,
    training and mining, timestamp authority, identity assertion, thumbnail size). Never raises for a problem
    with the file: the result says what happened (SKIPPED for a file that is not a still picture)."""
    render = renderer or _render_isolated

    def make(media_type: str, result: ProtectResult) -> tuple[bytes, bytes | None, list[tuple[str, str]]]:
        if not is_image(media_type) or media_type == "image/svg+xml":
            raise _Refused("Only still pictures can be exported for the web.")
        try:
            rendition = render(source, export, options.thumbnail_edge)
        except (OSError, ValueError, RuntimeError, WorkerFailure) as e:
            raise ProtectError(f"The picture could not be decoded ({short_error(e)}). The original is unchanged.") \
                from None
        return rendition.data, rendition.thumbnail, _web_actions(export, rendition, media_type)

    return _derive(source, identity, options, cancel, parent_reader, make, WEB_SUFFIX, export.format.media_type)


def save_caption(source: Path, identity: SigningIdentity, edit: CaptionEdit, options: ProtectOptions,
                 cancel: threading.Event | None = None, *, writer: CaptionWriter | None = None,
                 thumbnailer: Thumbnailer | None = None, parent_reader: ParentReader | None = None) -> ProtectResult:
    """A copy with a new caption, credit line or keywords (IPTC-IIM and XMP; `<name>.captioned.<ext>`), signed
    with the file as its parent: `c2pa.opened`, then `c2pa.edited.metadata` naming the fields. The pixels are the
    file's own. JPEG, PNG, WebP and TIFF (what exiv2 writes); other files are SKIPPED. Never raises for a
    problem with the file."""
    write = writer or _caption_isolated
    thumbs = thumbnailer or _thumbnail_isolated

    def make(media_type: str, result: ProtectResult) -> tuple[bytes, bytes | None, list[tuple[str, str]]]:
        if media_type not in CAPTION_TYPES:
            raise _Refused("Captions can be written into JPEG, PNG, WebP and TIFF files only.")
        try:
            data = write(source, media_type, edit)
        except (OSError, ValueError, RuntimeError, WorkerFailure) as e:
            raise ProtectError(f"The caption could not be written ({short_error(e)}). The original is unchanged.") \
                from None
        thumb = None
        if options.thumbnail_edge:
            try:
                thumb = thumbs(source, media_type, options.thumbnail_edge)
            except Exception as e:  # noqa: BLE001 - a preview must never cost the person their copy
                result.warnings.append(
                    f"No thumbnail: the image could not be decoded for a preview ({short_error(e)}).")
        return data, thumb, [(EDITED_METADATA, f"Edited {_listed(edit.fields())} (IPTC and XMP)")]

    return _derive(source, identity, options, cancel, parent_reader, make, CAPTIONED_SUFFIX, None)


def read_caption(source: Path, pool: IsolatedPool | None = None) -> Caption:
    """The caption fields the file has now (read in an isolated worker); empty when it has none or they cannot
    be read."""
    media_type = sniff(source)
    if media_type not in CAPTION_TYPES or problem_sentence(source):
        return Caption()
    chosen = pool or untrusted.shared_pool()
    try:
        return chosen.call("caption_read", str(source), media_type, seconds=untrusted.time_limit(chosen, source),
                           decode=caption_from_worker)
    except (WorkerFailure, RuntimeError):
        return Caption()


# -- one derived copy -------------------------------------------------------------------------------------

Maker = Callable[[str, ProtectResult], "tuple[bytes, bytes | None, list[tuple[str, str]]]"]


def _derive(source: Path, identity: SigningIdentity, options: ProtectOptions, cancel: threading.Event | None,
            parent_reader: ParentReader | None, make: Maker, suffix: str, out_type: str | None) -> ProtectResult:
    started = time.perf_counter()
    result = ProtectResult(source=source, status=ProtectStatus.FAILED, engine=ENGINE_LABEL)
    stop = cancel or threading.Event()
    try:
        _derive_into(result, source, identity, options, stop, parent_reader or _parent_isolated, make, suffix,
                     out_type)
    except _Refused as e:
        result.status, result.error = ProtectStatus.SKIPPED, str(e)
    except _Cancelled:
        result.status, result.error, result.output = ProtectStatus.CANCELLED, "Cancelled.", None
    except ProtectError as e:
        result.error = str(e)
    except c2pa.C2paError as e:
        result.error = explain_c2pa_error(e, options)
    except OSError as e:
        result.error = f"Could not read or write the file: {e.strerror or e}"
    result.seconds = time.perf_counter() - started
    return result


class _Cancelled(Exception):
    pass


def _derive_into(result: ProtectResult, source: Path, identity: SigningIdentity, options: ProtectOptions,
                 cancel: threading.Event, parent_reader: ParentReader, make: Maker, suffix: str,
                 out_type: str | None) -> None:
    if cancel.is_set():
        raise _Cancelled
    if problem := problem_sentence(source):
        raise ProtectError(problem)
    if source.stat().st_size == 0:
        raise ProtectError("The file is empty.")
    media_type = sniff(source)
    if media_type is None:
        raise _Refused("This file type is not known.")
    data, thumb, edits = make(media_type, result)
    out_type = out_type or media_type
    result.media_type = out_type
    title = source.name
    parent = parent_reader(source, media_type, title)
    if not parent.present:
        parent = ParentCredentials(Verdict.NONE)  # recorded by title and format, without credentials
    signing = dataclasses.replace(options, title=title, edits=tuple(edits), captured_at=None, capture_device=None)
    out_dir = options.out_dir or source.parent
    extension = extension_for(out_type) or source.suffix
    with output.atomic_output(out_dir, source.name) as (tmp_file, tmp_path):
        try:
            sign_copy(identity, signing, out_type, title, thumb, parent, io.BytesIO(data), tmp_file, result)
        except c2pa.C2paError as e:
            if parent.archive is None:
                raise
            # c2pa refused the parent's manifest while signing: keep the parent, without its manifest.
            parent = dataclasses.replace(parent, archive=None, problem=short_error(e))
            tmp_file.seek(0)
            tmp_file.truncate()
            sign_copy(identity, signing, out_type, title, thumb, parent, io.BytesIO(data), tmp_file, result)
        if note := parent.warning():
            result.warnings.append(note)
        result.parent_verdict = parent.verdict if parent.present else None
        output.finish(tmp_file)
        if cancel.is_set():
            raise _Cancelled
        final = output.publish(tmp_path, output.candidate_paths(source, out_dir, suffix, extension))
    result.output = final
    result.status = ProtectStatus.DONE


def _web_actions(export: WebExport, rendition: Rendition, media_type: str) -> list[tuple[str, str]]:
    (w, h), (sw, sh) = rendition.size, rendition.source_size
    actions: list[tuple[str, str]] = []
    if max(w, h) < max(sw, sh):
        actions.append((RESIZED, f"Resized for the web from {sw}×{sh} to {w}×{h} pixels"))
    was = media_type.removeprefix("image/").upper()
    actions.append((TRANSCODED, f"Encoded from {was} as {export.format.label} at quality {export.quality}"))
    if export.remove_location:
        actions.append((EDITED_METADATA, "Location (GPS position and place names) removed from the metadata"))
    return actions


def _listed(names: list[str]) -> str:
    words = [{"caption": "the caption", "credit": "the credit line", "keywords": "the keywords"}[n] for n in names]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


# -- isolated workers -------------------------------------------------------------------------------------

def _parent_isolated(source: Path, media_type: str, title: str) -> ParentCredentials:
    return untrusted.parent_isolated(untrusted.shared_pool(), source, media_type, title, TrustConfig())


def _thumbnail_isolated(source: Path, media_type: str, edge: int) -> bytes | None:
    return untrusted.thumbnail_isolated(untrusted.shared_pool(), source, edge, media_type)


def _render_isolated(source: Path, export: WebExport, thumbnail_edge: int) -> Rendition:
    pool = untrusted.shared_pool()
    return pool.call("web_rendition", str(source), _export_fields(export), thumbnail_edge,
                     seconds=untrusted.time_limit(pool, source) * 2, decode=rendition_from_worker)


def _caption_isolated(source: Path, media_type: str, edit: CaptionEdit) -> bytes:
    pool = untrusted.shared_pool()
    fields = {"caption": edit.caption, "credit": edit.credit,
              "keywords": list(edit.keywords) if edit.keywords is not None else None}
    return pool.call("caption_copy", str(source), media_type, fields, seconds=untrusted.time_limit(pool, source),
                     decode=_some_bytes)


def _export_fields(export: WebExport) -> dict[str, Any]:
    return {"long_edge": export.long_edge, "format": export.format.value, "quality": export.quality,
            "remove_location": export.remove_location}


# -- what a worker's plain-data answer must be ------------------------------------------------------------

def rendition_from_worker(value: Any) -> Rendition:
    """A Rendition from the "web_rendition" task's answer: {data, thumbnail (base64 or null), size, source_size
    ([w, h] positive integers)}. Raises TypeError or ValueError otherwise."""
    if not isinstance(value, dict) or set(value) != {"data", "thumbnail", "size", "source_size"}:
        raise TypeError("not a web rendition's fields")
    return Rendition(_some_bytes(value["data"]), _size(value["size"]), _size(value["source_size"]),
                     untrusted.bytes_from_worker(value["thumbnail"]))


def caption_from_worker(value: Any) -> Caption:
    """A Caption from the "caption_read" task's answer: {caption, credit (text), keywords (list of text)}."""
    if not isinstance(value, dict) or set(value) != {"caption", "credit", "keywords"}:
        raise TypeError("not the caption fields")
    caption, credit, keywords = value["caption"], value["credit"], value["keywords"]
    if type(caption) is not str or type(credit) is not str or not isinstance(keywords, list) \
            or any(type(k) is not str for k in keywords):
        raise TypeError("a caption field of the wrong type")
    return Caption(caption, credit, tuple(keywords))


def _some_bytes(value: Any) -> bytes:
    data = untrusted.bytes_from_worker(value)
    if data is None:
        raise TypeError("expected base64 text, not null")
    return data


def _size(value: Any) -> tuple[int, int]:
    if not isinstance(value, list) or len(value) != 2 or any(type(v) is not int or v < 1 for v in value):
        raise ValueError("a picture size is two positive integers")
    return value[0], value[1]
