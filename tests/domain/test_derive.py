"""What a derived copy asks for (domain.derive): the web formats' names, the web export's and the caption edit's
range checks (IPTC/IIM limits), and which fields a caption edit says it changes."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from trustnxt_desktop.domain.derive import (
    CAPTION_MAX,
    CREDIT_MAX,
    DEFAULT_LONG_EDGE,
    DEFAULT_QUALITY,
    KEYWORD_MAX,
    LONG_EDGE_RANGE,
    CaptionEdit,
    WebExport,
    WebFormat,
)


def test_web_formats_name_their_media_type_extension_and_label() -> None:
    assert [(f.media_type, f.extension, f.label) for f in WebFormat] == [
        ("image/jpeg", ".jpg", "JPEG"), ("image/webp", ".webp", "WebP"), ("image/avif", ".avif", "AVIF")]


def test_a_web_export_takes_the_cli_name_of_its_format_and_has_defaults() -> None:
    export = WebExport(format="webp")  # type: ignore[arg-type]  # what the CLI hands over
    assert export.format is WebFormat.WEBP
    assert (export.long_edge, export.quality, export.remove_location) == (DEFAULT_LONG_EDGE, DEFAULT_QUALITY, False)
    with pytest.raises(ValueError):
        WebExport(format="gif")  # type: ignore[arg-type]  # a format outside WebFormat is the point of the test


@given(st.integers(min_value=-10, max_value=20000), st.integers(min_value=-5, max_value=105))
def test_a_web_export_accepts_exactly_its_ranges(long_edge: int, quality: int) -> None:
    low, high = LONG_EDGE_RANGE
    valid = low <= long_edge <= high and 1 <= quality <= 100
    if valid:
        assert WebExport(long_edge=long_edge, quality=quality).long_edge == long_edge
    else:
        with pytest.raises(ValueError, match="long edge|quality"):
            WebExport(long_edge=long_edge, quality=quality)


def test_a_caption_edit_with_nothing_to_change_is_refused() -> None:
    with pytest.raises(ValueError, match="nothing to change"):
        CaptionEdit()


def test_keywords_are_trimmed_deduplicated_in_order_and_blank_ones_dropped() -> None:
    edit = CaptionEdit(keywords=(" harbour ", "boat", "", "harbour", "  ", "Boat"))
    assert edit.keywords == ("harbour", "boat", "Boat")
    assert edit.fields() == ["keywords"]


def test_empty_values_clear_a_field_and_count_as_changes() -> None:
    edit = CaptionEdit(caption="", credit="", keywords=())
    assert edit.fields() == ["caption", "credit", "keywords"]
    assert CaptionEdit(credit="Agency").fields() == ["credit"]


def test_the_iptc_lengths_are_the_limits() -> None:
    assert CaptionEdit(caption="x" * CAPTION_MAX).caption == "x" * CAPTION_MAX
    with pytest.raises(ValueError, match=f"at most {CAPTION_MAX}"):
        CaptionEdit(caption="x" * (CAPTION_MAX + 1))
    assert CaptionEdit(credit="c" * CREDIT_MAX).credit is not None
    with pytest.raises(ValueError, match=f"at most {CREDIT_MAX}"):
        CaptionEdit(credit="c" * (CREDIT_MAX + 1))
    assert CaptionEdit(keywords=("k" * KEYWORD_MAX,)).keywords == ("k" * KEYWORD_MAX,)
    with pytest.raises(ValueError, match=f"at most {KEYWORD_MAX}"):
        CaptionEdit(keywords=("k" * (KEYWORD_MAX + 1),))
