"""Reliability tests: crash and resume, isolation of parsers, fuzzing, failing disks, secret hygiene."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import PROJECT
from tests.sandbox.process import sandbox, sandbox_factory  # noqa: F401 - fixtures


def cli(*args: str, home: Path, env: dict[str, str] | None = None, timeout: float = 300,
        stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """`trustnxt ...` as a real process with its own TRUSTNXT_HOME."""
    full_env = {**os.environ, "TRUSTNXT_HOME": str(home), **(env or {})}
    return subprocess.run([sys.executable, "-m", "trustnxt_desktop.cli", *args], capture_output=True, text=True,
                          env=full_env, timeout=timeout, cwd=PROJECT, input=stdin)
