"""The system libraries Qt needs to open a window on Linux, and the Debian/Ubuntu packages that give them.

This table is the one place that knows them: `scripts/run-app` and `scripts/test` install what is
missing (`python3 trustnxt_desktop/linux_runtime.py missing-packages`), the .deb's Depends line is
built from it (`… depends`), docs/install-linux.md points at it, and the app's launcher checks it
before Qt starts so that a missing library is named with the package to install, not with Qt's guess.

The sonames come from the ELF NEEDED entries of the Qt libraries and plugins the app loads (QtCore,
QtGui, QtWidgets, QtMultimedia, the xcb platform plugin and its GLX/EGL integrations, the FFmpeg
multimedia plugin, the image-format plugins) minus what PySide6 bundles and minus glibc/libstdc++;
tests/e2e/test_linux_runtime.py re-derives that set with readelf and fails when this table lags.
Package names hold for Debian 12 and 13 and Ubuntu 22.04 and 24.04; where the 64-bit time_t
transition renamed a package (Debian 13, Ubuntu 24.04), both names are given, newest first.

Standard library only: the setup scripts run it with the system Python before any venv exists.
"""

from __future__ import annotations

import ctypes
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class SystemLibrary:
    soname: str  # what the dynamic loader looks for, e.g. "libxcb-icccm.so.4"
    packages: tuple[str, ...]  # Debian/Ubuntu packages providing it, preferred first
    why: str  # which part of Qt needs it


_XCB = "Qt's X11 (xcb) platform plugin"
REQUIRED: tuple[SystemLibrary, ...] = (
    SystemLibrary("libGL.so.1", ("libgl1",), "Qt GUI (OpenGL)"),
    SystemLibrary("libEGL.so.1", ("libegl1",), "Qt GUI (EGL)"),
    SystemLibrary("libfontconfig.so.1", ("libfontconfig1",), "Qt GUI (fonts)"),
    SystemLibrary("libfreetype.so.6", ("libfreetype6",), "Qt GUI (fonts)"),
    SystemLibrary("libglib-2.0.so.0", ("libglib2.0-0t64", "libglib2.0-0"), "Qt core event loop"),
    SystemLibrary("libgthread-2.0.so.0", ("libglib2.0-0t64", "libglib2.0-0"), _XCB),
    SystemLibrary("libdbus-1.so.3", ("libdbus-1-3",), "Qt D-Bus (desktop integration)"),
    SystemLibrary("libgssapi_krb5.so.2", ("libgssapi-krb5-2",), "Qt core"),
    SystemLibrary("libxkbcommon.so.0", ("libxkbcommon0",), "Qt GUI (keyboard)"),
    SystemLibrary("libxkbcommon-x11.so.0", ("libxkbcommon-x11-0",), _XCB),
    SystemLibrary("libX11.so.6", ("libx11-6",), _XCB),
    SystemLibrary("libX11-xcb.so.1", ("libx11-xcb1",), _XCB),
    SystemLibrary("libXext.so.6", ("libxext6",), "Qt multimedia"),
    SystemLibrary("libXrandr.so.2", ("libxrandr2",), "Qt multimedia (without it cameras show as unavailable)"),
    SystemLibrary("libdrm.so.2", ("libdrm2",), "Qt multimedia"),
    SystemLibrary("libpulse.so.0", ("libpulse0",), "Qt multimedia (microphone)"),
    SystemLibrary("libxcb.so.1", ("libxcb1",), _XCB),
    SystemLibrary("libxcb-cursor.so.0", ("libxcb-cursor0",), _XCB),
    SystemLibrary("libxcb-glx.so.0", ("libxcb-glx0",), _XCB),
    SystemLibrary("libxcb-icccm.so.4", ("libxcb-icccm4",), _XCB),
    SystemLibrary("libxcb-image.so.0", ("libxcb-image0",), _XCB),
    SystemLibrary("libxcb-keysyms.so.1", ("libxcb-keysyms1",), _XCB),
    SystemLibrary("libxcb-randr.so.0", ("libxcb-randr0",), _XCB),
    SystemLibrary("libxcb-render.so.0", ("libxcb-render0",), _XCB),
    SystemLibrary("libxcb-render-util.so.0", ("libxcb-render-util0",), _XCB),
    SystemLibrary("libxcb-shape.so.0", ("libxcb-shape0",), _XCB),
    SystemLibrary("libxcb-shm.so.0", ("libxcb-shm0",), _XCB),
    SystemLibrary("libxcb-sync.so.1", ("libxcb-sync1",), _XCB),
    SystemLibrary("libxcb-util.so.1", ("libxcb-util1",), _XCB),
    SystemLibrary("libxcb-xfixes.so.0", ("libxcb-xfixes0",), _XCB),
    SystemLibrary("libxcb-xkb.so.1", ("libxcb-xkb1",), _XCB),
    SystemLibrary("libbrotlidec.so.1", ("libbrotli1",), "Qt GUI (compressed fonts)"),
    SystemLibrary("libbrotlicommon.so.1", ("libbrotli1",), "Qt GUI (compressed fonts)"),
    SystemLibrary("libbz2.so.1", ("libbz2-1.0",), "Qt GUI (fonts)"),
    SystemLibrary("libz.so.1", ("zlib1g",), "Qt core"),
    SystemLibrary("libzstd.so.1", ("libzstd1",), "Qt core"),
)

