"""What kind of file is this? Decided from its bytes, not its name (names lie)."""

from __future__ import annotations

import hashlib
from pathlib import Path

_EXTENSIONS: dict[str, str] = {
    ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png", ".webp": "image/webp",
    ".tif": "image/tiff", ".tiff": "image/tiff", ".gif": "image/gif", ".avif": "image/avif",
    ".heic": "image/heic", ".heif": "image/heif", ".jxl": "image/jxl", ".svg": "image/svg+xml",
    ".wav": "audio/wav", ".mp3": "audio/mpeg", ".m4a": "audio/mp4", ".flac": "audio/flac",
    ".mp4": "video/mp4", ".mov": "video/quicktime", ".avi": "video/x-msvideo",
    ".pdf": "application/pdf", ".dng": "image/x-adobe-dng", ".arw": "image/x-sony-arw", ".nef": "image/x-nikon-nef",
}
_PREFERRED_EXTENSION: dict[str, str] = {
    "image/jpeg": ".jpg", "image/png": ".png", "image/webp": ".webp", "image/tiff": ".tif", "image/gif": ".gif",
    "image/avif": ".avif", "image/heic": ".heic", "image/heif": ".heif", "image/jxl": ".jxl",
    "audio/wav": ".wav", "audio/mpeg": ".mp3", "audio/mp4": ".m4a", "audio/flac": ".flac",
    "video/mp4": ".mp4", "video/quicktime": ".mov", "video/x-msvideo": ".avi", "application/pdf": ".pdf",
    "image/svg+xml": ".svg",
}
# ISO-BMFF major/compatible brands that tell the container's real use.
_HEIF_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1"}
_AVIF_BRANDS = {b"avif", b"avis"}
_AUDIO_BRANDS = {b"M4A ", b"M4B ", b"M4P "}

SNIFF_BYTES = 64


def media_type_for_extension(path: Path) -> str | None:
    return _EXTENSIONS.get(path.suffix.lower())


def extension_for(media_type: str) -> str | None:
    return _PREFERRED_EXTENSION.get(media_type)


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
    frozenset({"video/mp4", "audio/mp4", "video/quicktime"}),
    frozenset({"image/heic", "image/heif"}),
)


def sniff(path: Path) -> str | None:
    """Media type of a file from its content, falling back to its extension when the bytes say nothing."""
    with open(path, "rb") as f:
        head = f.read(SNIFF_BYTES)
    by_name = media_type_for_extension(path)
    found = sniff_bytes(head)
    if found is None:
        return by_name if head else None
    if by_name and any(found in family and by_name in family for family in _FAMILIES):
        return by_name
    return found


def sha256_file(path: Path, chunk: int = 1 << 20) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(chunk):
            digest.update(block)
    return digest.hexdigest()


def is_image(media_type: str | None) -> bool:
    return bool(media_type) and media_type.startswith("image/")  # type: ignore[union-attr]


def is_audio_or_video(media_type: str | None) -> bool:
    return bool(media_type) and media_type.split("/")[0] in ("audio", "video")  # type: ignore[union-attr]
