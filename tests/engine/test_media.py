from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import CORPUS
from trustnxt_desktop.engine.media import sniff

EXPECTED_TYPES = {
    "P1000827.jpg": "image/jpeg", "c.mov": "video/quicktime", "sample1.avif": "image/avif",
    "sample1.flac": "audio/flac", "sample1.gif": "image/gif", "sample1.heic": "image/heic",
    "sample1.m4a": "audio/mp4", "sample1.mp3": "audio/mpeg", "sample1.png": "image/png", "sample1.wav": "audio/wav",
    "sample1.webp": "image/webp", "test.tiff": "image/tiff", "video1_no_manifest.mp4": "video/mp4",
}


@pytest.mark.parametrize(("name", "media_type"), sorted(EXPECTED_TYPES.items()))
def test_sniffs_real_files(name: str, media_type: str) -> None:
    assert sniff(CORPUS / "media" / name) == media_type


def test_bytes_beat_a_lying_extension_but_not_within_a_family(tmp_path: Path) -> None:
    liar = tmp_path / "photo.png"
    shutil.copy(CORPUS / "media" / "trustnxt-icon.jpg", liar)
    assert sniff(liar) == "image/jpeg"
    raw = tmp_path / "shot.dng"
    shutil.copy(CORPUS / "media" / "test.tiff", raw)
    assert sniff(raw) == "image/x-adobe-dng"  # DNG is TIFF inside; the name tells which
    audio = tmp_path / "voice.m4a"
    shutil.copy(CORPUS / "media" / "video1_no_manifest.mp4", audio)
    assert sniff(audio) == "audio/mp4"
    text = tmp_path / "notes.jpg"
    text.write_text("hello")
    assert sniff(text) == "image/jpeg"  # unknown bytes: the extension is all we have
    (tmp_path / "empty.bin").write_bytes(b"")
    assert sniff(tmp_path / "empty.bin") is None
