"""What kind of file is this? Decided from its bytes, not its name (names lie).

KNOWN_FORMATS is what we know about each format (names, extensions, how c2pa may spell it); which of
them the engine can read or sign comes from c2pa itself (engine.formats).
"""

from __future__ import annotations

import hashlib
import struct
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from ..domain.regular_files import open_regular


@dataclass(frozen=True)
class KnownFormat:
    media_type: str  # the name we report (IANA where registered)
    extensions: tuple[str, ...]  # lower case, no dot; the first names protected copies
    description: str
    aliases: tuple[str, ...] = ()  # other media type names c2pa uses for it


_OOXML = "application/vnd.openxmlformats-officedocument."
_ODF = "application/vnd.oasis.opendocument."
KNOWN_FORMATS: tuple[KnownFormat, ...] = (
    KnownFormat("image/jpeg", ("jpg", "jpeg"), "JPEG image"),
    KnownFormat("image/png", ("png",), "PNG image"),
    KnownFormat("image/webp", ("webp",), "WebP image", ("image/x-webp",)),
    KnownFormat("image/tiff", ("tif", "tiff"), "TIFF image"),
    KnownFormat("image/gif", ("gif",), "GIF image"),
    KnownFormat("image/avif", ("avif",), "AVIF image"),
    KnownFormat("image/heic", ("heic",), "HEIC image"),
    KnownFormat("image/heif", ("heif",), "HEIF image"),
    KnownFormat("image/jxl", ("jxl",), "JPEG XL image"),
    KnownFormat("image/x-adobe-dng", ("dng",), "DNG raw image", ("image/dng",)),
    KnownFormat("image/x-sony-arw", ("arw",), "Sony ARW raw image"),
    KnownFormat("image/x-nikon-nef", ("nef",), "Nikon NEF raw image"),
    KnownFormat("image/svg+xml", ("svg",), "SVG image", ("application/svg+xml",)),
    KnownFormat("audio/wav", ("wav",), "WAV audio", ("audio/wave", "audio/x-wav", "audio/vnd.wave")),
    KnownFormat("audio/mpeg", ("mp3",), "MP3 audio", ("audio/mp3", "audio/mpeg3", "audio/x-mp3")),
    KnownFormat("audio/mp4", ("m4a",), "M4A audio"),
    KnownFormat("audio/flac", ("flac",), "FLAC audio"),
    KnownFormat("video/mp4", ("mp4",), "MP4 video", ("application/mp4",)),
    KnownFormat("video/x-m4v", ("m4v",), "M4V video"),
    KnownFormat("video/quicktime", ("mov",), "QuickTime video"),
    KnownFormat("video/x-msvideo", ("avi",), "AVI video",
                ("video/avi", "video/msvideo", "application/x-troff-msvideo")),
    KnownFormat("application/pdf", ("pdf",), "PDF document"),
    KnownFormat(_OOXML + "wordprocessingml.document", ("docx",), "Word document"),
    KnownFormat(_OOXML + "spreadsheetml.sheet", ("xlsx",), "Excel workbook"),
    KnownFormat(_OOXML + "presentationml.presentation", ("pptx",), "PowerPoint presentation"),
    KnownFormat("application/vnd.ms-word.document.macroEnabled.12", ("docm",), "Word document with macros"),
    KnownFormat("application/vnd.ms-excel.sheet.macroEnabled.12", ("xlsm",), "Excel workbook with macros"),
    KnownFormat("application/vnd.ms-powerpoint.presentation.macroEnabled.12", ("pptm",),
                "PowerPoint presentation with macros"),
    KnownFormat(_ODF + "text", ("odt",), "OpenDocument text"),
    KnownFormat(_ODF + "text-template", ("ott",), "OpenDocument text template"),
    KnownFormat(_ODF + "spreadsheet", ("ods",), "OpenDocument spreadsheet"),
    KnownFormat(_ODF + "spreadsheet-template", ("ots",), "OpenDocument spreadsheet template"),
    KnownFormat(_ODF + "presentation", ("odp",), "OpenDocument presentation"),
    KnownFormat(_ODF + "presentation-template", ("otp",), "OpenDocument presentation template"),
    KnownFormat(_ODF + "graphics", ("odg",), "OpenDocument drawing"),
    KnownFormat(_ODF + "graphics-template", ("otg",), "OpenDocument drawing template"),
    KnownFormat("application/epub+zip", ("epub",), "EPUB e-book"),
    KnownFormat("application/oxps", ("oxps",), "OpenXPS document"),
    KnownFormat("application/zip", ("zip",), "ZIP archive", ("application/x-zip",)),
    KnownFormat("application/c2pa", ("c2pa",), "C2PA manifest store (sidecar)", ("application/x-c2pa-manifest-store",)),
)
_BY_EXTENSION: dict[str, str] = {f".{e}": f.media_type for f in KNOWN_FORMATS for e in f.extensions}
_BY_TYPE: dict[str, KnownFormat] = {f.media_type.lower(): f for f in KNOWN_FORMATS}
# ISO-BMFF major/compatible brands that tell the container's real use.
_HEIF_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1"}
_AVIF_BRANDS = {b"avif", b"avis"}
_AUDIO_BRANDS = {b"M4A ", b"M4B ", b"M4P "}

