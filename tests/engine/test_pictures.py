"""The file's own picture (image, PDF page, video frame) and its signed thumbnail, turned as people see them."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from tests.conftest import CORPUS
from tests.expect import present, protected_copy
from trustnxt_desktop.domain.pictures import thumbnail_note
from trustnxt_desktop.domain.protect import ProtectOptions
from trustnxt_desktop.engine.inspect import inspect_file
from trustnxt_desktop.engine.pictures import make_preview, picture_shape
from trustnxt_desktop.engine.protect import protect_file
from trustnxt_desktop.engine.trust import TrustConfig
from trustnxt_desktop.services.previews import file_preview, manifest_picture

RED, BLUE = (220, 20, 20), (20, 20, 220)


def oriented_jpeg(path: Path, orientation: int = 6) -> Path:
    """160×80 stored pixels, red left half and blue right half, with an EXIF Orientation tag. With
    orientation 6 (turn 90° clockwise) viewers show it 80×160 with red on top."""
    im = Image.new("RGB", (160, 80), BLUE)
    im.paste(RED, (0, 0, 80, 80))
    exif = Image.Exif()
    exif[0x0112] = orientation
    im.save(path, "JPEG", exif=exif, quality=95)
    return path


def decoded(data: bytes | None) -> Image.Image:
    assert data is not None and data[:3] == b"\xff\xd8\xff"
    return Image.open(io.BytesIO(data)).convert("RGB")


def near(pixel: float | tuple[int, ...] | None, colour: tuple[int, int, int]) -> bool:
    """Whether an RGB pixel, as Image.getpixel answers it, is close to `colour`."""
    assert isinstance(pixel, tuple) and len(pixel) == 3, pixel
    return all(abs(a - b) < 60 for a, b in zip(pixel, colour, strict=True))


def test_pdf_first_page_and_video_frame_are_pictures() -> None:
    page = decoded(make_preview(CORPUS / "c2pa" / "adobe-20240110-single_manifest_store.pdf", "application/pdf", 240))
    assert page.size[1] == 240 and abs(page.size[0] - 155) <= 1  # the page is 792 × 1224 points
    frame = decoded(make_preview(CORPUS / "c2pa" / "video1.mp4", "video/mp4", 240))
    assert frame.size == (135, 240)  # 720 × 1280 pixels
    assert make_preview(CORPUS / "media" / "sample1.mp3", "audio/mpeg", 240) is None  # no cover art
    assert make_preview(CORPUS / "media" / "sample1.png", "image/png", 0) is None


def test_hostile_video_gives_no_picture_never_a_crash() -> None:
    with pytest.raises(Exception):  # noqa: B017 - FFmpeg's own error type; the worker turns it into "no preview"
        make_preview(CORPUS / "hostile" / "nested_moov_1000.mp4", "video/mp4", 240)
    assert file_preview(CORPUS / "hostile" / "nested_moov_1000.mp4", 240) is None
    assert file_preview(CORPUS / "media" / "c.mov", 240) is not None


def test_file_picture_is_turned_by_its_exif_orientation(tmp_path: Path) -> None:
    src = oriented_jpeg(tmp_path / "portrait.jpg")
    assert present(picture_shape(src, "image/jpeg")).shown_size() == (80, 160)
    picture = decoded(file_preview(src, 160))
    assert picture.size == (80, 160)
    assert near(picture.getpixel((40, 20)), RED) and near(picture.getpixel((40, 140)), BLUE)


def _raw_thumbnail(source: Path, media_type: str, edge: int) -> bytes:
    """What a tool that ignores the orientation flag signs: the stored pixels, no EXIF."""
    with Image.open(source) as im:
        out = io.BytesIO()
        im.convert("RGB").save(out, "JPEG")
        return out.getvalue()


def _thumbnail_keeping_exif(source: Path, media_type: str, edge: int) -> bytes:
    """What Truepic signs: the stored pixels with the same orientation flag as the file."""
    return source.read_bytes()


def test_thumbnail_turned_differently_is_explained(tmp_path: Path, identity) -> None:
    src = oriented_jpeg(tmp_path / "portrait.jpg")
    ours = inspect_file(protected_copy(protect_file(src, identity, ProtectOptions(out_dir=tmp_path / "ours"))),
                        TrustConfig())
    assert ours.picture is not None and ours.picture.orientation == 6
    assert ours.thumbnail_shape is not None
    width, height = ours.thumbnail_shape.shown_size()
    assert width < height
    assert thumbnail_note(ours.picture, ours.thumbnail_shape) is None

    other = protect_file(src, identity, ProtectOptions(out_dir=tmp_path / "other"), thumbnailer=_raw_thumbnail)
    report = inspect_file(protected_copy(other), TrustConfig())
    assert report.thumbnail_shape is not None and report.thumbnail_shape.shown_size() == (160, 80)
    note = thumbnail_note(report.picture, report.thumbnail_shape)
    assert note is not None and "turned 90°" in note and "not a sign of manipulation" in note


def test_signed_thumbnail_with_its_own_orientation_is_shown_upright(tmp_path: Path, identity) -> None:
    src = oriented_jpeg(tmp_path / "portrait.jpg")
    done = protect_file(src, identity, ProtectOptions(out_dir=tmp_path), thumbnailer=_thumbnail_keeping_exif)
    report = inspect_file(protected_copy(done), TrustConfig())
    assert report.thumbnail_shape is not None and report.thumbnail_shape.orientation == 6
    assert thumbnail_note(report.picture, report.thumbnail_shape) is None  # both turn the same way
    thumb = decoded(manifest_picture(protected_copy(done), present(report.thumbnail), 160))
    assert thumb.size == (80, 160) and near(thumb.getpixel((40, 20)), RED)
