"""Removing metadata from the containers ExifTool 12.57 cannot write: RIFF (WebP, WAV, AVI), MP3 and FLAC.

Only metadata is touched; the picture and sound data are copied byte for byte:
- RIFF (Microsoft/IBM RIFF; WebP container specification): an `EXIF` chunk and an XMP chunk (`XMP ` in
  WebP, `_PMX` in WAV and AVI) are rewritten by ExifTool as stand-alone EXIF and XMP documents with the
  same assignments as any other file; any other top-level metadata chunk (`LIST`/`INFO`, `id3 `, `iXML`,
  `bext`, …) that holds a removed value is dropped. Chunks that carry the media (`VP8 `, `fmt `, `data`,
  `LIST`/`movi`, …) are never changed.
- MP3: ID3v2.3/2.4 frames that hold a removed value are dropped (the whole tag when it uses
  unsynchronisation or an extended header, which frames cannot be cut out of safely), and an ID3v1 tag
  that holds one.
- PNG (after ExifTool): text chunks with keywords ExifTool does not know that hold a removed value.
- FLAC: Vorbis comments (RFC 9639, VORBIS_COMMENT block) that hold a removed value are dropped, and any
  PICTURE or APPLICATION block that holds one.
"Holds a removed value" means the block's bytes contain one of the needles engine.privacy.rewrite
computed (the value as UTF-8 or UTF-16).
"""

from __future__ import annotations

import struct
import tempfile
from collections.abc import Iterable
from pathlib import Path

from .. import exiftool

_RIFF_MEDIA = {b"VP8 ", b"VP8L", b"VP8X", b"ANIM", b"ANMF", b"ALPH", b"ICCP", b"fmt ", b"data", b"fact", b"cue ",
               b"smpl", b"plst", b"idx1", b"C2PA", b"JUNK"}
_RIFF_MEDIA_LISTS = {b"hdrl", b"movi", b"adtl", b"rec "}
_EXIF_CHUNKS = {b"EXIF"}
_XMP_CHUNKS = {b"XMP ", b"_PMX"}


class ContainerError(Exception):
    """The file's structure is not what its format requires; nothing was written."""


def _holds(data: bytes, needles: Iterable[bytes]) -> bool:
    return any(n and n in data for n in needles)


# -- RIFF ---------------------------------------------------------------------------------------------

def riff_chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    """(id, payload) of each top-level chunk of a RIFF file. Raises ContainerError when it is not one."""
    if len(data) < 12 or data[:4] != b"RIFF":
        raise ContainerError("not a RIFF file")
    chunks: list[tuple[bytes, bytes]] = []
    pos, end = 12, min(len(data), 8 + struct.unpack("<I", data[4:8])[0])
    while pos + 8 <= end:
        cid, size = data[pos:pos + 4], struct.unpack("<I", data[pos + 4:pos + 8])[0]
        if pos + 8 + size > len(data):
            raise ContainerError(f"the {cid!r} chunk runs past the end of the file")
        chunks.append((cid, data[pos + 8:pos + 8 + size]))
        pos += 8 + size + (size & 1)
    return chunks


def build_riff(form: bytes, chunks: Iterable[tuple[bytes, bytes]]) -> bytes:
    body = b"".join(cid + struct.pack("<I", len(p)) + p + (b"\0" if len(p) & 1 else b"") for cid, p in chunks)
    return b"RIFF" + struct.pack("<I", 4 + len(body)) + form + body


def clean_riff(source: Path, target: Path, assignments: list[str], needles: tuple[bytes, ...]) -> None:
    data = source.read_bytes()
    form = data[8:12]
    out: list[tuple[bytes, bytes]] = []
    with tempfile.TemporaryDirectory(prefix="trustnxt-riff-") as tmp:
        for cid, payload in riff_chunks(data):
            if cid in _EXIF_CHUNKS:
                out.append((cid, _rewrite_document(Path(tmp), payload, "exif", assignments)))
            elif cid in _XMP_CHUNKS:
                out.append((cid, _rewrite_document(Path(tmp), payload, "xmp", assignments)))
            elif cid in _RIFF_MEDIA or (cid == b"LIST" and payload[:4] in _RIFF_MEDIA_LISTS):
                out.append((cid, payload))
            elif not _holds(payload, needles):
                out.append((cid, payload))
    _write_new(target, build_riff(form, out))


def _rewrite_document(folder: Path, payload: bytes, kind: str, assignments: list[str]) -> bytes:
    """An EXIF (TIFF structure, optionally after "Exif\\0\\0") or XMP document rewritten by ExifTool."""
    prefix = b"Exif\0\0" if kind == "exif" and payload.startswith(b"Exif\0\0") else b""
    n = len(list(folder.iterdir()))
    source, target = folder / f"in{n}.{kind}", folder / f"out{n}.{kind}"
    source.write_bytes(payload[len(prefix):])
    exiftool.write(source, target, assignments)
    return prefix + target.read_bytes()


# -- MP3: ID3 -----------------------------------------------------------------------------------------

def _syncsafe(b: bytes) -> int:
    return (b[0] << 21) | (b[1] << 14) | (b[2] << 7) | b[3]


def _to_syncsafe(n: int) -> bytes:
    return bytes([(n >> 21) & 0x7F, (n >> 14) & 0x7F, (n >> 7) & 0x7F, n & 0x7F])


