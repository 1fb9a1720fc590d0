"""Seeded, structure-aware mutations of media files for fuzzing.

Bit flips, interesting bytes, truncation, duplicated or removed structural pieces, splices of two
files, and lies about the length and offset fields parsers trust: JPEG marker segments (APP11 and the
JUMBF box it carries), JUMBF boxes wherever they sit (PNG caBX, ISO BMFF uuid, RIFF C2PA, JPEG XL
jumb), PNG chunks, ISO BMFF boxes (MP4, MOV, HEIF, AVIF, JPEG XL container), RIFF chunks (WAV, WebP,
AVI), ZIP local headers, central directory and end record (Office, ODF, EPUB, OpenXPS), TIFF/DNG IFDs,
ID3v2 tags and frames (MP3), FLAC metadata blocks, and PDF /Length and startxref numbers.
"""

from __future__ import annotations

import random
import re
import struct
from collections.abc import Callable, Sequence
from dataclasses import dataclass

Span = tuple[int, int, int]  # (start, end, offset of the length field from start; -1: none)


@dataclass(frozen=True)
class Field:
    """A length or offset field some parser trusts: `width` bytes at `at`, in `order` (">", "<",
    "syncsafe" for ID3v2's 7-bit bytes, "ascii" for a decimal number of `width` characters)."""

    at: int
    width: int
    order: str
    kind: str


def segments(data: bytes) -> list[Span]:
    """The file's structural pieces (top level, and containers a level or two down), as far as they
    can be followed; [] when unknown."""
    if data[:2] == b"\xff\xd8":
        return _jpeg(data)
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return _chunks(data, 8, ">I", 12, 0)
    if data[:4] in (b"RIFF", b"RIFX"):
        return _riff(data, 12, len(data))
    if data[4:8] in (b"ftyp", b"moov", b"mdat", b"free", b"wide", b"JXL "):
        return _bmff(data)
    return []


def _jpeg(data: bytes) -> list[Span]:
    out, pos = [], 2
    while pos + 4 <= len(data) and data[pos] == 0xFF:
        (length,) = struct.unpack(">H", data[pos + 2:pos + 4])
        end = pos + 2 + length
        if end > len(data):
            break
        out.append((pos, end, 2))
        if data[pos + 1] == 0xDA:
            break
        pos = end
    return out


def _chunks(data: bytes, pos: int, fmt: str, overhead: int, length_at: int) -> list[Span]:
    out = []
    while pos + 8 <= len(data):
        if length_at == 0:
            (length,) = struct.unpack(fmt, data[pos:pos + 4])
        else:
            (length,) = struct.unpack(fmt, data[pos + 4:pos + 8])
        end = pos + overhead + length + (length & 1 if length_at else 0)
        if end > len(data) or length < 0:
            break
        out.append((pos, end, length_at))
        pos = end
    return out


def _riff(data: bytes, pos: int, end: int, depth: int = 0) -> list[Span]:
    out: list[Span] = []
    while pos + 8 <= end:
        (length,) = struct.unpack("<I", data[pos + 4:pos + 8])
        stop = pos + 8 + length + (length & 1)
        if stop > end:
            break
        out.append((pos, stop, 4))
        if depth < 2 and data[pos:pos + 4] == b"LIST":
            out.extend(_riff(data, pos + 12, pos + 8 + length, depth + 1))
        pos = stop
    return out


_BMFF_CONTAINERS = (b"moov", b"trak", b"mdia", b"minf", b"stbl", b"udta", b"edts", b"dinf", b"mvex", b"moof",
                    b"traf", b"iprp", b"ipco")


