"""The pixels and metadata of derived copies (engine.derive): a web rendition, a caption edit.

These functions parse and rewrite a file someone may have handed over, so the app runs them in an
isolated worker (engine.untrusted tasks "web_rendition", "caption_copy", "caption_read"); they take a
path and return new bytes, and never touch the original.

Metadata is read and written with exiv2 (pyexiv2), which writes EXIF, IPTC-IIM and XMP into JPEG, PNG,
WebP and TIFF; Pillow decodes, resizes and encodes the pictures (JPEG, WebP and AVIF, with EXIF, XMP and
ICC profile). Field names follow the IPTC Photo Metadata Standard 2024.1 (Description = XMP dc:description
and IIM 2:120 Caption/Abstract; Credit Line = XMP photoshop:Credit and IIM 2:110; Keywords = XMP dc:subject
and IIM 2:25).
"""

from __future__ import annotations

import base64
import contextlib
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from PIL import Image, ImageOps

from ..domain.derive import Caption, CaptionEdit, WebExport, WebFormat
from ..domain.regular_files import open_regular
from .thumbnails import encode_thumbnail, open_image

# exiv2 writes metadata into these (its BMFF support — HEIC, AVIF — reads only).
CAPTION_TYPES = frozenset({"image/jpeg", "image/png", "image/webp", "image/tiff"})
_IIM_TYPES = frozenset({"image/jpeg", "image/tiff"})  # IPTC-IIM lives in JPEG APP13 and the TIFF IPTC tag
_GPS_IFD = 0x8825
_ORIENTATION = 0x0112
_UTF8 = "\x1b%G"  # IIM 1:90 Coded Character Set: ISO 2022 escape for UTF-8
# Place names of the IPTC Photo Metadata Standard (XMP property names and IIM datasets).
_PLACE_NAMES = frozenset({"City", "State", "Country", "CountryCode", "CountryName", "Location", "SubLocation",
                          "Sublocation", "ProvinceState", "LocationCreated", "LocationShown", "LocationCode",
                          "LocationName", "WorldRegion"})
_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"


@dataclass(frozen=True)
class Rendition:
    """A web rendition: the encoded picture, its size and the original's (pixels), and a JPEG thumbnail."""

    data: bytes
    size: tuple[int, int]
    source_size: tuple[int, int]
    thumbnail: bytes | None


def web_rendition(source: Path, export: WebExport, thumbnail_edge: int) -> Rendition:
    """The picture turned upright (EXIF orientation applied), at most `export.long_edge` pixels on its long
    side, encoded as `export.format` at `export.quality`, with the original's ICC profile, EXIF (without the
    embedded thumbnail), XMP and, in JPEG, IPTC-IIM; with `export.remove_location`, without any location
    field. Animated pictures give their first frame. Raises OSError/ValueError (Pillow) when the picture
    cannot be decoded."""
    with open_regular(source) as f:
        original = f.read()
    with open_image(io.BytesIO(original)) as im:
        source_size = im.size
        if im.format == "JPEG":
            scale = export.long_edge / max(im.size)
            if scale < 1:  # decode at the smallest DCT scale that still covers the long edge
                im.draft(im.mode, (int(im.width * scale) + 1, int(im.height * scale) + 1))
        icc = im.info.get("icc_profile")
        exif = im.getexif()
        im.seek(0)
        picture = ImageOps.exif_transpose(im)
    picture = _for_format(picture, export.format)
    picture.thumbnail((export.long_edge, export.long_edge), Image.Resampling.LANCZOS, reducing_gap=3.0)
    exif.pop(_ORIENTATION, None)  # the pixels are upright now
    if export.remove_location:
        exif.pop(_GPS_IFD, None)
    xmp = _xmp_packet(original, export.remove_location)
    params: dict[str, Any] = {"quality": export.quality, "exif": exif.tobytes()}
    if icc:
        params["icc_profile"] = icc
    if xmp:
        params["xmp"] = xmp
    if export.format is WebFormat.JPEG:
        params.update(optimize=True, progressive=True)
    elif export.format is WebFormat.WEBP:
        params.update(method=4)
    out = io.BytesIO()
    picture.save(out, export.format.value.upper(), **params)
    data = out.getvalue()
    if export.format is WebFormat.JPEG:
        data = _with_iim(data, original, export.remove_location)
    thumb = encode_thumbnail(picture.copy(), thumbnail_edge) if thumbnail_edge > 0 else None
    return Rendition(data, picture.size, source_size, thumb)


