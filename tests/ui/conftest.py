"""GUI tests: real widgets, offscreen, on a qasync loop (pytest-asyncio's loop-factory hook)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QWidget

from tests.sandbox.process import sandbox  # noqa: F401 - fixture: the cloud backend's tests talk to it


@pytest.fixture(autouse=True)
def gui_thread_gc(qapp):
    """As the app does: garbage is collected on the GUI thread only (see ui/gc_guard.py)."""
    import gc

    from trustnxt_desktop.ui.gc_guard import collect_on_gui_thread, restore_automatic_gc

    timer = collect_on_gui_thread(qapp)
    yield
    timer.stop()
    timer.deleteLater()
    restore_automatic_gc()
    gc.collect()


_loops: list[asyncio.AbstractEventLoop] = []  # the loop of the test running now (the last one made)


def _make_loop() -> asyncio.AbstractEventLoop:
    from trustnxt_desktop.ui.event_loop import EventLoop

    loop = EventLoop()
    _loops[:] = [loop]
    return loop


def pytest_asyncio_loop_factories(config, item):
    return {"qasync": _make_loop}  # as the app runs: qasync's loop with its last pass inside the loop


def _process_events_inside_the_loop(process: Callable[[], None]) -> Callable[[], None]:
    """pytest-qt processes Qt events between a test and its fixtures' teardown, outside any running asyncio loop.
    A task step qasync runs then (a worker thread's result arriving, say) fails in get_running_loop(); in the app
    every pass of Qt events runs inside the loop (ui/event_loop.py). Here too: that pass runs with the test's loop
    registered as the running one."""

    def run() -> None:
        loop = _loops[0] if _loops else None
        if loop is None or loop.is_closed() or asyncio.events._get_running_loop() is not None:
            process()
            return
        asyncio.events._set_running_loop(loop)
        try:
            process()
        finally:
            asyncio.events._set_running_loop(None)

    return run


def pytest_configure(config) -> None:
    import pytestqt.plugin

    pytestqt.plugin._process_events = _process_events_inside_the_loop(pytestqt.plugin._process_events)


@pytest.fixture
async def context(home: Path, secret_store, monkeypatch):
    from trustnxt_desktop.services.app_context import AppContext

    # The window checks for newer trust lists on start; tests never reach the internet.
    monkeypatch.setenv("TRUSTNXT_TRUST_BASE_URL", "http://127.0.0.1:9/trust")

    ctx = AppContext.create(home)
    # Nor a public timestamp authority: protected copies are not timestamped unless a test asks for it.
    ctx.settings.timestamps = False
    yield ctx
    await ctx.aclose()


@pytest.fixture
async def window(qtbot, context) -> AsyncIterator[object]:
    from trustnxt_desktop.ui.main_window import MainWindow

    w = MainWindow(context)
    w.resize(1200, 760)
    w.show()
    yield w
    # Not qtbot.addWidget: pytest-qt closes and deletes its widgets before async fixtures are torn down,
    # and the window must stop its work (aclose) while its widgets still exist, as the app does.
    await w.aclose()
    w.close()
    w.deleteLater()


async def until(condition: Callable[[], bool], timeout: float = 60) -> None:
    """Let the event loop run until condition() holds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        assert loop.time() < deadline, "timed out waiting"
        await asyncio.sleep(0.02)


def drop_paths(target: QWidget, paths: list[Path]) -> QDropEvent:
    """Drag files over a widget and drop them, as a file manager would."""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    pos = QPointF(target.width() / 2, target.height() / 2)
    enter = QDragEnterEvent(pos, Qt.DropAction.CopyAction | Qt.DropAction.MoveAction, mime,
                            Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(target, enter)
    assert enter.isAccepted()
    drop = QDropEvent(pos, Qt.DropAction.CopyAction | Qt.DropAction.MoveAction, mime, Qt.MouseButton.LeftButton,
                      Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(target, drop)
    return drop


from tests.sandbox.process import sandbox_factory  # noqa: E402,F401 - fixture for tests that use the cloud
