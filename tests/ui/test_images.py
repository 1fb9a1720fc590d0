"""ui/images.py: pictures from bytes turned the way their EXIF orientation says."""

from __future__ import annotations

import io

from PIL import Image
from PySide6.QtWidgets import QApplication

from trustnxt_desktop.ui.images import image_from_bytes


def _jpeg(width: int, height: int, orientation: int | None) -> bytes:
    out = io.BytesIO()
    exif = Image.Exif()
    if orientation:
        exif[0x0112] = orientation
    Image.new("RGB", (width, height), (200, 30, 30)).save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


def test_a_sideways_stored_picture_is_shown_upright(qapp: QApplication) -> None:
    upright = image_from_bytes(_jpeg(40, 20, None))
    turned = image_from_bytes(_jpeg(40, 20, 6))  # EXIF 6: rotate 90° clockwise to view
    assert (upright.width(), upright.height()) == (40, 20)
    assert (turned.width(), turned.height()) == (20, 40)


def test_no_bytes_or_not_a_picture_is_a_null_image(qapp: QApplication) -> None:
    assert image_from_bytes(None).isNull()
    assert image_from_bytes(b"").isNull()
    assert image_from_bytes(b"\x00not a picture at all").isNull()
