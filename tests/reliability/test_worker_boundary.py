"""What a parser worker can hand the app, and what it starts with. A hostile file that takes over a worker
gets no further: the app reads nothing from a worker but plain JSON of one shape, validated into the domain
types (never a pickle, which would run the worker's code in the app), and a worker starts without the
session bus (the keyring's way in) and without any credential in its environment."""

from __future__ import annotations

import json
import os
import pickle
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import keyring
import pytest

from tests.conftest import CORPUS
from tests.expect import present
from tests.reliability.process_tree import busy_tree, stalled_folder, start_cli, wait_until_gone
from tests.reliability.worker_probe import _NOT_REPORTS, Planted
from trustnxt_desktop.domain.report import Verdict
from trustnxt_desktop.engine.trust import TrustConfig
from trustnxt_desktop.engine.untrusted import CRASH_SUMMARY, inspect_isolated, inspect_many_isolated
from trustnxt_desktop.runtime.isolation import (
    IsolatedPool,
    Limits,
    WorkerFailure,
    encode_answer,
    parse_answer,
    worker_environment,
)

PROBE = "tests.reliability.worker_probe"
GOOD = CORPUS / "c2pa" / "adobe-20220124-CA.jpg"


def test_a_worker_answering_with_a_pickle_cannot_run_code_in_the_app(tmp_path: Path) -> None:
    marker = tmp_path / "planted-code-ran"
    with IsolatedPool(PROBE, size=1, limits=Limits(seconds=10)) as pool:
        with pytest.raises(WorkerFailure) as caught:
            pool.call("send_pickle", str(marker))
        assert caught.value.kind == "answer" and "not a plain-data answer" in caught.value.detail
        assert not marker.exists(), "the app unpickled what the worker sent"
        assert pool.stats.failures == {"answer": 1}, "the worker that lied was killed"
        assert inspect_isolated(pool, GOOD, TrustConfig()).verdict is Verdict.VALID
        assert pool.stats.started == 2, "the next file got a fresh worker"
    # The same kind of bytes runs its code in any process that unpickles them (as Connection.recv() does):
    subprocess.run([sys.executable, "-c", "import pickle, sys; pickle.loads(sys.stdin.buffer.read())"],
                   input=pickle.dumps(("ok", Planted(str(marker)), 0)), check=True, cwd=tmp_path)
    assert marker.exists(), "the probe's payload is a real one"


def test_answers_that_are_not_reports_are_refused(tmp_path: Path) -> None:
    files = []
    for name in _NOT_REPORTS:
        files.append(tmp_path / f"{name}.jpg")
        shutil.copy(GOOD, files[-1])
    with IsolatedPool(PROBE, size=1, limits=Limits(seconds=10)) as pool:
        one = {p.stem: inspect_isolated(pool, p, TrustConfig()) for p in files}
        batch = {files[i].stem: r for group in inspect_many_isolated(pool, [*files, GOOD], TrustConfig())
                 for i, r in group if i < len(files)}
        assert pool.stats.failures == {"answer": 2 * len(files)}, "each lying worker was killed"
        assert inspect_isolated(pool, GOOD, TrustConfig()).verdict is Verdict.VALID
    for name in _NOT_REPORTS:
        for report in (one[name], batch[name]):
            assert report.verdict is Verdict.ERROR, name
            assert (report.error or "").startswith(f"{CRASH_SUMMARY}: the parser sent an answer that is not what"), \
                (name, report.error)
            assert report.file.sha256, "the report identifies the file all the same"


def test_only_the_answer_shape_is_accepted() -> None:
    good = encode_answer("ok", {"verdict": "valid"}, 1234)
    assert parse_answer(good) == ("ok", {"verdict": "valid"}, 1234)
    assert parse_answer(encode_answer("error", "ValueError: x", 0)) == ("error", "ValueError: x", 0)
    refused = [pickle.dumps(("ok", {"verdict": "valid"}, 0)), b"\x80\x04K\x01.", b"[1, 2, 3]", b"",
               b'{"status": "ok", "result": 1}', b'{"status": "ok", "result": 1, "rss": 0, "more": 1}',
               b'{"status": "fine", "result": 1, "rss": 0}', b'{"status": "ok", "result": 1, "rss": true}',
               b'{"status": "error", "result": {"not": "text"}, "rss": 0}', b"[" * 100_000]
    assert [parse_answer(b) for b in refused] == [None] * len(refused)
    status, text, _ = present(parse_answer(encode_answer("ok", object(), 0)), "answer")
    assert status == "error" and "not plain data" in text, "a task that returns an object is a bug, said as one"


