"""The Protect queue after Cancel all and failures (what the bar and the retry button say), Open and Show
in folder on the keyboard-current row with failures said, and same-named files told apart."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractButton

from tests.conftest import CORPUS
from tests.media_tools import photo_folder
from tests.ui.conftest import until
from tests.ui.desktop_opener import opened, xdg_open_on_path
from trustnxt_desktop.domain.jobs import JobState
from trustnxt_desktop.ui.name_folder_delegate import FOLDER_ROLE, NameAndFolderDelegate


def _label(button: QAbstractButton) -> str:
    return button.text().replace("&", "")


async def test_after_cancel_all_the_bar_says_protected_and_cancelled_and_retry_waits_for_a_failure(
        window, tmp_path: Path) -> None:
    folder = photo_folder(tmp_path / "big", 30)
    view = window.protect
    view.set_output_dir(tmp_path / "out")
    assert _label(view.retry_button) == "Retry failed" and not view.retry_button.isEnabled()
    await view.add_paths_async([folder])
    await until(lambda: view.queue.counts().done >= 1)
    view.cancel_all_button.click()
    await view.queue.wait_idle()
    c = view.queue.counts()
    assert c.cancelled > 0 and c.failed == 0 and c.done + c.cancelled == 30, c
    assert view.progress.format() == f"{c.done} of 30 protected · {c.cancelled} cancelled"
    assert view.progress.value() == c.done and view.progress.maximum() == 30, "the bar is not full"
    # Nothing failed: "Retry failed" is not on offer; the button says what it would do instead.
    assert _label(view.retry_button) == "Protect cancelled again" and view.retry_button.isEnabled()

    empty = tmp_path / "empty.jpg"
    empty.write_bytes(b"")
    await view.add_paths_async([empty])
    await view.queue.wait_idle()
    failed = next(j for j in view.model.rows if j.source == empty)
    assert failed.state is JobState.FAILED and "empty" in failed.message
    assert view.progress.format() == f"{c.done} of 31 protected · 1 failed · {c.cancelled} cancelled"
    assert view.progress.value() == c.done + 1
    assert _label(view.retry_button) == "Retry failed" and view.retry_button.isEnabled()
    view.retry_button.click()  # the failed file only: the cancelled ones stay as they are
    await view.queue.wait_idle()
    assert view.queue.counts().cancelled == c.cancelled and view.queue.counts().failed == 1

    empty.unlink()
    view.clear_button.click()
    assert view.model.rowCount() == 0 and view.progress.format() == "0 of 0 protected"
    assert _label(view.retry_button) == "Retry failed" and not view.retry_button.isEnabled()


async def _two_protected(window, tmp_path: Path) -> tuple[Path, Path]:
    """The same name from two folders, both protected: the copies land in their own folders."""
    first, second = tmp_path / "Monday" / "photo.jpg", tmp_path / "Tuesday" / "photo.jpg"
    for path in (first, second):
        path.parent.mkdir(parents=True)
        shutil.copy(CORPUS / "media" / "trustnxt-icon.jpg", path)
    view = window.protect
    await view.add_paths_async([first])
    await view.add_paths_async([second])
    await view.queue.wait_idle()
    assert [j.state for j in view.model.rows] == [JobState.DONE, JobState.DONE]
    return first.with_name("photo.protected.jpg"), second.with_name("photo.protected.jpg")


async def test_open_and_show_in_folder_act_on_the_keyboard_current_row(window, tmp_path: Path,
                                                                       monkeypatch) -> None:
    calls = xdg_open_on_path(tmp_path / "bin", monkeypatch)
    monday, tuesday = await _two_protected(window, tmp_path)
    view = window.protect
    view.table.setFocus()
    view.table.selectRow(0)  # clicked earlier
    QTest.keyClick(view.table, Qt.Key.Key_Down, Qt.KeyboardModifier.ControlModifier)  # focus moves, selection stays
    assert view.table.selectionModel().currentIndex().row() == 1
    assert [i.row() for i in view.table.selectionModel().selectedRows()] == [0]
    view.open_button.click()
    await until(lambda: opened(calls) == [str(tuesday)])
    view.reveal_button.click()
    await until(lambda: opened(calls) == [str(tuesday), str(tuesday.parent)])

    # Back up with the keyboard alone: Open follows the focus, not the selection (still row 0 here too).
    view.table.clearSelection()
    view.table.selectRow(1)
    QTest.keyClick(view.table, Qt.Key.Key_Up, Qt.KeyboardModifier.ControlModifier)
    assert [i.row() for i in view.table.selectionModel().selectedRows()] == [1]
    view.open_button.click()
    await until(lambda: opened(calls)[-1] == str(monday))


# With no xdg-open on PATH, Qt's own attempt to open the folder fails and says so: that failure is what is tested.
@pytest.mark.qt_log_ignore(r"^This plugin does not support QPlatformServices::openDocument\(\) for 'file://")
async def test_a_file_no_program_can_open_says_so(window, tmp_path: Path, monkeypatch) -> None:
    calls = xdg_open_on_path(tmp_path / "bin", monkeypatch, status=3)  # xdg-open: no program for this file
    _monday, tuesday = await _two_protected(window, tmp_path)
    view = window.protect
    view.table.selectRow(1)
    view.open_button.click()
    expected = "Could not open photo.protected.jpg: no program on this computer is set up to open it."
    await until(lambda: window.statusBar().currentMessage() == expected)
    assert opened(calls) == [str(tuesday)]

    monkeypatch.setenv("PATH", str(tmp_path / "empty"))  # no xdg-open at all: Qt's own attempt fails too
    view.reveal_button.click()
    said = "Could not show photo.protected.jpg in its folder"
    await until(lambda: window.statusBar().currentMessage().startswith(said))


async def test_same_named_files_show_their_folders(window, tmp_path: Path) -> None:
    await _two_protected(window, tmp_path)
    view = window.protect
    assert isinstance(view.table.itemDelegateForColumn(0), NameAndFolderDelegate)
    names = [view.model.index(r, 0).data() for r in range(2)]
    folders = [view.model.index(r, 0).data(FOLDER_ROLE) for r in range(2)]
    assert names == ["photo.jpg", "photo.jpg"]
    assert folders == [str(tmp_path / "Monday"), str(tmp_path / "Tuesday")], folders
    spoken = [view.model.index(r, 0).data(Qt.ItemDataRole.AccessibleTextRole) for r in range(2)]
    assert spoken[0] != spoken[1] and str(tmp_path / "Tuesday") in spoken[1]
    assert str(tmp_path / "Tuesday" / "photo.jpg") in view.model.index(1, 0).data(Qt.ItemDataRole.ToolTipRole)
