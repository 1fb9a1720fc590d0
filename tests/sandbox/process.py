"""Run the sandbox as a real server process on a free loopback port, for tests in any folder."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import PROJECT
from trustnxt_desktop.cloud import contract
from trustnxt_desktop.sandbox.server import READY_LINE

KEY = "tnxt_test_4f1c2a9e7b3d5f6a8c0e1d2b3a4f5e6d"
SECRET_KEY = "tnxt_live_8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a"  # this one needs its secret
SECRET = "tnxt_secret_0a1b2c3d4e5f60718293a4b5c6d7e8f9"
OTHER_KEY = "tnxt_test_99999999aaaaaaaabbbbbbbbcccccccc"
_START_TIMEOUT = 60


@dataclass
class SandboxProcess:
    url: str
    proc: subprocess.Popen[bytes]
    data_dir: Path
    log_dir: Path
    keys: dict[str, str | None] = field(default_factory=dict)

    def get(self, path: str, key: str | None = None, **kw: Any) -> httpx.Response:
        headers = {contract.API_KEY_HEADER: key} if key else {}
        return httpx.get(self.url + path, headers=headers, timeout=10, **kw)

    def stats(self) -> dict[str, Any]:
        stats: dict[str, Any] = self.get(contract.SANDBOX_STATS_PATH).json()
        return stats

    def requests(self, route: str) -> dict[str, int]:
        counts: dict[str, int] = self.stats()["requests"].get(route, {})
        return counts

    def usage(self, key: str = KEY) -> dict[str, Any]:
        secret = self.keys.get(key)
        headers = {contract.API_KEY_HEADER: key, **({contract.API_SECRET_HEADER: secret} if secret else {})}
        for _ in range(50):  # a sandbox with injected faults answers with 503s, 429s or not at all
            try:
                response = httpx.get(self.url + contract.USAGE_PATH, headers=headers, timeout=10)
            except httpx.TransportError:
                continue
            if response.status_code not in (429, 503):
                response.raise_for_status()
                usage: dict[str, Any] = response.json()
                return usage
            time.sleep(0.1)
        raise AssertionError("the sandbox never answered the usage request")

    def wait_for(self, route: str, status: str, count: int = 1, timeout: float = 10) -> None:
        """Until the sandbox has answered `route` with `status` `count` times (499: the client went away)."""
        deadline = time.monotonic() + timeout
        while self.requests(route).get(status, 0) < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"{route} never answered {status}: {self.stats()}")
            time.sleep(0.05)

    def root_pem(self) -> str:
        return self.get(contract.SANDBOX_ROOT_PATH).text

    def output(self) -> str:
        return "".join(p.read_text("utf-8", "replace") for p in sorted(self.log_dir.glob("sandbox.*")))

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)


def start_sandbox(workdir: Path, *flags: str, keys: dict[str, str | None] | None = None) -> SandboxProcess:
    """Start `python -m trustnxt_desktop.sandbox.server --port 0` and wait for its ready line."""
    keys = keys if keys is not None else {KEY: None, SECRET_KEY: SECRET, OTHER_KEY: None}
    workdir.mkdir(parents=True, exist_ok=True)
    data = workdir / "data"
    env = {**os.environ, "TRUSTNXT_SANDBOX_KEYS": ",".join(k + (f":{s}" if s else "") for k, s in keys.items())}
    out, err = workdir / "sandbox.out", workdir / "sandbox.err"
    with open(out, "wb") as stdout, open(err, "wb") as stderr:
        proc = subprocess.Popen([sys.executable, "-m", "trustnxt_desktop.sandbox.server", "--port", "0",
                                 "--data", str(data), *flags], stdout=stdout, stderr=stderr, env=env, cwd=PROJECT)
    deadline = time.monotonic() + _START_TIMEOUT
    while time.monotonic() < deadline:
        for line in out.read_text("utf-8", "replace").splitlines():
            if line.startswith(READY_LINE):
                return SandboxProcess(url=line.split()[-1], proc=proc, data_dir=data, log_dir=workdir, keys=keys)
        if proc.poll() is not None:
            break
        time.sleep(0.05)
    proc.kill()
    proc.wait()
    raise RuntimeError(f"the sandbox did not start:\n{out.read_text()}\n{err.read_text()}")


# Fixtures, re-exported by the conftest of each folder that talks to a sandbox.

@pytest.fixture(scope="session")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxProcess]:
    """One well-behaved sandbox shared by a folder's tests (compare statistics before and after)."""
    server = start_sandbox(tmp_path_factory.mktemp("sandbox"))
    yield server
    server.stop()


@pytest.fixture
def sandbox_factory(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[..., SandboxProcess]]:
    """Start sandboxes with their own flags (faults, limits); all are stopped after the test."""
    started: list[SandboxProcess] = []

    def start(*flags: str, keys: dict[str, str | None] | None = None) -> SandboxProcess:
        server = start_sandbox(tmp_path_factory.mktemp("sandbox"), *flags, keys=keys)
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()
