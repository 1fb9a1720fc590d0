"""Import c2pa-python safely.

c2pa-python loads its native core (libc2pa_c) with ctypes and searches the *current directory* (and
./libs, ./artifacts) before its own package folder. A journalist running `trustnxt inspect` inside a
folder of received files must never load a library planted there, so we import it with the package
folder as the working directory and restore the caller's afterwards.
"""

from __future__ import annotations

import importlib.util
import os
import tempfile
from pathlib import Path

_spec = importlib.util.find_spec("c2pa")
if _spec is None or _spec.origin is None:  # pragma: no cover - a broken installation
    raise ImportError("c2pa-python is not installed")
_PACKAGE_DIR = Path(_spec.origin).parent

try:
    _previous: str | None = os.getcwd()
except FileNotFoundError:  # the working directory was deleted under us
    _previous = None
# Frozen builds keep the library next to the package too; if the folder is somehow missing, an empty
# private directory is still a safe place to search from.
os.chdir(_PACKAGE_DIR if _PACKAGE_DIR.is_dir() else tempfile.mkdtemp(prefix="trustnxt-c2pa-"))
try:
    import c2pa  # noqa: E402
finally:
    if _previous is not None:
        os.chdir(_previous)

__all__ = ["c2pa"]
