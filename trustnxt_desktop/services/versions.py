"""The exact versions of this program and what it is built on (About, diagnostics). No Qt here: the GUI adds
the Qt rows itself."""

from __future__ import annotations

import platform
from collections.abc import Sequence
from importlib import metadata

from .. import APP_NAME, __version__

COMPONENTS = ("c2pa-python", "pillow", "pillow-heif", "httpx", "keyring", "qasync", "cryptography")


def operating_system() -> str:
    """`Debian GNU/Linux 12 (bookworm) · Linux-6.1.0-…-x86_64-with-glibc2.36`; the distribution only on Linux."""
    try:
        pretty = platform.freedesktop_os_release().get("PRETTY_NAME", "")
    except OSError:  # not Linux, or no os-release file
        pretty = ""
    return " · ".join(p for p in (pretty, platform.platform()) if p)


def component_versions() -> list[tuple[str, str]]:
    """(name, version) rows: Python, each library in COMPONENTS ("not installed" when absent), the c2pa-rs core."""
    rows = [("Python", platform.python_version())]
    for name in COMPONENTS:
        try:
            rows.append((name, metadata.version(name)))
        except metadata.PackageNotFoundError:
            rows.append((name, "not installed"))
    from ..engine.c2pa_loader import c2pa  # here: the window that offers these rows does not load c2pa to start

    rows.append(("c2pa-rs", c2pa.sdk_version()))
    return rows


def version_report(extra: Sequence[tuple[str, str]] = ()) -> str:
    """Plain text, one `name: version` line each: the app, the OS, `extra` (e.g. Qt), the components."""
    rows = [(APP_NAME, __version__), ("Operating system", operating_system()), *extra, *component_versions()]
    return "".join(f"{name}: {version}\n" for name, version in rows)
