"""Perceptual fingerprints of a picture for soft binding (domain.soft_binding): the ISCC image code and PDQ.

- ISCC Content-Code Image v0 (ISO 24138:2024), through iscc-core: the picture in grey, 32×32 bicubic, then the
  DCT-based 64-bit code. Written into the manifest as `io.iscc.v0`.
- PDQ (Meta ThreatExchange, 256 bits) through the pdqhash binding of Meta's C++ reference code, with PDQ's own
  quality score, which says how much detail the picture has.

The picture is decoded at the smallest JPEG DCT scale that still gives ≥ WORKING_EDGE pixels on the short side
(draft mode: a 24-MP JPEG decodes at 1/8 scale), turned upright by its EXIF orientation, put on white where it is
transparent, and a uniform border (the same colour in all four corners) is cut off: platforms add such borders,
and a border changes both codes more than any re-encoding. For a query the picture is then hashed in all 8
orientations, which finds a copy that was turned or mirrored.

These decoders parse files we did not make: callers run them in the isolated workers (engine.untrusted).
"""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image, ImageChops, ImageOps

from ..domain.soft_binding import (
    ISCC_IMAGE,
    PDQ,
    PDQ_MIN_QUALITY,
    Fingerprint,
    FingerprintResult,
    Orientation,
    PictureFingerprints,
)
from .thumbnails import open_image

WORKING_EDGE = 512  # PDQ's reference code works from a picture of at most 512 pixels; so do we
DRAFT_EDGE = 450  # JPEG: decode at the smallest DCT scale giving this short side (1/8 of a 24-MP photo)
BORDER_TOLERANCE = 40  # how far (0–255, per channel) a border pixel may stray from the corners' colour (JPEG noise)
FEATURELESS = ("This picture has too little detail to be fingerprinted safely (flat sky, a gradient, blank "
               "paper): a copy of it could not be told apart from other such pictures, so no soft binding is made.")

_TRANSPOSES: dict[Orientation, tuple[Image.Transpose, ...]] = {
    Orientation.UPRIGHT: (),
    Orientation.ROTATE_90: (Image.Transpose.ROTATE_90,),
    Orientation.ROTATE_180: (Image.Transpose.ROTATE_180,),
    Orientation.ROTATE_270: (Image.Transpose.ROTATE_270,),
    Orientation.FLIP: (Image.Transpose.FLIP_LEFT_RIGHT,),
    Orientation.FLIP_ROTATE_90: (Image.Transpose.FLIP_LEFT_RIGHT, Image.Transpose.ROTATE_90),
    Orientation.FLIP_ROTATE_180: (Image.Transpose.FLIP_LEFT_RIGHT, Image.Transpose.ROTATE_180),
    Orientation.FLIP_ROTATE_270: (Image.Transpose.FLIP_LEFT_RIGHT, Image.Transpose.ROTATE_270),
}


def fingerprint_file(source: Path | io.BytesIO, all_orientations: bool = False) -> FingerprintResult:
    """Fingerprints of a still image file (the first frame of an animation). Raises what Pillow raises for a
    file it cannot decode (OSError, ValueError, Image.DecompressionBombError …)."""
    with open_image(source) as im:
        if im.format == "JPEG":
            w, h = im.size
            scale = DRAFT_EDGE / max(1, min(w, h))
            im.draft("RGB", (max(1, int(w * scale)), max(1, int(h * scale))))
        elif getattr(im, "n_frames", 1) > 1:
            im.seek(0)
        upright = ImageOps.exif_transpose(im)
        upright.load()
        return fingerprint_picture(upright, all_orientations)


def fingerprint_picture(picture: Image.Image, all_orientations: bool = False) -> FingerprintResult:
    """Fingerprints of a decoded picture already turned upright: the upright one only, or all 8 orientations
    (upright first). A picture with PDQ quality below PDQ_MIN_QUALITY is refused (`refused` says why)."""
    width, height = picture.size
    working = _without_border(_working_copy(picture))
    grey = _grey32(working)
    upright = _prints(working, Orientation.UPRIGHT, grey)
    if upright.quality < PDQ_MIN_QUALITY:
        return FingerprintResult(refused=FEATURELESS, width=width, height=height)
    prints = [upright]
    if all_orientations:
        prints += [_prints(working, o, grey) for o in Orientation if o is not Orientation.UPRIGHT]
    return FingerprintResult(prints=tuple(prints), width=width, height=height)


