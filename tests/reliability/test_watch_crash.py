"""`kill -9` a real `trustnxt watch` in the middle of a batch, twice, then run it again: exactly one valid
protected copy per file, originals untouched, nothing half-written left behind."""

from __future__ import annotations

import hashlib
import json
import os
import signal
from pathlib import Path

from tests.cli.test_watch_cmd import Watching
from tests.media_tools import make_jpeg
from tests.reliability.conftest import cli

FILES = 30


def digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def test_kill_nine_during_a_watched_batch_then_restart(tmp_path: Path, home: Path, secret_store) -> None:
    inbox, out = tmp_path / "in", tmp_path / "out"
    inbox.mkdir()
    args = [str(inbox), "--out", str(out), "--settle", "0.3", "--jobs", "2"]
    kills = 0
    for round_ in range(2):
        watching = Watching(*args, home=home)
        try:
            watching.wait_for("press Ctrl+C")
            if round_ == 0:  # the files arrive while it watches
                for i in range(FILES):
                    make_jpeg(inbox / f"img{i:03d}.jpg", 1600, 1067, seed=i)
            watching.wait_for("done ", count=4)
        finally:
            if watching.proc.poll() is None:
                os.kill(watching.proc.pid, signal.SIGKILL)
                kills += 1
            watching.proc.wait(30)
    assert kills == 2
    originals = digests(inbox)
    written = len(list(out.glob("*.jpg")))
    assert 0 < written < FILES, "the kills should fall in the middle of the batch"

    finished = cli("watch", *args, "--once", home=home)
    assert finished.returncode == 0, finished.stderr
    assert "taking up" in finished.stderr
    outputs = sorted(p.name for p in out.iterdir())
    assert outputs == [f"img{i:03d}.protected.jpg" for i in range(FILES)], "exactly one copy per file"
    assert digests(inbox) == originals
    inspected = cli("inspect", str(out), "--json", home=home)
    assert [r["verdict"] for r in json.loads(inspected.stdout)] == ["trusted"] * FILES
