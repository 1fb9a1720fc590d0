from __future__ import annotations

import asyncio

import pytest

from trustnxt_desktop.services.backends.batch import run_batch


async def test_bounded_concurrency_results_in_order_and_progress() -> None:
    running = peak = 0
    seen: list[int] = []

    async def work(n: int) -> int:
        nonlocal running, peak
        running += 1
        peak = max(peak, running)
        await asyncio.sleep(0.01 * (5 - n % 5))
        running -= 1
        return n * n

    results = await run_batch(list(range(12)), work, 3, lambda i, item, r: seen.append(item))
    assert results == [n * n for n in range(12)] and peak == 3 and sorted(seen) == list(range(12))


async def test_cancel_stops_waiting_jobs() -> None:
    started: list[int] = []

    async def work(n: int) -> int:
        started.append(n)
        await asyncio.sleep(10)
        return n

    task = asyncio.ensure_future(run_batch(list(range(20)), work, 2))
    await asyncio.sleep(0.05)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert len(started) == 2
