"""The tray: notifications are recorded and, without a tray (offscreen), not shown there; the window is hidden
into a tray only where there is one, and comes back from it."""

from __future__ import annotations

from PySide6.QtWidgets import QMainWindow

from tests.ui.conftest import until
from trustnxt_desktop.ui.tray import Tray


async def test_without_a_tray_nothing_goes_there(qtbot) -> None:
    window = QMainWindow()
    qtbot.addWidget(window)
    window.show()
    quits: list[bool] = []
    tray = Tray(window, lambda: quits.append(True))
    assert not tray.available and not tray.icon.isVisible()
    assert tray.notify("Protection finished", "3 files protected.") is False
    assert tray.said == [("Protection finished", "3 files protected.")]
    assert tray.hide_window() is False
    await until(lambda: window.isVisible())
    tray.quit_action.trigger()
    assert quits == [True]


async def test_with_a_tray_the_window_hides_and_comes_back(qtbot) -> None:
    window = QMainWindow()
    qtbot.addWidget(window)
    window.show()
    tray = Tray(window, window.close)
    tray.available = True  # as on a desktop with a tray
    window.showMinimized()
    assert tray.hide_window()
    await until(lambda: not window.isVisible())
    tray.show_action.trigger()
    await until(lambda: window.isVisible() and not window.isMinimized())
