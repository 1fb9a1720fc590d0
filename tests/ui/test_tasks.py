"""ui/tasks.py: the coroutines a widget starts are owned — expected problems said plainly, bugs sent to the
crash handler, everything cancelled and unwound on close, a closed dialog deleted only after its work ended."""

from __future__ import annotations

import asyncio
import inspect
import sys
from typing import Any

import pytest
from PySide6.QtWidgets import QWidget

from tests.ui.conftest import until
from trustnxt_desktop.domain.errors import ConfigurationError
from trustnxt_desktop.ui.tasks import TaskOwner, delete_when_idle


async def test_a_finished_task_leaves_the_owner_idle() -> None:
    errors: list[str] = []
    owner = TaskOwner(errors.append)

    async def work() -> int:
        await asyncio.sleep(0)
        return 7

    task = owner.spawn(work())
    assert owner.busy
    assert await task == 7
    await owner.wait()
    assert not owner.busy and errors == []


async def test_an_expected_problem_is_said_and_a_bug_goes_to_the_crash_handler(monkeypatch: pytest.MonkeyPatch) -> None:
    errors: list[str] = []
    hooked: list[type[BaseException]] = []
    monkeypatch.setattr(sys, "excepthook", lambda kind, value, tb: hooked.append(kind))
    owner = TaskOwner(errors.append)

    async def refuse() -> None:
        raise ConfigurationError("No API key for profile “default”.")

    async def bug() -> None:
        raise KeyError("oops")

    owner.spawn(refuse())
    owner.spawn(bug())
    await owner.wait()
    assert errors == ["No API key for profile “default”."]
    assert hooked == [KeyError]


async def test_close_cancels_and_unwinds_and_later_work_never_starts() -> None:
    unwound: list[str] = []
    owner = TaskOwner(lambda _: None)
    started = asyncio.Event()

    async def long() -> None:
        started.set()
        try:
            await asyncio.sleep(3600)
        finally:
            unwound.append("cleaned up")

    task = owner.spawn(long())
    await started.wait()
    await owner.aclose()
    assert task.cancelled() and unwound == ["cleaned up"] and not owner.busy

    ran: list[str] = []

    async def late() -> None:
        ran.append("ran")

    coro = late()
    refused = owner.spawn(coro)
    assert refused.cancelled() and inspect.getcoroutinestate(coro) == inspect.CORO_CLOSED  # no "never awaited"
    await asyncio.sleep(0)
    assert ran == []


async def test_cancel_all_keeps_the_owner_open() -> None:
    owner = TaskOwner(lambda _: None)
    first = owner.spawn(asyncio.sleep(3600))
    owner.cancel_all()
    await owner.wait()
    assert first.cancelled()
    assert await owner.spawn(asyncio.sleep(0, result="again")) == "again"


async def test_a_closed_dialog_is_deleted_after_its_work_unwound(qtbot: Any) -> None:
    dialog = QWidget()
    owner = TaskOwner(lambda _: None)
    order: list[str] = []
    dialog.destroyed.connect(lambda: order.append("deleted"))

    async def touching_the_dialog() -> None:
        try:
            await asyncio.sleep(3600)
        finally:
            order.append(f"unwound with the dialog alive: {dialog.objectName() == ''}")

    owner.spawn(touching_the_dialog())
    await asyncio.sleep(0)
    delete_when_idle(dialog, owner)
    await until(lambda: "deleted" in order)
    assert order == ["unwound with the dialog alive: True", "deleted"]
