"""ui/table_model.py: fixed named columns over a list of rows, flat (no children)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QTableView

from trustnxt_desktop.ui.table_model import ColumnsModel


class Fruit(ColumnsModel):
    COLUMNS = ("Name", "Colour")

    def __init__(self, rows: list[tuple[str, str]]) -> None:
        super().__init__()
        self.rows = rows

    def row_total(self) -> int:
        return len(self.rows)

    def data(self, index: Any, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and index.isValid():
            return self.rows[index.row()][index.column()]
        return None


def test_rows_columns_and_headers(qtbot: Any) -> None:
    model = Fruit([("apple", "red"), ("lime", "green")])
    assert (model.rowCount(), model.columnCount()) == (2, 2)
    assert model.headerData(1, Qt.Orientation.Horizontal) == "Colour"
    assert model.headerData(0, Qt.Orientation.Vertical) is None
    assert model.headerData(0, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole) is None
    child_parent = model.index(0, 0)
    assert model.rowCount(child_parent) == 0 and model.columnCount(child_parent) == 0  # flat
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    assert view.model().index(1, 1, QModelIndex()).data() == "green"


def test_a_model_that_does_not_say_its_rows_is_a_programming_error() -> None:
    import pytest

    with pytest.raises(NotImplementedError):
        ColumnsModel().rowCount()
