"""Blocking work (sqlite, files) in a worker thread, carried to its end even when the caller is cancelled."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from concurrent.futures import Executor
from typing import Any, TypeVar

T = TypeVar("T")


async def run_to_end(fn: Callable[..., T], *args: Any, running: set[asyncio.Future[Any]] | None = None,
                     executor: Executor | None = None, on_cancel: Callable[[], None] | None = None) -> T:
    """fn(*args) in a worker thread (of `executor`, default the loop's). A thread cannot be interrupted,
    so a cancel that arrives meanwhile is re-raised only once fn has returned: a record is never left
    half-written, and clean-up after the cancel never races the work (a file or folder the work was
    still making). `on_cancel` is called once, at the first cancel, to ask fn to stop early. `running`
    holds the thread's future while it runs (for a close that must wait for it)."""
    work = asyncio.get_running_loop().run_in_executor(executor, functools.partial(fn, *args))
    if running is not None:
        running.add(work)
        work.add_done_callback(running.discard)
    interrupted = False
    while not work.done():
        try:
            await asyncio.wait({work})
        except asyncio.CancelledError:
            if not interrupted and on_cancel is not None:
                on_cancel()
            interrupted = True
    if interrupted:
        if not work.cancelled():
            work.exception()  # looked at, so asyncio does not report it as never retrieved
        raise asyncio.CancelledError
    return work.result()
