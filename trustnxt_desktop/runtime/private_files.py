"""Owner-only storage for the data root: nobody but the account that runs TrustNXT Desktop reads its
databases, logs, trust lists or signing identity.

On POSIX the root and every folder in it are 0700 and every file 0600, whatever the umask:
- `make_private(root)` creates the root (0700, set explicitly: mkdir's mode is filtered by the umask),
  tightens what an earlier version or another program left there (a folder or file that group or
  others may read loses those bits; symbolic links and other accounts' files are left alone), and on
  Linux gives every folder a default POSIX ACL of owner-only (`u::rwx,g::---,o::---`). A folder with a
  default ACL makes the kernel ignore the umask for what is created inside it (POSIX.1e; acl(5)), so
  a file any part of the app writes there later is born 0600 and a folder 0700.
- `create_private_file(path)` makes a new file 0600 before anyone writes to it (the stores create
  their sqlite files this way; sqlite gives a database's -wal and -shm files the database's mode).

Where the file system has no POSIX ACLs (macOS, some network and FUSE file systems) the umask still
applies to files other modules create during a run: they are tightened at the next start, and the
0700 root keeps other accounts out of them meanwhile.

On Windows the root gets a private ACL once (`icacls /inheritance:r`, full control for the current
account only, inherited by everything inside); the platform's default data folder is already private
to the account. This Windows path is not tested here (docs/security.md).
"""

from __future__ import annotations

import logging
import os
import stat
import struct
import subprocess
import sys
import threading
from pathlib import Path

log = logging.getLogger(__name__)

DIR_MODE = 0o700
FILE_MODE = 0o600
_GROUP_OTHER = 0o077
_ACL_XATTR = "system.posix_acl_default"
# acl(5) extended-attribute form: version 2, then (tag, permissions, id) per entry. USER_OBJ rwx, GROUP_OBJ
# nothing, OTHER nothing; ACL_UNDEFINED_ID for entries that name no user or group.
_OWNER_ONLY_ACL = struct.pack("<I", 2) + b"".join(
    struct.pack("<HHI", tag, perm, 0xFFFFFFFF) for tag, perm in ((0x01, 0o7), (0x04, 0), (0x20, 0)))
_WINDOWS_MARKER = ".private-acl"
_prepared: set[str] = set()
_prepared_lock = threading.Lock()


def make_private(root: Path) -> Path:
    """Create `root` if needed and make it and everything in it owner-only (see the module docstring).

    Cheap after the first call for a root in this process. Never raises for a file it cannot tighten
    (another account's file, a read-only mount): that is logged and the rest goes on.
    """
    root.mkdir(parents=True, exist_ok=True)
    key = os.path.abspath(root)
    with _prepared_lock:
        if key in _prepared:
            return root
        _prepared.add(key)
    if sys.platform == "win32":
        _windows_private(root)
    else:
        tighten(root)
    return root


def create_private_file(path: Path) -> bool:
    """Create `path` empty and 0600 (POSIX) unless it exists; True when it was created here."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), FILE_MODE)
    except FileExistsError:
        return False
    try:
        if hasattr(os, "fchmod"):
            os.fchmod(fd, FILE_MODE)  # the umask may have removed owner bits from the mode os.open was given
    finally:
        os.close(fd)
    return True


def tighten(root: Path) -> None:
    """Remove group and other permissions from `root` and everything below it that this account owns;
    give each folder the owner-only default ACL where the file system supports one."""
    uid = os.getuid() if hasattr(os, "getuid") else None
    _tighten_one(root, uid, is_dir=True)
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        for name in dirnames:
            _tighten_one(Path(dirpath) / name, uid, is_dir=True)
        for name in filenames:
            _tighten_one(Path(dirpath) / name, uid, is_dir=False)


def _tighten_one(path: Path, uid: int | None, *, is_dir: bool) -> None:
    try:
        st = os.lstat(path)
        if stat.S_ISLNK(st.st_mode) or (uid is not None and st.st_uid != uid):
            return  # a link's mode means nothing; another account's file is not ours to change
        mode = stat.S_IMODE(st.st_mode)
        wanted = (mode | DIR_MODE if is_dir else mode) & ~_GROUP_OTHER
        if mode != wanted:
            os.chmod(path, wanted)
        if is_dir:
            _owner_only_default_acl(path)
    except OSError as e:
        log.warning("could not make %s private: %s", path, e.strerror or e)


def _owner_only_default_acl(folder: Path) -> None:
    if not sys.platform.startswith("linux") or not hasattr(os, "setxattr"):
        return
    try:
        if os.getxattr(folder, _ACL_XATTR) == _OWNER_ONLY_ACL:
            return
    except OSError:
        pass  # none yet, or no ACL support: try to set it
    try:
        os.setxattr(folder, _ACL_XATTR, _OWNER_ONLY_ACL)
    except OSError:
        pass  # no POSIX ACLs here: the umask applies to new files until the next start tightens them


def _windows_private(root: Path) -> None:
    """Untested here (CI runs on Linux): one icacls call, remembered by a marker file inside the root."""
    marker = root / _WINDOWS_MARKER
    if marker.exists():
        return
    user = os.environ.get("USERNAME")
    if not user:
        return
    account = f"{os.environ['USERDOMAIN']}\\{user}" if os.environ.get("USERDOMAIN") else user
    try:
        done = subprocess.run(["icacls", str(root), "/inheritance:r", "/grant:r", f"{account}:(OI)(CI)F",
                               "/T", "/C", "/Q"], capture_output=True, timeout=60, check=False)
    except (OSError, subprocess.SubprocessError) as e:
        log.warning("could not make %s private: %s", root, e)
        return
    if done.returncode == 0:
        create_private_file(marker)
    else:
        log.warning("icacls could not make %s private (exit %s)", root, done.returncode)
