"""ui/desktop.py: handing files to the desktop, with xdg-open's exit status read (Qt calls any start a
success) and turned into a sentence for the person; an opener still running after the grace period opened it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.ui.desktop_opener import opened, xdg_open_on_path
from trustnxt_desktop.ui import desktop


async def test_open_hands_the_file_over_and_says_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = xdg_open_on_path(tmp_path / "bin", monkeypatch)
    photo = tmp_path / "photo.protected.jpg"
    photo.write_bytes(b"x")
    assert await desktop.open_path_async(photo) is None
    assert await desktop.reveal_path_async(photo) is None
    assert opened(calls) == [str(photo), str(tmp_path)]  # Linux shows the folder


@pytest.mark.parametrize(("status", "says"), [
    (3, "no program on this computer is set up to open it"),
    (4, "the program that opens it reported an error"),
    (2, "the file is not there any more"),
    (9, "xdg-open ended with status 9"),
])
async def test_a_failed_open_is_said_in_plain_words(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                    status: int, says: str) -> None:
    xdg_open_on_path(tmp_path / "bin", monkeypatch, status=status)
    photo = tmp_path / "a.jpg"
    assert await desktop.open_path_async(photo) == f"Could not open a.jpg: {says}."
    assert await desktop.reveal_path_async(photo) == f"Could not show a.jpg in its folder: {says}."


async def test_an_opener_that_keeps_running_has_handed_the_file_over(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "bin"
    folder.mkdir()
    started = tmp_path / "started"
    script = folder / "xdg-open"
    script.write_text(f'#!/bin/sh\ntouch "{started}"\nexec sleep 30\n')
    script.chmod(0o755)
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setattr(desktop, "OPENER_GRACE_S", 0.5)
    assert await desktop.open_path_async(tmp_path / "a.jpg") is None
    assert started.exists()


async def test_an_opener_that_cannot_start_is_said(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "bin"
    folder.mkdir()
    (folder / "xdg-open").write_text("not a program")
    (folder / "xdg-open").chmod(0o755)  # executable but no interpreter line: exec fails
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ['PATH']}")
    said = await desktop.open_path_async(tmp_path / "a.jpg")
    assert said is not None and said.startswith("Could not open a.jpg: xdg-open could not be started (")