def _working_copy(picture: Image.Image) -> Image.Image:
    """RGB, transparent parts on white, long edge at most WORKING_EDGE·2 and short edge about WORKING_EDGE."""
    if picture.mode in ("RGBA", "LA", "PA") or (picture.mode == "P" and "transparency" in picture.info):
        rgba = picture.convert("RGBA")
        flat = Image.new("RGB", rgba.size, (255, 255, 255))
        flat.paste(rgba, mask=rgba.getchannel("A"))
        picture = flat
    elif picture.mode != "RGB":
        picture = picture.convert("RGB")
    w, h = picture.size
    scale = WORKING_EDGE / max(1, min(w, h))
    if scale < 1:
        picture = picture.resize((max(1, round(w * scale)), max(1, round(h * scale))), Image.Resampling.BOX)
    return picture


def _without_border(picture: Image.Image) -> Image.Image:
    """The picture without a border of one colour around it (all four corners that colour)."""
    w, h = picture.size
    corners = [picture.getpixel(xy) for xy in ((0, 0), (w - 1, 0), (0, h - 1), (w - 1, h - 1))]
    reference = corners[0]
    if not isinstance(reference, tuple) or any(
            not isinstance(c, tuple) or max(abs(a - b) for a, b in zip(c, reference, strict=True)) > BORDER_TOLERANCE
            for c in corners):
        return picture
    background = Image.new("RGB", picture.size, reference[:3])
    difference = ImageChops.difference(picture, background).convert("L")
    box = difference.point(lambda v: 255 if v > BORDER_TOLERANCE else 0).getbbox()
    if box is None:  # all one colour: nothing to cut, and PDQ will find it featureless
        return picture
    left, top, right, bottom = box
    if (right - left) * (bottom - top) < 0.25 * w * h:  # mostly "border": a subject on a plain ground, keep it all
        return picture
    return picture.crop(box) if box != (0, 0, w, h) else picture


def _prints(working: Image.Image, orientation: Orientation, grey: Image.Image | None = None) -> PictureFingerprints:
    """Both codes of `working` turned to `orientation`. `grey`: the upright picture already in grey at 32×32
    (turning that is the same as turning before shrinking, and far cheaper)."""
    import iscc_core
    import numpy as np
    import pdqhash

    grey = grey if grey is not None else _grey32(working)
    turned = working
    for step in _TRANSPOSES[orientation]:
        turned = turned.transpose(step)
        grey = grey.transpose(step)
    vector, quality = pdqhash.compute(np.asarray(turned))
    pdq_bits = np.packbits(np.asarray(vector, dtype=np.uint8)).tobytes()
    code = iscc_core.gen_image_code_v0(grey.tobytes(), bits=64)["iscc"]
    iscc_bits = iscc_core.decode_base32(code.removeprefix("ISCC:"))[2:]  # after the 2-byte ISCC header
    return PictureFingerprints(orientation, Fingerprint(ISCC_IMAGE, iscc_bits), Fingerprint(PDQ, pdq_bits),
                               int(quality))


def _grey32(picture: Image.Image) -> Image.Image:
    """ISCC image normalisation (ISO 24138 Content-Code Image): grey, 32×32, bicubic."""
    return picture.convert("L").resize((32, 32), Image.Resampling.BICUBIC)


def iscc_code(fingerprint: Fingerprint) -> str:
    """The ISCC Content-Code Image as ISO 24138 writes it ("ISCC:EEA…"), for a 64-bit `io.iscc.v0` fingerprint."""
    import iscc_core

    return "ISCC:" + str(iscc_core.encode_component(mtype=iscc_core.MT.CONTENT, stype=iscc_core.ST_CC.IMAGE,
                                                version=iscc_core.VS.V0, bit_length=64, digest=fingerprint.bits))


def iscc_bits(code: str) -> bytes:
    """The 64 bits of an ISCC Content-Code Image ("ISCC:EEA…"). Raises ValueError for anything else."""
    import iscc_core

    raw = iscc_core.decode_base32(code.removeprefix("ISCC:"))
    mtype, stype, _version, _length, body = iscc_core.decode_header(raw)
    if mtype != iscc_core.MT.CONTENT or stype != iscc_core.ST_CC.IMAGE or len(body) != 8:
        raise ValueError(f"not a 64-bit ISCC image code: {code!r}")
    return bytes(body)
