"""Asking where to save an export: the dialog starts in the folder of the last export (services.records.exports
ExportFolder), never in the folder the program was started from, and remembers the folder chosen."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QWidget

from ..services.records.exports import ExportFolder


def ask_export_path(parent: QWidget, title: str, file_name: str, name_filter: str,
                    folder: ExportFolder) -> Path | None:
    """The file the person chose to export to (None when they cancelled); its folder is remembered."""
    name, _ = QFileDialog.getSaveFileName(parent, title, str(folder.start() / file_name), name_filter)
    if not name:
        return None
    target = Path(name)
    folder.remember(target)
    return target
