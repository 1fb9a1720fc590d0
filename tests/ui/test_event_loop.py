"""The GUI's event loop runs qasync's last pass of Qt events as part of the loop (ui/event_loop.py)."""

from __future__ import annotations

import asyncio

import pytest
import qasync
from PySide6.QtWidgets import QApplication

from trustnxt_desktop.ui.event_loop import EventLoop


def finish_with_a_late_task(loop: asyncio.AbstractEventLoop) -> list[str]:
    """Run a main coroutine that, as it completes, starts a task needing the running loop (as a refresh
    started by a Qt timer a moment before quit does); return what that task saw."""
    seen: list[str] = []

    async def late() -> None:
        try:
            asyncio.get_running_loop()
            seen.append("running loop")
        except RuntimeError as e:
            seen.append(str(e))

    async def main() -> None:
        current = asyncio.current_task()
        assert current is not None
        # Runs after run_until_complete's own stop callback: the task's step lands in the last pass.
        current.add_done_callback(lambda _: asyncio.ensure_future(late()))

    asyncio.set_event_loop(loop)
    try:
        loop.run_until_complete(main())
    finally:
        asyncio.set_event_loop(None)
        loop.close()
    return seen


def test_qasync_alone_runs_the_last_step_without_a_running_loop(qapp: QApplication) -> None:
    # The fault EventLoop exists for: if qasync fixes it, this test says EventLoop can go.
    assert finish_with_a_late_task(qasync.QEventLoop(qapp)) == ["no running event loop"]


def test_the_apps_loop_runs_the_last_step_inside_the_loop(qapp: QApplication) -> None:
    assert finish_with_a_late_task(EventLoop()) == ["running loop"]
    with pytest.raises(RuntimeError, match="no running event loop"):
        asyncio.get_running_loop()  # and leaves no loop registered as running afterwards
