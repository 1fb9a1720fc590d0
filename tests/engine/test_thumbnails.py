"""Thumbnails for manifests and previews: a JPEG whose long edge is at most the asked edge, upright (EXIF
orientation applied), transparent pictures on white, never a decompression bomb."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from tests.conftest import CORPUS
from trustnxt_desktop.engine.thumbnails import make_thumbnail

STILLS = [("P1000827.jpg", "image/jpeg"), ("sample1.png", "image/png"), ("sample1.webp", "image/webp"),
          ("sample1.gif", "image/gif"), ("sample1.avif", "image/avif"), ("sample1.heic", "image/heic"),
          ("test.tiff", "image/tiff")]


@pytest.mark.parametrize(("name", "media_type"), STILLS)
@pytest.mark.parametrize("edge", [64, 256])
def test_a_thumbnail_keeps_the_shape_within_the_edge(name: str, media_type: str, edge: int) -> None:
    source = CORPUS / "media" / name
    data = make_thumbnail(source, media_type, edge)
    assert data is not None and data[:2] == b"\xff\xd8"
    with Image.open(source) as original, Image.open(io.BytesIO(data)) as thumb:
        assert thumb.format == "JPEG" and max(thumb.size) <= edge
        if max(original.size) > edge:
            assert max(thumb.size) >= edge - 1, "scaled down to the edge, not further"
            assert abs(thumb.width / thumb.height - original.width / original.height) < 0.05


def test_the_exif_orientation_is_applied(tmp_path: Path) -> None:
    exif = Image.Exif()
    exif[0x0112] = 6  # stored landscape, shown turned 90° clockwise
    src = tmp_path / "turned.jpg"
    Image.new("RGB", (400, 200), "blue").save(src, "JPEG", exif=exif)
    data = make_thumbnail(src, "image/jpeg", 100)
    assert data is not None
    assert Image.open(io.BytesIO(data)).size == (50, 100)


def test_transparency_is_flattened_on_white(tmp_path: Path) -> None:
    src = tmp_path / "clear.png"
    Image.new("RGBA", (50, 50), (255, 0, 0, 0)).save(src)
    data = make_thumbnail(src, "image/png", 32)
    assert data is not None
    pixel = Image.open(io.BytesIO(data)).convert("RGB").getpixel((16, 16))
    assert isinstance(pixel, tuple)
    r, g, b = pixel
    assert min(r, g, b) > 240, "a clear pixel shows as white, not black"


def test_no_thumbnail_for_what_is_not_a_still_or_when_turned_off() -> None:
    jpeg = CORPUS / "media" / "P1000827.jpg"
    assert make_thumbnail(jpeg, "image/jpeg", 0) is None
    assert make_thumbnail(CORPUS / "media" / "sample1.wav", "audio/wav", 256) is None
    assert make_thumbnail(jpeg, "image/svg+xml", 256) is None
    assert make_thumbnail(jpeg, None, 256) is None


def test_a_decompression_bomb_is_refused(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.png"
    Image.new("1", (20000, 20000)).save(bomb)  # 400 MP of one bit: a few kB on disk
    with pytest.raises((Image.DecompressionBombError, Image.DecompressionBombWarning)):
        make_thumbnail(bomb, "image/png", 256)
