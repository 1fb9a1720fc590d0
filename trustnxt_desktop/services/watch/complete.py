"""When a new file in a watched folder is complete and may be protected.

A camera, a card reader or a copy over the network writes a file for a while; a browser or sync tool
writes it under a temporary name and renames it into place. A file is taken only when all of these hold:
- its name is one to protect: not hidden, not a temporary name (`.part`, `.crdownload`, `~$…`, our own
  `.trustnxt-partial`), not a protected copy, a format the engine signs (by extension);
- its size and modification time stayed the same for `settle` seconds (or it was already that old when
  first seen, as after a rename into place of a finished file), and it is not empty;
- no process has it open for writing (`open_for_writing`).
"""

from __future__ import annotations

import contextlib
import functools
import os
import re
import sys
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass
from pathlib import Path

from ...runtime.atomic import PARTIAL_SUFFIX
from ..files import is_protected_copy, media_kind
from ..jobs.runner import STAGING_PREFIX
from ..jobs.store import Fingerprint

TEMPORARY_SUFFIXES = (".part", ".partial", ".tmp", ".temp", ".crdownload", ".download", ".opdownload",
                      ".filepart", ".!qb", ".!ut", PARTIAL_SUFFIX)
_TEMPORARY_NAME = re.compile(r"^(~\$|~|\.~lock\.)|~$")


def is_candidate(path: Path) -> bool:
    """Whether a file of this name is one a watch folder protects (by name only: nothing is read)."""
    name = path.name
    if name.startswith(".") or _TEMPORARY_NAME.search(name) or name.lower().endswith(TEMPORARY_SUFFIXES):
        return False
    if is_protected_copy(path) or any(part.startswith(STAGING_PREFIX) for part in path.parts):
        return False
    return _protectable(path.suffix.lower().lstrip("."))


@functools.cache
def _protectable(extension: str) -> bool:
    from ...engine.formats import supported_formats

    return media_kind(Path(f"x.{extension}")) is not None and any(
        extension in f.extensions and f.writable for f in supported_formats())


@dataclass
class _Sighting:
    fingerprint: Fingerprint
    since: float  # monotonic time it was first seen with this fingerprint


class SettleTracker:
    """Files seen but not yet complete. Not thread-safe: one owner calls it (the watch service's step)."""

    def __init__(self, settle: float, clock: Callable[[], float] = time.monotonic,
                 wall: Callable[[], float] = time.time) -> None:
        self.settle = settle
        self._clock, self._wall = clock, wall
        self._seen: dict[Path, _Sighting] = {}

    def __len__(self) -> int:
        return len(self._seen)

    def __contains__(self, path: object) -> bool:
        return path in self._seen

    @property
    def paths(self) -> list[Path]:
        return list(self._seen)

    def observe(self, path: Path, fingerprint: Fingerprint | None) -> bool:
        """Record what the file looks like now; True once it has looked the same for `settle` seconds (a
        file first seen whose modification time is already `settle` seconds old counts as settled)."""
        if fingerprint is None:  # gone (renamed away, deleted)
            self._seen.pop(path, None)
            return False
        now = self._clock()
        seen = self._seen.get(path)
        if seen is None or seen.fingerprint != fingerprint:
            age = self._wall() - fingerprint.mtime_ns / 1e9
            self._seen[path] = _Sighting(fingerprint, now - max(0.0, min(age, self.settle)) if seen is None else now)
            seen = self._seen[path]
        return fingerprint.size > 0 and now - seen.since >= self.settle

    def restart(self, path: Path) -> None:
        """Wait `settle` seconds more for this file (a process still writes it)."""
        if (seen := self._seen.get(path)) is not None:
            seen.since = self._clock()

    def forget(self, path: Path) -> None:
        self._seen.pop(path, None)


def open_for_writing(paths: Collection[Path]) -> set[Path]:
    """Those of `paths` that some process has open for writing, or locked.

    Linux: every process's open files that this user may see (/proc/<pid>/fd) with write access
    (/proc/<pid>/fdinfo flags); Windows: the file cannot be opened without sharing (a writer holds it);
    every POSIX system: an exclusive advisory lock (flock) is held on it."""
    if not paths:
        return set()
    found: set[Path] = set()
    if sys.platform == "win32":
        return {p for p in paths if _windows_in_use(p)}
    if sys.platform.startswith("linux"):
        found |= _linux_writers(paths)
    return found | {p for p in paths if p not in found and _flock_held(p)}


def _linux_writers(paths: Collection[Path]) -> set[Path]:
    wanted: dict[str, Path] = {}
    for p in paths:
        with contextlib.suppress(OSError):
            wanted[os.path.realpath(p)] = p
    found: set[Path] = set()
    try:
        pids = [pid for pid in os.listdir("/proc") if pid.isdigit()]
    except OSError:
        return found
    for pid in pids:
        try:
            fds = os.listdir(f"/proc/{pid}/fd")
        except OSError:  # gone, or another user's
            continue
        for fd in fds:
            try:
                target = os.readlink(f"/proc/{pid}/fd/{fd}")
            except OSError:
                continue
            if target in wanted and _writable_fd(pid, fd):
                found.add(wanted[target])
    return found


def _writable_fd(pid: str, fd: str) -> bool:
    try:
        with open(f"/proc/{pid}/fdinfo/{fd}", encoding="ascii") as f:
            for line in f:
                if line.startswith("flags:"):
                    return int(line.split()[1], 8) & os.O_ACCMODE in (os.O_WRONLY, os.O_RDWR)
    except (OSError, ValueError):
        return False
    return False


def _flock_held(path: Path) -> bool:
    import fcntl

    try:
        with open(path, "rb") as f:
            try:
                fcntl.flock(f.fileno(), fcntl.LOCK_SH | fcntl.LOCK_NB)
            except OSError:
                return True
            fcntl.flock(f.fileno(), fcntl.LOCK_UN)
    except OSError:
        return False
    return False


def _windows_in_use(path: Path) -> bool:  # pragma: no cover - Windows only
    if sys.platform != "win32":
        return False
    import ctypes
    from ctypes import wintypes

    create = ctypes.windll.kernel32.CreateFileW
    create.restype = wintypes.HANDLE
    handle = create(str(path), 0x80000000, 0, None, 3, 0x80, None)  # GENERIC_READ, no sharing, OPEN_EXISTING
    if handle == wintypes.HANDLE(-1).value:
        return bool(ctypes.GetLastError() in (32, 33))  # sharing or lock violation
    ctypes.windll.kernel32.CloseHandle(handle)
    return False


__all__ = ["SettleTracker", "TEMPORARY_SUFFIXES", "is_candidate", "open_for_writing"]
