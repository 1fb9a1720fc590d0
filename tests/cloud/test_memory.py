"""A 500 MB upload streams: the client process (and the sandbox) keep flat memory."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import PROJECT
from tests.sandbox.process import KEY

SIZE = 500 * 1024 * 1024
CLIENT_LIMIT_MB = 150

# Runs in its own process so its peak RSS is the client's alone (no c2pa, no pytest).
CLIENT = """
import asyncio, json, sys
from pathlib import Path
from trustnxt_desktop.cloud.auth import ApiCredentials
from trustnxt_desktop.cloud.client import CloudClient

async def main(url, key, path):
    async with CloudClient(url, ApiCredentials(key)) as client:
        report = await client.inspect(Path(path))
    # VmHWM, not ru_maxrss: Linux carries ru_maxrss across exec, so a child forked from a large pytest
    # process would report the parent's size, not its own.
    peak_kb = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:"))
    print(json.dumps({"verdict": report.verdict.value, "size": report.file.size, "peak_mb": peak_kb / 1024}))

asyncio.run(main(*sys.argv[1:]))
"""


def _peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmHWM in /proc")


def test_500_mb_upload_keeps_client_memory_flat(sandbox_factory, tmp_path: Path) -> None:
    server = sandbox_factory("--max-upload-mb", "600")
    big = tmp_path / "big.bin"
    with open(big, "wb") as f:  # sparse: instant to make, but every byte is read and sent
        f.truncate(SIZE)
    server_before = _peak_rss_mb(server.proc.pid)
    proc = subprocess.run([sys.executable, "-c", CLIENT, server.url, KEY, str(big)], capture_output=True, text=True,
                          timeout=170, cwd=PROJECT)
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    assert result["size"] == SIZE, "the service received the whole file"
    assert result["verdict"] == "unsupported"
    assert result["peak_mb"] < CLIENT_LIMIT_MB, f"client peak RSS {result['peak_mb']:.0f} MB"
    grew = _peak_rss_mb(server.proc.pid) - server_before
    assert grew < 100, f"the sandbox grew by {grew:.0f} MB while receiving 500 MB: it must stream to disk"
    assert not any((server.data_dir / "uploads").iterdir())
