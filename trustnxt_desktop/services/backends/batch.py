"""Run many files through a backend with bounded concurrency, reporting each result as it lands."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from ...domain.report import InspectionReport

if TYPE_CHECKING:
    from .protocol import Backend, GroupHook, ReportStream

T = TypeVar("T")
R = TypeVar("R")
Rep = TypeVar("Rep", InspectionReport, InspectionReport | None)  # a `work` that gives None for a failed file


async def run_batch(items: Sequence[T], work: Callable[[T], Awaitable[R]], jobs: int,
                    on_done: Callable[[int, T, R], None] | None = None) -> list[R]:
    """Results in input order. Cancelling the caller cancels every job still waiting or running."""
    semaphore = asyncio.Semaphore(max(1, jobs))

    async def one(index: int, item: T) -> R:
        async with semaphore:
            result = await work(item)
        if on_done is not None:
            on_done(index, item, result)
        return result

    tasks = [asyncio.ensure_future(one(i, item)) for i, item in enumerate(items)]
    try:
        return list(await asyncio.gather(*tasks))  # gather keeps the input order
    finally:
        for t in tasks:
            t.cancel()


async def inspect_each(inspect: Callable[[Path], Awaitable[InspectionReport]], paths: Sequence[Path], jobs: int,
                       also: GroupHook | None = None) -> ReportStream:
    """inspect_stream for a backend without a batch path: one `inspect` per file, at most `jobs` at once,
    each report yielded as a group of one as it lands (after `also` saw it in a worker thread). Closing the
    iterator early cancels the calls still waiting or running."""
    semaphore = asyncio.Semaphore(max(1, jobs))

    async def one(index: int, path: Path) -> tuple[int, InspectionReport]:
        async with semaphore:
            return index, await inspect(path)

    tasks = [asyncio.ensure_future(one(i, p)) for i, p in enumerate(paths)]
    try:
        for landed in asyncio.as_completed(tasks):
            index, report = await landed
            if also is not None:
                await asyncio.to_thread(also, [report])
            yield [(index, report)]
    finally:
        for t in tasks:
            t.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


async def inspect_batch(backend: Backend, paths: Sequence[Path], jobs: int,
                        on_done: Callable[[int, Path, Rep], None] | None = None,
                        work: Callable[[Path], Awaitable[Rep]] | None = None) -> list[Rep | None]:
    """Inspect many files, reporting each as it lands; results in input order.

    A backend with grouped inspection (`capabilities.grouped_inspection`, the local engine: several files
    queued on each isolated worker, one ledger and log transaction per group of results) gets the whole
    batch at once through inspect_stream; any other goes file by file through run_batch with `work`
    (default backend.inspect), so `work` can turn one file's failure into a None result.
    """
    if not backend.capabilities.grouped_inspection:
        each: Callable[[Path], Awaitable[Rep]] = work or backend.inspect
        landed: list[Rep] = await run_batch(paths, each, jobs, on_done)
        return [*landed]
    results: list[Rep | None] = [None] * len(paths)
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
