"""Seeded, structure-aware mutations of media files for fuzzing: bit flips, truncation, and duplicated,
removed or mis-sized segments (JPEG marker segments, PNG chunks, ISO-BMFF boxes, RIFF chunks)."""

from __future__ import annotations

import random
import struct
from collections.abc import Callable

Span = tuple[int, int, int]  # (start, end, offset of the length field from start; -1: none)


def segments(data: bytes) -> list[Span]:
    """The file's top-level structural pieces, as far as they can be followed; [] when unknown."""
    if data[:2] == b"\xff\xd8":
        return _jpeg(data)
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return _chunks(data, 8, ">I", 12, 0)
    if data[:4] in (b"RIFF", b"RIFX"):
        return _chunks(data, 12, "<I", 8, 4)
    if data[4:8] in (b"ftyp", b"moov", b"mdat", b"free", b"wide"):
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


def _bmff(data: bytes, pos: int = 0, end: int | None = None, depth: int = 0) -> list[Span]:
    end = len(data) if end is None else end
    out: list[Span] = []
    while pos + 8 <= end:
        (size,) = struct.unpack(">I", data[pos:pos + 4])
        kind = data[pos + 4:pos + 8]
        if size < 8 or pos + size > end:
            break
        out.append((pos, pos + size, 0))
        if depth < 2 and kind in (b"moov", b"trak", b"mdia", b"minf", b"stbl", b"udta"):
            out.extend(_bmff(data, pos + 8, pos + size, depth + 1))
        pos += size
    return out


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
    """Lie about a segment's length: the classic way to send a parser out of bounds."""
    parts = segments(data)
    if not parts:
        return flip_bits(rng, data)
    start, end, at = rng.choice(parts)
    out = bytearray(data)
    width = 2 if data[:2] == b"\xff\xd8" else 4
    value = rng.choice((0, 1, 2, 7, 8, 0xFFFF, 0xFFFFFFFF, 0x7FFFFFFF, end - start + rng.randint(-16, 16)))
    value &= (1 << (8 * width)) - 1
    fmt = ">H" if width == 2 else ("<I" if data[:4] in (b"RIFF", b"RIFX") else ">I")
    out[start + at:start + at + width] = struct.pack(fmt, value)
    return bytes(out)


MUTATIONS: tuple[Callable[[random.Random, bytes], bytes], ...] = (
    flip_bits, interesting_bytes, truncate, duplicate_segment, remove_segment, resize_segment)


def mutate(rng: random.Random, data: bytes) -> tuple[str, bytes]:
    """One to three stacked mutations; returns their names and the result."""
    names = []
    for _ in range(rng.choice((1, 1, 1, 2, 3))):
        op = rng.choice(MUTATIONS)
        data = op(rng, data)
        names.append(op.__name__)
    return "+".join(names), data
