"""Run Python's cyclic garbage collector on the GUI thread only, and keep PySide's emit() from using
up the interpreter's `True`.

Left automatic, the collector runs in whichever thread happens to allocate, including the engine's
worker threads. A Qt object that dies there (a widget or model caught in a reference cycle) is
destroyed off the GUI thread, leaves dangling timers behind and crashes the app much later. With
automatic collection off, a GUI-thread timer collects instead.

Automatic collection stays off for the rest of the process (the interpreter's exit still collects):
not turned back on at `aboutToQuit`, which Qt 6 emits on every `QCoreApplication.exit()` — qasync
stops its loop that way at the end of each `run_until_complete`. Turned back on there, a collection
could start from any allocation, e.g. in a Python override Qt calls while it deletes a widget tree
(`deleteLater`, run in `exec()`'s cleanup), and walk wrappers Shiboken is half-way through destroying:
a segmentation fault in the collector on the GUI thread.

PySide6 6.12.0's `SignalInstance.emit()` returns `True` without taking a reference to it, so every
signal emitted from Python code removes one reference to `True` (signals Qt emits itself do not).
On Python 3.11, where `True` is an ordinary counted object, a session that emits a few thousand
signals drives its count to zero and the interpreter aborts ("Fatal Python error: bool_dealloc"),
typically in the garbage collection at exit. `offset_emit_leak()` measures the leak once and, where
it exists, gives `True` a reserve of references no session can use up (what Python 3.12 does for all
such constants by making them immortal).
"""

from __future__ import annotations

import ctypes
import gc
import sys

from PySide6.QtCore import QCoreApplication, QObject, QTimer, Signal

_INTERVAL_MS = 500
_FULL_EVERY = 120  # a full collection once a minute
_PROBES = 64
_RESERVE = 1 << 40  # references: more emits than any session makes
_offset: bool | None = None  # None: not measured yet


class _Probe(QObject):
    ping = Signal()


def emit_leaks_true() -> bool:
    """Whether emitting a signal from Python takes a reference to True away (PySide6 6.12.0)."""
    probe = _Probe()
    gc.collect()
    before = sys.getrefcount(True)
    for _ in range(_PROBES):
        probe.ping.emit()
    lost = before - sys.getrefcount(True)
    return lost >= _PROBES // 2  # other threads may take or drop a few references meanwhile


def offset_emit_leak() -> bool:
    """Give True a reserve of references when emit() leaks them; returns whether it was needed.
    Once per process; harmless where True is immortal (the leak then does not show)."""
    global _offset
    if _offset is not None:
        return _offset
    _offset = False
    if sys.implementation.name != "cpython" or sys.version_info >= (3, 12) or not emit_leaks_true():
        return _offset
    count = ctypes.c_ssize_t.from_address(id(True))  # ob_refcnt is the first field of every object
    before = sys.getrefcount(True)
    if abs(count.value - (before - 1)) > _PROBES:  # getrefcount counts its argument; another layout: leave it
        return _offset
    count.value += _RESERVE
    _offset = True
    return _offset


class _Collector:
    """Young generations every tick; the old one every _FULL_EVERY ticks, so cycles that lived a while
    are freed too. What exists at the first tick (modules, the window) is frozen out of every later
    collection, which keeps the full ones short (they run on the GUI thread)."""

    def __init__(self) -> None:
        self.ticks = 0

    def __call__(self) -> None:
        if self.ticks == 0:
            gc.collect()
            gc.freeze()
        elif self.ticks % _FULL_EVERY == 0:
            gc.collect()
        else:
            gc.collect(1)
        self.ticks += 1


def restore_automatic_gc() -> None:
    """Turn automatic collection back on (GUI tests after each test; the caller stops the timer)."""
    gc.unfreeze()
    gc.enable()


def collect_on_gui_thread(app: QCoreApplication) -> QTimer:
    """Turn automatic collection off and collect from a timer owned by `app`; returns the timer.
    Nothing turns automatic collection back on but restore_automatic_gc() (see the module's doc)."""
    offset_emit_leak()
    gc.disable()
    timer = QTimer(app)
    timer.setInterval(_INTERVAL_MS)
    timer.timeout.connect(_Collector())
    timer.start()
    return timer
