"""Run many files through a backend with bounded concurrency, reporting each result as it lands."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


async def run_batch(items: Sequence[T], work: Callable[[T], Awaitable[R]], jobs: int,
                    on_done: Callable[[int, T, R], None] | None = None) -> list[R]:
    """Results in input order. Cancelling the caller cancels every job still waiting or running."""
    semaphore = asyncio.Semaphore(max(1, jobs))
    results: list[R | None] = [None] * len(items)

    async def one(index: int, item: T) -> None:
        async with semaphore:
            result = await work(item)
        results[index] = result
        if on_done is not None:
            on_done(index, item, result)

    tasks = [asyncio.ensure_future(one(i, item)) for i, item in enumerate(items)]
    try:
        await asyncio.gather(*tasks)
    finally:
        for t in tasks:
            t.cancel()
    return results  # type: ignore[return-value]
