"""Background protection of captures: the preview never waits, the protected copy follows.

One capture at a time, in capture order, with whichever backend is active. The raw file leaves the
pending folder only after its protected copy is written; a failure keeps it for a retry.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from ..domain.protect import ProtectOptions, ProtectStatus
from .backend import Backend
from .capture_store import CaptureStore, PendingCapture


class CaptureState(str, Enum):
    WAITING = "waiting"
    PROTECTING = "protecting"
    PROTECTED = "protected"
    FAILED = "failed"


@dataclass
class CaptureItem:
    pending: PendingCapture
    state: CaptureState = CaptureState.WAITING
    output: Path | None = None
    error: str | None = None


class CaptureProtector:
    def __init__(self, store: CaptureStore, backend: Callable[[], Backend], options: Callable[[], ProtectOptions],
                 on_change: Callable[[CaptureItem], None] | None = None) -> None:
        self.store = store
        self._backend = backend
        self._options = options
        self._on_change = on_change or (lambda item: None)
        self.items: list[CaptureItem] = []
        self._todo: deque[CaptureItem] = deque()
        self._worker: asyncio.Task[None] | None = None
        self._idle = asyncio.Event()
        self._idle.set()

    def resume(self) -> list[CaptureItem]:
        """Queue every capture a previous run left unprotected (crash, quit, failure)."""
        known = {item.pending.raw for item in self.items}
        return [self.submit(p) for p in self.store.pending() if p.raw not in known]

    def submit(self, pending: PendingCapture) -> CaptureItem:
        item = CaptureItem(pending)
        self.items.append(item)
        self._enqueue(item)
        return item

    def retry_failed(self) -> int:
        failed = [i for i in self.items if i.state is CaptureState.FAILED]
        for item in failed:
            item.error = None
            self._enqueue(item)
        return len(failed)

    def counts(self) -> tuple[int, int, int]:
        """(pending, protected, failed)"""
        states = [i.state for i in self.items]
        pending = states.count(CaptureState.WAITING) + states.count(CaptureState.PROTECTING)
        return pending, states.count(CaptureState.PROTECTED), states.count(CaptureState.FAILED)

    async def wait_idle(self) -> None:
        await self._idle.wait()

    async def aclose(self) -> None:
        """Stop protecting; whatever was not finished stays in the pending folder for next time."""
        if self._worker is not None:
            self._worker.cancel()
            await asyncio.gather(self._worker, return_exceptions=True)
            self._worker = None
        self._idle.set()

    def _enqueue(self, item: CaptureItem) -> None:
        item.state = CaptureState.WAITING
        self._todo.append(item)
        self._on_change(item)
        self._idle.clear()
        if self._worker is None or self._worker.done():
            self._worker = asyncio.ensure_future(self._run())

    async def _run(self) -> None:
        try:
            while self._todo:
                await self._protect(self._todo.popleft())
        finally:
            if not self._todo:
                self._idle.set()

    async def _protect(self, item: CaptureItem) -> None:
        item.state = CaptureState.PROTECTING
        self._on_change(item)
        try:
            result = await self._backend().protect(item.pending.raw, self.store.options(item.pending, self._options()))
        except asyncio.CancelledError:
            item.state = CaptureState.WAITING  # the raw capture stays pending; the next start picks it up
            self._on_change(item)
            raise
        except Exception as e:  # noqa: BLE001 - a failure is shown on the capture and can be retried
            item.state, item.error = CaptureState.FAILED, str(e)
        else:
            if result.status is ProtectStatus.DONE and result.output is not None:
                await asyncio.to_thread(self.store.discard, item.pending)
                item.state, item.output = CaptureState.PROTECTED, result.output
            else:
                item.state, item.error = CaptureState.FAILED, result.error or "The capture could not be protected."
        self._on_change(item)