SNIFF_BYTES = 64
# ZIP-based documents: what their `mimetype` entry (EPUB, ODF) or [Content_Types].xml (OOXML, OpenXPS)
# says is what they are. Hostile ZIPs exist, so nothing is read beyond these caps.
_ZIP_HEAD_BYTES = 512  # the local header and content of a leading `mimetype` entry
_ZIP_MAX_ENTRIES = 10_000
_ZIP_MAX_DIRECTORY = 4 * 1024 * 1024
_ZIP_MAX_PART = 256 * 1024  # decompressed bytes of [Content_Types].xml read, at most
_OOXML_MAIN_PARTS = (  # (content type of the main part, lower case, media type of the package)
    ("wordprocessingml.document.main+xml", _OOXML + "wordprocessingml.document"),
    ("spreadsheetml.sheet.main+xml", _OOXML + "spreadsheetml.sheet"),
    ("presentationml.presentation.main+xml", _OOXML + "presentationml.presentation"),
    ("application/vnd.ms-word.document.macroenabled.main+xml", "application/vnd.ms-word.document.macroEnabled.12"),
    ("application/vnd.ms-excel.sheet.macroenabled.main+xml", "application/vnd.ms-excel.sheet.macroEnabled.12"),
    ("application/vnd.ms-powerpoint.presentation.macroenabled.main+xml",
     "application/vnd.ms-powerpoint.presentation.macroEnabled.12"),
    ("fixeddocumentsequence+xml", "application/oxps"),  # OpenXPS (ECMA-388) keeps the XPS part types
)
_OOXML_PART_NAMES = (("word/document.xml", _OOXML + "wordprocessingml.document"),
                     ("xl/workbook.xml", _OOXML + "spreadsheetml.sheet"),
                     ("ppt/presentation.xml", _OOXML + "presentationml.presentation"))
_TIFF_DNG_VERSION = 0xC612  # DNGVersion, the tag every DNG carries in IFD0 (DNG specification 1.x)


def media_type_for_extension(path: Path) -> str | None:
    return _BY_EXTENSION.get(path.suffix.lower())


def extension_for(media_type: str) -> str | None:
    known = _BY_TYPE.get(media_type.lower())
    return f".{known.extensions[0]}" if known else None


def known_format(media_type: str) -> KnownFormat | None:
    return _BY_TYPE.get(media_type.lower())


def sniff_bytes(head: bytes) -> str | None:
    """Media type from the first bytes of a file, or None when unknown."""
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return "image/tiff"
    if head[:4] == b"RIFF" and len(head) >= 12:
        return {b"WEBP": "image/webp", b"WAVE": "audio/wav", b"AVI ": "video/x-msvideo"}.get(head[8:12])
    if head[4:8] == b"ftyp":
        return _bmff_type(head)
    if head.startswith(b"fLaC"):
        return "audio/flac"
    if head.startswith(b"ID3") or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0 and head[1] & 0x06):
        return "audio/mpeg"
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"\xff\x0a") or head.startswith(b"\x00\x00\x00\x0cJXL \r\n\x87\n"):
        return "image/jxl"
    if head.startswith(b"PK\x03\x04"):
        return "application/zip"  # sniff() looks inside to tell documents from plain archives
    if head[4:8] == b"jumb":
        return "application/c2pa"  # a bare JUMBF manifest store (a .c2pa sidecar)
    stripped = head.lstrip()
    if stripped.startswith(b"<svg") or (stripped.startswith(b"<?xml") and b"<svg" in head):
        return "image/svg+xml"
    return None


