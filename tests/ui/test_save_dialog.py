"""ui/save_dialog.py: the export dialog starts in the folder of the last export and remembers the one chosen."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QFileDialog, QWidget

from trustnxt_desktop.services.account.settings import Settings
from trustnxt_desktop.services.records.exports import ExportFolder
from trustnxt_desktop.ui.save_dialog import ask_export_path


def test_the_dialog_starts_in_the_last_folder_and_remembers_the_new_one(
        qtbot: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    last, chosen = tmp_path / "last", tmp_path / "elsewhere"
    last.mkdir()
    chosen.mkdir()
    settings = Settings(export_dir=str(last))
    saved: list[str] = []
    folder = ExportFolder(lambda: settings, lambda s: saved.append(s.export_dir))
    asked: list[tuple[str, str, str]] = []

    def dialog(parent: QWidget, title: str, start: str, name_filter: str) -> tuple[str, str]:
        asked.append((title, start, name_filter))
        return str(chosen / "report.pdf"), name_filter

    monkeypatch.setattr(QFileDialog, "getSaveFileName", dialog)
    parent = QWidget()
    qtbot.addWidget(parent)
    target = ask_export_path(parent, "Export PDF", "report.pdf", "PDF (*.pdf)", folder)
    assert target == chosen / "report.pdf"
    assert asked == [("Export PDF", str(last / "report.pdf"), "PDF (*.pdf)")]
    assert settings.export_dir == str(chosen) and saved == [str(chosen)]


def test_cancel_returns_none_and_remembers_nothing(qtbot: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = Settings()
    folder = ExportFolder(lambda: settings, lambda s: pytest.fail("nothing to save"))
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args: ("", ""))
    parent = QWidget()
    qtbot.addWidget(parent)
    assert ask_export_path(parent, "Export CSV", "a.csv", "CSV (*.csv)", folder) is None
    assert settings.export_dir == ""
