"""What platforms and people do to a picture on its way to a journalist, as functions (picture → encoded bytes):
metadata stripped, re-encoded, resized, brightened, bordered, turned, mirrored, cropped. Shared by the soft binding
tests and bench/recovery_bench.py."""

from __future__ import annotations

import io
from collections.abc import Callable

from PIL import Image, ImageEnhance, ImageOps

Change = Callable[[Image.Image], bytes]


def _jpeg(picture: Image.Image, quality: int = 90) -> bytes:
    out = io.BytesIO()
    picture.convert("RGB").save(out, "JPEG", quality=quality)  # no EXIF, no XMP: metadata stripped
    return out.getvalue()


def _webp(picture: Image.Image, quality: int) -> bytes:
    out = io.BytesIO()
    picture.convert("RGB").save(out, "WEBP", quality=quality)
    return out.getvalue()


def _scaled(picture: Image.Image, factor: float) -> Image.Image:
    return picture.resize((max(1, round(picture.width * factor)), max(1, round(picture.height * factor))),
                          Image.Resampling.LANCZOS)


def _long_edge(picture: Image.Image, edge: int) -> Image.Image:
    copy = picture.copy()
    copy.thumbnail((edge, edge), Image.Resampling.LANCZOS)
    return copy


def _crop(picture: Image.Image, share: float) -> Image.Image:
    """`share` of the width and of the height taken off, half on each side."""
    dx, dy = round(picture.width * share / 2), round(picture.height * share / 2)
    return picture.crop((dx, dy, picture.width - dx, picture.height - dy))


def _brighter(picture: Image.Image) -> Image.Image:
    return ImageEnhance.Contrast(ImageEnhance.Brightness(picture.convert("RGB")).enhance(1.15)).enhance(1.1)


CHANGES: dict[str, Change] = {
    "strip": lambda p: _jpeg(p, 95),
    "jpeg_q70": lambda p: _jpeg(p, 70),
    "jpeg_q50": lambda p: _jpeg(p, 50),
    "webp_q75": lambda p: _webp(p, 75),
    "resize_50": lambda p: _jpeg(_scaled(p, 0.5)),
    "resize_1080": lambda p: _jpeg(_long_edge(p, 1080)),
    "brightness_contrast": lambda p: _jpeg(_brighter(p)),
    "border_20px": lambda p: _jpeg(ImageOps.expand(p.convert("RGB"), border=20, fill=(255, 255, 255))),
    "rotate_90": lambda p: _jpeg(p.transpose(Image.Transpose.ROTATE_90)),
    "flip": lambda p: _jpeg(p.transpose(Image.Transpose.FLIP_LEFT_RIGHT)),
    "crop_5": lambda p: _jpeg(_crop(p, 0.05)),
    "crop_10": lambda p: _jpeg(_crop(p, 0.10)),
}
