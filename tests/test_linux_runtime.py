"""The table of system libraries Qt needs (trustnxt_desktop/linux_runtime.py) stays true to the Qt we ship."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from trustnxt_desktop import linux_runtime

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux's X11 platform only")

# What glibc and the compiler runtime provide: present on every Debian and Ubuntu system.
BASE_SYSTEM = {"ld-linux-x86-64.so.2", "ld-linux-aarch64.so.1", "libc.so.6", "libm.so.6", "libdl.so.2",
               "libpthread.so.0", "libresolv.so.2", "librt.so.1", "libstdc++.so.6", "libgcc_s.so.1"}


def _needed(binary: Path) -> list[str]:
    dynamic = subprocess.run(["readelf", "-d", str(binary)], capture_output=True, text=True, check=True).stdout
    return re.findall(r"\(NEEDED\)\s+Shared library: \[(.+?)\]", dynamic)


def _qt_system_libraries() -> set[str]:
    """Every library outside PySide6 that the Qt parts the app loads link, followed through Qt's own libraries."""
    import PySide6

    qt = Path(PySide6.__file__).parent / "Qt"
    bundled = {p.name for p in (qt / "lib").iterdir()}
    plugins = qt / "plugins"
    roots = [qt / "lib" / f"libQt6{m}.so.6" for m in ("Core", "Gui", "Widgets", "Multimedia", "MultimediaWidgets")]
    roots += [plugins / "platforms" / "libqxcb.so", *(plugins / "xcbglintegrations").glob("*.so"),
              *(plugins / "multimedia").glob("*.so"), *(plugins / "imageformats").glob("*.so")]
    todo, seen, system = list(roots), set(), set()
    while todo:
        binary = todo.pop()
        if binary in seen:
            continue
        seen.add(binary)
        for name in _needed(binary):
            if name in bundled:
                todo.append(qt / "lib" / name)
            else:
                system.add(name)
    return system - BASE_SYSTEM


def test_the_table_names_every_system_library_qt_links() -> None:
    assert shutil.which("readelf"), "readelf (binutils) is needed to read what Qt links"
    needed = _qt_system_libraries()
    assert "libxcb-icccm.so.4" in needed and "libxcb-keysyms.so.1" in needed  # the ones a fresh Debian lacked
    listed = {lib.soname for lib in linux_runtime.REQUIRED}
    assert needed - listed == set(), "add these to linux_runtime.REQUIRED with their packages"


def test_every_library_in_the_table_loads_here() -> None:
    # scripts/test installed them from the table, as scripts/run-app does on a user's machine.
    assert linux_runtime.missing_libraries() == []


def test_the_deb_depends_on_every_package_in_the_table() -> None:
    depends = linux_runtime.depends_field()
    for lib in linux_runtime.REQUIRED:
        assert " | ".join(lib.packages) in depends
    assert "libxcb-icccm4" in depends and "libglib2.0-0t64 | libglib2.0-0" in depends
    assert "libimage-exiftool-perl" in depends  # the privacy check rewrites metadata with ExifTool


def test_the_hint_names_packages_not_qts_guess() -> None:
    missing = [lib for lib in linux_runtime.REQUIRED if lib.soname in ("libxcb-icccm.so.4", "libglib-2.0.so.0")]
    hint = linux_runtime.install_hint(missing)
    command = next(line for line in hint.splitlines() if "sudo apt install" in line).split()
    assert "libxcb-icccm.so.4" in hint and set(command[3:]) == {"libxcb-icccm4", "libglib2.0-0"}
    assert "libglib2.0-0t64" in hint  # the name on Debian 13 and Ubuntu 24.04


def test_the_setup_scripts_ask_the_table_what_to_install() -> None:
    script = Path(linux_runtime.__file__)
    done = subprocess.run([sys.executable, str(script), "missing-libraries"], capture_output=True, text=True)
    assert done.returncode == 0 and done.stdout.strip() == ""
    done = subprocess.run([sys.executable, str(script), "frobnicate"], capture_output=True, text=True)
    assert done.returncode == 2 and "usage" in done.stderr
