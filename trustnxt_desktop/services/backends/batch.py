"""Run many files through a backend with bounded concurrency, reporting each result as it lands."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

from ...domain.report import InspectionReport
from .recording import unwrap

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


async def inspect_batch(backend: Any, paths: Sequence[Path], jobs: int,
                        on_done: Callable[[int, Path, InspectionReport], None] | None = None,
                        work: Callable[[Path], Awaitable[InspectionReport | None]] | None = None
                        ) -> list[InspectionReport | None]:
    """Inspect many files, reporting each as it lands; results in input order.

    A backend with a batch path (`inspect_stream`, the local engine: several files queued on each
    isolated worker, one ledger and log transaction per group of results) gets the whole batch at
    once; any other goes file by file through run_batch with `work` (default backend.inspect).
    """
    if not callable(getattr(unwrap(backend), "inspect_stream", None)):
        return await run_batch(paths, work or backend.inspect, jobs, on_done)
    results: list[InspectionReport | None] = [None] * len(paths)
    stream = backend.inspect_stream(paths, jobs)
    try:
        async for group in stream:
            for index, report in group:
                results[index] = report
                if on_done is not None:
                    on_done(index, paths[index], report)
    finally:
        await stream.aclose()
    return results