def _bmff(data: bytes, pos: int = 0, end: int | None = None, depth: int = 0) -> list[Span]:
    end = len(data) if end is None else end
    out: list[Span] = []
    while pos + 8 <= end:
        (size,) = struct.unpack(">I", data[pos:pos + 4])
        kind = data[pos + 4:pos + 8]
        if size < 8 or pos + size > end:
            break
        out.append((pos, pos + size, 0))
        if depth < 3 and kind in _BMFF_CONTAINERS:
            out.extend(_bmff(data, pos + 8, pos + size, depth + 1))
        elif depth < 3 and kind == b"meta":  # a full box: version and flags come before its children
            out.extend(_bmff(data, pos + 12, pos + size, depth + 1))
        pos += size
    return out


def length_fields(data: bytes) -> list[Field]:
    """Every length or offset field found in the file (see the module docstring for the formats)."""
    found: list[Field] = []
    for start, _end, at in segments(data):
        if at >= 0:
            width = 2 if data[:2] == b"\xff\xd8" else 4
            order = "<" if data[:4] == b"RIFF" else ">"
            found.append(Field(start + at, width, order, _segment_kind(data, start)))
    if data[:4] == b"RIFF":
        found.append(Field(4, 4, "<", "riff size"))
    found += _jumbf(data) + _zip(data) + _tiff(data) + _id3(data) + _flac(data) + _pdf(data)
    return found


def _segment_kind(data: bytes, start: int) -> str:
    if data[:2] == b"\xff\xd8":
        return "jpeg app11 segment length" if data[start + 1] == 0xEB else "jpeg segment length"
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return "png chunk length"
    if data[:4] == b"RIFF":
        return "riff chunk size"
    return "bmff box size"


def _jumbf(data: bytes) -> list[Field]:
    """JUMBF boxes (ISO/IEC 19566-5) wherever they are, and the JPEG APP11 packet fields around them."""
    found = []
    for label in (b"jumb", b"jumd", b"c2sh", b"cbor", b"json"):
        for m in re.finditer(re.escape(label), data):
            start = m.start() - 4
            if start >= 0 and 8 <= struct.unpack(">I", data[start:start + 4])[0] <= len(data) - start:
                found.append(Field(start, 4, ">", "jumbf box size"))
    if data[:2] == b"\xff\xd8":
        for start, _end, _at in _jpeg(data):
            if data[start + 1] == 0xEB and data[start + 4:start + 6] == b"JP":
                found += [Field(start + 12, 4, ">", "jpeg app11 jumbf box size"),
                          Field(start + 8, 4, ">", "jpeg app11 packet sequence")]
    return found


def _zip(data: bytes) -> list[Field]:
    """ZIP (APPNOTE 6.3): the end of central directory record, central directory headers, local headers."""
    end = data.rfind(b"PK\x05\x06")
    if end < 0 or end + 22 > len(data):
        return []
    found = [Field(end + 8, 2, "<", "zip entries on disk"), Field(end + 10, 2, "<", "zip total entries"),
             Field(end + 12, 4, "<", "zip central directory size"),
             Field(end + 16, 4, "<", "zip central directory offset"), Field(end + 20, 2, "<", "zip comment length")]
    pos = struct.unpack("<I", data[end + 16:end + 20])[0]
    while pos + 46 <= end and data[pos:pos + 4] == b"PK\x01\x02":
        found += [Field(pos + 20, 4, "<", "zip compressed size"), Field(pos + 24, 4, "<", "zip uncompressed size"),
                  Field(pos + 28, 2, "<", "zip name length"), Field(pos + 30, 2, "<", "zip extra length"),
                  Field(pos + 42, 4, "<", "zip local header offset")]
        names = struct.unpack("<HHH", data[pos + 28:pos + 34])
        pos += 46 + sum(names)
    for m in re.finditer(re.escape(b"PK\x03\x04"), data[:end]):
        pos = m.start()
        if pos + 30 <= end:
            found += [Field(pos + 18, 4, "<", "zip local compressed size"),
                      Field(pos + 26, 2, "<", "zip local name length"),
                      Field(pos + 28, 2, "<", "zip local extra length")]
    return found


