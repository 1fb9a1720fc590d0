"""The real program opens a real window through Qt's X11 (xcb) platform, as on a user's desktop.

The rest of the suite runs Qt offscreen, which never loads the xcb plugin and so cannot notice a
missing system library; these tests start the installed entry point under Xvfb and look at the screen.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import PROJECT
from tests.xvfb import launch_and_look, virtual_screen, x_env

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux's X11 platform only")

APP = Path(sys.executable).with_name("trustnxt-desktop")


def test_the_app_opens_its_window_on_x11(tmp_path: Path) -> None:
    with virtual_screen() as display:
        err = launch_and_look(APP, tmp_path / "home", tmp_path / "x11-window.png", display)
    assert "qt.qpa.plugin" not in err and "could not load the Qt platform plugin" not in err.lower()


def test_without_a_display_the_launcher_says_so(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    done = subprocess.run([str(APP)], env={**env, "QT_QPA_PLATFORM": "xcb", "TRUSTNXT_HOME": str(tmp_path)},
                          capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert done.returncode == 3
    assert "no display to connect to" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.skipif(os.geteuid() != 0 or shutil.which("unshare") is None,
                    reason="hides a system library in a private mount namespace: needs root (CI runs as root)")
def test_a_missing_library_is_named_with_its_package(tmp_path: Path) -> None:
    # Hide libxcb-icccm.so.4 (the library a fresh Debian 12 lacked) from this one process only.
    located = subprocess.run(["ldconfig", "-p"], capture_output=True, text=True, check=True).stdout
    path = next(line.split("=>")[1].strip() for line in located.splitlines() if "libxcb-icccm.so.4 " in line)
    empty = tmp_path / "empty"
    empty.touch()
    hide = f'mount --bind "{empty}" "$(readlink -f "{path}")" && exec "$@"'
    with virtual_screen() as display:
        done = subprocess.run(["unshare", "--mount", "--propagation", "private", "sh", "-c", hide, "sh", str(APP)],
                              env=x_env(display, TRUSTNXT_HOME=str(tmp_path / "home")), capture_output=True,
                              text=True, timeout=60, cwd=tmp_path)
    assert done.returncode == 3, done.stderr
    assert "libxcb-icccm.so.4" in done.stderr and "sudo apt install libxcb-icccm4" in done.stderr
    assert "Traceback" not in done.stderr
    assert Path(path).stat().st_size > 0  # the host's copy was never touched


def test_the_readme_launch_command_uses_the_same_checks() -> None:
    # scripts/run-app installs from the one table before it starts the app.
    common = (PROJECT / "scripts" / "_common.sh").read_text()
    assert "linux_runtime.py" in common and "ensure_app_runtime" in (PROJECT / "scripts" / "run-app").read_text()
