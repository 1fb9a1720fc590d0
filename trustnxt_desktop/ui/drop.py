"""Accepting dropped files and folders: local files only, always as a copy, never a move."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMimeData, Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDragLeaveEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QFileDialog, QFrame, QLabel, QVBoxLayout, QWidget

from ..services.files import file_dialog_filters


def local_paths(mime: QMimeData) -> list[Path]:
    if not mime.hasUrls():
        return []
    return [Path(u.toLocalFile()) for u in mime.urls() if u.isLocalFile() and u.toLocalFile()]


class DropTarget(QFrame):
    """A framed area that says what dropping does, and emits the dropped paths."""

    paths_dropped = Signal(list)

    def __init__(self, text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAcceptDrops(True)
        self.setObjectName("dropTarget")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setMinimumHeight(72)
        self._label = QLabel(text, self)
        self._label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._label.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self._label)
        self.setAccessibleName("Drop area")
        self.setAccessibleDescription(text)
        self._set_hover(False)

    def _set_hover(self, on: bool) -> None:
        border = "#1565c0" if on else "palette(mid)"
        self.setStyleSheet(f"#dropTarget {{ border: 2px dashed {border}; border-radius: 10px; }}")

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if local_paths(event.mimeData()):
            event.setDropAction(Qt.DropAction.CopyAction)
            event.accept()
            self._set_hover(True)
        else:
            event.ignore()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        event.setDropAction(Qt.DropAction.CopyAction)
        event.accept()

    def dragLeaveEvent(self, event: QDragLeaveEvent) -> None:
        self._set_hover(False)

    def dropEvent(self, event: QDropEvent) -> None:
        self._set_hover(False)
        paths = local_paths(event.mimeData())
        if not paths:
            event.ignore()
            return
        # CopyAction tells the source (a file manager) we took a copy: it must not delete the originals.
        event.setDropAction(Qt.DropAction.CopyAction)
        event.accept()
        self.paths_dropped.emit(paths)


class ForwardsDrops:
    """For views that accept drops anywhere and hand them to their DropTarget (`self.drop`)."""

    drop: DropTarget

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        self.drop.dragEnterEvent(event)

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        self.drop.dragMoveEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:
        self.drop.dropEvent(event)


def ask_for_paths(parent: QWidget, verb: str, folder: bool) -> list[Path]:
    """The file dialog behind "Add files…" / "Open a folder…": the chosen paths, or [] if cancelled.
    `verb` ("protect" or "inspect") chooses the formats its filter offers first."""
    if folder:
        chosen = QFileDialog.getExistingDirectory(parent, f"Choose a folder to {verb}")
        return [Path(chosen)] if chosen else []
    files, _ = QFileDialog.getOpenFileNames(parent, f"Choose files to {verb}", "", file_dialog_filters(verb))
    return [Path(f) for f in files]