def _tiff(data: bytes) -> list[Field]:
    """TIFF 6.0 (and DNG) image file directories: their offsets, entry counts and each entry's count and offset."""
    order = {b"II*\x00": "<", b"MM\x00*": ">"}.get(data[:4])
    if order is None or len(data) < 8:
        return []
    found = [Field(4, 4, order, "tiff ifd offset")]
    ifd = struct.unpack(order + "I", data[4:8])[0]
    for _ in range(4):
        if not 8 <= ifd <= len(data) - 2:
            break
        (count,) = struct.unpack(order + "H", data[ifd:ifd + 2])
        found.append(Field(ifd, 2, order, "tiff entry count"))
        for i in range(min(count, 64)):
            entry = ifd + 2 + 12 * i
            if entry + 12 > len(data):
                break
            found += [Field(entry + 4, 4, order, "tiff value count"), Field(entry + 8, 4, order, "tiff value offset")]
        next_at = ifd + 2 + 12 * count
        if next_at + 4 > len(data):
            break
        found.append(Field(next_at, 4, order, "tiff next ifd offset"))
        ifd = struct.unpack(order + "I", data[next_at:next_at + 4])[0]
    return found


def _id3(data: bytes) -> list[Field]:
    """ID3v2.3/2.4 (MP3): the tag size (a syncsafe integer) and each frame's size."""
    if data[:3] != b"ID3" or len(data) < 10:
        return []
    found = [Field(6, 4, "syncsafe", "id3 tag size")]
    version = data[3]
    pos, end = 10, min(len(data), 10 + _syncsafe(data[6:10]))
    while pos + 10 <= end and data[pos:pos + 4].isalnum():
        found.append(Field(pos + 4, 4, "syncsafe" if version == 4 else ">", "id3 frame size"))
        size = _syncsafe(data[pos + 4:pos + 8]) if version == 4 else struct.unpack(">I", data[pos + 4:pos + 8])[0]
        pos += 10 + size
    return found


def _syncsafe(four: bytes) -> int:
    return (four[0] & 0x7F) << 21 | (four[1] & 0x7F) << 14 | (four[2] & 0x7F) << 7 | (four[3] & 0x7F)


def _flac(data: bytes) -> list[Field]:
    """FLAC metadata block headers: a last-block flag, a type and a 24-bit length."""
    if data[:4] != b"fLaC":
        return []
    found, pos = [], 4
    while pos + 4 <= len(data):
        found.append(Field(pos + 1, 3, ">", "flac metadata block length"))
        last = data[pos] & 0x80
        pos += 4 + int.from_bytes(data[pos + 1:pos + 4], "big")
        if last:
            break
    return found


def _pdf(data: bytes) -> list[Field]:
    """PDF stream /Length values and the startxref offset, as the decimal numbers they are written as."""
    if data[:5] != b"%PDF-":
        return []
    found = [Field(m.start(1), len(m.group(1)), "ascii", "pdf stream length")
             for m in re.finditer(rb"/Length\s+(\d+)", data)]
    found += [Field(m.start(1), len(m.group(1)), "ascii", "pdf startxref")
              for m in re.finditer(rb"startxref\s+(\d+)", data)]
    return found


def _span(rng: random.Random, data: bytes) -> Span:
    parts = segments(data)
    if parts and rng.random() < 0.8:
        return rng.choice(parts)
    start = rng.randrange(len(data))
    return start, min(len(data), start + rng.randint(1, 4096)), -1


def flip_bits(rng: random.Random, data: bytes) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        pos = rng.randrange(len(out))
        out[pos] ^= 1 << rng.randrange(8)
    return bytes(out)


def interesting_bytes(rng: random.Random, data: bytes) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        pos = rng.randrange(len(out))
        out[pos] = rng.choice((0x00, 0xFF, 0x7F, 0x80, 0x01, 0xFE))
    return bytes(out)


def truncate(rng: random.Random, data: bytes) -> bytes:
    return data[:rng.randrange(1, len(data))] if len(data) > 1 else data


