"""Handing files to the operating system: open with the default app, show in the file manager.

The `_async` forms say when that failed, in a sentence for the person. On Linux they run xdg-open (what
Qt itself runs there) and read its exit status (xdg-utils: 1 bad command line, 2 no such file, 3 no
program found for the file, 4 the program failed), because Qt reports success as soon as xdg-open
starts. xdg-open still running after OPENER_GRACE_S has handed the file to a program that stays open.
"""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import sys
import threading
from pathlib import Path

from PySide6.QtCore import QProcess, QUrl
from PySide6.QtGui import QDesktopServices


def open_path(path: Path) -> bool:
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


def open_url(url: str) -> bool:
    return QDesktopServices.openUrl(QUrl(url))


def reveal_path(path: Path) -> bool:
    """Show the file selected in its folder where the platform can; otherwise open the folder."""
    if sys.platform == "darwin":
        return QProcess.startDetached("open", ["-R", str(path)])[0]
    if sys.platform == "win32":
        return QProcess.startDetached("explorer", [f"/select,{path}"])[0]
    return open_path(path.parent)


OPENER_GRACE_S = 5.0
_XDG_OPEN_FAILURES = {
    1: "the request was not understood",
    2: "the file is not there any more",
    3: "no program on this computer is set up to open it",
    4: "the program that opens it reported an error",
}


async def open_path_async(path: Path) -> str | None:
    """Open `path` with the desktop's default program. None when it was handed over, else why not."""
    if sys.platform.startswith("linux") and (tool := shutil.which("xdg-open")):
        return await _xdg_open(tool, path, f"Could not open {path.name}")
    if open_path(path):
        return None
    return f"Could not open {path.name}: no program on this computer is set up to open it."


async def reveal_path_async(path: Path) -> str | None:
    """Show `path` in the file manager (on Linux: open its folder). None when done, else why not."""
    if sys.platform.startswith("linux") and (tool := shutil.which("xdg-open")):
        return await _xdg_open(tool, path.parent, f"Could not show {path.name} in its folder")
    if reveal_path(path):
        return None
    return f"Could not show {path.name} in its folder: no file manager could be started."


async def _xdg_open(tool: str, target: Path, failed: str) -> str | None:
    def run() -> int | None:
        proc = subprocess.Popen([tool, str(target)], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, start_new_session=True)
        try:
            return proc.wait(timeout=OPENER_GRACE_S)
        except subprocess.TimeoutExpired:
            threading.Thread(target=proc.wait, daemon=True).start()  # reaped whenever it ends
            return None

    try:
        code = await asyncio.to_thread(run)
    except OSError as e:
        return f"{failed}: xdg-open could not be started ({e.strerror or e})."
    if not code:
        return None
    return f"{failed}: {_XDG_OPEN_FAILURES.get(code, f'xdg-open ended with status {code}')}."
