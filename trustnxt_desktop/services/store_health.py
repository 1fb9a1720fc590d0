"""Damaged local stores: found when a store opens, set aside, replaced, and said.

Every sqlite store (jobs, usage ledger, verification log) calls `check_sqlite` before it connects:
- a path that is not a regular file (a folder, a FIFO, a device) is damaged — it is never opened, so a
  FIFO cannot hang the program;
- a regular file is opened read-write without creating it and `PRAGMA quick_check` run on it (every
  page of every table and index is read: https://sqlite.org/pragma.html#pragma_quick_check); sqlite's
  SQLITE_CORRUPT ("database disk image is malformed") and SQLITE_NOTADB ("file is not a database")
  also mean damaged;
- a zero-length file is an empty database (sqlite starts it; a crash between creating the file and its
  first write leaves one), not damage;
- any other failure (locked by another program for longer than the timeout, no permission) is not
  damage and raises StoreUnavailableError: the file is left alone.

A damaged store file is *set aside*: renamed to `<name>.damaged-<UTC time>` in the same folder, with its
-wal and -shm files renamed alongside (`<name>.damaged-<time>-wal`, so `sqlite3` can still open the
pair for a recovery attempt), and a StoreNotice is announced: the CLI prints it on stderr, the app
shows it once when its window opens. The caller then starts a new, empty store. The verification log
does not use `set_aside`: a damaged log is evidence and stays where it is (services/records/verification_log.py).

A file that passed its check is not checked again in this process until its size or time changes.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import sqlite3
import stat
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from ..domain.errors import ConfigurationError
from ..runtime.private_files import create_private_file

log = logging.getLogger(__name__)
_CORRUPT, _NOTADB = 11, 26  # sqlite primary result codes (https://sqlite.org/rescode.html)
SIDE_FILES = ("-wal", "-shm", "-journal")
OPEN_TIMEOUT = 30.0  # seconds to wait for another program's lock before the store counts as unavailable
T = TypeVar("T")


class StoreUnavailableError(ConfigurationError):
    """A store's file cannot be opened for a reason other than damage (permissions, a lock held too long)."""


@dataclass(frozen=True)
class StoreNotice:
    """What happened to a damaged store, in a sentence for the person (`text`), and where things are."""

    store: str  # "job queue", "usage ledger", "verification log", "trust list state"
    damaged: Path  # where the damaged file is now
    replaced_by: Path  # the new store
    problem: str
    text: str


_notices: list[StoreNotice] = []
_listeners: list[Callable[[StoreNotice], None]] = []
_notices_lock = threading.Lock()
_checked: dict[str, tuple[int, int, int, int]] = {}


def announce(notice: StoreNotice) -> None:
    """Record a notice for take_notices() and hand it to every listener (the CLI prints it at once)."""
    with _notices_lock:
        _notices.append(notice)
        listeners = list(_listeners)
    for listener in listeners:
        listener(notice)


def listen(listener: Callable[[StoreNotice], None]) -> None:
    with _notices_lock:
        if listener not in _listeners:
            _listeners.append(listener)


def take_notices() -> list[StoreNotice]:
    """Notices announced since the last call, oldest first (each is returned once)."""
    with _notices_lock:
        taken = list(_notices)
        _notices.clear()
    return taken


def damage(path: Path) -> str | None:
    """Why the sqlite file at `path` is damaged, or None when it is usable or absent (see the module
    docstring). Raises StoreUnavailableError when it cannot be checked for another reason."""
    return _damage(path)[0]


