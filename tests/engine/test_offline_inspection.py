"""Inspecting a file makes no network call unless remote fetching is on (engine.trust.offline_core).

The file that would make one: its CAWG identity was verified by a web-hosted service (issuer did:web,
CAWG identity assertion 1.1 §8.1), so validating it means fetching https://<host>/.well-known/did.json,
and before that a DNS lookup of the host. Without the empty allow-list of network hosts, c2pa-rs 0.91.3
does both even with remote manifest fetching off. strace watches every process the inspection starts
(the isolated worker pool's fork server and workers); any connect/sendto/sendmsg of an internet
socket (AF_INET, AF_INET6) fails the test. The host name is under .invalid (RFC 6761), so even a
regression would reach nothing but the DNS resolver.

The second validator (encypher-c2pa, engine.cross_check) runs in the same workers on every inspection;
it can fetch (remote manifests, OCSP, did:web documents) and send failure telemetry when asked to, so
it runs under the same watch, on that file and on files whose credentials fail (what telemetry reports).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cawg_identity import sign_with_ica
from tests.conftest import CORPUS, PROJECT

STRACE = shutil.which("strace")
pytestmark = pytest.mark.skipif(STRACE is None, reason="strace is needed to watch the worker's system calls")
DID_WEB = "did:web:accounts.trustnxt-test.invalid"

INSPECT = """
import json, sys
from pathlib import Path
from trustnxt_desktop.domain.report import Verdict
from trustnxt_desktop.engine.cross_check import SecondValidator
from trustnxt_desktop.runtime.isolation import IsolatedPool
from trustnxt_desktop.engine.trust import TrustConfig
from trustnxt_desktop.engine.untrusted import inspect_isolated, parent_isolated

if __name__ == "__main__":
    pool = IsolatedPool("trustnxt_desktop.engine.untrusted_tasks", size=1)
    second = SecondValidator(sys.argv[2])
    try:
        report = inspect_isolated(pool, Path(sys.argv[1]), TrustConfig(), second)
        parent = parent_isolated(pool, Path(sys.argv[1]), "image/jpeg", "received.jpg", TrustConfig())
        others = [inspect_isolated(pool, Path(p), TrustConfig(), second) for p in sys.argv[3:]]
    finally:
        pool.close()
    print(json.dumps({"verdict": report.verdict.value, "identity": report.to_dict()["identity"],
                      "parent": parent.verdict.value,
                      "second": [r.to_dict()["cross_check"] for r in [report, *others]]}))
"""

# The same kind of process tree touching the network on purpose: proves strace sees a worker's sockets.
TOUCH = """
import multiprocessing, socket

def touch():
    socket.socket(socket.AF_INET, socket.SOCK_DGRAM).connect(("127.0.0.1", 9))

if __name__ == "__main__":
    worker = multiprocessing.get_context("forkserver").Process(target=touch)
    worker.start()
    worker.join()
"""


# encypher-c2pa told to send its failure telemetry, to a closed port here: proves the watch would see it.
TELEMETRY_ON = """
import sys, time
from pathlib import Path
import encypher_c2pa

if __name__ == "__main__":
    encypher_c2pa.verify(Path(sys.argv[1]).read_bytes(), "image/jpeg", telemetry=True, online=False,
                         telemetry_endpoint="http://127.0.0.1:9/telemetry")
    time.sleep(1.5)  # it sends from a queue of its own, without making verification wait
"""


def traced(script: str, folder: Path, *args: str) -> tuple[str, list[str]]:
    """(stdout, the internet-socket calls) of `script` run under strace -f."""
    assert STRACE is not None, "the tests that trace are skipped without strace"
    path, log = folder / "script.py", folder / "strace.log"
    path.write_text(script)
    done = subprocess.run([STRACE, "-f", "-qq", "-e", "trace=connect,sendto,sendmsg", "-o", str(log),
                           sys.executable, str(path), *args], cwd=PROJECT, capture_output=True, text=True, timeout=180,
                          env={**os.environ, "PYTHONPATH": str(PROJECT)})
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout, [line for line in log.read_text().splitlines() if "AF_INET" in line]


def test_strace_sees_a_worker_touch_the_network(tmp_path: Path) -> None:
    _out, calls = traced(TOUCH, tmp_path)
    assert any("127.0.0.1" in call for call in calls), calls


def test_strace_sees_the_second_validator_send_telemetry_when_told_to(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))  # where the library saves the preference it is given
    _out, calls = traced(TELEMETRY_ON, tmp_path, str(CORPUS / "c2pa" / "adobe-20220124-E-dat-CA.jpg"))
    assert any("127.0.0.1" in call and "htons(9)" in call for call in calls), calls


def test_inspecting_a_did_web_identity_opens_no_socket(tmp_path: Path) -> None:
    signed = sign_with_ica(CORPUS / "media" / "no_manifest.jpg", tmp_path / "received.jpg", issuer=DID_WEB)
    failing = [CORPUS / "c2pa" / "truepic-20230212-camera.jpg", CORPUS.parent / "cases" / "remote-only.jpg",
               CORPUS.parent / "cases" / "ai-report.docx", CORPUS / "hostile" / "no_alg.jpg"]
    out, calls = traced(INSPECT, tmp_path, str(signed), str(tmp_path / "validators"), *map(str, failing))
    assert calls == []
    result = json.loads(out)
    seconds = result["second"]
    assert len(seconds) == 1 + len(failing) and all(s["ran"] and s["engine"] == "encypher-c2pa" for s in seconds), \
        "the second validator ran on every file, under the same watch"
    assert [s["verdict"] for s in seconds[1:]] == ["invalid", "unverified", "invalid", "invalid"], \
        "failing credentials (what its telemetry would report) and a remote manifest it was not allowed to fetch"
    (identity,) = result["identity"]
    # The validator got as far as wanting the service's key, and was refused it.
    assert identity["issuer"] == DID_WEB and "cawg.ica.did_unavailable" in identity["codes"]
    assert result["verdict"] == "valid" and result["parent"] == "valid"  # an unfetched key is not a broken file


# Protect's look at its own new copy (engine.second_check; the isolated worker's "second_check" task runs it).
CHECK_COPY = """
import json, sys
from pathlib import Path
from trustnxt_desktop.engine.cross_check import SecondValidator
from trustnxt_desktop.engine.second_check import check_signed_copy

if __name__ == "__main__":
    second = SecondValidator(sys.argv[1])
    print(json.dumps([check_signed_copy(Path(p), None, second) for p in sys.argv[2:]]))
"""


def test_protects_check_of_its_copy_opens_no_socket(tmp_path: Path) -> None:
    """The same files as above, read by engine.second_check as protect reads a copy it has just signed: no socket,
    not even for a did:web identity, a remote manifest or failing credentials (what telemetry would report)."""
    signed = sign_with_ica(CORPUS / "media" / "no_manifest.jpg", tmp_path / "received.jpg", issuer=DID_WEB)
    files = [signed, CORPUS / "c2pa" / "truepic-20230212-camera.jpg", CORPUS.parent / "cases" / "remote-only.jpg",
             CORPUS.parent / "cases" / "ai-report.docx"]
    out, calls = traced(CHECK_COPY, tmp_path, str(tmp_path / "validators"), *map(str, files))
    assert calls == []
    warnings = json.loads(out)
    assert warnings[0] is None and all(w and "second, independent validator" in w for w in warnings[1:]), warnings
