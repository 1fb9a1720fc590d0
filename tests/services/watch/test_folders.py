"""Watch folders as stored in the settings: round trip, bad entries dropped, what a folder contains, where a copy
goes, which pairs cannot be watched, and the protect options a folder sets."""

from __future__ import annotations

from pathlib import Path

import pytest

from trustnxt_desktop.domain.protect import ContentSource, ProtectOptions
from trustnxt_desktop.services.watch.folders import WatchFolder, folder_problem, parse_folders


def test_round_trip_and_bad_entries_dropped(tmp_path: Path) -> None:
    folder = WatchFolder(tmp_path / "in", tmp_path / "out", {"content_source": "edited"}, False, False)
    assert WatchFolder.from_json(folder.to_json()) == folder
    assert parse_folders([folder.to_json(), "x", {"folder": "", "out_dir": "/o"}, {"folder": "/a"},
                          {"folder": "/a", "out_dir": "/b", "options": []}]) == [folder]
    with pytest.raises(ValueError):
        WatchFolder.from_json([])


def test_what_a_folder_contains_and_where_copies_go(tmp_path: Path) -> None:
    inbox = tmp_path / "in"
    nested = WatchFolder(inbox, inbox / "protected")
    assert nested.contains(inbox / "a.jpg") and nested.contains(inbox / "day" / "b.jpg")
    assert not nested.contains(inbox / "protected" / "a.protected.jpg"), "its own output folder is not watched"
    assert not nested.contains(tmp_path / "elsewhere.jpg")
    flat = WatchFolder(inbox, tmp_path / "out", recursive=False)
    assert flat.contains(inbox / "a.jpg") and not flat.contains(inbox / "day" / "b.jpg")
    assert nested.output_folder_for(inbox / "day" / "b.jpg") == inbox / "protected" / "day"


def test_pairs_that_cannot_be_watched(tmp_path: Path) -> None:
    inbox = tmp_path / "in"
    inbox.mkdir()
    assert folder_problem(inbox, tmp_path / "out") is None
    assert folder_problem(inbox, inbox / "protected") is None
    assert "does not exist" in (folder_problem(tmp_path / "gone", tmp_path / "out") or "")
    assert "own output folder" in (folder_problem(inbox, inbox) or "")
    assert "must not contain" in (folder_problem(inbox, tmp_path) or "")
    assert "full paths" in (folder_problem(Path("in"), tmp_path / "out") or "")
    assert "already watched" in (folder_problem(inbox, tmp_path / "o2", [WatchFolder(inbox, tmp_path / "o")]) or "")


def test_a_folders_options_override_the_settings(tmp_path: Path) -> None:
    base = ProtectOptions(author="Ana", thumbnail_edge=256)
    folder = WatchFolder(tmp_path, tmp_path / "out", {"content_source": "ai", "thumbnail_edge": 0, "unknown": 1})
    options = folder.protect_options(base)
    assert options.content_source is ContentSource.AI and options.thumbnail_edge == 0
    assert options.author == "Ana" and options.out_dir == tmp_path / "out"
    with pytest.raises(ValueError):
        WatchFolder(tmp_path, tmp_path / "out", {"content_source": "painted"}).protect_options(base)
