"""Writing outputs safely: never over a user's file, never half-written.

Outputs are written to a hidden temp file in the target folder, fsynced, then published under a free
name with a hard link (which fails instead of overwriting), so a crash leaves either nothing or a
complete file plus, at worst, a `.partial` temp file that `sweep_partials` removes.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import secrets
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from ..domain.errors import OutputExistsError

PARTIAL_SUFFIX = ".trustnxt-partial"
DEFAULT_NAME_MAX = 255  # bytes: Linux's NAME_MAX (limits.h), and what most file systems allow
_MAX_NAME_ATTEMPTS = 10_000


def name_limit(folder: Path) -> int:
    """The longest file name the file system holding `folder` takes (POSIX NAME_MAX via pathconf: 255 bytes
    on ext4, XFS, btrfs, APFS); 255 where it cannot be asked (Windows: 255 UTF-16 units, never more than
    the UTF-8 bytes counted here). `folder` need not exist yet: its nearest existing parent is asked."""
    probe = folder
    while not probe.exists() and probe.parent != probe:
        probe = probe.parent
    try:
        return int(os.pathconf(probe, "PC_NAME_MAX"))
    except (AttributeError, OSError, ValueError):
        return DEFAULT_NAME_MAX


def _size(name: str) -> int:
    return len(os.fsencode(name))  # the bytes the file system stores (undecodable bytes kept as they were)


def fit_name(stem: str, tail: str, limit: int = DEFAULT_NAME_MAX) -> str:
    """`stem + tail` when it fits in `limit` bytes; otherwise the stem is cut at a character boundary and
    marked with "…" and 8 hex digits of its sha256, so that two long names that differ only after the cut
    still get different names, and `tail` (marker, counter, extension) is kept whole.
    Raises OutputExistsError when even `tail` does not fit."""
    if _size(stem + tail) <= limit:
        return stem + tail
    mark = "…" + hashlib.sha256(os.fsencode(stem)).hexdigest()[:8]
    room = limit - _size(mark + tail)
    if room < 1:
        raise OutputExistsError("The output name is longer than the file system allows; choose a shorter name.")
    cut = stem[:room]  # a character is at least one byte
    while _size(cut) > room:  # whole characters only: a cut inside one would make the name invalid UTF-8
        cut = cut[:-1]
    return cut + mark + tail


def protected_name(source: Path, suffix: str, extension: str | None = None, n: int = 1,
                   limit: int = DEFAULT_NAME_MAX) -> str:
    """`photo.jpg` -> `photo.protected.jpg`, then `photo.protected (2).jpg`, ... A name longer than `limit`
    bytes is shortened in its stem (fit_name): `<start of the name>…1a2b3c4d.protected (2).jpg`."""
    ext = extension or source.suffix
    counter = "" if n == 1 else f" ({n})"
    return fit_name(source.stem, f"{suffix}{counter}{ext}", limit)


def candidate_paths(source: Path, out_dir: Path, suffix: str, extension: str | None = None) -> Iterator[Path]:
    limit = name_limit(out_dir)
    for n in range(1, _MAX_NAME_ATTEMPTS):
        yield out_dir / protected_name(source, suffix, extension, n, limit)


@contextlib.contextmanager
def atomic_output(out_dir: Path, name_hint: str) -> Iterator[tuple[BinaryIO, Path]]:
    """Yield a writable temp file in out_dir; removed on any failure. Caller publishes with `publish`."""
    out_dir.mkdir(parents=True, exist_ok=True)
    limit = name_limit(out_dir)
    # The name starts with a dot so file managers hide it while it is being written.
    while True:
        tmp = out_dir / fit_name(f".{name_hint}", f".{secrets.token_hex(4)}{PARTIAL_SUFFIX}", limit)
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
