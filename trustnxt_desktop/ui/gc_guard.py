"""Run Python's cyclic garbage collector on the GUI thread only, and keep PySide from using up the
interpreter's `True` and `None`.

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
typically in the garbage collection at exit.

Every method of a Qt class that returns void likewise returns `None` without taking a reference to it
(QPainter.save(), QTextDocument.setHtml(), QObject.setObjectName(), ...). A fresh interpreter holds some
5,000 references to `None`; the PDF evidence report makes some 190 such calls per file, so a report of a
few dozen files ended with "Fatal Python error: none_dealloc" and no PDF, as would a long GUI session.

`offset_refcount_leaks()` measures both leaks once and gives each constant that leaks a reserve of
references no session can use up (what Python 3.12 does for all such constants by making them immortal).
"""

from __future__ import annotations

import ctypes
import gc
import sys
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QObject, QTimer, Signal

_INTERVAL_MS = 500
_FULL_EVERY = 120  # a full collection once a minute
_PROBES = 256
_RESERVE = 1 << 40  # references: more calls than any session makes
_offsets: tuple[str, ...] | None = None  # None: not measured yet


class _Probe(QObject):
    ping = Signal()


def _loses_references(constant: object, call: Callable[[], object]) -> bool:
    """Whether each `call()` takes a reference to `constant` away."""
    gc.collect()
    before = sys.getrefcount(constant)
    for _ in range(_PROBES):
        call()
    lost = before - sys.getrefcount(constant)
    return lost >= _PROBES // 2  # other threads may take or drop a few references meanwhile


def emit_leaks_true() -> bool:
    """Whether emitting a signal from Python takes a reference to True away (PySide6 6.12.0)."""
    probe = _Probe()
    return _loses_references(True, probe.ping.emit)


def void_call_leaks_none() -> bool:
    """Whether calling a Qt method that returns void takes a reference to None away (PySide6 6.12.0)."""
    probe = _Probe()
    return _loses_references(None, lambda: probe.setObjectName("probe"))


def _give_reserve(constant: object) -> bool:
    count = ctypes.c_ssize_t.from_address(id(constant))  # ob_refcnt is the first field of every object
    before = sys.getrefcount(constant)
    if abs(count.value - (before - 1)) > _PROBES:  # getrefcount counts its argument; another layout: leave it
        return False
    count.value += _RESERVE
    return True


def offset_refcount_leaks() -> tuple[str, ...]:
    """Give True and None a reserve of references where PySide leaks them (emit(), void methods); returns the
    names of those given one ("True", "None"). Once per process, before Qt is used in earnest; harmless where
    these constants are immortal (the leaks then do not show)."""
    global _offsets
    if _offsets is not None:
        return _offsets
    _offsets = ()
    if sys.implementation.name != "cpython" or sys.version_info >= (3, 12):
        return _offsets
    leaks = (("True", True, emit_leaks_true), ("None", None, void_call_leaks_none))
    _offsets = tuple(name for name, constant, leaking in leaks if leaking() and _give_reserve(constant))
    return _offsets


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
    offset_refcount_leaks()
    gc.disable()
    timer = QTimer(app)
    timer.setInterval(_INTERVAL_MS)
    timer.timeout.connect(_Collector())
    timer.start()
    return timer
