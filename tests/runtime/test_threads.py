"""Blocking work carried to its end even when the caller is cancelled: a record is never left half-written."""

from __future__ import annotations

import asyncio
import gc
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from trustnxt_desktop.runtime.threads import run_to_end


async def test_the_result_and_the_error_come_back() -> None:
    assert await run_to_end(lambda a, b: a + b, 2, 3) == 5
    with pytest.raises(ZeroDivisionError):
        await run_to_end(lambda: 1 / 0)


async def test_a_cancel_waits_for_the_work_then_is_raised_once() -> None:
    release, entered = threading.Event(), threading.Event()
    finished: list[str] = []
    stops: list[int] = []
    running: set[asyncio.Future[Any]] = set()

    def stop() -> None:
        stops.append(1)
        release.set()

    def work() -> str:
        entered.set()
        release.wait(10)
        finished.append("written")
        return "done"

    with ThreadPoolExecutor(1) as executor:
        task = asyncio.create_task(run_to_end(work, running=running, executor=executor,
                                              on_cancel=stop))
        await asyncio.to_thread(entered.wait, 10)
        assert len(running) == 1, "the thread's future is held while it runs"
        task.cancel()
        await asyncio.sleep(0)
        task.cancel()  # a second cancel asks nothing more of the work
        with pytest.raises(asyncio.CancelledError):
            await task
    assert finished == ["written"], "the cancel came through only after the work had ended"
    assert stops == [1], "asked to stop early once"
    assert running == set()


async def test_a_cancelled_failure_is_not_reported_as_never_retrieved() -> None:
    entered, release = threading.Event(), threading.Event()

    def work() -> None:
        entered.set()
        release.wait(10)
        raise OSError("disk full")

    loop = asyncio.get_running_loop()
    reported: list[dict[str, Any]] = []
    loop.set_exception_handler(lambda _loop, context: reported.append(context))
    task = asyncio.create_task(run_to_end(work, on_cancel=release.set))
    await asyncio.to_thread(entered.wait, 10)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    gc.collect()
    await asyncio.sleep(0)
    loop.set_exception_handler(None)
    assert not [c for c in reported if "never retrieved" in str(c.get("message", ""))]
