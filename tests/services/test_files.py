from __future__ import annotations

import os
from pathlib import Path

from trustnxt_desktop.engine.formats import supported_formats
from trustnxt_desktop.services.files import expand, is_protected_copy, media_kind


def test_expand_walks_folders_in_order_and_skips_hidden_temp_and_our_copies(tmp_path: Path) -> None:
    (tmp_path / "a" / "sub").mkdir(parents=True)
    (tmp_path / "a" / ".hidden").mkdir()
    for name in ("b.jpg", "a.jpg", ".DS_Store", ".x.trustnxt-partial", "a.protected.jpg", "a.protected (2).jpg",
                 "sub/c.png", ".hidden/d.png"):
        (tmp_path / "a" / name).write_bytes(b"x")
    os.symlink(tmp_path / "a", tmp_path / "a" / "sub" / "loop")
    single = tmp_path / "single.jpg"
    single.write_bytes(b"x")
    found = expand([tmp_path / "a", single, single], skip_protected_copies=True)
    assert [(f.path.name, str(f.relative_dir), f.from_folder) for f in found] == [
        ("a.jpg", ".", True), ("b.jpg", ".", True), ("c.png", "sub", True), ("single.jpg", ".", False)]
    assert len(expand([tmp_path / "a"])) == 5  # copies are listed when not protecting


def test_is_protected_copy() -> None:
    assert is_protected_copy(Path("x.protected.jpg")) and is_protected_copy(Path("x.protected (12).heic"))
    assert not is_protected_copy(Path("protected.jpg")) and not is_protected_copy(Path("x.protectedness.jpg"))


def test_media_kind_comes_from_the_engines_format_table() -> None:
    for f in supported_formats():
        for e in f.extensions:
            assert media_kind(Path(f"clip.{e}")) == media_kind(Path(f"CLIP.{e.upper()}")) == f.kind
    assert [media_kind(Path(n)) for n in ("a.wav", "a.MOV", "a.jpg")] == ["audio", "video", "image"]
    assert media_kind(Path("notes.unknown-ext")) is None and media_kind(Path("README")) is None
