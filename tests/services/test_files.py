from __future__ import annotations

import os
from pathlib import Path

from trustnxt_desktop.services.files import expand, is_protected_copy


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
