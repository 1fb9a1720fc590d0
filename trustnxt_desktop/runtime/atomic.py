"""Writing files safely: never over a user's file, never half-written. The one place that does it.

Two ways to finish a file, both from a hidden temp file in the target folder that is fsynced first:
- outputs (protected copies, a new log volume, a diagnostics zip) are *published* under a free name with
  a hard link, which fails instead of overwriting (`atomic_output` + `finish` + `publish`, or
  `link_no_replace`);
- the app's own state (settings, trust lists, an export the person chose to replace) is *replaced* in
  one rename (`write_atomic`, `replacing`, `replace_file`, `replace_folder`), so a reader sees the old
  file or the new one, never half of either.
Either way the folder is fsynced after the rename (POSIX: a rename is durable only once its directory
is), and a crash leaves at worst a `.trustnxt-partial` temp file that `sweep_partials` removes.
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
def atomic_output(out_dir: Path, name_hint: str, *, private: bool = False) -> Iterator[tuple[BinaryIO, Path]]:
    """Yield a writable temp file in out_dir and its path; removed when the block ends unless it was given
    its name by then. Caller publishes with `publish` (never overwrites) or `replace_file`.
    private: the file is created 0600 (owner only) instead of 0644, both before the umask."""
    out_dir.mkdir(parents=True, exist_ok=True)
    mode = 0o600 if private else 0o644
    limit = name_limit(out_dir)
    # The name starts with a dot so file managers hide it while it is being written.
    while True:
        tmp = out_dir / fit_name(f".{name_hint}", f".{secrets.token_hex(4)}{PARTIAL_SUFFIX}", limit)
        try:
            fd = os.open(tmp, os.O_RDWR | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), mode)
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


def replace_file(tmp: Path, target: Path) -> None:
    """Give a finished, fsynced temp file in `target`'s folder the name `target`, replacing what is there in
    one rename (os.replace: atomic on POSIX and on NTFS), then fsync the folder so the new name survives a
    power cut. Raises OSError; `target` is then untouched."""
    os.replace(tmp, target)
    _fsync_dir(target.parent)


@contextlib.contextmanager
def replacing(path: Path, *, private: bool = False) -> Iterator[BinaryIO]:
    """A binary file to write `path`'s new content into. When the block ends normally the content is
    fsynced and replaces `path` in one rename (replace_file); when it raises, the temp file is removed and
    `path` keeps its old content. The folder is created when missing.
    private: the new file is 0600 (owner only), for the app's own state under the data root."""
    with atomic_output(path.parent, path.name, private=private) as (f, tmp):
        yield f
        finish(f)
        f.close()  # Windows cannot rename a file that is still open
        replace_file(tmp, path)


def write_atomic(path: Path, data: bytes | str, *, private: bool = False) -> Path:
    """Replace `path`'s content with `data` (str is written as UTF-8, newlines as given) so that a reader or
    a crash sees the old file or the new one, never a mix (see `replacing`). Returns `path`.
    Raises OSError (full disk, read-only folder): `path` is then unchanged and no temp file is left."""
    with replacing(path, private=private) as f:
        f.write(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def replace_folder(staging: Path, final: Path) -> None:
    """Give a folder built complete under a temporary name (`staging`, beside `final`) the name `final` in
    one rename: every file in it and the folder itself are fsynced first, the parent folder afterwards.
    `final` must not exist or be an empty folder (POSIX rename(2) refuses a non-empty one: remove or move
    it first). Raises OSError."""
    for item in staging.rglob("*"):
        if item.is_file() and not item.is_symlink():
            with open(item, "rb") as f:
                os.fsync(f.fileno())
    _fsync_dir(staging)
    os.replace(staging, final)
    _fsync_dir(final.parent)


def link_no_replace(tmp: Path, final: Path) -> bool:
    """Give a finished temp file the name `final` unless something has that name already (False then), and
    fsync the folder. A hard link where the file system has them; elsewhere a rename after checking."""
    try:
        _link_no_replace(tmp, final)
    except FileExistsError:
        return False
    _fsync_dir(final.parent)
    return True


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
        no_links = e.errno in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV, errno.EMLINK)
        if not no_links and sys.platform != "win32":
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
