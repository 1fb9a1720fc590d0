"""The main window's size, position, maximised state and splitter positions, kept across restarts.

Stored with QSettings in `<data root>/window.ini` (inside TRUSTNXT_HOME when set, so tests and portable
installs keep their own; the data root is owner-only, runtime/private_files.py). Saved when the window
closes; a missing or unreadable file gives the default layout.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings, QSize
from PySide6.QtWidgets import QMainWindow, QSplitter

STATE_FILE = "window.ini"
DEFAULT_SIZE = QSize(1440, 900)  # room for the Inspect report beside the file list
MIN_DEFAULT_SIZE = QSize(1200, 760)
SCREEN_SHARE = 0.9  # a first start never covers the whole screen


class WindowState:
    def __init__(self, root: Path) -> None:
        self._settings = QSettings(str(root / STATE_FILE), QSettings.Format.IniFormat)

    def restore(self, window: QMainWindow, splitters: dict[str, QSplitter]) -> bool:
        """Give the window and its splitters the remembered state; without one, a default size that fits
        the screen. Call before the window is first shown. True when a remembered geometry was used."""
        geometry = self._settings.value("window/geometry")
        restored = isinstance(geometry, QByteArray) and not geometry.isEmpty() and window.restoreGeometry(geometry)
        if not restored:
            window.resize(default_size(window))
        for name, splitter in splitters.items():
            state = self._settings.value(f"splitters/{name}")
            if isinstance(state, QByteArray) and not state.isEmpty():
                splitter.restoreState(state)
        return restored

    def save(self, window: QMainWindow, splitters: dict[str, QSplitter]) -> None:
        self._settings.setValue("window/geometry", window.saveGeometry())  # includes the maximised state
        for name, splitter in splitters.items():
            self._settings.setValue(f"splitters/{name}", splitter.saveState())
        self._settings.sync()


def default_size(window: QMainWindow) -> QSize:
    """DEFAULT_SIZE, or less on a small screen (at most SCREEN_SHARE of it, at least MIN_DEFAULT_SIZE when
    that fits)."""
    screen = window.screen()
    if screen is None:
        return DEFAULT_SIZE
    room = screen.availableGeometry().size()
    width = min(DEFAULT_SIZE.width(), max(MIN_DEFAULT_SIZE.width(), int(room.width() * SCREEN_SHARE)))
    height = min(DEFAULT_SIZE.height(), max(MIN_DEFAULT_SIZE.height(), int(room.height() * SCREEN_SHARE)))
    return QSize(min(width, room.width()), min(height, room.height()))


__all__ = ["STATE_FILE", "WindowState", "default_size"]
