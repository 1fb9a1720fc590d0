"""runtime/isolation.py, the pool's own API with a tasks module of its own (tests/runtime/isolation_tasks.py):
calls and plain-data answers, decoders, shared values, the caps (time, memory, calls per worker, workers
at once), a failure costing one worker, close. What it means for received files (crashes and hangs in a
batch, hostile answers, workers ending with the app) is in tests/reliability."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from trustnxt_desktop.runtime.isolation import (
    FAULT_ENV,
    IsolatedPool,
    Limits,
    PoolClosedError,
    TaskError,
    WorkerFailure,
    encode_answer,
    parse_answer,
    worker_environment,
)

TASKS = "tests.runtime.isolation_tasks"


@pytest.fixture
def pool() -> Iterator[IsolatedPool]:
    with IsolatedPool(TASKS, size=1, limits=Limits(seconds=20)) as one:
        yield one


def until(condition: Callable[[], bool], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not met"
        time.sleep(0.01)


def pid(pool: IsolatedPool) -> int:
    answer = pool.call("whoami")
    assert isinstance(answer, dict)
    return int(answer["pid"])


def test_a_call_runs_the_task_in_another_process_and_answers_plain_data(pool: IsolatedPool) -> None:
    assert pool.call("echo", 1, "two", [3.0], {"four": None}) == [1, "two", [3.0], {"four": None}]
    me = pool.call("whoami")
    assert me["pid"] != os.getpid() and me["initialised"] == 1, "worker_init ran once, in the worker"
    assert pid(pool) == me["pid"], "the worker stays for the next call"
    assert pool.stats.calls == 3 and pool.stats.started == 1 and pool.stats.peak_rss_bytes > 0
    assert pool.stats.sent == {"echo": 1, "whoami": 2}


def test_a_decoder_turns_the_answer_into_the_callers_type_or_refuses_it(pool: IsolatedPool) -> None:
    assert pool.call("echo", 1, 2, decode=tuple) == (1, 2)
    first = pid(pool)
    with pytest.raises(WorkerFailure) as refused:
        pool.call("echo", "x", decode=lambda answer: int(answer[0]))
    assert refused.value.kind == "answer" and "not what its task gives" in refused.value.detail
    assert "invalid literal for int()" in refused.value.detail, "with the decoder's reason"
    assert pid(pool) != first, "a worker that answered wrongly is not trusted again"
    assert pool.stats.failures == {"answer": 1}


def test_an_ordinary_exception_in_a_task_is_a_task_error_and_the_worker_stays(pool: IsolatedPool) -> None:
    first = pid(pool)
    with pytest.raises(TaskError, match="^ValueError: not this file$"):
        pool.call("refuse", "not this file")
    with pytest.raises(TaskError, match="KeyError"):
        pool.call("no-such-task")
    with pytest.raises(TaskError, match="not plain data"):
        pool.call("not_plain_data")
    assert pid(pool) == first and pool.stats.failures == {}


def test_a_shared_value_is_sent_once_prepared_and_a_few_are_kept(pool: IsolatedPool) -> None:
    a = pool.call("with_shared", "a", shared=("trust-1", [1, 2]))
    b = pool.call("with_shared", "b", shared=("trust-1", [1, 2]))
    assert (a["prepared"], a["suffix"], b["suffix"]) == ([1, 2], "a", "b"), "called as task(prepared, *args)"
    assert a["prepared_here"] == b["prepared_here"] == 1, "prepared once for both calls"
    for n in range(2, 10):  # more than the worker keeps: the oldest is dropped
        pool.call("with_shared", "x", shared=(f"trust-{n}", n))
    assert pool.call("with_shared", "c", shared=("trust-1", [1, 2]))["prepared_here"] == 10, "sent again"


def test_a_call_over_its_time_limit_costs_its_worker_only(pool: IsolatedPool) -> None:
    first = pid(pool)
    with pytest.raises(WorkerFailure) as late:
        pool.call("sleep", 60, seconds=0.5)
    assert (late.value.kind, late.value.detail) == ("timeout", "did not finish within 0.5 s")
    assert pool.call("sleep", 0) == 0 and pid(pool) != first
    assert pool.stats.failures == {"timeout": 1}


@pytest.mark.parametrize(("task", "args", "detail"), [
    ("abort", (), "crashed (SIGABRT)"),
    ("exit_with", (3,), "exited unexpectedly (code 3)"),
])
def test_a_worker_that_dies_costs_that_call_only(pool: IsolatedPool, task: str, args: tuple[Any, ...],
                                                 detail: str) -> None:
    with pytest.raises(WorkerFailure) as died:
        pool.call(task, *args)
    assert (died.value.kind, died.value.detail) == ("crash", detail)
    assert pool.call("echo", "next") == ["next"] and pool.stats.started == 2


def test_memory_over_the_cap_is_refused_and_the_pool_goes_on() -> None:
    cap = 512 * 1024 ** 2
    with IsolatedPool(TASKS, size=1, limits=Limits(memory_bytes=cap, seconds=30)) as pool:
        assert pool.call("hog", 16) == 16
        with pytest.raises(WorkerFailure) as greedy:
            pool.call("hog", 4096)
        assert greedy.value.kind == "memory" and "512 MiB" in greedy.value.detail
        assert pool.call("hog", 16) == 16 and pool.stats.failures == {"memory": 1}
        assert pool.stats.peak_rss_bytes <= cap


def test_a_worker_is_replaced_after_its_calls_run_out() -> None:
    with IsolatedPool(TASKS, size=1, limits=Limits(max_calls=3)) as pool:
        pids = [pid(pool) for _ in range(7)]
    assert pids[0] == pids[1] == pids[2] != pids[3] == pids[4] == pids[5] != pids[6]
    assert pool.stats.started == 3 and pool.stats.failures == {}


def test_warm_up_starts_the_workers_before_the_first_call() -> None:
    with IsolatedPool(TASKS, size=2) as pool:
        pool.warm_up()
        assert pool.stats.started == 2
        pool.call("echo")
        assert pool.stats.started == 2, "the first call took a worker already running"


def test_calls_wait_for_a_worker_beyond_the_pools_size_and_one_more(pool: IsolatedPool, tmp_path: Path) -> None:
    """size=1: one worker for batches, one more for a single call (a preview); a third call waits."""
    flag = tmp_path / "go"
    results: list[Any] = []
    threads = [threading.Thread(target=lambda: results.append(pool.call("wait_for", str(flag)))) for _ in range(3)]
    for t in threads:
        t.start()
    until(lambda: pool.stats.started == 2)  # two calls hold a worker each
    flag.touch()
    for t in threads:
        t.join()
    assert results == [str(flag)] * 3 and pool.stats.started == 2, "the third call took a worker another freed"


def test_imap_answers_each_call_once_by_index_and_a_failure_is_that_calls_result() -> None:
    calls = [("a",), ("b",), (), ("c",), ("d",)]  # () makes refuse() fail: a missing argument
    with IsolatedPool(TASKS, size=2) as pool:
        answers = {i: r for group in pool.imap("refuse", calls, slots=2) for i, r in group}
        assert sorted(answers) == [0, 1, 2, 3, 4]
        assert all(isinstance(r, TaskError) for r in answers.values())
        assert "ValueError: a" in str(answers[0]) and "TypeError" in str(answers[2])
        echoed = {i: r for group in pool.imap("echo", [(n,) for n in range(20)], slots=1) for i, r in group}
        assert echoed == {n: [n] for n in range(20)}
        crashed = {i: r for group in pool.imap("exit_with", [(0,), (1,)]) for i, r in group}
        assert all(isinstance(r, WorkerFailure) and r.kind == "crash" for r in crashed.values())
        assert pool.stats.started <= 2 + 2, "a worker per slot, plus one per crash"


def test_a_stopped_imap_sends_nothing_more(pool: IsolatedPool) -> None:
    stop = threading.Event()
    batch = pool.imap("echo", [(n,) for n in range(500)], stop=stop, depth=1)
    first = next(batch)
    stop.set()
    answered = len(first) + sum(len(group) for group in batch)
    assert answered < 500


def test_close_ends_every_worker_and_refuses_new_calls() -> None:
    pool = IsolatedPool(TASKS, size=2)
    pool.warm_up()
    ended: list[BaseException] = []
    started = threading.Event()

    def busy() -> None:
        started.set()
        try:
            pool.call("sleep", 60)
        except BaseException as e:  # noqa: BLE001 - what the caller of a closed pool gets is the point
            ended.append(e)

    thread = threading.Thread(target=busy)
    thread.start()
    started.wait()
    workers = list(pool._workers)
    pool.close()
    thread.join(30)
    assert not thread.is_alive() and len(ended) == 1 and isinstance(ended[0], PoolClosedError)
    assert all(w.process.exitcode is not None for w in workers), "no worker outlives close()"
    with pytest.raises(PoolClosedError):
        pool.call("echo")
    pool.close()  # again: harmless


def test_workers_start_without_session_access_or_secrets(pool: IsolatedPool) -> None:
    env = pool.call("environment")
    assert env["PYTHONSAFEPATH"] == "1"
    assert not {"DBUS_SESSION_BUS_ADDRESS", "XDG_RUNTIME_DIR", "DISPLAY"} & set(env)
    assert env == worker_environment(env), "nothing the clean environment leaves out"
    assert worker_environment({"PATH": "/usr/bin", "TRUSTNXT_API_KEY": "k", "PROXY": "http://u:p@host",
                               "LANG": "C.UTF-8"}) == {"PATH": "/usr/bin", "LANG": "C.UTF-8", "PYTHONSAFEPATH": "1"}


def test_the_fault_hook_is_taken_by_workers_that_start_after_it_is_set(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(FAULT_ENV, "abort:crashme")
    with IsolatedPool(TASKS, size=1) as pool:
        assert pool.call("echo", "fine") == ["fine"]
        with pytest.raises(WorkerFailure, match="SIGABRT"):
            pool.call("echo", "crashme.jpg")


def test_answers_have_one_shape() -> None:
    assert parse_answer(encode_answer("ok", {"a": [1]}, 7)) == ("ok", {"a": [1]}, 7)
    assert parse_answer(encode_answer("error", "ValueError: x", 0)) == ("error", "ValueError: x", 0)
    assert parse_answer(encode_answer("ok", b"bytes", 0)) == (
        "error", "TypeError: the task's result is not plain data (TypeError)", 0)
    for bad in (b"", b"[]", b'{"status":"ok","result":1}', b'{"status":"fine","result":1,"rss":0}',
                b'{"status":"error","result":1,"rss":0}', b'{"status":"ok","result":1,"rss":"0"}', b"\x80\x04."):
        assert parse_answer(bad) is None, bad
