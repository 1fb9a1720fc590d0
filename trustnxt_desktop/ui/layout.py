"""Small layout helpers shared by the dialogs."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QWidget


def button_row(*widgets: QWidget) -> QHBoxLayout:
    """Widgets side by side from the left, the rest of the row left empty."""
    row = QHBoxLayout()
    for w in widgets:
        row.addWidget(w)
    row.addStretch(1)
    return row
