"""The manifest definition signed into a protected copy: the first action states the chosen claim as its IPTC
digital source type (C2PA 2.x actions assertion), `c2pa.opened` with the original as parentOf when it has one."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from trustnxt_desktop import APP_NAME, __version__
from trustnxt_desktop.domain.protect import ContentSource, ProtectOptions
from trustnxt_desktop.engine.manifest import (
    PARENT_LABEL,
    THUMBNAIL_ID,
    TRAINING_MINING_LABEL,
    build_manifest,
    claim_generator,
)

NOW = dt.datetime(2026, 11, 29, 17, 39, 52, 123456, tzinfo=dt.UTC)


@given(st.sampled_from(ContentSource), st.booleans(), st.none() | st.text(min_size=1, max_size=10), st.booleans(),
       st.booleans(), st.none() | st.sampled_from(["Logitech C920 (camera)"]))
def test_the_first_action_states_the_claim(source: ContentSource, has_parent: bool, unattached: str | None,
                                           thumbnail: bool, do_not_train: bool, device: str | None) -> None:
    options = ProtectOptions(content_source=source, do_not_train=do_not_train, capture_device=device)
    m = build_manifest(title="a.jpg", media_type="image/jpeg", options=options, has_parent=has_parent,
                       thumbnail=thumbnail, parent_without_manifest=unattached, now=NOW)
    (actions,) = [a["data"]["actions"] for a in m["assertions"] if a["label"] == "c2pa.actions.v2"]
    (first,) = actions
    opened = has_parent or unattached is not None
    assert first["action"] == ("c2pa.opened" if opened else "c2pa.created")
    assert first["digitalSourceType"] == source.digital_source_type
    assert first["when"] == "2026-11-29T17:39:52+00:00"
    assert (first.get("parameters") == {"ingredientIds": [PARENT_LABEL]}) == opened
    assert ("description" in first) == (device is not None)
    assert ("thumbnail" in m) == thumbnail and (not thumbnail or m["thumbnail"]["identifier"] == THUMBNAIL_ID)
    assert any(a["label"] == TRAINING_MINING_LABEL for a in m["assertions"]) == do_not_train
    if unattached is not None:
        assert m["ingredients"] == [{"title": unattached, "format": "image/jpeg", "relationship": "parentOf",
                                     "label": PARENT_LABEL}]
    else:
        assert "ingredients" not in m, "an attached parent is added by the caller, with its manifest"


def test_author_capture_time_and_training_choices() -> None:
    options = ProtectOptions(author="Ada", captured_at="2026-01-02T03:04:05+01:00")
    m = build_manifest(title="t", media_type="image/png", options=options, has_parent=False, thumbnail=False)
    labels = {a["label"]: a["data"] for a in m["assertions"]}
    assert labels["stds.schema-org.CreativeWork"]["author"] == [{"@type": "Person", "name": "Ada"}]
    assert labels["c2pa.actions.v2"]["actions"][0]["when"] == "2026-01-02T03:04:05+01:00"
    entries = labels[TRAINING_MINING_LABEL]["entries"]
    assert entries and all(e == {"use": "notAllowed"} for e in entries.values())
    assert m["claim_generator_info"] == [{"name": APP_NAME, "version": __version__}]
    assert claim_generator() == f"{APP_NAME} {__version__}"