def _bmff_type(head: bytes) -> str:
    size = int.from_bytes(head[0:4], "big")
    brands = {head[8:12]}
    end = min(len(head), size if size >= 16 else len(head))
    brands.update(head[i:i + 4] for i in range(16, end - 3, 4))
    if brands & _AVIF_BRANDS:
        return "image/avif"
    if brands & _HEIF_BRANDS:
        return "image/heic"
    if brands & _AUDIO_BRANDS:
        return "audio/mp4"
    if head[8:12] == b"qt  ":
        return "video/quicktime"
    return "video/mp4"


# Containers whose members the bytes alone cannot tell apart: there the extension decides.
_FAMILIES = (
    frozenset({"image/tiff", "image/x-adobe-dng", "image/x-sony-arw", "image/x-nikon-nef"}),
    frozenset({"video/mp4", "audio/mp4", "video/x-m4v", "video/quicktime"}),
    frozenset({"image/heic", "image/heif"}),
    # Macros or not is the main part's content type; a package that declares none leaves it to the name.
    frozenset({_OOXML + "wordprocessingml.document", "application/vnd.ms-word.document.macroEnabled.12"}),
    frozenset({_OOXML + "spreadsheetml.sheet", "application/vnd.ms-excel.sheet.macroEnabled.12"}),
    frozenset({_OOXML + "presentationml.presentation", "application/vnd.ms-powerpoint.presentation.macroEnabled.12"}),
)


def sniff(path: Path) -> str | None:
    """Media type of a file from its content, falling back to its extension when the bytes say nothing.

    TIFF is told from DNG by IFD0's DNGVersion tag; a ZIP from the document formats built on it (OOXML,
    ODF, EPUB, OpenXPS) by what the package says it is. Reads at most a few hundred KiB whatever the file.
    Raises NotRegularFile (an OSError) for a FIFO, socket or device, which it never opens.
    """
    with open_regular(path) as f:
        head = f.read(SNIFF_BYTES)
        by_name = media_type_for_extension(path)
        found = sniff_bytes(head)
        if found == "image/tiff" and _is_dng(f, head):
            return "image/x-adobe-dng"  # DNGVersion settles it, whatever the name says
        if found == "application/zip":
            found = _zip_type(f)
    if found is None:
        return by_name if head else None
    if by_name and any(found in family and by_name in family for family in _FAMILIES):
        return by_name
    return found


def _is_dng(f: BinaryIO, head: bytes) -> bool:
    """Whether the TIFF's first IFD carries DNGVersion (TIFF 6.0 layout: offset at byte 4, 12-byte entries)."""
    order = "<" if head[:2] == b"II" else ">"
    try:
        (offset,) = struct.unpack(order + "I", head[4:8])
        if offset > 16 * 1024 * 1024:
            return False
        f.seek(offset)
        raw = f.read(2)
        if len(raw) < 2:
            return False
        (count,) = struct.unpack(order + "H", raw)
        entries = f.read(12 * min(count, 4096))
    except (OSError, struct.error):
        return False
    return any(struct.unpack(order + "H", entries[i:i + 2])[0] == _TIFF_DNG_VERSION
               for i in range(0, len(entries) - 11, 12))


