"""Run Python's cyclic garbage collector on the GUI thread only.

Left automatic, the collector runs in whichever thread happens to allocate, including the engine's
worker threads. A Qt object that dies there (a widget or model caught in a reference cycle) is
destroyed off the GUI thread, leaves dangling timers behind and crashes the app much later. With
automatic collection off, a GUI-thread timer collects instead.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QCoreApplication, QTimer

_INTERVAL_MS = 500


def collect_on_gui_thread(app: QCoreApplication) -> QTimer:
    gc.disable()
    timer = QTimer(app)
    timer.setInterval(_INTERVAL_MS)
    timer.timeout.connect(lambda: gc.collect(1))
    timer.start()
    app.aboutToQuit.connect(gc.enable)
    return timer
