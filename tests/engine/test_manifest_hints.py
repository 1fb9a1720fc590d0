"""The pre-check that spares protect the isolated read of a file's own credentials: it may say "maybe" for
a file without any, never "no" for a file with some."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from PIL import Image

from tests.conftest import CORPUS, EXPECTED
from trustnxt_desktop.domain.protect import ProtectOptions
from trustnxt_desktop.engine.manifest_hints import HINTS, may_have_manifest
from trustnxt_desktop.engine.protect import protect_file

SOS_HEADER = b"\xff\xda\x00\x08\x01\x01\x00\x00\x3f\x00"  # one component, then entropy-coded data
EOI = b"\xff\xd9"


def plain_jpeg() -> bytes:
    out = io.BytesIO()
    Image.effect_noise((320, 240), 60).convert("RGB").save(out, "JPEG", quality=95)
    return out.getvalue()


def app11(payload: bytes) -> bytes:
    return b"\xff\xeb" + (len(payload) + 2).to_bytes(2, "big") + payload


def anywhere(path: Path) -> bool:
    data = path.read_bytes()
    return any(hint in data for hint in HINTS)


@pytest.mark.parametrize("path", sorted(p for folder in ("c2pa", "media", "hostile")
                                        for p in (CORPUS / folder).iterdir() if p.is_file()), ids=lambda p: p.name)
def test_every_file_with_credentials_is_a_maybe(path: Path) -> None:
    expected = EXPECTED.get(path.parent.name, {}).get(path.name)
    verdict = expected.get("verdict") if isinstance(expected, dict) else None
    if verdict in ("valid", "invalid", "trusted", "unverified"):
        assert may_have_manifest(path), "a file with a manifest is always read"
    if not anywhere(path):
        assert not may_have_manifest(path), "no hint anywhere: certainly no manifest"


def test_our_own_copies_are_a_maybe_and_a_plain_photo_is_not(tmp_path: Path, identity) -> None:
    photo = tmp_path / "photo.jpg"
    photo.write_bytes(plain_jpeg())
    assert not may_have_manifest(photo)
    done = protect_file(photo, identity, ProtectOptions(out_dir=tmp_path / "out"))
    assert done.output is not None and may_have_manifest(done.output)


def test_a_jpeg_is_searched_outside_its_picture_data_only(tmp_path: Path) -> None:
    head = b"\xff\xd8" + b"\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    in_picture = tmp_path / "in-picture.jpg"
    in_picture.write_bytes(head + SOS_HEADER + b"\x12\x34c2pa\x56provenance\xff\x00\x78" + EOI)
    assert anywhere(in_picture) and not may_have_manifest(in_picture), "entropy-coded bytes are never a manifest"

    between = tmp_path / "between-scans.jpg"  # a reader still finds an APP11 store after the first scan
    between.write_bytes(head + SOS_HEADER + b"\x12\xff\xd3\x34" + app11(b"JP\x00\x01jumbc2pa") + SOS_HEADER + b"\x56"
                        + EOI)
    assert may_have_manifest(between)

    after = tmp_path / "after-the-image.jpg"
    after.write_bytes(plain_jpeg() + b"trailing C2PA store")
    assert may_have_manifest(after)

    broken = tmp_path / "broken.jpg"  # a segment longer than the file: searched whole, like any other file
    broken.write_bytes(head + b"\xff\xe1\xff\xff" + b"\x00provenance")
    assert may_have_manifest(broken)


def test_empty_and_oversized_files(tmp_path: Path) -> None:
    empty = tmp_path / "empty.jpg"
    empty.touch()
    assert not may_have_manifest(empty)
    big = tmp_path / "big.jpg"
    shutil.copy(CORPUS / "media" / "trustnxt-icon.jpg", big)
    with open(big, "ab") as f:  # beyond the pre-check's limit c2pa decides: always a maybe
        f.truncate(65 * 1024 * 1024)
    assert may_have_manifest(big)
