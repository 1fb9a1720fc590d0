"""Byte-level surgery on test files: tamper with image data, strip manifests, make big images."""

from __future__ import annotations

import io
import struct
from pathlib import Path

from PIL import Image


def jpeg_segments(data: bytes) -> list[tuple[int, int, int]]:
    """(marker, start, end) of each segment before the scan data, start at the 0xFF."""
    assert data[:2] == b"\xff\xd8"
    out, pos = [], 2
    while pos < len(data) - 4:
        assert data[pos] == 0xFF, f"lost sync at {pos}"
        marker = data[pos + 1]
        length = struct.unpack(">H", data[pos + 2:pos + 4])[0]
        out.append((marker, pos, pos + 2 + length))
        if marker == 0xDA:  # start of scan: entropy-coded data follows
            break
        pos += 2 + length
    return out


def flip_jpeg_image_byte(data: bytes) -> bytes:
    sos = next(s for s in jpeg_segments(data) if s[0] == 0xDA)
    target = sos[2] + (len(data) - sos[2]) // 2
    if data[target] in (0xFF, 0x00) or data[target - 1] == 0xFF:
        target += 3
    tampered = bytearray(data)
    tampered[target] ^= 0x01
    return bytes(tampered)


def strip_jpeg_manifest(data: bytes) -> bytes:
    """Remove every APP11 (JUMBF / C2PA) segment."""
    segments = jpeg_segments(data)
    out = bytearray(data[:2])
    for marker, start, end in segments:
        if marker != 0xEB:
            out += data[start:end]
    out += data[segments[-1][2]:]
    return bytes(out)


def png_chunks(data: bytes) -> list[tuple[bytes, int, int]]:
    """(type, start, end) of each chunk, start at the length field."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    out, pos = [], 8
    while pos < len(data):
        length = struct.unpack(">I", data[pos:pos + 4])[0]
        kind = data[pos + 4:pos + 8]
        out.append((kind, pos, pos + 12 + length))
        pos += 12 + length
    return out


def flip_png_image_byte(data: bytes) -> bytes:
    kind, start, end = next(c for c in png_chunks(data) if c[0] == b"IDAT")
    tampered = bytearray(data)
    tampered[start + 8 + (end - start - 12) // 2] ^= 0x01
    return bytes(tampered)


def strip_png_manifest(data: bytes) -> bytes:
    return data[:8] + b"".join(data[s:e] for kind, s, e in png_chunks(data) if kind != b"caBX")


def make_jpeg(path: Path, width: int, height: int, seed: int = 0, exif_camera: bool = True) -> Path:
    """A photo-like JPEG (gradients plus noise, so it compresses like a real picture)."""
    import random

    rng = random.Random(seed)
    base = Image.linear_gradient("L").resize((width, height))
    noise = Image.effect_noise((width, height), 40 + rng.randint(0, 20))
    im = Image.merge("RGB", (base, noise, Image.linear_gradient("L").rotate(90).resize((width, height))))
    exif = Image.Exif()
    if exif_camera:
        exif[0x010F] = "TestCam"
        exif[0x0110] = "Model 24"
    buf = io.BytesIO()
    im.save(buf, "JPEG", quality=90, exif=exif.tobytes())
    path.write_bytes(buf.getvalue())
    return path


def photo_folder(folder: Path, count: int, width: int = 2400, height: int = 1600) -> Path:
    """`folder` made and filled with `count` different photo-like JPEGs img00.jpg, img01.jpg, … (a shoot)."""
    folder.mkdir(parents=True)
    for i in range(count):
        make_jpeg(folder / f"img{i:02d}.jpg", width, height, seed=i)
    return folder
