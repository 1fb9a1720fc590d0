"""The main window comes back as it was closed: size, maximised state, splitter positions."""

from __future__ import annotations

from PySide6.QtCore import QSize

from tests.ui.conftest import until


async def _closed(window) -> None:
    await window.aclose()
    window.close()  # as the app closes it: the state is saved here
    window.deleteLater()


async def test_size_maximised_state_and_splitters_survive_a_restart(context, qtbot) -> None:
    from trustnxt_desktop.ui.main_window import INSPECT_PAGE, MainWindow
    from trustnxt_desktop.ui.window_state import STATE_FILE, default_size

    first = MainWindow(context)
    room = first.screen().availableGeometry().size()
    assert first.size() == default_size(first)  # a fresh profile: the default, fitted to the screen
    expected = QSize(min(1440, max(1200, int(room.width() * 0.9)), room.width()),
                     min(900, max(760, int(room.height() * 0.9)), room.height()))
    assert default_size(first) == expected
    first.show()
    first.nav.setCurrentRow(INSPECT_PAGE)
    width = first.minimumSizeHint().width()  # wider would not fit the offscreen test screen (see below)
    first.resize(width, 720)
    await until(lambda: first.size() == QSize(width, 720))
    first.splitter.setSizes([300, 800])
    first.inspect.splitter.setSizes([120, 300])
    sections, inspect = first.splitter.sizes(), first.inspect.splitter.sizes()
    await _closed(first)
    assert (context.root / STATE_FILE).is_file()

    second = MainWindow(context)  # closed and deleted below, as the first
    second.show()
    second.nav.setCurrentRow(INSPECT_PAGE)
    # Qt fits a remembered geometry to the screen; the offscreen test screen (800 px) is narrower than the
    # window's minimum width, so the width is tested at that minimum.
    assert second.size() == QSize(width, 720) and second.height() != default_size(second).height()
    assert second.splitter.sizes() == sections and second.inspect.splitter.sizes() == inspect
    second.showMaximized()
    await until(second.isMaximized)
    await _closed(second)

    third = MainWindow(context)
    qtbot.addWidget(third)
    third.show()
    await until(third.isMaximized)
    await third.aclose()
