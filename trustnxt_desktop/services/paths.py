"""Where per-user state lives: one root, overridable with TRUSTNXT_HOME (tests, portable installs)."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

from .. import APP_NAME


def data_root() -> Path:
    override = os.environ.get("TRUSTNXT_HOME")
    root = Path(override).expanduser() if override else Path(platformdirs.user_data_dir(APP_NAME, "TrustNXT"))
    root.mkdir(parents=True, exist_ok=True)
    return root