# Packages that are not libraries Qt links but that the app needs at run time: fonts (without them
# every glyph is a box), a Secret Service for the keyring (the app refuses to store secrets without one), and
# ExifTool, which the privacy check reads and rewrites metadata with (engine/exiftool.py).
DESKTOP_PACKAGES: tuple[str, ...] = ("fonts-dejavu-core", "gnome-keyring", "dbus", "libimage-exiftool-perl")


def _loads(soname: str) -> bool:
    """True when the dynamic loader finds `soname` (or a frozen bundle ships it beside the program)."""
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle and any((Path(bundle) / sub / soname).exists() for sub in ("", "PySide6/Qt/lib")):
        return True
    try:
        ctypes.CDLL(soname, mode=os.RTLD_LAZY | os.RTLD_LOCAL)
    except OSError:
        return False
    return True


def missing_libraries() -> list[SystemLibrary]:
    """The required libraries the dynamic loader cannot find on this machine (Linux only; else [])."""
    if not sys.platform.startswith("linux"):
        return []
    return [lib for lib in REQUIRED if not _loads(lib.soname)]


def package_choices(libraries: list[SystemLibrary]) -> list[tuple[str, ...]]:
    """Each distinct alternative group of `libraries`, in table order (e.g. ("libglib2.0-0t64", "libglib2.0-0"))."""
    seen: list[tuple[str, ...]] = []
    for lib in libraries:
        if lib.packages not in seen:
            seen.append(lib.packages)
    return seen


def install_hint(libraries: list[SystemLibrary]) -> str:
    """A message naming the missing libraries and the apt command that installs them."""
    names = ", ".join(lib.soname for lib in libraries)
    packages = " ".join(group[-1] if len(group) > 1 else group[0] for group in package_choices(libraries))
    newer = [group[0] for group in package_choices(libraries) if len(group) > 1]
    lines = [f"TrustNXT Desktop cannot open its window: these system libraries are missing: {names}.",
             "On Debian or Ubuntu install them with:",
             f"    sudo apt install {packages}"]
    if newer:
        lines.append(f"(on Debian 13 or Ubuntu 24.04 and newer the name is {', '.join(newer)})")
    lines.append("On other systems install the packages that provide those files.")
    return "\n".join(lines)


def _apt_has(package: str) -> bool:
    """True when apt has an installable candidate for `package`."""
    out = subprocess.run(["apt-cache", "policy", package], capture_output=True, text=True, check=False).stdout
    return "Candidate:" in out and "Candidate: (none)" not in out


def apt_packages_for(libraries: list[SystemLibrary]) -> list[str]:
    """One installable package per alternative group (the first apt knows), for `apt-get install`."""
    chosen = []
    for group in package_choices(libraries):
        chosen.append(next((p for p in group if _apt_has(p)), group[-1]))
    return chosen


def depends_field() -> str:
    """The .deb control file's Depends value: every required library's packages as alternatives."""
    groups = [" | ".join(group) for group in package_choices(list(REQUIRED))]
    # ExifTool: the privacy check reads and rewrites metadata with it (engine/exiftool.py).
    return ", ".join([*groups, "fonts-dejavu-core | fonts-liberation", "libimage-exiftool-perl"])


def main(argv: list[str]) -> int:
    commands = {
        # The packages a setup script must apt-get install (after apt-get update) for what is missing.
        "missing-packages": lambda: print(" ".join(apt_packages_for(missing_libraries()))),
        "missing-libraries": lambda: print("\n".join(lib.soname for lib in missing_libraries())),
        "depends": lambda: print(depends_field()),
        "desktop-packages": lambda: print(" ".join(DESKTOP_PACKAGES)),
    }
    if len(argv) != 1 or argv[0] not in commands:
        print(f"usage: {Path(__file__).name} {{{'|'.join(commands)}}}", file=sys.stderr)
        return 2
    if argv[0] == "missing-packages" and not shutil.which("apt-cache"):
        print("apt-cache not found: install the libraries listed by 'missing-libraries' yourself", file=sys.stderr)
        return 1
    commands[argv[0]]()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
