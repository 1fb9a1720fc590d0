"""`kill -9` the CLI at random points of a 100-file protect batch, five times, then `--resume`:
exactly 100 valid outputs, originals untouched, nothing half-written, and the service billed exactly 100."""

from __future__ import annotations

import hashlib
import json
import os
import queue
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import PROJECT
from tests.media_tools import make_jpeg
from tests.reliability.conftest import cli
from tests.sandbox.process import KEY, SandboxProcess
from trustnxt_desktop.cloud import contract
from trustnxt_desktop.services.account.credentials import KEY_ENV, SECRET_ENV

FILES = 100
KILLS = 5


def shoot(folder: Path) -> dict[str, str]:
    folder.mkdir()
    for i in range(FILES):
        make_jpeg(folder / f"img{i:03d}.jpg", 240, 160, seed=i)
    return digests(folder)


def digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def run_and_kill(args: list[str], home: Path, env: dict[str, str], after_lines: int, delay: float) -> bool:
    """Start `trustnxt ARGS`, SIGKILL it after `after_lines` progress lines plus `delay` seconds.
    Returns whether it was killed (False: it finished first)."""
    proc = subprocess.Popen([sys.executable, "-m", "trustnxt_desktop.cli", *args], cwd=PROJECT,
                            env={**os.environ, "TRUSTNXT_HOME": str(home), **env},
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    lines: queue.Queue[str | None] = queue.Queue()

    def read() -> None:
        assert proc.stderr is not None
        for line in proc.stderr:
            lines.put(line)
        lines.put(None)

    threading.Thread(target=read, daemon=True).start()
    seen, deadline = 0, time.monotonic() + 120
    while seen < after_lines:
        line = lines.get(timeout=max(0.1, deadline - time.monotonic()))
        if line is None:
            break
        seen += line.startswith("[")
    time.sleep(delay)
    killed = proc.poll() is None
    if killed:
        os.kill(proc.pid, signal.SIGKILL)
    proc.wait(30)
    return killed


def crash_five_times_then_resume(home: Path, src: Path, out: Path, env: dict[str, str], seed: int,
                                 backend: str) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    kills = 0
    for attempt in range(KILLS):
        args = ["protect", str(src), "--out", str(out), "--backend", backend, "--jobs", "2"] if attempt == 0 \
            else ["protect", "--resume"]
        # The first run is killed only once its batch is stored (a run killed before that is simply
        # started again by the person); later ones anywhere, even while starting up.
        after = rng.randint(1 if attempt == 0 else 0, 12)
        kills += run_and_kill(args, home, env, after, rng.uniform(0, 0.15))
    assert kills >= 3, "the batch should mostly have been interrupted"
    final = cli("protect", "--resume", "--json", home=home, env=env, timeout=300)
    assert final.returncode == 0, final.stderr
    results: list[dict[str, Any]] = json.loads(final.stdout)
    return results


def check_outputs(out: Path, results: list[dict[str, Any]], home: Path, env: dict[str, str]) -> None:
    assert len(results) == FILES and {r["status"] for r in results} == {"done"}
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted(f"img{i:03d}.protected.jpg" for i in range(FILES)), \
        f"exactly one output per file, nothing partial or hidden: {[n for n in names if '(' in n or n.startswith('.')]}"
    assert sorted(Path(r["output"]).name for r in results) == names
    inspected = cli("inspect", str(out), "--json", home=home, env=env, timeout=300)
    reports = json.loads(inspected.stdout)
    assert len(reports) == FILES
    assert {r["verdict"] for r in reports} <= {"trusted", "valid"}, {r["verdict"] for r in reports}
    listed = cli("jobs", "list", "--json", home=home, env=env)
    assert json.loads(listed.stdout)[0]["counts"] == {"done": FILES}


def test_kill_nine_during_a_local_batch_then_resume(tmp_path: Path, home: Path, secret_store) -> None:
    src, out = tmp_path / "shoot", tmp_path / "protected"
    before = shoot(src)
    results = crash_five_times_then_resume(home, src, out, {}, seed=1, backend="local")
    check_outputs(out, results, home, {})
    assert digests(src) == before, "originals are byte-identical"


def test_kill_nine_during_a_cloud_batch_then_resume(tmp_path: Path, home: Path, sandbox: SandboxProcess,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(SECRET_ENV, raising=False)
    env = {contract.API_URL_ENV: sandbox.url, KEY_ENV: KEY}
    src, out = tmp_path / "shoot", tmp_path / "protected"
    before = shoot(src)
    billed_before = sandbox.usage(KEY)["protect"]["calls"]
    replays_before = sandbox.stats()["replays"].get("protect", 0)
    results = crash_five_times_then_resume(home, src, out, env, seed=2, backend="cloud")
    check_outputs(out, results, home, {})
    assert digests(src) == before, "originals are byte-identical"
    assert sandbox.usage(KEY)["protect"]["calls"] - billed_before == FILES, "billed exactly once per file"
    print(f"\nreplayed after a kill, not billed: {sandbox.stats()['replays'].get('protect', 0) - replays_before}")
