"""engine/manifest_store.py: the embedded manifest store read from a JPEG's APP11 segments, a PNG's caBX chunk and a
WebP's C2PA chunk, checked by c2pa-rs; files without one, and other formats, give None."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

from tests.conftest import CORPUS
from trustnxt_desktop.engine.manifest_store import embedded_store, store_of

SIGNED = CORPUS / "c2pa" / "truepic-20230212-camera.jpg"


def test_a_jpeg_store_is_joined_from_its_app11_packets() -> None:
    found = store_of(SIGNED)
    assert found is not None
    store, label = found
    assert label.startswith("com.truepic:urn:uuid:") and store[4:8] == b"jumb"
    assert len(store) > 65_535, "more than one APP11 segment: the packets were joined"


def _png_with(box: bytes) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"caBX", box)
            + chunk(b"IDAT", zlib.compress(b"\x00\x00")) + chunk(b"IEND", b""))


def _webp_with(box: bytes) -> bytes:
    body = b"WEBP" + b"VP8L" + struct.pack("<I", 1) + b"\x00\x00" + b"C2PA" + struct.pack("<I", len(box)) + box
    body += b"\x00" * (len(box) & 1)
    return b"RIFF" + struct.pack("<I", len(body)) + body


def test_png_and_webp_stores_are_their_chunks(tmp_path: Path) -> None:
    found = store_of(SIGNED)
    assert found is not None
    for name, data in (("a.png", _png_with(found[0])), ("a.webp", _webp_with(found[0]))):
        assert embedded_store(data) == found[0]
        (tmp_path / name).write_bytes(data)
        assert store_of(tmp_path / name) == found


def test_files_without_a_store_give_none(tmp_path: Path) -> None:
    assert store_of(CORPUS / "media" / "no_manifest.jpg") is None
    assert embedded_store(b"%PDF-1.7\n") is None
    assert embedded_store(_png_with(b"\x00\x00\x00\x10jumbnot a store")) is None
    broken = tmp_path / "broken.png"
    broken.write_bytes(_png_with(b"\x00\x00\x00\x20jumb\x00\x00\x00\x18jumdc2pa\x00" + b"\x00" * 8))
    assert store_of(broken) is None, "c2pa-rs does not read it as a manifest store"
