"""engine/exiftool.py: ExifTool run as a program; when it is missing, one sentence says so and how to install it on
the system the app runs on (it is a package dependency on Linux, not bundled on Windows and macOS)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.media_tools import make_jpeg
from trustnxt_desktop.domain.privacy import EXIFTOOL_MISSING
from trustnxt_desktop.engine import exiftool
from trustnxt_desktop.engine.privacy.inventory import take_inventory


@pytest.mark.parametrize(("platform", "how"), [
    ("linux", "apt install libimage-exiftool-perl"),
    ("win32", "rename exiftool(-k).exe to exiftool.exe"),
    ("darwin", "brew install exiftool"),
])
def test_the_missing_sentence_says_how_to_install_it_here(platform: str, how: str) -> None:
    sentence = exiftool.missing_sentence(platform)
    assert sentence.startswith(EXIFTOOL_MISSING) and how in sentence
    assert "https://exiftool.org" in sentence and exiftool.ENV in sentence


def test_a_missing_exiftool_is_named_for_every_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(exiftool.ENV, str(tmp_path / "no-exiftool"))
    photo = tmp_path / "photo.jpg"
    photo.write_bytes(b"\xff\xd8\xff\xd9")
    with pytest.raises(exiftool.ExifToolError, match=EXIFTOOL_MISSING):
        exiftool.read_tag_pairs(photo)
    found = take_inventory(photo, "image/jpeg")
    assert found.error == exiftool.missing_sentence() and not found.fields


def test_it_reads_tags_when_installed(tmp_path: Path) -> None:
    if exiftool.executable() is None:
        pytest.skip("ExifTool is not installed here (scripts/test installs libimage-exiftool-perl)")
    photo = make_jpeg(tmp_path / "photo.jpg", 64, 48)
    assert ("File:System:Other:FileName", "photo.jpg") in exiftool.read_tag_pairs(photo)
