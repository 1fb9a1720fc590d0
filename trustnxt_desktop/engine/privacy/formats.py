"""How the metadata of each protectable format is rewritten when the privacy choices remove something.

- ExifTool writes the file (EXIF, XMP, IPTC, maker notes, QuickTime tags, embedded thumbnails): JPEG,
  PNG, TIFF, GIF, AVIF, HEIC/HEIF, JPEG XL, DNG, MP4, M4V, MOV, M4A.
- RIFF files (WebP, WAV, AVI), which ExifTool 12.57 (Debian 12) cannot write: their EXIF and XMP chunks are
  rewritten by ExifTool as stand-alone EXIF and XMP documents, other metadata chunks that hold a removed
  value are dropped (engine.privacy.containers).
- MP3 (ID3v2 frames, ID3v1) and FLAC (Vorbis comments, pictures): the frames, comments and blocks that
  hold a removed value are dropped (engine.privacy.containers).
Any other format (documents, SVG): nothing is rewritten, and a protect that must remove a field it holds
fails for that file instead of leaving the field in the copy.
"""

from __future__ import annotations

from enum import Enum


class Rewriter(str, Enum):
    EXIFTOOL = "exiftool"
    RIFF = "riff"
    ID3 = "id3"
    FLAC = "flac"


REWRITERS: dict[str, Rewriter] = {
    **{t: Rewriter.EXIFTOOL for t in ("image/jpeg", "image/png", "image/tiff", "image/gif", "image/avif",
                                      "image/heic", "image/heif", "image/jxl", "image/x-adobe-dng", "video/mp4",
                                      "video/x-m4v", "video/quicktime", "audio/mp4")},
    **{t: Rewriter.RIFF for t in ("image/webp", "audio/wav", "video/x-msvideo")},
    "audio/mpeg": Rewriter.ID3,
    "audio/flac": Rewriter.FLAC,
}


def rewriter(media_type: str | None) -> Rewriter | None:
    return REWRITERS.get(media_type or "")


def rewritable(media_type: str | None) -> bool:
    return rewriter(media_type) is not None
