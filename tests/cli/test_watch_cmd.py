"""`trustnxt watch`: argument checks in process; a real process protecting what arrives, stopping cleanly on
SIGINT and SIGTERM (tests/reliability/test_watch_crash.py kills one with SIGKILL)."""

from __future__ import annotations

import json
import os
import queue
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.cli.conftest import Trustnxt
from tests.conftest import CORPUS, PROJECT

PHOTO = CORPUS / "media" / "trustnxt-icon.jpg"


class Watching:
    """A real `trustnxt watch` process whose stderr lines are collected as they come."""

    def __init__(self, *args: str, home: Path) -> None:
        self.proc = subprocess.Popen([sys.executable, "-m", "trustnxt_desktop.cli", "watch", *args], cwd=PROJECT,
                                     env={**os.environ, "TRUSTNXT_HOME": str(home)}, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.PIPE, text=True)
        self.lines: list[str] = []
        self._new: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self._new.put(line)
        self._new.put(None)

    def wait_for(self, text: str, count: int = 1, seconds: float = 120) -> None:
        deadline = time.monotonic() + seconds
        while sum(text in line for line in self.lines) < count:
            line = self._new.get(timeout=max(0.1, deadline - time.monotonic()))
            assert line is not None, "".join(self.lines)
            self.lines.append(line)

    def rest(self) -> str:
        while (line := self._new.get(timeout=30)) is not None:
            self.lines.append(line)
        return "".join(self.lines)


def inspect_verdicts(trustnxt: Trustnxt, folder: Path) -> list[str]:
    ran = trustnxt("inspect", folder, "--json")
    return [r["verdict"] for r in json.loads(ran.out)]


def test_once_protects_what_is_there_and_a_second_run_nothing(trustnxt: Trustnxt, secret_store, tmp_path: Path
                                                              ) -> None:
    inbox, out = tmp_path / "in", tmp_path / "out"
    (inbox / "sub").mkdir(parents=True)
    shutil.copy(PHOTO, inbox / "a.jpg")
    shutil.copy(PHOTO, inbox / "sub" / "b.jpg")
    (inbox / "c.jpg.crdownload").write_bytes(PHOTO.read_bytes())
    ran = trustnxt("watch", inbox, "--out", out, "--once", "--settle", "0.2", "--source", "edited")
    assert ran.code == 0, ran.err
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*.jpg")) == ["a.protected.jpg",
                                                                                 "sub/b.protected.jpg"]
    assert "2 files protected from" in ran.err and "stopped; 2 protected, 0 failed" in ran.err
    assert inspect_verdicts(trustnxt, out) == ["trusted", "trusted"]
    again = trustnxt("watch", inbox, "--out", out, "--once", "--settle", "0.2")
    assert again.code == 0 and "stopped; 0 protected" in again.err
    assert len(list(out.rglob("*.jpg"))) == 2


def test_folders_it_cannot_watch_are_usage_errors(trustnxt: Trustnxt, tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    same = trustnxt("watch", tmp_path / "in", "--out", tmp_path / "in", "--once")
    assert same.code == 2 and "own output folder" in same.err
    inside = trustnxt("watch", tmp_path / "in", "--out", tmp_path, "--once")
    assert inside.code == 2 and "must not contain" in inside.err
    missing = trustnxt("watch", tmp_path / "nowhere", "--out", tmp_path / "out", "--once")
    assert missing.code == 2 and "does not exist" in missing.err
    bad = trustnxt("watch", tmp_path / "in", "--out", tmp_path / "out", "--settle", "-1")
    assert bad.code == 2


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_real_watch_protects_arrivals_and_stops_cleanly(sig: signal.Signals, home: Path, secret_store,
                                                          tmp_path: Path) -> None:
    inbox, out = tmp_path / "in", tmp_path / "out"
    inbox.mkdir()
    watching = Watching(str(inbox), "--out", str(out), "--settle", "0.3", home=home)
    try:
        watching.wait_for("press Ctrl+C")
        for i in range(3):
            shutil.copy(PHOTO, inbox / f"arrived{i}.jpg")
        watching.wait_for("done ", count=3)
        watching.wait_for("3 files protected from")
        watching.proc.send_signal(sig)
        assert watching.proc.wait(60) == 0
    finally:
        if watching.proc.poll() is None:
            watching.proc.kill()
    text = watching.rest()
    assert "stopped; 3 protected, 0 failed" in text, text
    assert sorted(p.name for p in out.iterdir()) == [f"arrived{i}.protected.jpg" for i in range(3)]
