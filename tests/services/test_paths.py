"""Where per-user state lives: one owner-only root, TRUSTNXT_HOME overriding it."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from trustnxt_desktop.services.paths import captures_dir, data_root, documents_dir


def test_the_root_is_made_owner_only_with_what_it_holds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "home"
    root.mkdir(mode=0o755)
    (root / "ledger.sqlite").write_text("x")
    (root / "ledger.sqlite").chmod(0o644)
    monkeypatch.setenv("TRUSTNXT_HOME", str(root))
    assert data_root() == root
    assert stat.S_IMODE(root.stat().st_mode) == 0o700
    assert stat.S_IMODE((root / "ledger.sqlite").stat().st_mode) == 0o600
    assert captures_dir() == root / "Captures"
    fresh = tmp_path / "new" / "profile"
    monkeypatch.setenv("TRUSTNXT_HOME", str(fresh))
    assert data_root() == fresh and fresh.is_dir() and stat.S_IMODE(fresh.stat().st_mode) == 0o700


def test_without_an_override_the_platform_folders_are_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TRUSTNXT_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.delenv("XDG_DOCUMENTS_DIR", raising=False)
    assert data_root().parent == tmp_path / "data"
    assert captures_dir().name == "TrustNXT Captures"
    # No Documents folder: the home folder, never the folder the program was started from.
    assert documents_dir() in (tmp_path / "Documents", tmp_path)
    (tmp_path / "Documents").mkdir()
    assert documents_dir() == tmp_path / "Documents"
