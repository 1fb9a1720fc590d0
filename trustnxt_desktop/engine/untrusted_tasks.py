"""The tasks the isolated parser workers run (runtime.isolation imports this module in the fork server):
inspection, previews, manifest thumbnails, the credentials a file carries before we protect it, the
privacy check and derived copies.

This side loads c2pa, Pillow and the second validator; the process that sends files here does not
(engine.untrusted holds the senders and the strict decoders of these answers). Every task returns plain
data (JSON values): a report as its "trustnxt.inspection/1" dict, pictures and archives as base64 text.
"""

from __future__ import annotations

import base64
import io
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..domain.privacy import PrivacyChoices
from ..domain.report import InspectionReport
from . import derive_render
from . import inspect as engine_inspect
from .cross_check import SecondValidator
from .media import sniff, sniff_bytes
from .parent import ParentCredentials, examine_parent
from .pictures import make_preview
from .privacy.inventory import take_inventory
from .privacy.rewrite import Cleaned, clean_copy
from .thumbnails import make_thumbnail, register_heif
from .trust import TrustConfig


def worker_init() -> None:
    # Pillow and others warn about every damaged file on stderr; the report already says what is wrong.
    warnings.simplefilter("ignore")


def prepare_shared(fields: dict[str, Any]) -> TrustConfig:
    return TrustConfig(**fields)


def _inspect(trust: TrustConfig, path: str, second: dict[str, Any] | None = None) -> InspectionReport:
    """`second`: engine.cross_check.SecondValidator's fields; None: the main validator only."""
    return engine_inspect.inspect_file(Path(path), trust, SecondValidator(**second) if second else None)


def _plain_report(trust: TrustConfig, path: str, second: dict[str, Any] | None = None) -> dict[str, Any]:
    return _inspect(trust, path, second).to_dict()


def _thumbnail(path: str, media_type: str | None, edge: int) -> bytes | None:
    p = Path(path)
    return make_preview(p, media_type if media_type is not None else sniff(p), edge)


def _resource(trust: TrustConfig, path: str, identifier: str) -> bytes:
    buf = io.BytesIO()
    engine_inspect.extract_resource(Path(path), identifier, buf, trust)
    return buf.getvalue()


def _resource_picture(trust: TrustConfig, path: str, identifier: str, edge: int) -> bytes | None:
    """A manifest thumbnail decoded here and re-encoded upright (EXIF orientation applied) at `edge`."""
    data = _resource(trust, path, identifier)
    return make_thumbnail(io.BytesIO(data), sniff_bytes(data[:64]), edge) if data else None


def _parent(trust: TrustConfig, path: str, media_type: str, title: str) -> ParentCredentials:
    return examine_parent(Path(path), media_type, title, trust)


def _plain_parent(trust: TrustConfig, path: str, media_type: str, title: str) -> dict[str, Any]:
    found = _parent(trust, path, media_type, title)
    return {"verdict": found.verdict.value, "reason": found.reason, "remote_url": found.remote_url,
            "archive": _text(found.archive), "problem": found.problem}


def _plain_cleaned(cleaned: Cleaned) -> dict[str, Any]:
    return {"rewritten": cleaned.rewritten, "changed": [k.value for k in cleaned.changed],
            "city": cleaned.city.to_dict() if cleaned.city else None, "notes": list(cleaned.notes),
            "withhold_parent": cleaned.withhold_parent, "needles": [_text(n) for n in cleaned.needles]}


def _text(data: bytes | None) -> str | None:
    return None if data is None else base64.b64encode(data).decode("ascii")


def _returning_text(task: Callable[..., bytes | None]) -> Callable[..., str | None]:
    return lambda *args: _text(task(*args))


# Every task returns plain data (JSON values): engine.untrusted's decoders give the shapes.
TASKS: dict[str, Callable[..., Any]] = {"inspect": _plain_report, "thumbnail": _returning_text(_thumbnail),
                                        "resource": _returning_text(_resource),
                                        "resource_picture": _returning_text(_resource_picture),
                                        "parent": _plain_parent}
# The privacy check: what a file would reveal, and a copy with the person's choices applied.
TASKS.update({"privacy": lambda path, media_type: take_inventory(Path(path), media_type).to_dict(),
              "privacy_clean": lambda path, media_type, location, strip, target: _plain_cleaned(
                  clean_copy(Path(path), Path(target), media_type, PrivacyChoices(location, strip)))})
# Derived copies (engine.derive): a web rendition, a caption written into the file, the caption it has.
TASKS.update({"web_rendition": derive_render.rendition_task, "caption_copy": derive_render.caption_copy_task,
              "caption_read": derive_render.caption_read_task})



def _plain_fingerprints(path: str, all_orientations: bool) -> dict[str, Any]:
    from .fingerprints import fingerprint_file

    result = fingerprint_file(Path(path), all_orientations)
    return {"prints": [{"orientation": p.orientation.value, "iscc": p.iscc.hex(), "pdq": p.pdq.hex(),
                        "quality": p.quality} for p in result.prints],
            "refused": result.refused, "width": result.width, "height": result.height}


# Soft binding: a picture's perceptual fingerprints (engine.fingerprints), in 8 orientations for a query.
TASKS.update({"fingerprint": _plain_fingerprints})


def _plain_manifest_store(path: str) -> dict[str, str] | None:
    from .manifest_store import store_of

    found = store_of(Path(path))
    return None if found is None else {"store": base64.b64encode(found[0]).decode("ascii"), "label": found[1]}


# A received file's embedded manifest store and its label (engine.manifest_store), to keep in the repository.
TASKS.update({"manifest_store": _plain_manifest_store})


def _store_results(path: str) -> dict[str, Any] | None:
    from .manifest_store import store_results

    return store_results(Path(path))


# A recovered manifest store read alone: its label and validation results, for a re-associated copy (engine.reembed).
TASKS.update({"store_results": _store_results})


def _second_check(path: str, media_type: str | None, options: dict[str, Any]) -> str | None:
    from .second_check import check_signed_copy

    return check_signed_copy(Path(path), media_type, SecondValidator(**options))


# The second validator's look at a copy just signed: it may embed someone else's manifest (its parent ingredient).
TASKS.update({"second_check": _second_check})

register_heif()  # once in the fork server, not once per worker