def _for_format(picture: Image.Image, fmt: WebFormat) -> Image.Image:
    """JPEG has no transparency: such pictures are put on white, as people see them."""
    keeps_alpha = fmt is not WebFormat.JPEG
    if picture.mode in ("RGB", "L") or (keeps_alpha and picture.mode == "RGBA"):
        return picture
    has_alpha = picture.mode in ("RGBA", "LA", "PA") or "transparency" in picture.info
    if has_alpha and keeps_alpha:
        return picture.convert("RGBA")
    if has_alpha:
        rgba = picture.convert("RGBA")
        flat = Image.new("RGB", rgba.size, (255, 255, 255))
        flat.paste(rgba, mask=rgba.getchannel("A"))
        return flat
    return picture.convert("RGB")


def is_location(key: str) -> bool:
    """Whether an exiv2 key (Exif.GPSInfo.GPSLatitude, Xmp.exif.GPSLatitude, Xmp.photoshop.City,
    Xmp.iptcExt.LocationCreated[1]/Iptc4xmpExt:City, Iptc.Application2.City, …) names a place or a position."""
    names = key.replace("/", ".").replace(":", ".").split(".")
    return any(_names_location(name.split("[", 1)[0]) for name in names[1:])


def _names_location(name: str) -> bool:
    """Whether one property name (GPSLatitude, City, LocationCreated, GpsLongitude, …) is a place or position."""
    return "gps" in name.lower() or name in _PLACE_NAMES


def _xmp_packet(original: bytes, remove_location: bool) -> bytes | None:
    """The original's XMP packet without its embedded thumbnail (xmp:Thumbnails) and, when asked, without
    any property (element or attribute, at any depth) that names a place or a position (is_location on its
    local name). None when the original has no XMP or nothing is left."""
    with _exiv2().ImageData(original) as img:
        raw = img.read_raw_xmp()
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw or "")
    start, end = text.find("<x:xmpmeta"), text.rfind("</x:xmpmeta>")
    if start < 0 or end < 0:
        return None
    root = ElementTree.fromstring(text[start:end + len("</x:xmpmeta>")])
    _drop_properties(root, lambda name: name == "Thumbnails" or (remove_location and _names_location(name)))
    descriptions = [d for d in root.iter(f"{{{_RDF}}}Description") if len(d) or _own_attributes(d)]
    if not descriptions:
        return None
    for prefix, uri in _namespaces(text[start:end]).items():
        with contextlib.suppress(ValueError):  # a prefix ElementTree keeps for itself (ns0, xml)
            ElementTree.register_namespace(prefix, uri)
    body = ElementTree.tostring(root, encoding="unicode")
    return f'<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n{body}\n<?xpacket end="w"?>'.encode()


def _local(name: str) -> str:
    return name.rsplit("}", 1)[-1]


def _own_attributes(element: ElementTree.Element) -> list[str]:
    return [a for a in element.attrib if not a.startswith(f"{{{_RDF}}}")]


def _drop_properties(root: ElementTree.Element, drop: Callable[[str], bool]) -> None:
    """Remove every element and attribute whose local name `drop` accepts (RDF's own names are kept)."""
    for parent in list(root.iter()):
        for attribute in [a for a in parent.attrib if not a.startswith(f"{{{_RDF}}}") and drop(_local(a))]:
            del parent.attrib[attribute]
        for child in [c for c in parent if not c.tag.startswith(f"{{{_RDF}}}") and drop(_local(c.tag))]:
            parent.remove(child)


def _namespaces(xml: str) -> dict[str, str]:
    """The prefixes the packet declares, so the rewritten packet uses the same ones."""
    return dict(re.findall(r'xmlns:([A-Za-z_][\w.-]*)="([^"]+)"', xml))


def _with_iim(data: bytes, original: bytes, remove_location: bool) -> bytes:
    with _exiv2().ImageData(original) as img:
        iim = img.read_iptc()
    kept = {k: v for k, v in iim.items() if not (remove_location and is_location(k))}
    if not kept:
        return data
    with _exiv2().ImageData(data) as img:
        img.modify_iptc(kept)
        return bytes(img.get_bytes())


