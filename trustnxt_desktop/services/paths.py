"""Where per-user state lives: one root, overridable with TRUSTNXT_HOME (tests, portable installs)."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

from .. import APP_NAME
from ..runtime.private_files import make_private


def data_root() -> Path:
    """The root, created if needed and owner-only (runtime/private_files.py): on the first call in a
    process, an existing root and everything in it is tightened."""
    override = os.environ.get("TRUSTNXT_HOME")
    root = Path(override).expanduser() if override else Path(platformdirs.user_data_dir(APP_NAME, "TrustNXT"))
    return make_private(root)


def captures_dir() -> Path:
    """Default folder for photos and recordings made in the app (inside TRUSTNXT_HOME when it is set)."""
    override = os.environ.get("TRUSTNXT_HOME")
    if override:
        return Path(override).expanduser() / "Captures"
    return Path(platformdirs.user_pictures_dir()) / "TrustNXT Captures"


def documents_dir() -> Path:
    """The user's Documents folder when it exists, else their home folder: where a first export is offered
    (never the folder the program was started from)."""
    documents = Path(platformdirs.user_documents_dir())
    return documents if documents.is_dir() else Path.home()
