"""The manifest definition we sign into a protected copy.

The first action states the claim the person chose (ProtectOptions.content_source, written as its
IPTC digitalSourceType; see domain.protect.ContentSource):
- the file carries Content Credentials of its own -> `c2pa.opened`, naming the original as the
  parentOf ingredient so its history (and its own verdict) stays attached;
- otherwise `c2pa.created`.
The file's unsigned metadata (EXIF) never decides the claim.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from .. import APP_NAME, __version__
from ..domain.actions import CREATED, EDITED_METADATA, OPENED
from ..domain.protect import ProtectOptions
from ..domain.soft_binding import ISCC_IMAGE

THUMBNAIL_ID = "trustnxt-thumbnail.jpg"
PARENT_LABEL = "trustnxt-parent"  # links the c2pa.opened action to the original's ingredient
TRAINING_MINING_LABEL = "cawg.training-mining"
SOFT_BINDING_LABEL = "c2pa.soft-binding"
_TRAINING_ENTRIES = ("cawg.ai_generative_training", "cawg.ai_inference", "cawg.ai_training", "cawg.data_mining")


def claim_generator() -> str:
    return f"{APP_NAME} {__version__}"


def parent_ingredient(title: str, media_type: str) -> dict[str, Any]:
    """The ingredient definition naming the original as this copy's parent (C2PA `parentOf`)."""
    return {"title": title, "format": media_type, "relationship": "parentOf", "label": PARENT_LABEL}


def build_manifest(*, title: str, media_type: str, options: ProtectOptions, has_parent: bool, thumbnail: bool,
                   parent_without_manifest: str | None = None, now: dt.datetime | None = None) -> dict[str, Any]:
    """The manifest definition for c2pa's Builder.

    `has_parent`: the original is added as the parentOf ingredient labelled PARENT_LABEL (by the
    caller, with its manifest). `parent_without_manifest`: the original's title, when its manifest
    cannot be attached: the ingredient is then defined here, by title and format alone.
    """
    when = options.captured_at or (now or dt.datetime.now(dt.UTC)).isoformat(timespec="seconds")
    opened = has_parent or parent_without_manifest is not None
    action: dict[str, Any] = {
        "action": OPENED if opened else CREATED,
        "when": when,
        "softwareAgent": {"name": APP_NAME, "version": __version__},
        "digitalSourceType": options.content_source.digital_source_type,
    }
    if opened:
        action["parameters"] = {"ingredientIds": [PARENT_LABEL]}
    if options.capture_device:
        action["description"] = f"Captured with {options.capture_device}"
    actions = [action]
    if options.edits and opened:
        # A derived copy claims nothing about the source of the content: its parent's manifest does.
        del action["digitalSourceType"]
        actions += [{"action": name, "when": action["when"], "softwareAgent": action["softwareAgent"],
                     "description": description} for name, description in options.edits]
    if options.metadata_edit:  # the privacy check removed or coarsened metadata before signing
        actions.append({"action": EDITED_METADATA, "when": action["when"], "softwareAgent": action["softwareAgent"],
                        "description": options.metadata_edit})
    assertions: list[dict[str, Any]] = [{"label": "c2pa.actions.v2", "data": {"actions": actions}}]
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
    if parent_without_manifest is not None:
        manifest["ingredients"] = [parent_ingredient(parent_without_manifest, media_type)]
    return manifest


def soft_binding_assertion(iscc_code: str) -> dict[str, Any]:
    """A `c2pa.soft-binding` assertion (C2PA 2.2 §18.9) for the whole picture: algorithm `io.iscc.v0` from the C2PA
    soft binding algorithm list, its value the ISCC Content-Code Image as ISO 24138 writes it ("ISCC:EE…")."""
    return {"label": SOFT_BINDING_LABEL,
            "data": {"alg": ISCC_IMAGE, "blocks": [{"scope": {}, "value": iscc_code}], "pad": []}}
