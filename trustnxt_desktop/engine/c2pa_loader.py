"""Import c2pa-python safely.

c2pa-python loads its native core (libc2pa_c) with ctypes and searches the *current directory* (and
./libs, ./artifacts) before its own package folder. A journalist running `trustnxt inspect` inside a
folder of received files must never load a library planted there, so we import it from inside a
fresh, empty, private directory (where the search finds nothing and falls through to the package's
own copy) and restore the caller's working directory afterwards.
"""

from __future__ import annotations

import os
import tempfile

try:
    _previous: str | None = os.getcwd()
except FileNotFoundError:  # the working directory was deleted under us
    _previous = None
with tempfile.TemporaryDirectory(prefix="trustnxt-c2pa-") as _empty:
    os.chdir(_empty)
    try:
        import c2pa  # noqa: E402
    finally:
        os.chdir(_previous if _previous is not None else tempfile.gettempdir())

__all__ = ["c2pa"]
