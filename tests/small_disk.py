"""A small file system of its own (tmpfs) for tests of a full or read-only disk. Mounting needs root, as in
CI; elsewhere the test that asks for one is skipped with that reason."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest


def mount(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["mount", *args], capture_output=True, text=True)


def remount(folder: Path, options: str) -> None:
    """e.g. "size=20m" (the person frees space) or "ro" (chmod does not stop root; a read-only mount does)."""
    done = mount("-o", f"remount,{options}", str(folder))
    assert done.returncode == 0, done.stderr


@contextmanager
def tmpfs(folder: Path, size: str) -> Iterator[Path]:
    """`folder` (made here) as a tmpfs of `size` ("2m", "128k") until the block ends."""
    folder.mkdir()
    done = mount("-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder))
    if done.returncode != 0:
        pytest.skip(f"mounting a tmpfs is not permitted here ({done.stderr.strip() or done.returncode}); "
                    "this test needs root, as in CI")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], capture_output=True)
