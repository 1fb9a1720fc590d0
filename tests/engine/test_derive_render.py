"""The pixels and metadata of derived copies (engine.derive_render), without signing: a web rendition turned
upright, scaled to its long edge and encoded as asked, keeping or leaving out location in EXIF, XMP and IPTC-IIM;
transparency on white in JPEG; caption fields read and written (XMP and IIM) without touching the original; the
isolated workers' task wrappers give the same answers."""

from __future__ import annotations

import base64
import hashlib
import io
from pathlib import Path

import pyexiv2
import pytest
from PIL import Image

from tests.conftest import CORPUS
from tests.geotagged import CAPTION, CITY, CREDIT, KEYWORDS, LOCATION_TEXTS, exif_gps_bytes, geotagged_jpeg
from trustnxt_desktop.domain.derive import Caption, CaptionEdit, WebExport, WebFormat
from trustnxt_desktop.engine.derive_render import (
    caption_copy_task,
    caption_read_task,
    is_location,
    read_caption,
    rendition_task,
    web_rendition,
    with_caption,
)


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def photo(tmp_path: Path) -> Path:
    return geotagged_jpeg(tmp_path / "harbour.jpg")  # 1200×800 stored sideways: shown 800 wide, 1200 high


@pytest.mark.parametrize("fmt", list(WebFormat))
def test_a_rendition_is_upright_at_its_long_edge_in_the_asked_format(photo: Path, fmt: WebFormat) -> None:
    before = _sha(photo)
    rendition = web_rendition(photo, WebExport(long_edge=300, format=fmt, quality=70), thumbnail_edge=64)
    assert rendition.source_size == (1200, 800)
    assert rendition.size == (200, 300), "EXIF orientation 6 applied, then scaled to 300 on the long side"
    with Image.open(io.BytesIO(rendition.data)) as im:
        assert im.format == fmt.value.upper() and im.size == (200, 300)
        assert im.getexif().get(0x0112) is None, "the pixels are upright: no orientation left to apply"
    assert rendition.thumbnail is not None
    with Image.open(io.BytesIO(rendition.thumbnail)) as thumb:
        assert thumb.format == "JPEG" and max(thumb.size) <= 64
    assert _sha(photo) == before


def test_a_small_picture_is_never_enlarged_and_no_thumbnail_when_none_is_asked(tmp_path: Path) -> None:
    rendition = web_rendition(CORPUS / "media" / "trustnxt-icon.png", WebExport(long_edge=16384), 0)
    assert rendition.size == rendition.source_size and rendition.thumbnail is None


def test_a_rendition_keeps_the_metadata_and_caption_unless_location_is_left_out(photo: Path) -> None:
    kept = web_rendition(photo, WebExport(long_edge=400), 0).data
    assert all(text in kept for text in LOCATION_TEXTS)
    with pyexiv2.ImageData(kept) as img:
        assert img.read_exif()["Exif.Image.Make"] == "TestCam"
        assert img.read_iptc()["Iptc.Application2.City"] == CITY
        assert "Exif.GPSInfo.GPSLatitude" in img.read_exif()

    stripped = web_rendition(photo, WebExport(long_edge=400, remove_location=True), 0).data
    assert not [text for text in (*LOCATION_TEXTS, *exif_gps_bytes()) if text in stripped]
    with pyexiv2.ImageData(stripped) as img:
        exif, xmp, iim = img.read_exif(), img.read_xmp(), img.read_iptc()
    assert exif["Exif.Image.Make"] == "TestCam" and not [k for k in exif if "GPS" in k]
    assert xmp["Xmp.photoshop.Credit"] == CREDIT and xmp["Xmp.dc.subject"] == KEYWORDS
    assert not [k for k in xmp if is_location(k)]
    assert iim["Iptc.Application2.Caption"] == CAPTION and "Iptc.Application2.City" not in iim


