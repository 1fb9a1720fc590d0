"""ui/drop.py: dropped local files and folders are taken as a copy (never a move); anything else is refused."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication

from tests.ui.conftest import drop_paths
from trustnxt_desktop.ui.drop import DropTarget, local_paths


def _mime(*urls: str, text: str | None = None) -> QMimeData:
    mime = QMimeData()
    if urls:
        mime.setUrls([QUrl(u) for u in urls])
    if text is not None:
        mime.setText(text)
    return mime


def test_only_local_files_count(qapp: QApplication) -> None:
    assert local_paths(_mime("file:///home/ana/a.jpg", "https://example.com/b.jpg", "file:///tmp/c%20d.png")) == [
        Path("/home/ana/a.jpg"), Path("/tmp/c d.png")]
    assert local_paths(_mime(text="/home/ana/a.jpg")) == []


def test_a_drop_of_files_is_a_copy_and_emits_the_paths(qtbot: Any, tmp_path: Path) -> None:
    target = DropTarget("Drop photos here")
    qtbot.addWidget(target)
    target.resize(300, 120)
    target.show()
    files = [tmp_path / "a.jpg", tmp_path / "folder"]
    with qtbot.waitSignal(target.paths_dropped) as dropped:
        event = drop_paths(target, files)
    assert dropped.args == [files]
    assert event.isAccepted() and event.dropAction() == Qt.DropAction.CopyAction
    assert target.accessibleDescription() == "Drop photos here"


def test_a_drag_without_local_files_is_refused(qtbot: Any) -> None:
    target = DropTarget("Drop photos here")
    qtbot.addWidget(target)
    target.resize(300, 120)
    pos = QPointF(150, 60)
    mime = _mime("https://example.com/b.jpg")
    enter = QDragEnterEvent(pos, Qt.DropAction.MoveAction, mime, Qt.MouseButton.LeftButton,
                            Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(target, enter)
    assert not enter.isAccepted()
    emitted: list[object] = []
    target.paths_dropped.connect(emitted.append)
    drop = QDropEvent(pos, Qt.DropAction.MoveAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(target, drop)
    assert not drop.isAccepted() and emitted == []
