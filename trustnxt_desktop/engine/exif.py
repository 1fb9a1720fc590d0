"""Capture details from a file's own (unsigned) EXIF: useful context, but anyone could have written it."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from PIL import ExifTags, Image

from ..domain.report import Capture, GeoPoint
from .media import is_image
from .thumbnails import open_image

_GPS_IFD = ExifTags.IFD.GPSInfo
_EXIF_IFD = ExifTags.IFD.Exif


def read_capture(source: Path | io.BytesIO, media_type: str | None) -> Capture | None:
    """Make, model, GPS and time from EXIF, or None when the file has none (or is not an image).

    `source` may be the file's bytes already in memory (inspection reads a file once for everything)."""
    if not is_image(media_type) or media_type == "image/svg+xml":
        return None
    try:
        with open_image(source) as im:
            if im.format == "PNG" and "exif" not in im.info:
                # Pillow would decode the whole image to look for an eXIf chunk after the pixels;
                # cameras write it before them, so a missing early chunk means no EXIF worth the cost.
                return None
            exif = im.getexif()
            if not exif:
                return None
            sub = exif.get_ifd(_EXIF_IFD)
            gps = _gps(exif.get_ifd(_GPS_IFD))
            capture = Capture(
                signed=False,
                make=_text(exif.get(ExifTags.Base.Make)),
                model=_text(exif.get(ExifTags.Base.Model)),
                gps=gps,
                taken_at=_exif_time(sub.get(ExifTags.Base.DateTimeOriginal) or exif.get(ExifTags.Base.DateTime)),
            )
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError, Image.DecompressionBombWarning,
            KeyError, TypeError, ZeroDivisionError, IndexError, AttributeError, MemoryError):
        # Damaged or hostile metadata must not break inspection; we simply have no unsigned capture data.
        # MemoryError: a lying chunk length makes Pillow ask for gigabytes in one read (found by fuzzing).
        return None
    return None if capture.is_empty() else capture


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    text = str(value).strip("\x00 ").strip()
    return text or None


def _exif_time(value: Any) -> str | None:
    """EXIF 'YYYY:MM:DD HH:MM:SS' (local time, zone unknown) -> 'YYYY-MM-DDTHH:MM:SS'."""
    text = _text(value)
    if not text or len(text) < 19:
        return text
    return f"{text[0:4]}-{text[5:7]}-{text[8:10]}T{text[11:19]}"


def _dms(values: Any, ref: Any) -> float | None:
    try:
        d, m, s = (float(v) for v in values)
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    result = d + m / 60 + s / 3600
    return -result if _text(ref) in ("S", "W") else result


def _gps(info: dict[int, Any]) -> GeoPoint | None:
    if not info:
        return None
    lat = _dms(info.get(ExifTags.GPS.GPSLatitude), info.get(ExifTags.GPS.GPSLatitudeRef))
    lon = _dms(info.get(ExifTags.GPS.GPSLongitude), info.get(ExifTags.GPS.GPSLongitudeRef))
    if lat is None or lon is None:
        return None
    alt_raw = info.get(ExifTags.GPS.GPSAltitude)
    try:
        alt = float(alt_raw) if alt_raw is not None else None
    except (TypeError, ValueError, ZeroDivisionError):
        alt = None
    if alt is not None and info.get(ExifTags.GPS.GPSAltitudeRef) in (1, b"\x01"):
        alt = -alt
    return GeoPoint(lat=round(lat, 7), lon=round(lon, 7), alt=alt)
