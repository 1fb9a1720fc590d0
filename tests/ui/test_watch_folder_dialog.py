"""The watch folder dialog: a new folder starts with the defaults, a changed one shows its own choices, and what
the dialog shows is the folder it gives."""

from __future__ import annotations

from pathlib import Path

from trustnxt_desktop.domain.privacy import LocationChoice
from trustnxt_desktop.domain.protect import ContentSource
from trustnxt_desktop.services.watch.folders import WatchFolder
from trustnxt_desktop.ui.watch_folder_dialog import WatchFolderDialog


def test_a_new_folder_starts_with_the_defaults(qtbot, tmp_path: Path) -> None:
    dialog = WatchFolderDialog([], ContentSource.SCREEN, LocationChoice.CITY, True)
    qtbot.addWidget(dialog)
    assert dialog.windowTitle() == "Add watch folder"
    assert dialog.claim.currentData() == "screen" and dialog.location.currentData() == "city"
    assert dialog.strip.isChecked() and dialog.recursive.isChecked()
    (tmp_path / "in").mkdir()
    dialog.folder_edit.setText(str(tmp_path / "in"))
    dialog.out_edit.setText(str(tmp_path / "out"))
    dialog.recursive.setChecked(False)
    assert dialog.watch_folder() == WatchFolder(tmp_path / "in", tmp_path / "out", {
        "content_source": "screen", "location": "city", "strip_serials": True}, recursive=False)
    dialog.accept()
    assert dialog.result() == WatchFolderDialog.DialogCode.Accepted and dialog.problem.isHidden()


def test_a_changed_folder_shows_its_own_choices(qtbot, tmp_path: Path) -> None:
    folder = WatchFolder(tmp_path / "in", tmp_path / "out", {"content_source": "edited", "location": "remove"},
                         recursive=False)
    others = [folder, WatchFolder(tmp_path / "b", tmp_path / "bo")]
    dialog = WatchFolderDialog([o for o in others if o != folder], ContentSource.CAMERA, LocationChoice.KEEP,
                               False, folder)
    qtbot.addWidget(dialog)
    assert dialog.windowTitle() == "Change watch folder"
    assert dialog.folder_edit.text() == str(tmp_path / "in") and dialog.out_edit.text() == str(tmp_path / "out")
    assert dialog.claim.currentData() == "edited" and dialog.location.currentData() == "remove"
    assert not dialog.strip.isChecked() and not dialog.recursive.isChecked()
    (tmp_path / "b").mkdir()
    dialog.folder_edit.setText(str(tmp_path / "b"))  # already watched as another entry
    dialog.accept()
    assert "already watched" in dialog.problem.text() and not dialog.problem.isHidden()
