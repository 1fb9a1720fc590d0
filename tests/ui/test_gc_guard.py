"""A long session's signals and drawing must not bring the interpreter down (PySide6 6.12.0's emit() leaks
`True`, its void methods leak `None`)."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.conftest import PROJECT

_SESSION = """
import gc, sys
from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QApplication
from trustnxt_desktop.ui.gc_guard import collect_on_gui_thread

class Busy(QObject):
    changed = Signal(int)

app = QApplication([])
collect_on_gui_thread(app)
busy = Busy()
busy.changed.connect(lambda n: None)
for n in range(200_000):  # far more references than True has in a fresh interpreter
    busy.changed.emit(n)
gc.collect()
print("alive", flush=True)
"""


def test_a_session_of_many_signals_exits_cleanly() -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run([sys.executable, "-c", _SESSION], capture_output=True, text=True, env=env, timeout=120,
                          cwd=PROJECT)
    assert done.returncode == 0 and "alive" in done.stdout, done.stderr[-2000:]
    assert "bool_dealloc" not in done.stderr


_DRAWING = """
import gc, sys
from PySide6.QtCore import QRectF
from PySide6.QtGui import QGuiApplication, QPdfWriter, QPainter, QTextDocument
from trustnxt_desktop.ui.gc_guard import offset_refcount_leaks

offset_refcount_leaks()  # as app.main does before any Qt path (the PDF renderer's among them)
app = QGuiApplication([])
writer = QPdfWriter(sys.argv[1])
doc = QTextDocument()
doc.setHtml("<p>evidence</p>")
painter = QPainter(writer)
for n in range(50_000):  # void calls: far more references than None has in a fresh interpreter
    painter.save()
    painter.translate(0, 1)
    doc.drawContents(painter, QRectF(0, 0, 10, 10))
    painter.restore()
painter.end()
gc.collect()
print("alive", flush=True)
"""


def test_a_long_drawing_exits_cleanly(tmp_path) -> None:
    """PySide6 6.12.0's void methods return None without a reference of their own: the PDF report of a few
    dozen files used None up and crashed at exit ("none_dealloc"), leaving no report."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run([sys.executable, "-c", _DRAWING, str(tmp_path / "drawn.pdf")], capture_output=True,
                          text=True, env=env, timeout=300, cwd=PROJECT)
    assert done.returncode == 0 and "alive" in done.stdout, done.stderr[-2000:]
    assert "none_dealloc" not in done.stderr


def test_old_cycles_are_freed_by_the_periodic_full_collection() -> None:
    import gc
    import weakref

    from trustnxt_desktop.ui.gc_guard import _FULL_EVERY, _Collector, restore_automatic_gc

    class Node:
        self: Node | None = None  # a reference cycle through itself

    collect = _Collector()
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        collect()  # the first tick freezes what exists now
        node = Node()
        node.self = node
        alive = weakref.ref(node)
        gc.collect(1)
        gc.collect(1)  # survived twice: now in the old generation
        del node
        while collect.ticks % _FULL_EVERY:
            assert alive() is not None, "a young collection must not reach the old generation"
            collect()
        collect()  # the full collection
        assert alive() is None
    finally:
        restore_automatic_gc()
        if not was_enabled:
            gc.disable()


def test_automatic_collection_stays_off_when_the_event_loop_stops(qapp) -> None:
    """qasync stops its loop with QCoreApplication.exit(), and Qt 6 emits aboutToQuit on every exit(). Turned
    back on there, automatic collection ran in the next loop while Qt deleted a window's widgets and crashed
    in the collector (GUI tests); it stays off until restore_automatic_gc()."""
    import asyncio
    import gc

    from trustnxt_desktop.ui.event_loop import EventLoop

    async def automatic() -> bool:
        return gc.isenabled()

    assert not gc.isenabled()  # the gui_thread_gc fixture called collect_on_gui_thread(qapp)
    loop = EventLoop()
    asyncio.set_event_loop(loop)
    try:
        seen = [loop.run_until_complete(automatic()) for _ in range(3)]  # as pytest-asyncio: fixture, test, teardown
    finally:
        asyncio.set_event_loop(None)
        loop.close()
    assert seen == [False, False, False] and not gc.isenabled()
