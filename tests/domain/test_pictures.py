"""The signed thumbnail against the file as shown, with EXIF orientation applied (EXIF 2.32, tag 0x0112)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from trustnxt_desktop.domain.pictures import ORIENTATIONS, thumbnail_note
from trustnxt_desktop.domain.report import PictureShape

SIDE = st.integers(min_value=16, max_value=8000)


@given(SIDE, SIDE, st.integers(min_value=1, max_value=8), st.floats(min_value=0.02, max_value=1.0))
def test_the_same_shape_at_any_scale_needs_no_note(width: int, height: int, orientation: int, scale: float) -> None:
    file = PictureShape(width, height, orientation)
    shown_w, shown_h = file.shown_size()
    thumb = PictureShape(max(1, round(shown_w * scale)), max(1, round(shown_h * scale)))
    if abs(thumb.width / thumb.height - shown_w / shown_h) / max(thumb.width / thumb.height, shown_w / shown_h) <= 0.04:
        assert thumbnail_note(file, thumb) is None


@given(SIDE, SIDE, st.sampled_from([5, 6, 7, 8]))
def test_a_thumbnail_of_the_stored_pixels_is_called_turned_not_changed(width: int, height: int,
                                                                         orientation: int) -> None:
    # The camera's tool made the thumbnail from the pixels as stored, without applying the orientation.
    if abs(width / height - 1) <= 0.1:
        return  # a square picture looks the same either way
    note = thumbnail_note(PictureShape(width, height, orientation), PictureShape(width, height))
    assert note is not None and note.startswith("The signed thumbnail is turned 90°")
    assert f"(EXIF orientation {orientation})" in note and ORIENTATIONS[orientation] in note
    assert "not a sign of manipulation" in note


def test_a_cropped_thumbnail_names_both_shapes() -> None:
    note = thumbnail_note(PictureShape(4000, 3000), PictureShape(512, 512))
    assert note is not None and "different shape (1.00:1) from the file as shown (1.33:1)" in note
    assert "EXIF orientation" not in note, "an upright file has nothing to say about its orientation"
    tall = thumbnail_note(PictureShape(1000, 3000), PictureShape(500, 500))
    assert tall is not None and "(1:3.00)" in tall


def test_unknown_or_empty_shapes_say_nothing() -> None:
    assert thumbnail_note(None, PictureShape(10, 10)) is None
    assert thumbnail_note(PictureShape(10, 10), None) is None
    assert thumbnail_note(PictureShape(0, 10), PictureShape(10, 30)) is None
