"""The manifest definition we sign into a protected copy.

How the first action is chosen, since we never ask the photographer:
- the file already carries Content Credentials -> `c2pa.opened`, with the original as parentOf
  ingredient so its history stays attached;
- otherwise `c2pa.created` with digitalSourceType
  - digitalCapture for audio, video, and images whose EXIF names a camera (make or model),
  - digitalCreation for other images (graphics, exports: made by a person with software);
- an explicit ProtectOptions.digital_source_type wins (captures from this app set it).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from .. import APP_NAME, __version__
from ..domain.protect import DIGITAL_CAPTURE, DIGITAL_CREATION, ProtectOptions
from ..domain.report import Capture
from .media import is_audio_or_video

THUMBNAIL_ID = "trustnxt-thumbnail.jpg"
PARENT_LABEL = "trustnxt-parent"  # links the c2pa.opened action to the original's ingredient
TRAINING_MINING_LABEL = "cawg.training-mining"
_TRAINING_ENTRIES = ("cawg.ai_generative_training", "cawg.ai_inference", "cawg.ai_training", "cawg.data_mining")


def claim_generator() -> str:
    return f"{APP_NAME} {__version__}"


def choose_source_type(media_type: str, exif: Capture | None, options: ProtectOptions) -> str:
    if options.digital_source_type:
        return options.digital_source_type
    if is_audio_or_video(media_type) or (exif is not None and (exif.make or exif.model)):
        return DIGITAL_CAPTURE
    return DIGITAL_CREATION


def build_manifest(*, title: str, media_type: str, options: ProtectOptions, source_type: str,
                   has_parent: bool, thumbnail: bool, now: dt.datetime | None = None) -> dict[str, Any]:
    when = options.captured_at or (now or dt.datetime.now(dt.timezone.utc)).isoformat(timespec="seconds")
    action: dict[str, Any] = {
        "action": "c2pa.opened" if has_parent else "c2pa.created",
        "when": when,
        "softwareAgent": {"name": APP_NAME, "version": __version__},
    }
    if has_parent:
        action["parameters"] = {"ingredientIds": [PARENT_LABEL]}
    else:
        action["digitalSourceType"] = source_type
    if options.capture_device:
        action["description"] = f"Captured with {options.capture_device}"
    assertions: list[dict[str, Any]] = [{"label": "c2pa.actions.v2", "data": {"actions": [action]}}]
    if options.author:
        assertions.append({
            "label": "stds.schema-org.CreativeWork",
            "data": {"@context": "http://schema.org/", "@type": "CreativeWork",
                     "author": [{"@type": "Person", "name": options.author}]},
        })
    if options.do_not_train:
        assertions.append({
            "label": TRAINING_MINING_LABEL,
            "data": {"entries": {entry: {"use": "notAllowed"} for entry in _TRAINING_ENTRIES}},
        })
    manifest: dict[str, Any] = {
        "claim_generator_info": [{"name": APP_NAME, "version": __version__}],
        "title": title,
        "format": media_type,
        "assertions": assertions,
    }
    if thumbnail:
        manifest["thumbnail"] = {"format": "image/jpeg", "identifier": THUMBNAIL_ID}
    return manifest