def test_a_worker_has_no_way_to_the_keyring(home: Path, secret_store) -> None:
    """The secret is in the real keyring, which this process reads; a worker asking for it gets nothing."""
    service, name, secret = f"TrustNXT worker probe {uuid.uuid4().hex[:8]}", "api-secret", "tnxt_secret_probe"
    keyring.set_password(service, name, secret)
    try:
        assert keyring.get_password(service, name) == secret and os.environ.get("DBUS_SESSION_BUS_ADDRESS")
        with IsolatedPool(PROBE, size=1, limits=Limits(seconds=20)) as pool:
            answer = pool.call("read_keyring", service, name)
            seen = pool.call("environment")
    finally:
        keyring.delete_password(service, name)
    assert answer["value"] is None, answer
    assert answer["backend"] in (None, "Keyring", "ChainerBackend"), answer  # keyring's "fail" backend, or none
    for env in (seen["os.environ"], dict(e.partition("=")[::2] for e in seen["initial"])):
        assert not {"DBUS_SESSION_BUS_ADDRESS", "XDG_RUNTIME_DIR", "TRUSTNXT_KEYRING_SERVICE"} & set(env), env
        assert env.get("PYTHONSAFEPATH") == "1"


def test_the_command_s_workers_start_without_secrets(tmp_path: Path, home: Path) -> None:
    """`trustnxt` started with an API key, a secret, a token and the session bus in its environment: none of
    them is in the environment any of its worker processes was started with (/proc/<pid>/environ)."""
    private = {"TRUSTNXT_API_KEY": "tnxt_live_probe1", "TRUSTNXT_API_SECRET": "tnxt_secret_probe2",
               "GITHUB_TOKEN": "ghp_probe3", "HTTPS_PROXY": "http://user:probe4@proxy.example:3128",
               "DBUS_SESSION_BUS_ADDRESS": os.environ.get("DBUS_SESSION_BUS_ADDRESS", "unix:path=/tmp/probe5"),
               "XDG_RUNTIME_DIR": "/run/user/probe6", "SSH_AUTH_SOCK": "/tmp/ssh-probe7/agent", "DISPLAY": ":77"}
    folder = stalled_folder(tmp_path / "received", count=4)
    with open(tmp_path / "stderr.txt", "w+") as err:
        proc = start_cli(["inspect", "--json", "--jobs", "2", str(folder)], home, err, env=private)
        try:
            tree = busy_tree(proc)
            environments = {}
            for pid in tree:
                with open(f"/proc/{pid}/environ", "rb") as f:
                    environments[pid] = f.read().decode("utf-8", "replace").split("\0")
            with open(f"/proc/{proc.pid}/environ", "rb") as f:
                own = f.read().decode("utf-8", "replace")
        finally:
            proc.kill()
            proc.wait(10)
        assert not wait_until_gone(tree, 3)
    assert all(v in own for v in private.values()), "the command itself had them"
    assert len(environments) >= 3, environments  # the fork server and two workers, at least
    for pid, entries in environments.items():
        names = {e.partition("=")[0] for e in entries}
        assert not names & set(private), (pid, names & set(private))
        assert not any(v in e for e in entries for v in private.values()), pid
        assert "PYTHONSAFEPATH=1" in entries and any(e.startswith("PATH=") for e in entries)


def test_the_worker_environment_keeps_what_parsers_need() -> None:
    env = worker_environment({"PATH": "/usr/bin", "HOME": "/home/a", "LANG": "de_DE.UTF-8", "TZ": "UTC",
                              "TRUSTNXT_HOME": "/data", "HTTPS_PROXY": "http://proxy:3128", "TMPDIR": "/tmp",
                              "AWS_SECRET_ACCESS_KEY": "x", "MY_PASSWORD": "x", "SOME_VAR": "Bearer abc",
                              "KRB5CCNAME": "FILE:/tmp/krb", "WAYLAND_DISPLAY": "wayland-0"})
    assert env == {"PATH": "/usr/bin", "HOME": "/home/a", "LANG": "de_DE.UTF-8", "TZ": "UTC", "TRUSTNXT_HOME": "/data",
                   "HTTPS_PROXY": "http://proxy:3128", "TMPDIR": "/tmp", "PYTHONSAFEPATH": "1"}


def test_answers_stay_cheap(tmp_path: Path) -> None:
    """Decoding a worker's JSON answer into a checked report costs little next to the inspection itself."""
    from trustnxt_desktop.engine.inspect import inspect_file
    from trustnxt_desktop.engine.untrusted import report_from_worker

    report = inspect_file(CORPUS / "c2pa" / "adobe-20220124-CAI.jpg", TrustConfig())
    data = encode_answer("ok", report.to_dict(), 0)
    started = time.perf_counter()
    checked = [report_from_worker(present(parse_answer(data), "answer")[1]) for _ in range(50)]
    per_answer = (time.perf_counter() - started) / 50
    again = checked[-1]
    assert again.to_dict() == json.loads(json.dumps(report.to_dict()))
    print(f"\n{len(data)} bytes: parsed and checked in {per_answer * 1000:.2f} ms")
    assert per_answer < 0.01
