"""Owning the coroutines a widget starts: keep references, report failures, cancel on close."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any, Protocol

from ..domain.errors import TrustNXTError

log = logging.getLogger(__name__)
_closing: set[asyncio.Future[Any]] = set()  # asyncio keeps only weak references to tasks


class Deletable(Protocol):
    def deleteLater(self) -> None: ...


class TaskOwner:
    """Slots stay thin: they call spawn(coro); the coroutine itself is an ordinary awaitable tests can await."""

    def __init__(self, on_error: Callable[[str], None]) -> None:
        self._tasks: set[asyncio.Future[Any]] = set()
        self._on_error = on_error
        self._closed = False

    def spawn(self, coro: Coroutine[Any, Any, Any]) -> asyncio.Future[Any]:
        if self._closed:
            # A timer or signal that fires after close must not start work on widgets about to go.
            coro.close()
            done: asyncio.Future[Any] = asyncio.get_event_loop().create_future()
            done.cancel()
            return done
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._finished)
        return task

    def _finished(self, task: asyncio.Future[Any]) -> None:
        self._tasks.discard(task)
        if task.cancelled():
            return
        error = task.exception()
        if error is None:
            return
        if isinstance(error, TrustNXTError):
            self._on_error(str(error))  # expected problems: said plainly to the person
        else:
            # Bugs go to the crash handler (sys.excepthook), which logs them with secrets redacted.
            import sys

            sys.excepthook(type(error), error, error.__traceback__)

    @property
    def busy(self) -> bool:
        return bool(self._tasks)

    async def wait(self) -> None:
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    def cancel_all(self) -> None:
        for task in list(self._tasks):
            task.cancel()

    async def aclose(self) -> None:
        """Cancel everything and let it unwind now, while the widgets its clean-up touches still exist."""
        self._closed = True
        self.cancel_all()
        await self.wait()


def delete_when_idle(widget: Deletable, *owners: TaskOwner) -> None:
    """For a closed dialog: cancel its work, let that unwind (it may still touch the dialog's widgets),
    then delete the dialog. Instead of WA_DeleteOnClose, which deletes the widgets first."""

    async def run() -> None:
        for owner in owners:
            await owner.aclose()
        widget.deleteLater()

    task = asyncio.ensure_future(run())
    _closing.add(task)
    task.add_done_callback(_closing.discard)