def clean_id3(source: Path, target: Path, needles: tuple[bytes, ...]) -> None:
    data = source.read_bytes()
    head, body = b"", data
    if data[:3] == b"ID3" and len(data) >= 10:
        version, flags = data[3], data[5]
        size = _syncsafe(data[6:10])
        end = 10 + size + (10 if flags & 0x10 else 0)
        tag, body = data[:end], data[end:]
        if _holds(tag, needles):
            head = b"" if version not in (3, 4) or flags & 0xC0 else _id3_without(tag, version, needles)
        else:
            head = tag
    if len(body) >= 128 and body[-128:-125] == b"TAG" and _holds(body[-128:], needles):
        body = body[:-128]
    _write_new(target, head + body)


def _id3_without(tag: bytes, version: int, needles: tuple[bytes, ...]) -> bytes:
    frames: list[bytes] = []
    pos, end = 10, 10 + _syncsafe(tag[6:10])
    while pos + 10 <= end and tag[pos:pos + 4].strip(b"\0"):
        raw = tag[pos + 4:pos + 8]
        size = _syncsafe(raw) if version == 4 else struct.unpack(">I", raw)[0]
        frame = tag[pos:pos + 10 + size]
        if len(frame) < 10 + size:
            raise ContainerError("an ID3 frame runs past the end of its tag")
        if not _holds(frame, needles):
            frames.append(frame)
        pos += 10 + size
    body = b"".join(frames)
    return b"ID3" + bytes([version, tag[4], tag[5] & ~0x10 & 0xFF]) + _to_syncsafe(len(body)) + body


# -- FLAC -------------------------------------------------------------------------------------------------

_STREAMINFO, _APPLICATION, _VORBIS_COMMENT, _PICTURE = 0, 2, 4, 6


def clean_flac(source: Path, target: Path, needles: tuple[bytes, ...]) -> None:
    data = source.read_bytes()
    if data[:4] != b"fLaC":
        raise ContainerError("not a FLAC stream")
    blocks: list[tuple[int, bytes]] = []
    pos, last = 4, False
    while not last:
        if pos + 4 > len(data):
            raise ContainerError("the metadata blocks run past the end of the file")
        last, kind = bool(data[pos] & 0x80), data[pos] & 0x7F
        size = int.from_bytes(data[pos + 1:pos + 4], "big")
        payload = data[pos + 4:pos + 4 + size]
        pos += 4 + size
        if kind == _VORBIS_COMMENT and _holds(payload, needles):
            payload = _comments_without(payload, needles)
        elif kind in (_APPLICATION, _PICTURE) and _holds(payload, needles):
            continue
        blocks.append((kind, payload))
    head = b"".join(bytes([kind | (0x80 if i == len(blocks) - 1 else 0)]) + len(p).to_bytes(3, "big") + p
                    for i, (kind, p) in enumerate(blocks))
    _write_new(target, b"fLaC" + head + data[pos:])


def _comments_without(payload: bytes, needles: tuple[bytes, ...]) -> bytes:
    try:
        n = struct.unpack("<I", payload[:4])[0]
        vendor, pos = payload[:4 + n], 4 + n
        count = struct.unpack("<I", payload[pos:pos + 4])[0]
        pos += 4
        kept: list[bytes] = []
        for _ in range(count):
            size = struct.unpack("<I", payload[pos:pos + 4])[0]
            comment = payload[pos:pos + 4 + size]
            pos += 4 + size
            if not _holds(comment, needles):
                kept.append(comment)
    except struct.error:
        raise ContainerError("a Vorbis comment block is cut short") from None
    if _holds(vendor, needles):
        vendor = struct.pack("<I", 0)
    return vendor + struct.pack("<I", len(kept)) + b"".join(kept)


# -- PNG text chunks -------------------------------------------------------------------------------------

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_PNG_TEXT = {b"tEXt", b"iTXt", b"zTXt"}


def drop_png_text(path: Path, needles: tuple[bytes, ...]) -> None:
    """Drop the PNG text chunks (ISO/IEC 15948 tEXt, iTXt, zTXt; zTXt and compressed iTXt read inflated) that
    hold a removed value, in place: ExifTool cannot delete text chunks with keywords it does not know (e.g.
    "exif:BodySerialNumber", written by some converters)."""
    data = path.read_bytes()
    if not data.startswith(_PNG_SIGNATURE):
        raise ContainerError("not a PNG file")
    out, pos, dropped = [_PNG_SIGNATURE], 8, False
    while pos + 12 <= len(data):
        size = struct.unpack(">I", data[pos:pos + 4])[0]
        kind, chunk = data[pos + 4:pos + 8], data[pos:pos + 12 + size]
        if kind in _PNG_TEXT and _holds(_png_text(kind, data[pos + 8:pos + 8 + size]), needles):
            dropped = True
        else:
            out.append(chunk)
        pos += 12 + size
    if dropped:
        path.write_bytes(b"".join(out) + data[pos:])


def _png_text(kind: bytes, payload: bytes) -> bytes:
    import zlib

    keyword, _, rest = payload.partition(b"\0")
    try:
        if kind == b"zTXt":
            return keyword + zlib.decompress(rest[1:])
        if kind == b"iTXt" and rest[:1] == b"\1":
            _, _, tail = rest[2:].partition(b"\0")  # language tag
            _, _, text = tail.partition(b"\0")  # translated keyword
            return keyword + zlib.decompress(text)
    except zlib.error:
        return payload
    return payload


def _write_new(target: Path, data: bytes) -> None:
    with open(target, "xb") as f:
        f.write(data)


__all__ = ["ContainerError", "build_riff", "clean_flac", "clean_id3", "clean_riff", "drop_png_text", "riff_chunks"]
