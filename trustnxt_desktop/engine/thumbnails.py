"""Fast thumbnails for manifests and previews.

The costly part of signing with c2pa's own thumbnail is the full-size decode; JPEG draft mode
decodes at 1/2..1/8 scale straight from the DCT coefficients, which is most of our speed-up.
"""

from __future__ import annotations

import io
import warnings
from pathlib import Path

from PIL import Image, ImageOps

from .media import is_image

_heif_registered = False


def register_heif() -> None:
    """Teach Pillow HEIC/HEIF (pillow-heif); AVIF is built into Pillow itself."""
    global _heif_registered
    if not _heif_registered:
        from pillow_heif import register_heif_opener

        register_heif_opener()
        _heif_registered = True


def open_image(source: Path | io.BytesIO) -> Image.Image:
    register_heif()
    with warnings.catch_warnings():
        # A decompression-bomb warning becomes an error: a preview is never worth 100+ MP of RAM.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        return Image.open(source)


def make_thumbnail(source: Path | io.BytesIO, media_type: str | None, edge: int, quality: int = 80) -> bytes | None:
    """A JPEG whose long edge is at most `edge` pixels, or None for non-images or when edge is 0."""
    if edge <= 0 or not is_image(media_type) or media_type == "image/svg+xml":
        return None
    with open_image(source) as im:
        if im.format == "JPEG":
            # Ask for the smallest DCT scale that still covers `edge` on the long side.
            w, h = im.size
            scale = edge / max(w, h, 1)
            im.draft("RGB", (max(1, int(w * scale)), max(1, int(h * scale))))
        elif getattr(im, "n_frames", 1) > 1:
            im.seek(0)  # animations: the first frame
        return encode_thumbnail(ImageOps.exif_transpose(im), edge, quality)


def encode_thumbnail(im: Image.Image, edge: int, quality: int = 80) -> bytes:
    """A decoded picture, already turned upright, as a JPEG whose long edge is at most `edge` pixels."""
    if im.mode not in ("RGB", "L"):
        im = _flatten(im)
    im.thumbnail((edge, edge), Image.Resampling.BILINEAR, reducing_gap=2.0)
    out = io.BytesIO()
    im.convert("RGB").save(out, "JPEG", quality=quality, optimize=False)
    return out.getvalue()


def _flatten(im: Image.Image) -> Image.Image:
    """Put transparent images on white so the thumbnail looks like what people see."""
    rgba = im.convert("RGBA")
    background = Image.new("RGB", rgba.size, (255, 255, 255))
    background.paste(rgba, mask=rgba.getchannel("A"))
    return background
