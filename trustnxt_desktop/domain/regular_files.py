"""Only regular files are read. A named pipe (FIFO), socket or device given as a file — or a link to one —
would block its reader for ever (a FIFO nobody writes to), never end (/dev/zero, /dev/urandom) or act on
hardware when merely opened (a tape drive rewinds, a watchdog arms). Whatever a person drops, types or
keeps in a folder, such a path gets a per-file answer "not a regular file (…)" and is never opened.

The check is made twice: `stat` before opening (so a device is never opened at all), and `fstat` of the
opened descriptor (so a path swapped between the two is still caught). The open itself is non-blocking
(a FIFO swapped in cannot hang it) and does not follow a link in its last component (the path is
resolved first, so a link swapped in afterwards is refused rather than followed).

Only the standard library: the engine, the cloud client and the services all open files this way.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path
from typing import BinaryIO

NOT_REGULAR = "not a regular file"

_KINDS = ((stat.S_ISFIFO, "a named pipe"), (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a character device"),
          (stat.S_ISBLK, "a block device"), (stat.S_ISDIR, "a folder"))
_OPEN_FLAGS = (os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
               | getattr(os, "O_BINARY", 0) | getattr(os, "O_NOFOLLOW", 0))


class NotRegularFile(OSError):
    """The path is a FIFO, socket, device or folder (after following links). `str(e.strerror)` is the
    per-file reason, e.g. "not a regular file (a named pipe)"."""

    def __init__(self, path: str | os.PathLike[str], mode: int) -> None:
        self.kind = kind_of(mode)
        super().__init__(errno.EISDIR if stat.S_ISDIR(mode) else errno.EINVAL, f"{NOT_REGULAR} ({self.kind})",
                         os.fspath(path))


def kind_of(mode: int) -> str:
    """What a file of this st_mode is, in words ("a named pipe", "a socket", …)."""
    return next((name for test, name in _KINDS if test(mode)), "a special file")


def regular_stat(path: str | os.PathLike[str]) -> os.stat_result:
    """stat(2) of the path, following links, without opening it. Raises NotRegularFile for anything but
    a regular file, and OSError (FileNotFoundError, PermissionError, …) when it cannot be looked at."""
    st = os.stat(path)
    if not stat.S_ISREG(st.st_mode):
        raise NotRegularFile(path, st.st_mode)
    return st


def not_regular(path: str | os.PathLike[str]) -> str | None:
    """The reason "not a regular file (a named pipe)" and the like for a FIFO, socket, device or folder (or
    a link to one), found without opening it; None for a regular file, and for a path that cannot be looked at (a
    missing or unreadable file is reported by whatever reads it, as usual)."""
    try:
        regular_stat(path)
    except NotRegularFile as e:
        return e.strerror
    except OSError:
        return None
    return None


def problem_sentence(path: str | os.PathLike[str]) -> str | None:
    """Why the path will not be read, as a sentence for a per-file result: "Not a regular file (a named
    pipe).", "The file no longer exists.", "Permission denied."; None for a regular file (or a link to one)."""
    try:
        regular_stat(path)
    except FileNotFoundError:
        return "The file no longer exists."
    except OSError as e:
        text = e.strerror or str(e)
        return text[:1].upper() + text[1:] + "."
    return None


def open_regular(path: str | os.PathLike[str], buffering: int = -1) -> BinaryIO:
    """Open a regular file for reading in binary mode; never opens anything else. Raises NotRegularFile
    (an OSError) for a FIFO, socket, device or folder, also one swapped in while it was being opened;
    other OSErrors as open() does."""
    regular_stat(path)
    resolved = os.path.realpath(path)
    fd = os.open(resolved, _OPEN_FLAGS)
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise NotRegularFile(path, st.st_mode)
        if _OPEN_FLAGS & getattr(os, "O_NONBLOCK", 0):
            os.set_blocking(fd, True)  # no effect on a regular file's reads; cleared so nothing is surprised
        return os.fdopen(fd, "rb", buffering=buffering)
    except BaseException:
        os.close(fd)
        raise


def read_regular(path: str | os.PathLike[str], limit: int) -> bytes:
    """A small regular file's bytes (a sidecar, a settings file); raises NotRegularFile like open_regular,
    and ValueError when it holds more than `limit` bytes."""
    with open_regular(path) as f:
        data = f.read(limit + 1)
    if len(data) > limit:
        raise ValueError(f"{Path(path).name} is larger than {limit} bytes")
    return data


__all__ = ["NOT_REGULAR", "NotRegularFile", "kind_of", "not_regular", "open_regular", "problem_sentence",
           "read_regular", "regular_stat"]
