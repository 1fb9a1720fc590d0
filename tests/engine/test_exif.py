"""Capture details from a file's own, unsigned EXIF (EXIF 2.32: Make, Model, DateTimeOriginal, GPS IFD)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import ExifTags, Image, TiffImagePlugin

from tests.conftest import CORPUS
from trustnxt_desktop.domain.report import GeoPoint
from trustnxt_desktop.engine.exif import read_capture


def _jpeg(exif: Image.Exif) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(out, "JPEG", exif=exif)
    return out.getvalue()


def _gps(lat_ref: str, lon_ref: str, alt_ref: int | None = None) -> Image.Exif:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Google\x00"
    exif[ExifTags.Base.Model] = "  Pixel 5 "
    exif.get_ifd(ExifTags.IFD.Exif)[ExifTags.Base.DateTimeOriginal] = "2023:02:12 18:44:26"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    r = TiffImagePlugin.IFDRational
    gps[ExifTags.GPS.GPSLatitudeRef] = lat_ref
    gps[ExifTags.GPS.GPSLatitude] = (r(43), r(9), r(7538, 1000))
    gps[ExifTags.GPS.GPSLongitudeRef] = lon_ref
    gps[ExifTags.GPS.GPSLongitude] = (r(77), r(34), r(49918, 1000))
    if alt_ref is not None:
        gps[ExifTags.GPS.GPSAltitude] = r(1205, 10)
        gps[ExifTags.GPS.GPSAltitudeRef] = alt_ref
    return exif


def test_a_cameras_details_are_read_from_a_real_photo() -> None:
    capture = read_capture(CORPUS / "media" / "P1000827.jpg", "image/jpeg")
    assert capture is not None and not capture.signed
    assert (capture.make, capture.model, capture.taken_at) == ("Panasonic", "DMC-ZS60", "2019-06-07T14:56:19")


@pytest.mark.parametrize(("lat_ref", "lon_ref", "alt_ref", "point"), [
    ("N", "W", 0, GeoPoint(43.1520939, -77.5805328, 120.5)),
    ("S", "E", 1, GeoPoint(-43.1520939, 77.5805328, -120.5)),
    ("N", "E", None, GeoPoint(43.1520939, 77.5805328, None)),
])
def test_gps_hemispheres_and_altitude_below_sea_level(lat_ref: str, lon_ref: str, alt_ref: int | None,
                                                      point: GeoPoint) -> None:
    capture = read_capture(io.BytesIO(_jpeg(_gps(lat_ref, lon_ref, alt_ref))), "image/jpeg")
    assert capture is not None
    assert (capture.make, capture.model, capture.taken_at) == ("Google", "Pixel 5", "2023-02-12T18:44:26")
    assert capture.gps == point


def test_no_exif_or_not_a_picture_gives_nothing(tmp_path: Path) -> None:
    assert read_capture(CORPUS / "media" / "sample1.png", "image/png") is None
    assert read_capture(CORPUS / "media" / "sample1.wav", "audio/wav") is None
    assert read_capture(io.BytesIO(_jpeg(Image.Exif())), "image/jpeg") is None
    broken = tmp_path / "broken.jpg"
    data = _jpeg(_gps("N", "W", 0))
    broken.write_bytes(data[: len(data) // 3] + b"\x00" * 50)  # cut in the middle of its metadata
    capture = read_capture(broken, "image/jpeg")
    assert capture is None or capture.make == "Google", "damaged metadata never raises"
    assert read_capture(io.BytesIO(b"not an image"), "image/jpeg") is None
