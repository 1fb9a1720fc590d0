"""The part every flat table of the app shares: fixed named columns over a list of rows."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

INDEX = QModelIndex | QPersistentModelIndex


class ColumnsModel(QAbstractTableModel):
    """Subclasses set COLUMNS and say how many rows they hold; they implement data()."""

    COLUMNS: tuple[str, ...] = ()

    def row_total(self) -> int:
        raise NotImplementedError

    def rowCount(self, parent: INDEX = QModelIndex()) -> int:  # noqa: B008 - Qt's own idiom
        return 0 if parent.isValid() else self.row_total()

    def columnCount(self, parent: INDEX = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.COLUMNS[section]
        return None