def _zip_type(f: BinaryIO) -> str:
    """The document format of a ZIP package, or "application/zip" for any other (or unreadable) ZIP.

    EPUB (OCF 3.x) and ODF (1.2+, part 3) start with an uncompressed `mimetype` entry naming the
    format; OOXML (ECMA-376 part 2) and OpenXPS (ECMA-388) name their main part's content type in
    [Content_Types].xml. The central directory is only parsed when it is small, and at most
    _ZIP_MAX_PART decompressed bytes are read, so a ZIP bomb costs nothing here.
    """
    f.seek(0)
    head = f.read(_ZIP_HEAD_BYTES)
    named = _leading_mimetype(head)
    if named is not None:
        return named
    try:
        if not _small_central_directory(f):
            return "application/zip"
        f.seek(0)
        with zipfile.ZipFile(f) as z:
            names = set(z.namelist())
            if "mimetype" in names:
                with z.open("mimetype") as part:
                    return _document_type(part.read(128)) or "application/zip"
            if "[Content_Types].xml" in names:
                with z.open("[Content_Types].xml") as part:
                    types = part.read(_ZIP_MAX_PART).lower()
                declared = next((media for part_type, media in _OOXML_MAIN_PARTS if part_type.encode() in types), None)
                # A package that declares no main part: its conventional part names (ECMA-376 part 1, 11-13).
                return declared or next((media for part, media in _OOXML_PART_NAMES if part in names),
                                        "application/zip")
    except Exception:  # noqa: BLE001 - hostile input: any failure to look inside leaves it a plain ZIP
        return "application/zip"
    return "application/zip"


def _leading_mimetype(head: bytes) -> str | None:
    """The format named by a first entry `mimetype` stored uncompressed (local file header, APPNOTE 4.3.7)."""
    if len(head) < 30:
        return None
    method, = struct.unpack("<H", head[8:10])
    size, = struct.unpack("<I", head[18:22])
    name_len, extra_len = struct.unpack("<HH", head[26:30])
    if head[30:30 + name_len] != b"mimetype" or method != 0 or size > 128:
        return None
    start = 30 + name_len + extra_len
    return _document_type(head[start:start + size])


def _document_type(declared: bytes) -> str | None:
    """A ZIP-based format we know, from the media type its package declares."""
    try:
        known = _BY_TYPE.get(declared.decode("ascii").strip().lower())
    except UnicodeDecodeError:
        return None
    return known.media_type if known and known.media_type != "application/zip" else None


def _small_central_directory(f: BinaryIO) -> bool:
    """Whether the end-of-central-directory record announces a directory small enough to parse (no ZIP64)."""
    f.seek(0, 2)
    size = f.tell()
    tail_len = min(size, 22 + 65535)
    f.seek(size - tail_len)
    tail = f.read(tail_len)
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) - at < 22:
        return False
    entries: int
    directory: int
    entries, directory = struct.unpack("<HI", tail[at + 10:at + 16])
    return entries != 0xFFFF and entries <= _ZIP_MAX_ENTRIES and directory <= _ZIP_MAX_DIRECTORY


def jxl_container(codestream: bytes) -> bytes:
    """A bare JPEG XL codestream in the ISO/IEC 18181-2 container: signature box, `ftyp` and `jxlc`.

    The image data is unchanged; only the container can hold other boxes such as a C2PA manifest store.
    """
    signature = b"\x00\x00\x00\x0cJXL \r\n\x87\n"
    ftyp = struct.pack(">I4s4sI4s", 20, b"ftyp", b"jxl ", 0, b"jxl ")
    if len(codestream) + 8 <= 0xFFFFFFFF:
        jxlc = struct.pack(">I4s", len(codestream) + 8, b"jxlc")
    else:  # ISO/IEC 14496-12 large box: size 1, then a 64-bit size
        jxlc = struct.pack(">I4sQ", 1, b"jxlc", len(codestream) + 16)
    return signature + ftyp + jxlc + codestream


def sha256_file(path: Path, chunk: int = 1 << 20) -> str:
    digest = hashlib.sha256()
    with open_regular(path) as f:  # never a FIFO or /dev/zero: a hash that cannot end
        while block := f.read(chunk):
            digest.update(block)
    return digest.hexdigest()


def is_image(media_type: str | None) -> bool:
    return media_type is not None and media_type.startswith("image/")


def is_audio_or_video(media_type: str | None) -> bool:
    return media_type is not None and media_type.split("/")[0] in ("audio", "video")
