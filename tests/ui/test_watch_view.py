"""The Watch page with real widgets: a watch folder added through its dialog protects what arrives and says so;
paused and removed folders; a camera card imported in one action; the window goes to the tray when minimised."""

from __future__ import annotations

import shutil
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from tests.conftest import CORPUS
from tests.media_tools import make_jpeg
from tests.ui.conftest import until
from trustnxt_desktop.domain.jobs import JobState
from trustnxt_desktop.services.watch.folders import WatchFolder
from trustnxt_desktop.services.watch.service import BatchFinished
from trustnxt_desktop.ui.main_window import WATCH_PAGE
from trustnxt_desktop.ui.watch_view import WatchView

PHOTO = CORPUS / "media" / "trustnxt-icon.jpg"


def texts(table, column: int) -> list[str]:
    return [cell(table, row, column) for row in range(table.rowCount())]


def cell(table, row: int, column: int) -> str:
    item = table.item(row, column)
    return "" if item is None else str(item.text())


async def add_through_dialog(qtbot, view: WatchView, folder: Path, out: Path) -> None:
    dialog = view.add_folder()
    dialog.folder_edit.setText(str(folder))
    dialog.out_edit.setText(str(out))
    dialog.claim.setCurrentIndex(dialog.claim.findData("edited"))
    dialog.location.setCurrentIndex(dialog.location.findData("remove"))
    dialog.strip.setChecked(True)
    buttons = dialog.findChild(QDialogButtonBox)
    assert buttons is not None
    qtbot.mouseClick(buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    await until(lambda: view.folder_table.rowCount() == 1 and "Watching" in cell(view.folder_table, 0, 4))


async def test_a_folder_added_in_the_dialog_protects_what_arrives_and_says_so(qtbot, window, context,
                                                                              tmp_path: Path) -> None:
    inbox, out = tmp_path / "in", tmp_path / "out"
    inbox.mkdir()
    window.nav.setCurrentRow(WATCH_PAGE)
    view = window.watch
    await view.start()
    await add_through_dialog(qtbot, view, inbox, out)
    (stored,) = context.watch_folders()
    assert stored.options == {"content_source": "edited", "location": "remove", "strip_serials": True}
    assert texts(view.folder_table, 2) == ["Edited"]
    assert texts(view.folder_table, 3) == ["Remove the location; serial numbers and owner removed"]
    shutil.copy(PHOTO, inbox / "arrived.jpg")
    await until(lambda: view.files.rowCount() == 1 and cell(view.files, 0, 2) == "Protected")
    output = out / "arrived.protected.jpg"
    assert cell(view.files, 0, 3) == str(output) and output.is_file()
    report = await context.backend.inspect(output)
    assert any("humanEdits" in (a.digital_source_type or "") for a in report.actions)
    await until(lambda: bool(window.tray.said))
    title, text = window.tray.said[-1]
    assert title == "Protection finished" and text == f"1 file protected from {inbox}."
    assert window.statusBar().currentMessage() == text  # no tray offscreen: said in the status bar
    assert "1 protected" in view.counters.text()


async def test_the_dialog_refuses_a_folder_it_cannot_watch(qtbot, window, tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    dialog = window.watch.add_folder()
    dialog.folder_edit.setText(str(tmp_path / "in"))
    dialog.out_edit.setText(str(tmp_path / "in"))
    dialog.accept()
    assert dialog.isVisible() and "own output folder" in dialog.problem.text()
    dialog.out_edit.setText("")
    dialog.accept()
    assert "Choose the folder" in dialog.problem.text()
    dialog.reject()


async def test_pause_resume_and_remove(qtbot, window, context, tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    view = window.watch
    await view.start()
    await add_through_dialog(qtbot, view, tmp_path / "in", tmp_path / "out")
    view.folder_table.selectRow(0)
    assert view.pause_button.text() == "&Pause"
    qtbot.mouseClick(view.pause_button, Qt.MouseButton.LeftButton)
    await until(lambda: cell(view.folder_table, 0, 4) == "Paused")
    assert not context.watch_folders()[0].enabled and context.watch.states() == []
    assert view.pause_button.text() == "&Resume"
    qtbot.mouseClick(view.pause_button, Qt.MouseButton.LeftButton)
    await until(lambda: cell(view.folder_table, 0, 4) == "Watching")
    qtbot.mouseClick(view.remove_button, Qt.MouseButton.LeftButton)
    await until(lambda: view.folder_table.rowCount() == 0)
    assert context.watch_folders() == [] and context.settings_store.load().watch_folders == []


async def test_a_camera_card_is_imported_and_protected_in_one_action(qtbot, context, tmp_path: Path) -> None:
    card = tmp_path / "media" / "EOS_DIGITAL"
    (card / "DCIM" / "100CANON").mkdir(parents=True)
    for i in range(3):
        make_jpeg(card / "DCIM" / "100CANON" / f"IMG_000{i}.JPG", 800, 533, seed=i)
    (card / "DCIM" / "100CANON" / "IMG_0000.CR3").write_bytes(b"raw" * 1000)
    context.set_card_import_dir(tmp_path / "imports")
    finished: list[BatchFinished] = []
    context.watch.on_finished(finished.append)
    errors: list[str] = []
    view = WatchView(context.watch, context.watch_folders, context.save_watch_folders, context.card_import_dir,
                     context.set_card_import_dir, lambda: (context.protect_options().content_source,
                                                           context.protect_options().privacy.location, False),
                     errors.append, card_roots=lambda: sorted((tmp_path / "media").iterdir()))
    qtbot.addWidget(view)
    try:
        await import_card_through(qtbot, view, context, finished, errors, tmp_path)
    finally:
        await view.aclose()


async def import_card_through(qtbot, view: WatchView, context, finished: list[BatchFinished], errors: list[str],
                              tmp_path: Path) -> None:
    await view.start()
    assert not view.import_button.isEnabled()
    await view.look_for_cards()
    assert view.card_choice.currentText().startswith("EOS_DIGITAL — 4 files, 0.")
    assert view.import_button.isEnabled()
    qtbot.mouseClick(view.import_button, Qt.MouseButton.LeftButton)
    await until(lambda: view.last_import is not None)
    result = view.last_import
    assert result is not None and result.folder.parent == tmp_path / "imports"
    assert sorted(p.name for p in (result.folder / "100CANON").iterdir()) == [
        "IMG_0000.CR3", "IMG_0000.JPG", "IMG_0001.JPG", "IMG_0002.JPG"]
    await until(lambda: context.watch.counts().done == 3)
    assert sorted(p.name for p in (result.folder / "Protected" / "100CANON").iterdir()) == [
        f"IMG_000{i}.protected.JPG" for i in range(3)]
    assert "Copied 4 files from EOS_DIGITAL" in view.card_state.text()
    assert texts(view.files, 1) == ["EOS_DIGITAL"] * 3 and set(texts(view.files, 2)) == {"Protected"}
    await until(lambda: bool(finished))
    assert finished[-1].done == 3 and finished[-1].labels == ("EOS_DIGITAL",) and errors == []
    assert all(j.state is JobState.DONE for j in context.watch.items)


async def test_minimised_with_watch_folders_the_window_goes_to_the_tray(qtbot, window, context,
                                                                       tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    await window.watch.start()
    await context.save_watch_folders([WatchFolder(tmp_path / "in", tmp_path / "out")])
    window.tray.available = True  # as on a desktop with a tray (the offscreen platform has none)
    window.showMinimized()
    await until(lambda: not window.isVisible())
    window.tray.restore()
    await until(lambda: window.isVisible() and not window.isMinimized())
