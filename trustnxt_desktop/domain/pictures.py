"""Comparing the file's own picture with the thumbnail signed into its Content Credentials.

A camera stores pixels as the sensor read them and an EXIF Orientation flag saying how to turn them
(EXIF 2.32, tag 0x0112). Tools differ in whether they apply that flag when they make a thumbnail, and
some crop or pad thumbnails, so a thumbnail turned or shaped differently from the file is common and
is not by itself a sign of manipulation. This module says so instead of leaving a reader to guess.
"""

from __future__ import annotations

from .report import PictureShape

ORIENTATIONS: dict[int, str] = {
    1: "upright",
    2: "mirrored",
    3: "turned 180°",
    4: "flipped upside down",
    5: "mirrored and turned 90°",
    6: "turned 90° clockwise",
    7: "mirrored and turned 90° anticlockwise",
    8: "turned 90° anticlockwise",
}
# Aspect ratios closer than this are the same shape (rounding of small thumbnails).
_SAME_SHAPE = 0.04


def _aspect(shape: PictureShape) -> float | None:
    width, height = shape.shown_size()
    return width / height if width > 0 and height > 0 else None


def _close(a: float, b: float) -> bool:
    return abs(a - b) / max(a, b) <= _SAME_SHAPE


def _ratio(a: float) -> str:
    return f"{a:.2f}:1" if a >= 1 else f"1:{1 / a:.2f}"


def thumbnail_note(file: PictureShape | None, thumbnail: PictureShape | None) -> str | None:
    """A plain sentence when the signed thumbnail, as shown, is turned or shaped differently from the file
    as shown (both with their EXIF orientation applied); None when they match or one is unknown."""
    if file is None or thumbnail is None:
        return None
    a, b = _aspect(file), _aspect(thumbnail)
    if a is None or b is None or _close(a, b):
        return None
    flag = (f" The file asks viewers to show its pixels {ORIENTATIONS[file.orientation]} (EXIF orientation "
            f"{file.orientation})." if file.orientation in ORIENTATIONS and file.orientation != 1 else "")
    if _close(a, 1 / b):
        return ("The signed thumbnail is turned 90° relative to the file as shown." + flag
                + " Tools differ in whether they apply a picture's orientation when they make its thumbnail: "
                  "a different orientation alone is not a sign of manipulation. Whether the file changed is "
                  "what the integrity check says.")
    return (f"The signed thumbnail has a different shape ({_ratio(b)}) from the file as shown ({_ratio(a)})." + flag
            + " Some tools crop or pad thumbnails: compare what the two show, and rely on the integrity check "
              "for whether the file changed.")
