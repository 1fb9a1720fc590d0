"""A table cell that shows a file's name and, on a dimmed second line, the folder it is in: two files
with the same name from different folders are told apart at a glance."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, Qt
from PySide6.QtGui import QPainter, QPalette
from PySide6.QtWidgets import QApplication, QStyle, QStyledItemDelegate, QStyleOptionViewItem

FOLDER_ROLE = Qt.ItemDataRole.UserRole + 1  # the folder, as text, for the second line


class NameAndFolderDelegate(QStyledItemDelegate):
    """Icon, then the name (DisplayRole) and under it the folder (FOLDER_ROLE), both elided in the middle
    when they do not fit: the ends of a path say the most."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        name, folder = opt.text, index.data(FOLDER_ROLE) or ""
        opt.text = ""
        widget = opt.widget
        style = widget.style() if widget is not None else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)  # background, icon, focus
        area = style.subElementRect(QStyle.SubElement.SE_ItemViewItemText, opt, widget).adjusted(2, 0, -2, 0)
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        group = (QPalette.ColorGroup.Normal if opt.state & QStyle.StateFlag.State_Active
                 else QPalette.ColorGroup.Inactive)
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        colour = opt.palette.color(group, role)
        small = opt.font
        small.setPointSizeF(opt.font.pointSizeF() * 0.88)
        painter.save()
        painter.setFont(opt.font)
        line = opt.fontMetrics.height()
        top = area.top() + max(0, (area.height() - 2 * line) // 2)
        painter.setPen(colour)
        painter.drawText(QRect(area.left(), top, area.width(), line), Qt.AlignmentFlag.AlignVCenter,
                         opt.fontMetrics.elidedText(name, Qt.TextElideMode.ElideMiddle, area.width()))
        if folder:
            dim = colour
            dim.setAlphaF(0.62)  # dimmed, still readable in both palettes and on the selection
            painter.setFont(small)
            painter.setPen(dim)
            metrics = painter.fontMetrics()
            painter.drawText(QRect(area.left(), top + line, area.width(), line), Qt.AlignmentFlag.AlignVCenter,
                             metrics.elidedText(folder, Qt.TextElideMode.ElideMiddle, area.width()))
        painter.restore()


__all__ = ["FOLDER_ROLE", "NameAndFolderDelegate"]
