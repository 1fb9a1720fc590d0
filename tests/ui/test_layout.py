"""ui/layout.py: a button row puts its widgets side by side from the left and leaves the rest empty."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QPushButton, QWidget

from trustnxt_desktop.ui.layout import button_row


def test_buttons_sit_at_the_left_in_order(qtbot: Any) -> None:
    host = QWidget()
    qtbot.addWidget(host)
    first, second = QPushButton("Open"), QPushButton("Save")
    row = button_row(first, second)
    host.setLayout(row)
    host.resize(600, 60)
    host.show()
    qtbot.waitExposed(host)
    assert first.geometry().left() < second.geometry().left()
    assert second.geometry().right() < host.width() / 2  # the stretch takes the rest of the row
    assert row.count() == 3
