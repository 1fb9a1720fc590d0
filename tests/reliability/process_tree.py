"""A real `trustnxt inspect` run whose parser workers are all busy, and the processes it started, read from
/proc (Linux): for the tests of what workers inherit and how they end."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import IO

from tests.conftest import PROJECT
from trustnxt_desktop.runtime.isolation import FAULT_ENV

STALL = "stall"  # files named with this make a worker hang (the test hook), so the batch is mid-parse


def _stat(pid: int) -> tuple[int, str] | None:
    """(parent pid, state letter) of a process, None when it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return int(fields[1]), fields[0]


def descendants(root: int) -> set[int]:
    """Every living process started by `root` or by one of those."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit() and (st := _stat(int(entry))) is not None and st[1] not in "ZX":
            children.setdefault(st[0], []).append(int(entry))
    found: set[int] = set()
    todo = [root]
    while todo:
        for child in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def living(pids: set[int]) -> set[int]:
    """Those of `pids` still running (a zombie has ended: it only waits to be counted)."""
    return {pid for pid in pids if (st := _stat(pid)) is not None and st[1] not in "ZX"}


def wait_until_gone(pids: set[int], seconds: float) -> set[int]:
    deadline = time.monotonic() + seconds
    while (alive := living(pids)) and time.monotonic() < deadline:
        time.sleep(0.05)
    return alive


def stalled_folder(folder: Path, count: int = 12) -> Path:
    """Pictures every one of which makes its worker hang (with STALL in the test hook)."""
    import shutil

    from tests.conftest import CORPUS

    folder.mkdir(parents=True, exist_ok=True)
    for i in range(count):
        shutil.copy(CORPUS / "c2pa" / "adobe-20220124-CA.jpg", folder / f"{STALL}-{i:02d}.jpg")
    return folder


def start_cli(args: list[str], home: Path, stderr: IO[str], *, env: dict[str, str] | None = None,
              stdout: int | IO[bytes] = subprocess.DEVNULL) -> subprocess.Popen[bytes]:
    """`trustnxt ARGS` in a session of its own (as a terminal runs a command: its own process group, so a
    Ctrl-C can be sent to that group), with the stall hook set."""
    full_env = {**os.environ, "TRUSTNXT_HOME": str(home), FAULT_ENV: f"hang:{STALL}", **(env or {})}
    return subprocess.Popen([sys.executable, "-m", "trustnxt_desktop.cli", *args], cwd=PROJECT, env=full_env,
                            stdout=stdout, stderr=stderr, start_new_session=True)


def busy_tree(proc: subprocess.Popen[bytes], workers: int = 2, seconds: float = 60) -> set[int]:
    """The run's processes once `workers` parser workers exist (fork server, its workers, helpers)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        tree = descendants(proc.pid)
        parents = {pid: st[0] for pid in tree if (st := _stat(pid)) is not None}
        # workers are the children of the fork server, itself a child of the command
        if any(sum(1 for p in parents.values() if p == server) >= workers for server in tree):
            time.sleep(0.3)  # let the workers take their first call
            return descendants(proc.pid)
        if proc.poll() is not None:
            break
        time.sleep(0.05)
    raise AssertionError(f"the run never had {workers} busy workers (exit code {proc.poll()})")