def duplicate_segment(rng: random.Random, data: bytes) -> bytes:
    start, end, _ = _span(rng, data)
    return data[:end] + data[start:end] * rng.randint(1, 3) + data[end:]


def remove_segment(rng: random.Random, data: bytes) -> bytes:
    start, end, _ = _span(rng, data)
    return data[:start] + data[end:] or data[:1]


def resize_segment(rng: random.Random, data: bytes) -> bytes:
    """Lie about a length or offset field (length_fields): the classic way to send a parser out of
    bounds, into a huge allocation or round in a loop. The kind of field is picked first, so a file's
    one ZIP end record is lied about as often as its hundreds of TIFF entries."""
    return lie_about_length(rng, data)[1]


def lie_about_length(rng: random.Random, data: bytes) -> tuple[str, bytes]:
    fields = length_fields(data)
    if not fields:
        return "flip_bits", flip_bits(rng, data)
    kind = rng.choice(sorted({f.kind for f in fields}))
    field = rng.choice([f for f in fields if f.kind == kind])
    honest = _read(data, field)
    maximum = 10 ** field.width - 1 if field.order == "ascii" else \
        (1 << (7 * field.width if field.order == "syncsafe" else 8 * field.width)) - 1
    value = rng.choice((0, 1, 2, 7, 8, 16, maximum, maximum // 2 + 1, honest + rng.randint(-16, 16), honest * 2,
                        honest // 2, len(data), len(data) - field.at, max(0, len(data) - field.at - 8)))
    value = min(max(value, 0), maximum)
    out = bytearray(data)
    out[field.at:field.at + field.width] = _encode(value, field)
    return kind, bytes(out)


def _read(data: bytes, field: Field) -> int:
    raw = data[field.at:field.at + field.width]
    if field.order == "ascii":
        return int(raw)
    if field.order == "syncsafe":
        return _syncsafe(raw)
    return int.from_bytes(raw, "big" if field.order == ">" else "little")


def _encode(value: int, field: Field) -> bytes:
    if field.order == "ascii":
        return str(value).rjust(field.width, "0").encode()
    if field.order == "syncsafe":
        return bytes((value >> shift) & 0x7F for shift in (21, 14, 7, 0))
    return value.to_bytes(field.width, "big" if field.order == ">" else "little")


def splice(rng: random.Random, data: bytes, partner: bytes) -> bytes:
    """The head of one file and the tail of another (or of itself), cut at structure boundaries when
    there are some: a file that starts as one thing and goes on as another."""
    cut = rng.choice([s for s, _e, _a in segments(data)] or [0]) if rng.random() < 0.5 else rng.randrange(len(data))
    other = rng.choice([s for s, _e, _a in segments(partner)] or [0]) if rng.random() < 0.5 \
        else rng.randrange(len(partner))
    return (data[:max(cut, 1)] + partner[other:])[: 8 * 1024 ** 2] or data


MUTATIONS: tuple[Callable[[random.Random, bytes], bytes], ...] = (
    flip_bits, interesting_bytes, truncate, duplicate_segment, remove_segment, resize_segment)


def mutate(rng: random.Random, data: bytes, partners: Sequence[bytes] = ()) -> tuple[str, bytes]:
    """One to three stacked mutations (a splice with one of `partners` among them, when given);
    returns their names and the result. Length lies name the kind of field, e.g.
    "resize_segment(zip central directory size)"."""
    names = []
    for _ in range(rng.choice((1, 1, 1, 2, 3))):
        pick = rng.randrange(len(MUTATIONS) + (1 if partners else 0))
        if pick == len(MUTATIONS):
            data = splice(rng, data, rng.choice(partners))
            names.append("splice")
        elif MUTATIONS[pick] is resize_segment:
            kind, data = lie_about_length(rng, data)
            names.append(f"resize_segment({kind})")
        else:
            data = MUTATIONS[pick](rng, data)
            names.append(MUTATIONS[pick].__name__)
    return "+".join(names), data
