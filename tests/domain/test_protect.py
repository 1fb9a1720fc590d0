"""What a protect request asks for: content sources as IPTC digital source types, checked options."""

from __future__ import annotations

from pathlib import Path

import pytest

from trustnxt_desktop.domain.ai import AiKind, kind_of_source_type
from trustnxt_desktop.domain.protect import (
    IPTC,
    THUMBNAIL_EDGES,
    ContentSource,
    ProtectOptions,
    ProtectResult,
    ProtectStatus,
)
from trustnxt_desktop.domain.report import Verdict


def test_each_content_source_is_an_iptc_digital_source_type() -> None:
    types = {s.digital_source_type for s in ContentSource}
    assert len(types) == len(ContentSource), "no two choices make the same claim"
    for source in ContentSource:
        assert source.digital_source_type.startswith(IPTC)
        assert source.label and source.claim
    # Only the AI choice declares AI, by the same rule every view uses.
    declares = {s for s in ContentSource if kind_of_source_type(s.digital_source_type) not in (None, AiKind.NONE)}
    assert declares == {ContentSource.AI}


def test_options_take_stored_plain_values_and_refuse_unknown_ones() -> None:
    stored = ProtectOptions(content_source="edited")  # type: ignore[arg-type]  # a stored plain value; converted
    assert stored.content_source is ContentSource.EDITED
    with pytest.raises(ValueError):
        ProtectOptions(content_source="painted")  # type: ignore[arg-type]  # an unknown stored value
    for edge in THUMBNAIL_EDGES:
        assert ProtectOptions(thumbnail_edge=edge).thumbnail_edge == edge
    with pytest.raises(ValueError, match="thumbnail size"):
        ProtectOptions(thumbnail_edge=300)


def test_a_result_is_plain_json() -> None:
    done = ProtectResult(Path("/in/a.jpg"), ProtectStatus.DONE, Path("/out/a.protected.jpg"), media_type="image/jpeg",
                         warnings=["w"], seconds=0.123456, engine="local")
    assert done.to_dict() == {"source": "/in/a.jpg", "output": "/out/a.protected.jpg", "status": "done",
                              "error": None, "media_type": "image/jpeg", "warnings": ["w"], "seconds": 0.1235,
                              "engine": "local", "parent_verdict": None}
    failed = ProtectResult(Path("b"), ProtectStatus.FAILED, error="no").to_dict()
    assert (failed["output"], failed["status"], failed["error"]) == (None, "failed", "no")
    kept = ProtectResult(Path("c"), ProtectStatus.DONE, parent_verdict=Verdict.INVALID).to_dict()
    assert kept["parent_verdict"] == "invalid"  # the original's own credentials, kept as the parent ingredient
