"""New signed copies made from a file: a web export and a caption edit, each with the file as its parent.

A derived copy's manifest opens the file it was made from (`c2pa.opened`, the file as its `parentOf`
ingredient with that file's own manifest and verdict) and then says what was done (C2PA 2.1
specification, "Actions", the standard action list):
- a web export: `c2pa.resized` ("changes to content dimensions and/or file size") when the picture got
  smaller, `c2pa.transcoded` ("a direct conversion of one encoding to another, including resolution
  scaling … and encoding format change") always, `c2pa.edited.metadata` ("changes to metadata only")
  when location fields were left out;
- a caption edit: `c2pa.edited.metadata`; the pixels are the file's own.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

WEB_SUFFIX = ".web"  # photo.protected.jpg -> photo.protected.web.webp
CAPTIONED_SUFFIX = ".captioned"  # photo.protected.jpg -> photo.protected.captioned.jpg
LONG_EDGE_RANGE = (64, 16384)  # pixels
DEFAULT_LONG_EDGE = 2048
DEFAULT_QUALITY = 82
CAPTION_MAX = 2000  # characters: IPTC Photo Metadata "Description" (IIM 2:120 holds 2000 bytes)
CREDIT_MAX = 32 * 4  # IIM 2:110 holds 32 bytes; XMP has no limit, four times that is still one line
KEYWORD_MAX = 64  # characters per keyword (IIM 2:25 holds 64 bytes)


class WebFormat(str, Enum):
    """Picture formats a web export writes; the value is the name the CLI takes."""

    JPEG = "jpeg"
    WEBP = "webp"
    AVIF = "avif"

    @property
    def media_type(self) -> str:
        return f"image/{self.value}"

    @property
    def extension(self) -> str:
        return ".jpg" if self is WebFormat.JPEG else f".{self.value}"

    @property
    def label(self) -> str:
        return {WebFormat.JPEG: "JPEG", WebFormat.WEBP: "WebP", WebFormat.AVIF: "AVIF"}[self]


@dataclass(frozen=True)
class WebExport:
    """What a web export asks for.

    long_edge: the longest side in pixels (LONG_EDGE_RANGE); a smaller picture is never enlarged.
    quality: the encoder's quality, 1–100 (Pillow's scale for JPEG, WebP and AVIF).
    remove_location: leave location (EXIF GPS, XMP and IPTC place fields) out of the copy's metadata.
    Raises ValueError for a value out of range.
    """

    long_edge: int = DEFAULT_LONG_EDGE
    format: WebFormat = WebFormat.JPEG
    quality: int = DEFAULT_QUALITY
    remove_location: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "format", WebFormat(self.format))
        low, high = LONG_EDGE_RANGE
        if not low <= self.long_edge <= high:
            raise ValueError(f"the long edge must be {low}–{high} pixels, not {self.long_edge}")
        if not 1 <= self.quality <= 100:
            raise ValueError(f"the quality must be 1–100, not {self.quality}")


@dataclass(frozen=True)
class CaptionEdit:
    """New caption fields (IPTC Photo Metadata: Description, Credit Line, Keywords); None leaves a field
    as the file has it, an empty text or tuple clears it. Raises ValueError when a value is too long or
    nothing would change."""

    caption: str | None = None
    credit: str | None = None
    keywords: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        if self.keywords is not None:
            cleaned = tuple(dict.fromkeys(k.strip() for k in self.keywords if k.strip()))
            object.__setattr__(self, "keywords", cleaned)
            if too_long := [k for k in cleaned if len(k) > KEYWORD_MAX]:
                raise ValueError(f"a keyword may have at most {KEYWORD_MAX} characters: {too_long[0][:20]}…")
        if self.caption is not None and len(self.caption) > CAPTION_MAX:
            raise ValueError(f"the caption may have at most {CAPTION_MAX} characters")
        if self.credit is not None and len(self.credit) > CREDIT_MAX:
            raise ValueError(f"the credit line may have at most {CREDIT_MAX} characters")
        if self.caption is None and self.credit is None and self.keywords is None:
            raise ValueError("nothing to change: give a caption, a credit line or keywords")

    def fields(self) -> list[str]:
        """The names of the fields this edit changes, for the manifest's action and for people."""
        return [name for name, value in (("caption", self.caption), ("credit", self.credit),
                                         ("keywords", self.keywords)) if value is not None]


@dataclass(frozen=True)
class Caption:
    """The caption fields a file carries now (empty when it has none)."""

    caption: str = ""
    credit: str = ""
    keywords: tuple[str, ...] = ()
