"""A stand-in for the desktop's `xdg-open` on PATH, for tests of Open and Show in folder: it records what it
was asked to open and ends with the status the real one gives for that case (xdg-utils: 0 opened, 3 no
program found for the file, 4 the program failed)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest


def xdg_open_on_path(folder: Path, monkeypatch: pytest.MonkeyPatch, status: int = 0) -> Path:
    """Put an `xdg-open` first on PATH; returns the file where each call's argument is written, one a line."""
    folder.mkdir(parents=True, exist_ok=True)
    calls = folder / "opened.txt"
    script = folder / "xdg-open"
    script.write_text(f'#!/bin/sh\nprintf "%s\\n" "$1" >> "{calls}"\n'
                      + ('echo "xdg-open: no method available for opening \'$1\'" >&2\n' if status else "")
                      + f"exit {status}\n")
    script.chmod(0o755)
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ['PATH']}")
    return calls


def opened(calls: Path) -> list[str]:
    return calls.read_text().splitlines() if calls.exists() else []
