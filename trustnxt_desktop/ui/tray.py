"""The app's icon in the system tray: notifications when watched files are protected, and a place for the window
while it is minimised, so watch folders keep working out of the way.

Where the desktop has no tray (some Linux sessions, the offscreen platform), nothing is shown there: the
window minimises as usual and notifications go to its status bar instead."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QMainWindow, QMenu, QSystemTrayIcon

from .. import APP_NAME
from .icons import app_icon

NOTIFICATION_MS = 10_000


class Tray(QObject):
    def __init__(self, window: QMainWindow, quit_app: Callable[[], object]) -> None:
        super().__init__(window)
        self.window = window
        self.available = QSystemTrayIcon.isSystemTrayAvailable()
        self.icon = QSystemTrayIcon(app_icon(), window)
        self.icon.setToolTip(APP_NAME)
        self.menu = QMenu(window)
        self.show_action = self.menu.addAction(f"Show {APP_NAME}", self.restore)
        self.menu.addSeparator()
        self.quit_action = self.menu.addAction("Quit", quit_app)
        self.icon.setContextMenu(self.menu)
        self.icon.activated.connect(self._activated)
        self.said: list[tuple[str, str]] = []  # every notification of this run, oldest first
        if self.available:
            self.icon.show()

    def notify(self, title: str, text: str) -> bool:
        """Say it as a desktop notification; False when this desktop has no tray to say it from."""
        self.said.append((title, text))
        if not (self.available and QSystemTrayIcon.supportsMessages()):
            return False
        self.icon.showMessage(title, text, app_icon(), NOTIFICATION_MS)
        return True

    def hide_window(self) -> bool:
        """Put the minimised window in the tray (False, and nothing happens, without a tray)."""
        if not self.available:
            return False
        QTimer.singleShot(0, self.window.hide)  # after the minimise has finished
        return True

    def restore(self) -> None:
        self.window.showNormal()
        self.window.raise_()
        self.window.activateWindow()

    def _activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason in (QSystemTrayIcon.ActivationReason.Trigger, QSystemTrayIcon.ActivationReason.DoubleClick):
            self.restore()


__all__ = ["Tray"]