def _damage(path: Path) -> tuple[str | None, int]:
    """(why damaged or None, inode of what was checked; 0 when absent)."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None, 0
    except OSError as e:
        raise StoreUnavailableError(f"Cannot read {path}: {e.strerror or e}.") from None
    if stat.S_ISDIR(st.st_mode):
        return "a folder is where the database file should be", st.st_ino
    if not stat.S_ISREG(st.st_mode):
        return "it is not a regular file", st.st_ino
    key = os.path.abspath(path)
    fingerprint = (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)
    if _checked.get(key) == fingerprint:
        return None, st.st_ino
    try:
        db = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=rw", uri=True, timeout=OPEN_TIMEOUT,
                             isolation_level=None)
        try:
            rows = [r[0] for r in db.execute("PRAGMA quick_check(5)").fetchall()]
        finally:
            db.close()
    except sqlite3.DatabaseError as e:
        code = getattr(e, "sqlite_errorcode", 0) & 0xFF
        if code in (_CORRUPT, _NOTADB):
            log.info("%s: %s", path, e)
            return ("it is not a database file" if code == _NOTADB else "its content is corrupted"), st.st_ino
        raise StoreUnavailableError(f"Cannot open {path}: {e}.") from None
    if rows != ["ok"]:
        log.info("%s failed its integrity check: %s", path, _one_line("; ".join(str(r) for r in rows)))
        return "its integrity check failed", st.st_ino
    _checked[key] = fingerprint
    return None, st.st_ino


def _one_line(text: str, limit: int = 200) -> str:
    """quick_check's findings as one short line (they come with newlines and a "*** in database main ***" head)."""
    text = " ".join(text.replace("*** in database main ***", "").split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def stamp(now: dt.datetime | None = None) -> str:
    return (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).strftime("%Y%m%dT%H%M%S")


def set_aside(path: Path, now: dt.datetime | None = None, *, inode: int | None = None) -> Path:
    """Rename a damaged store file (with its -wal, -shm and -journal files) to `<name>.damaged-<time>`
    next to it; returns the new path. Never overwrites: a second one in the same second gets `-2`.

    `inode`: the file that was found damaged. When another process has meanwhile set it aside and
    started a new store there, the new one is left alone (FileNotFoundError is raised instead)."""
    if inode is not None and os.stat(path).st_ino != inode:
        raise FileNotFoundError(path)
    base = f"{path.name}.damaged-{stamp(now)}"
    target = path.with_name(base)
    n = 2
    while any(os.path.lexists(target.with_name(target.name + s)) for s in ("", *SIDE_FILES)):
        target = path.with_name(f"{base}-{n}")
        n += 1
    os.rename(path, target)
    for suffix in SIDE_FILES:
        side = path.with_name(path.name + suffix)
        if os.path.lexists(side):
            os.rename(side, target.with_name(target.name + suffix))
    return target


def check_sqlite(path: Path, store: str, consequence: str = "") -> StoreNotice | None:
    """Before a store connects to `path`: set a damaged file aside (announcing a StoreNotice, returned
    too) and make sure an owner-only file is there for sqlite to start. `consequence` is what the person
    loses, said after the facts ("Unfinished batches in it cannot be resumed.")."""
    problem, inode = _damage(path)
    notice = _replace_damaged(path, inode, store, problem, consequence) if problem is not None else None
    create_private_file(path)
    return notice


def read_index(path: Path, store: str, parse: Callable[[bytes], T], consequence: str = "") -> T | None:
    """A small file a store keeps its state in (JSON, a pointer): `parse(bytes)`, or None when the file is
    absent. One that is not a regular file, cannot be read, or that `parse` rejects with ValueError (or
    TypeError, KeyError, AttributeError for a document of the wrong shape) is set aside like a damaged
    database, announced, and None returned: the store starts that state afresh."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    except OSError as e:
        raise StoreUnavailableError(f"Cannot read {path}: {e.strerror or e}.") from None
    if stat.S_ISDIR(st.st_mode):
        problem = "a folder is where the file should be"
    elif not stat.S_ISREG(st.st_mode):
        problem = "it is not a regular file"
    else:
        try:
            return parse(path.read_bytes())
        except (ValueError, TypeError, KeyError, AttributeError) as e:
            problem = f"its content is not readable: {e}" if str(e) else "its content is not readable"
        except OSError as e:
            raise StoreUnavailableError(f"Cannot read {path}: {e.strerror or e}.") from None
    _replace_damaged(path, st.st_ino, store, problem, consequence)
    return None


def _replace_damaged(path: Path, inode: int, store: str, problem: str, consequence: str) -> StoreNotice | None:
    try:
        aside = set_aside(path, inode=inode)
    except FileNotFoundError:  # another process set it aside first and said so
        return None
    text = f"The {store} ({path}) was damaged ({problem}). It was moved to {aside}; a new {store} was started."
    notice = StoreNotice(store, aside, path, problem, f"{text} {consequence}".strip())
    announce(notice)
    return notice
