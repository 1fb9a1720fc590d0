"""ui/name_folder_delegate.py: a cell shows the file's name and, under it, its folder — both readable, the
folder dimmed; rendered offscreen and read back from the pixels."""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QColor, QImage, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QTableView

from trustnxt_desktop.ui.name_folder_delegate import FOLDER_ROLE, NameAndFolderDelegate


def _ink_rows(image: QImage, background: QColor) -> list[int]:
    """Rows of the picture that hold anything other than the background."""
    return [y for y in range(image.height())
            if any(image.pixelColor(x, y) != background for x in range(image.width()))]


def test_name_and_folder_are_drawn_on_two_lines(qtbot: Any) -> None:
    model = QStandardItemModel(2, 1)
    named = QStandardItem("IMG_0001.jpg")
    named.setData("/home/ana/Pictures/2026/Lisbon", FOLDER_ROLE)
    model.setItem(0, 0, named)
    model.setItem(1, 0, QStandardItem("IMG_0002.jpg"))  # no folder: one line
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.setItemDelegateForColumn(0, NameAndFolderDelegate(view))
    view.setShowGrid(False)
    view.horizontalHeader().hide()
    view.verticalHeader().hide()
    view.setColumnWidth(0, 280)
    height = view.fontMetrics().height() * 2 + 12
    view.setRowHeight(0, height)
    view.setRowHeight(1, height)
    view.resize(300, height * 2 + 4)
    view.show()
    qtbot.waitExposed(view)
    picture = view.viewport().grab().toImage()
    background = picture.pixelColor(picture.width() - 2, 1)
    two = _ink_rows(picture.copy(0, 0, picture.width(), height), background)
    one = _ink_rows(picture.copy(0, height, picture.width(), height), background)
    line = view.fontMetrics().height()
    assert two and one
    assert max(two) - min(two) > line  # the folder line sits under the name
    assert max(one) - min(one) < line  # a name alone is one line


def test_long_texts_are_elided_in_the_middle(qtbot: Any) -> None:
    view = QTableView()
    qtbot.addWidget(view)
    metrics = view.fontMetrics()
    from PySide6.QtCore import Qt

    elided = metrics.elidedText("/home/ana/" + "x" * 200 + "/Lisbon", Qt.TextElideMode.ElideMiddle, 160)
    assert elided.startswith("/home") and elided.endswith("Lisbon") and "…" in elided
