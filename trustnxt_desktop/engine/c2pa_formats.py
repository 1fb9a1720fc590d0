"""The media types c2pa-python's Reader and Builder accept, as the installed library lists them (a snapshot).

A process that only sends files to the parser workers (a local `trustnxt inspect`, the window) needs the
format table (engine.formats) to pick a folder's files, not c2pa itself, whose loading costs it 20-40 ms.
The snapshot stands only while the installed distribution is the one it was taken from (its dist-info
folder beside the package); otherwise the table comes from the library. tests/engine/test_formats.py checks
it against the library.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

VERSION = "0.38.1"

READABLE = (
    "application/c2pa", "application/epub+zip", "application/mp4", "application/oxps", "application/pdf",
    "application/svg+xml", "application/vnd.ms-excel.sheet.macroenabled.12",
    "application/vnd.ms-powerpoint.presentation.macroenabled.12", "application/vnd.ms-word.document.macroenabled.12",
    "application/vnd.oasis.opendocument.graphics", "application/vnd.oasis.opendocument.graphics-template",
    "application/vnd.oasis.opendocument.presentation", "application/vnd.oasis.opendocument.presentation-template",
    "application/vnd.oasis.opendocument.spreadsheet", "application/vnd.oasis.opendocument.spreadsheet-template",
    "application/vnd.oasis.opendocument.text", "application/vnd.oasis.opendocument.text-template",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "application/x-c2pa-manifest-store",
    "application/x-troff-msvideo", "application/x-zip", "arw", "audio/flac", "audio/mp3", "audio/mp4", "audio/mpeg",
    "audio/mpeg3", "audio/vnd.wave", "audio/wav", "audio/wave", "audio/x-mp3", "audio/x-wav", "avi", "avif", "c2pa",
    "dng", "docm", "docx", "epub", "flac", "gif", "heic", "heif", "image/avif", "image/dng", "image/gif", "image/heic",
    "image/heif", "image/jpeg", "image/jxl", "image/png", "image/svg+xml", "image/tiff", "image/webp",
    "image/x-adobe-dng", "image/x-nikon-nef", "image/x-sony-arw", "image/x-webp", "jpeg", "jpg", "jxl", "m4a", "m4v",
    "mov", "mp3", "mp4", "nef", "odg", "odp", "ods", "odt", "otg", "otp", "ots", "ott", "oxps", "pdf", "png", "pptm",
    "pptx", "svg", "tif", "tiff", "video/avi", "video/mp4", "video/msvideo", "video/quicktime", "video/x-m4v",
    "video/x-msvideo", "wav", "webp", "xlsm", "xlsx", "zip",
)
WRITABLE = (
    "application/c2pa", "application/epub+zip", "application/mp4", "application/oxps", "application/pdf",
    "application/svg+xml", "application/vnd.ms-excel.sheet.macroenabled.12",
    "application/vnd.ms-powerpoint.presentation.macroenabled.12", "application/vnd.ms-word.document.macroenabled.12",
    "application/vnd.oasis.opendocument.graphics", "application/vnd.oasis.opendocument.graphics-template",
    "application/vnd.oasis.opendocument.presentation", "application/vnd.oasis.opendocument.presentation-template",
    "application/vnd.oasis.opendocument.spreadsheet", "application/vnd.oasis.opendocument.spreadsheet-template",
    "application/vnd.oasis.opendocument.text", "application/vnd.oasis.opendocument.text-template",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "application/x-c2pa-manifest-store",
    "application/x-troff-msvideo", "application/x-zip", "audio/flac", "audio/mp3", "audio/mp4", "audio/mpeg",
    "audio/mpeg3", "audio/vnd.wave", "audio/wav", "audio/wave", "audio/x-mp3", "audio/x-wav", "avi", "avif", "c2pa",
    "dng", "docm", "docx", "epub", "flac", "gif", "heic", "heif", "image/avif", "image/dng", "image/gif", "image/heic",
    "image/heif", "image/jpeg", "image/jxl", "image/png", "image/svg+xml", "image/tiff", "image/webp",
    "image/x-adobe-dng", "image/x-webp", "jpeg", "jpg", "jxl", "m4a", "m4v", "mov", "mp3", "mp4", "odg", "odp", "ods",
    "odt", "otg", "otp", "ots", "ott", "oxps", "pdf", "png", "pptm", "pptx", "svg", "tif", "tiff", "video/avi",
    "video/mp4", "video/msvideo", "video/quicktime", "video/x-m4v", "video/x-msvideo", "wav", "webp", "xlsm", "xlsx",
    "zip",
)


def current() -> bool:
    """Whether the installed c2pa-python is VERSION, found without loading it (a stat of its dist-info)."""
    spec = importlib.util.find_spec("c2pa")
    if spec is None or spec.origin is None:
        return False
    return (Path(spec.origin).parent.parent / f"c2pa_python-{VERSION}.dist-info").is_dir()