def read_caption(source: Path, media_type: str) -> Caption:
    """The caption fields the file carries: XMP first, IPTC-IIM where XMP has none. Empty for a format
    exiv2 cannot read metadata from."""
    if media_type not in CAPTION_TYPES:
        return Caption()
    with open_regular(source) as f, _exiv2().ImageData(f.read()) as img:
        xmp = img.read_xmp()
        iim = img.read_iptc() if media_type in _IIM_TYPES else {}
    description = xmp.get("Xmp.dc.description")
    caption = _lang_text(description) if description is not None else str(iim.get("Iptc.Application2.Caption", ""))
    credit = str(xmp.get("Xmp.photoshop.Credit") or iim.get("Iptc.Application2.Credit") or "")
    keywords = xmp.get("Xmp.dc.subject") or iim.get("Iptc.Application2.Keywords") or []
    return Caption(caption, credit, tuple(_as_list(keywords)))


def with_caption(source: Path, media_type: str, edit: CaptionEdit) -> bytes:
    """The file's bytes with the edited fields written to XMP (and IPTC-IIM in JPEG and TIFF, declared
    UTF-8); every other byte of metadata as the file had it. Raises ValueError for a format exiv2 cannot
    write."""
    if media_type not in CAPTION_TYPES:
        raise ValueError("captions can be written into JPEG, PNG, WebP and TIFF files")
    xmp: dict[str, Any] = {}
    iim: dict[str, Any] = {}
    if edit.caption is not None:
        xmp["Xmp.dc.description"] = {'lang="x-default"': edit.caption} if edit.caption else None
        iim["Iptc.Application2.Caption"] = edit.caption or None
    if edit.credit is not None:
        xmp["Xmp.photoshop.Credit"] = edit.credit or None
        iim["Iptc.Application2.Credit"] = edit.credit or None
    if edit.keywords is not None:
        xmp["Xmp.dc.subject"] = list(edit.keywords) or None
        iim["Iptc.Application2.Keywords"] = list(edit.keywords) or None
    with open_regular(source) as f, _exiv2().ImageData(f.read()) as img:
        img.modify_xmp(xmp)
        if media_type in _IIM_TYPES:
            img.modify_iptc({"Iptc.Envelope.CharacterSet": _UTF8, **iim})
        return bytes(img.get_bytes())


def _lang_text(value: object) -> str:
    """An XMP Lang Alt as pyexiv2 gives it ({'lang="x-default"': text, …}): the default language's text."""
    if isinstance(value, dict):
        texts = {str(k): str(v) for k, v in value.items()}
        return texts.get('lang="x-default"') or next(iter(texts.values()), "")
    return str(value)


def _as_list(value: object) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


# -- as tasks of the isolated workers (engine.untrusted): plain data in, plain data out -------------------

def rendition_task(path: str, export: dict[str, Any], thumbnail_edge: int) -> dict[str, Any]:
    """web_rendition; the answer: {data, thumbnail (base64 text or null), size, source_size ([w, h])}."""
    r = web_rendition(Path(path), WebExport(**export), thumbnail_edge)
    return {"data": _b64(r.data), "thumbnail": _b64(r.thumbnail) if r.thumbnail else None,
            "size": list(r.size), "source_size": list(r.source_size)}


def caption_copy_task(path: str, media_type: str, edit: dict[str, Any]) -> str:
    """with_caption; the answer: the new bytes as base64 text."""
    keywords = edit.get("keywords")
    return _b64(with_caption(Path(path), media_type, CaptionEdit(
        edit.get("caption"), edit.get("credit"), tuple(keywords) if keywords is not None else None)))


def caption_read_task(path: str, media_type: str) -> dict[str, Any]:
    """read_caption; the answer: {caption, credit, keywords}."""
    found = read_caption(Path(path), media_type)
    return {"caption": found.caption, "credit": found.credit, "keywords": list(found.keywords)}


def _exiv2() -> Any:
    """pyexiv2, loaded when a derived copy is first made (55 ms of native library loading that inspection,
    which imports this module's worker tasks, never needs)."""
    import pyexiv2

    return pyexiv2


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")
