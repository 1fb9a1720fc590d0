"""A virtual X screen for tests that start the real program with Qt's xcb platform, as a user's desktop would.

Offscreen Qt (the rest of the suite) never loads the xcb plugin, so only these tests notice a missing
system library or a window that never maps. Needs Debian's xvfb and xdotool (scripts/test installs them).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest


@dataclass(frozen=True)
class Window:
    id: str
    x: int
    y: int
    width: int
    height: int


def require_tools() -> None:
    missing = [tool for tool in ("Xvfb", "xdotool") if shutil.which(tool) is None]
    if missing:
        pytest.fail(f"{', '.join(missing)} not installed: run the suite with scripts/test, which installs them")


@contextmanager
def virtual_screen(width: int = 1280, height: int = 900) -> Iterator[str]:
    """Start Xvfb on a free display number (it picks one and tells us); yield ":N"; stop it."""
    require_tools()
    read_end, write_end = os.pipe()
    server = subprocess.Popen(["Xvfb", "-displayfd", str(write_end), "-screen", "0", f"{width}x{height}x24",
                               "-nolisten", "tcp", "-noreset"], pass_fds=(write_end,),
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(write_end)
    try:
        with os.fdopen(read_end) as announced:
            number = announced.readline().strip()
        assert number.isdigit(), "Xvfb did not start"
        yield f":{number}"
    finally:
        server.terminate()
        server.wait(timeout=10)


def x_env(display: str, **extra: str) -> dict[str, str]:
    """The test's environment with Qt on the X server `display` (the suite defaults to offscreen)."""
    return {**os.environ, "DISPLAY": display, "QT_QPA_PLATFORM": "xcb", **extra}


def wait_for_window(display: str, title: str, timeout: float = 60) -> Window:
    """Wait until a visible window whose title is exactly `title` is mapped; return its geometry."""
    env = x_env(display)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = subprocess.run(["xdotool", "search", "--onlyvisible", "--name", f"^{title}$"], env=env,
                               capture_output=True, text=True, timeout=10).stdout.split()
        if found:
            geometry = subprocess.run(["xdotool", "getwindowgeometry", "--shell", found[0]], env=env,
                                      capture_output=True, text=True, timeout=10).stdout
            values = dict(line.split("=", 1) for line in geometry.split())
            return Window(found[0], int(values["X"]), int(values["Y"]), int(values["WIDTH"]), int(values["HEIGHT"]))
        time.sleep(0.2)
    raise AssertionError(f"no window titled {title!r} appeared on {display} within {timeout:.0f} s")


def screenshot(display: str, target: Path) -> Path:
    """Grab the whole X screen into a PNG, through Qt's own xcb platform in a separate process."""
    code = ("import sys; from PySide6.QtGui import QGuiApplication; app = QGuiApplication([]); "
            "sys.exit(0 if app.primaryScreen().grabWindow(0).save(sys.argv[1]) else 1)")
    with tempfile.TemporaryDirectory() as scratch:  # never run Python with the project as its working directory
        done = subprocess.run([sys.executable, "-c", code, str(target)], env=x_env(display), cwd=scratch,
                              capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return target


def painted_colours(png: Path, window: Window) -> int:
    """How many distinct colours the window's area of a screenshot holds (a blank window has one or two)."""
    from PIL import Image

    with Image.open(png) as shot:
        area = shot.convert("RGB").crop((window.x, window.y, window.x + window.width, window.y + window.height))
        colours = area.getcolors(maxcolors=1 << 16)
    return len(colours) if colours is not None else 1 << 16


def launch_and_look(program: Path, home: Path, shot: Path, display: str) -> str:
    """Start `program` on `display`, wait for its main window, screenshot it, let it quit; return stderr."""
    with tempfile.TemporaryDirectory() as scratch:
        app = subprocess.Popen([str(program), "--quit-after", "4"], env=x_env(display, TRUSTNXT_HOME=str(home)),
                               cwd=scratch, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            window = wait_for_window(display, "TrustNXT Desktop", timeout=90)
            screenshot(display, shot)
            out, err = app.communicate(timeout=120)
        finally:
            if app.poll() is None:
                app.kill()
                app.wait()
    assert app.returncode == 0, err[-3000:]
    assert "first paint" in out
    assert window.width >= 800 and window.height >= 500
    # A blank or black window has one or two colours; the real one has text, icons and the usage chart.
    assert painted_colours(shot, window) > 50, f"the window looks blank: {shot}"
    return err