def test_transparency_is_put_on_white_in_jpeg_and_kept_in_webp(tmp_path: Path) -> None:
    source = tmp_path / "clear.png"
    Image.new("RGBA", (80, 40), (255, 0, 0, 0)).save(source)
    jpeg = web_rendition(source, WebExport(format=WebFormat.JPEG), 0)
    with Image.open(io.BytesIO(jpeg.data)) as im:
        pixel = im.convert("RGB").getpixel((40, 20))
        assert im.mode == "RGB" and isinstance(pixel, tuple) and all(c > 245 for c in pixel)
    webp = web_rendition(source, WebExport(format=WebFormat.WEBP), 0)
    with Image.open(io.BytesIO(webp.data)) as im:
        pixel = im.getpixel((40, 20))
        assert im.mode == "RGBA" and isinstance(pixel, tuple) and pixel[3] == 0


def test_a_file_that_is_no_picture_is_refused(tmp_path: Path) -> None:
    text = tmp_path / "notes.jpg"
    text.write_text("not a picture")
    with pytest.raises((OSError, ValueError)):
        web_rendition(text, WebExport(), 0)


@pytest.mark.parametrize(("key", "expected"), [
    ("Exif.GPSInfo.GPSLatitude", True), ("Xmp.exif.GPSLongitude", True), ("Xmp.photoshop.City", True),
    ("Xmp.iptcExt.LocationCreated[1]/Iptc4xmpExt:City", True), ("Iptc.Application2.City", True),
    ("Iptc.Application2.CountryName", True), ("Xmp.photoshop.Country", True),
    ("Exif.Image.Make", False), ("Xmp.dc.description", False), ("Iptc.Application2.Caption", False),
    ("Xmp.photoshop.Credit", False), ("Exif.Photo.DateTimeOriginal", False),
])
def test_is_location_names_places_and_positions(key: str, expected: bool) -> None:
    assert is_location(key) is expected


def test_the_caption_is_read_from_xmp_and_written_to_xmp_and_iim(photo: Path, tmp_path: Path) -> None:
    assert read_caption(photo, "image/jpeg") == Caption(CAPTION, CREDIT, tuple(KEYWORDS))
    before = _sha(photo)
    edited = with_caption(photo, "image/jpeg", CaptionEdit(caption="Kräne im Morgenlicht", keywords=("Hafen",)))
    assert _sha(photo) == before, "the original is never touched"
    copy = tmp_path / "copy.jpg"
    copy.write_bytes(edited)
    assert read_caption(copy, "image/jpeg") == Caption("Kräne im Morgenlicht", CREDIT, ("Hafen",))
    with pyexiv2.ImageData(edited) as img:
        iim = img.read_iptc()
    assert iim["Iptc.Application2.Caption"] == "Kräne im Morgenlicht"
    assert iim["Iptc.Application2.Keywords"] == ["Hafen"]
    assert iim["Iptc.Application2.City"] == CITY, "every other field as the file had it"

    cleared = tmp_path / "cleared.jpg"
    cleared.write_bytes(with_caption(copy, "image/jpeg", CaptionEdit(caption="", credit="", keywords=())))
    assert read_caption(cleared, "image/jpeg") == Caption()


def test_captions_only_where_exiv2_can_write(tmp_path: Path) -> None:
    heic = CORPUS / "media" / "sample1.heic"
    assert read_caption(heic, "image/heic") == Caption()
    with pytest.raises(ValueError, match="JPEG, PNG, WebP and TIFF"):
        with_caption(heic, "image/heic", CaptionEdit(caption="x"))


def test_the_worker_tasks_answer_plain_data_equal_to_the_functions(photo: Path) -> None:
    export = WebExport(long_edge=256, format=WebFormat.WEBP, quality=60)
    answer = rendition_task(str(photo), {"long_edge": 256, "format": "webp", "quality": 60,
                                         "remove_location": False}, 48)
    direct = web_rendition(photo, export, 48)
    assert answer["size"] == list(direct.size) and answer["source_size"] == list(direct.source_size)
    assert base64.b64decode(answer["data"]) == direct.data
    assert answer["thumbnail"] is not None and base64.b64decode(answer["thumbnail"]) == direct.thumbnail
    assert caption_read_task(str(photo), "image/jpeg") == {"caption": CAPTION, "credit": CREDIT,
                                                          "keywords": KEYWORDS}
    copy = base64.b64decode(caption_copy_task(str(photo), "image/jpeg", {"credit": "Someone else"}))
    assert copy == with_caption(photo, "image/jpeg", CaptionEdit(credit="Someone else"))
