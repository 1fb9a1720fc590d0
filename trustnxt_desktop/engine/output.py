"""Writing outputs safely: never over a user's file, never half-written.

Outputs are written to a hidden temp file in the target folder, fsynced, then published under a free
name with a hard link (which fails instead of overwriting), so a crash leaves either nothing or a
complete file plus, at worst, a `.partial` temp file that `sweep_partials` removes.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from ..domain.errors import OutputExistsError

PARTIAL_SUFFIX = ".trustnxt-partial"
_MAX_NAME_ATTEMPTS = 10_000


def protected_name(source: Path, suffix: str, extension: str | None = None, n: int = 1) -> str:
    """`photo.jpg` -> `photo.protected.jpg`, then `photo.protected (2).jpg`, ..."""
    ext = extension or source.suffix
    counter = "" if n == 1 else f" ({n})"
    return f"{source.stem}{suffix}{counter}{ext}"


def candidate_paths(source: Path, out_dir: Path, suffix: str, extension: str | None = None) -> Iterator[Path]:
    for n in range(1, _MAX_NAME_ATTEMPTS):
        yield out_dir / protected_name(source, suffix, extension, n)


@contextlib.contextmanager
def atomic_output(out_dir: Path, name_hint: str) -> Iterator[tuple[BinaryIO, Path]]:
    """Yield a writable temp file in out_dir; removed on any failure. Caller publishes with `publish`."""
    out_dir.mkdir(parents=True, exist_ok=True)
    # The name starts with a dot so file managers hide it while it is being written.
    while True:
        tmp = out_dir / f".{name_hint}.{secrets.token_hex(4)}{PARTIAL_SUFFIX}"
        try:
            fd = os.open(tmp, os.O_RDWR | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o644)
            break
        except FileExistsError:
            continue
    f = os.fdopen(fd, "w+b")
    try:
        yield f, tmp
    finally:
        f.close()
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


def finish(f: BinaryIO) -> None:
    f.flush()
    os.fsync(f.fileno())


def publish(tmp: Path, candidates: Iterator[Path]) -> Path:
    """Give the finished temp file the first free name. Never replaces an existing file."""
    for final in candidates:
        try:
            _link_no_replace(tmp, final)
        except FileExistsError:
            continue
        _fsync_dir(final.parent)
        return final
    raise OutputExistsError("Every candidate output name is taken; choose another output folder.")


def _link_no_replace(tmp: Path, final: Path) -> None:
    try:
        os.link(tmp, final)
    except FileExistsError:
        raise
    except OSError as e:
        # File systems without hard links (FAT, some network shares): rename; on Windows rename
        # itself refuses to replace, on POSIX we check first (a narrow race we accept there).
        if e.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV, errno.EMLINK) and sys.platform != "win32":
            raise
        if sys.platform != "win32" and final.exists():
            raise FileExistsError(str(final)) from e
        os.rename(tmp, final)


def _fsync_dir(folder: Path) -> None:
    if sys.platform == "win32":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def sweep_partials(folder: Path) -> int:
    """Remove temp files a crash left behind. Returns how many were removed."""
    removed = 0
    for p in folder.glob(f".*{PARTIAL_SUFFIX}"):
        with contextlib.suppress(OSError):
            p.unlink()
            removed += 1
    return removed
