"""The Help menu: the offline user guide, the keyboard shortcuts (made from the real actions), diagnostics."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from PySide6.QtCore import QUrl, qVersion
from PySide6.QtGui import QAction, QImage, QKeySequence, QPixmap, QTextDocument
from PySide6.QtWidgets import QFileDialog, QMenu, QTreeWidgetItemIterator

from tests.conftest import PROJECT
from tests.ui.conftest import until
from trustnxt_desktop.ui.shortcuts_dialog import ShortcutsDialog
from trustnxt_desktop.ui.user_guide import GUIDE, UserGuideDialog


def _help(window, text: str) -> QAction:
    (menu,) = [a.menu() for a in window.menuBar().actions() if a.text() == "&Help"]
    assert isinstance(menu, QMenu)
    (action,) = [a for a in menu.actions() if a.text().replace("&", "") == text]
    return action


def _images(document: QTextDocument) -> list[str]:
    names = []
    block = document.begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            fmt = it.fragment().charFormat()
            if fmt.isImageFormat():
                names.append(fmt.toImageFormat().name())
            it += 1
        block = block.next()
    return names


def _tour_items() -> list[str]:
    """The bold items of the README's app tour (`- **Protect** — …`)."""
    readme = (PROJECT / "README.md").read_text("utf-8")
    tour = readme.split("\n## The app\n", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"^- \*\*(.+?)\*\*", tour, flags=re.MULTILINE)


async def test_the_user_guide_opens_offline_with_the_app_tour_and_its_pictures(window) -> None:
    assert window.guide_action.shortcut() == QKeySequence(QKeySequence.StandardKey.HelpContents)
    _help(window, "User guide").trigger()
    (dialog,) = window.findChildren(UserGuideDialog)
    assert dialog.isVisible() and not dialog.isModal()  # read beside the window
    document = dialog.browser.document()
    headings = {document.findBlockByNumber(i).text() for i in range(document.blockCount())
                if document.findBlockByNumber(i).blockFormat().headingLevel() == 2}
    tour = _tour_items()
    assert len(tour) >= 7 and set(tour) <= headings, set(tour) - headings  # every stop of the README's tour
    pictures = _images(document)
    assert len(pictures) >= 6
    for name in pictures:
        picture = document.resource(QTextDocument.ResourceType.ImageResource, QUrl(name))
        assert isinstance(picture, (QImage, QPixmap)) and not picture.isNull(), name  # shipped beside the guide
        assert (GUIDE.parent / name).is_file()
    _help(window, "User guide").trigger()
    assert window.findChildren(UserGuideDialog) == [dialog]  # asked again: the same window comes forward
    dialog.close()


async def test_the_shortcuts_list_is_made_from_the_real_actions(window) -> None:
    def listed() -> set[tuple[str, str, str]]:
        (dialog,) = window.findChildren(ShortcutsDialog)
        rows, it = set(), QTreeWidgetItemIterator(dialog.tree)
        while it.value():
            item = it.value()
            parent = item.parent()
            if parent is not None:
                rows.add((parent.text(0), item.text(0), item.text(1)))
            it += 1
        return rows

    _help(window, "Keyboard shortcuts").trigger()
    rows = listed()
    native = QKeySequence.SequenceFormat.NativeText
    assert ("File", "Protect files…", "Ctrl+P") in rows and ("Help", "User guide", "F1") in rows
    assert ("Protect view", "Cancel selected", QKeySequence(QKeySequence.StandardKey.Delete).toString(native)) in rows
    assert ("Capture view", "Take photo", "Ctrl+Shift+T") in rows
    with_keys = {a.text().replace("&", "") for a in window.findChildren(QAction) if not a.shortcut().isEmpty()}
    assert with_keys == {text for _group, text, _keys in rows}  # every one, and nothing made up
    # Two actions with one shortcut where both apply make Qt run neither ("ambiguous shortcut").
    shortcuts = [keys for _group, _text, keys in rows]
    assert len(shortcuts) == len(set(shortcuts)), sorted(k for k in shortcuts if shortcuts.count(k) > 1)

    added = QAction("Compare side by side", window)  # an action added later is listed the next time
    added.setShortcut("Ctrl+Alt+B")
    window.addAction(added)
    window.findChildren(ShortcutsDialog)[0].close()
    _help(window, "Keyboard shortcuts").trigger()
    assert ("Window", "Compare side by side", QKeySequence("Ctrl+Alt+B").toString(native)) in listed()


async def test_save_diagnostics_writes_a_zip_and_never_overwrites_unasked(
        window, context, tmp_path: Path, monkeypatch) -> None:
    logs = context.root / "logs"
    logs.mkdir(exist_ok=True)
    (logs / "crash-20261130T000000Z.log").write_text("boom\n", "utf-8")
    chosen = tmp_path / "for-support"  # typed without .zip
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(chosen), "Zip archives (*.zip)"))
    _help(window, "Save diagnostics…").trigger()
    target = tmp_path / "for-support.zip"
    await until(lambda: "Saved" in window.statusBar().currentMessage())
    with zipfile.ZipFile(target) as archive:
        versions = archive.read("versions.txt").decode()
        assert archive.read("logs/crash-20261130T000000Z.log") == b"boom\n"
    assert f"Qt: {qVersion()}" in versions and "c2pa-python: " in versions and "PySide6: " in versions

    before = target.read_bytes()
    _help(window, "Save diagnostics…").trigger()  # the same name again, but the dialog never saw for-support.zip
    await until(lambda: "already exists" in window.statusBar().currentMessage())
    assert target.read_bytes() == before

    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))  # confirmed by the dialog
    (logs / "crash-20261130T000000Z.log").write_text("boom again\n", "utf-8")
    _help(window, "Save diagnostics…").trigger()
    await until(lambda: target.read_bytes() != before)
    with zipfile.ZipFile(target) as archive:
        assert archive.read("logs/crash-20261130T000000Z.log") == b"boom again\n"
