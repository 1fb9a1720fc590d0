"""The asyncio event loop of the GUI: qasync's, with its last pass of Qt events run inside the loop.

qasync 0.28's `QEventLoop.run_until_complete` ends with one more `processEvents()` after
`run_forever` has already told asyncio that no loop is running. A task step that runs in that pass —
a refresh a Qt timer started a moment before, say — then fails in `asyncio.get_running_loop()` with
"no running event loop" (seen at the end of GUI tests and, in the app, at quit). Here that pass runs
with this loop still registered as the running one, as the steps it executes expect.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Coroutine
from typing import Any, TypeVar

import qasync
from PySide6.QtWidgets import QApplication

T = TypeVar("T")


class EventLoop(qasync.QEventLoop):  # type: ignore[misc]  # qasync ships no type information
    def __init__(self) -> None:
        super().__init__(QApplication.instance() or QApplication([]))
        self._finishing = False

    def run_forever(self) -> int:
        try:
            return int(super().run_forever())
        finally:
            if self._finishing:  # run_until_complete's last pass of Qt events comes next
                asyncio.events._set_running_loop(self)

    def run_until_complete(self, future: Awaitable[T]) -> T:
        self._finishing = True
        try:
            result: T = super().run_until_complete(future)  # qasync's own is untyped
            return result
        finally:
            self._finishing = False
            asyncio.events._set_running_loop(None)


def run(main: Coroutine[Any, Any, T]) -> T:
    """Run `main` to its end on an EventLoop (what qasync.run does, with this loop)."""
    with asyncio.Runner(loop_factory=EventLoop) as runner:
        return runner.run(main)
