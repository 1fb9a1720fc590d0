"""ui/copy_dialogs.py: Export for web and Edit caption driven through the real window — from a finished Protect row
and from the Inspect view — with the keyboard; the copies keep the chain, and the queue row names the original's
own verdict."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QDialogButtonBox

from tests.conftest import CORPUS
from tests.geotagged import CAPTION, CITY, CREDIT, KEYWORDS, geotagged_jpeg
from tests.ui.conftest import drop_paths, until
from trustnxt_desktop.domain.jobs import JobState
from trustnxt_desktop.domain.report import Verdict
from trustnxt_desktop.engine.derive_render import read_caption
from trustnxt_desktop.engine.inspect import inspect_file
from trustnxt_desktop.engine.trust import TrustConfig
from trustnxt_desktop.ui.copy_dialogs import CaptionDialog, ExportWebDialog


async def _protected(window, tmp_path: Path) -> Path:
    """A geotagged photo dropped on the Protect panel and protected; its row is made current."""
    photo = geotagged_jpeg(tmp_path / "harbour.jpg")
    view = window.protect
    drop_paths(view.drop, [photo])
    await until(lambda: view.queue.counts().done == 1)
    view.table.setCurrentIndex(view.model.index(0, 0))
    job = view.model.rows[0]
    assert job.result is not None and job.result.output is not None
    output: Path = job.result.output
    return output


async def _dialog(actions, kind: type):
    await until(lambda: isinstance(actions.dialog, kind))
    return actions.dialog


async def test_export_for_web_from_a_finished_protect_row(window, qtbot, tmp_path: Path) -> None:
    protected = await _protected(window, tmp_path)
    view = window.protect
    assert view.export_web_button.isEnabled() and view.caption_button.isEnabled()
    view.export_web_button.click()
    dialog = await _dialog(view.copy_actions, ExportWebDialog)
    assert dialog.long_edge.hasFocus() or dialog.focusWidget() is dialog.long_edge
    dialog.long_edge.selectAll()
    qtbot.keyClicks(dialog.long_edge, "640")
    dialog.format.setCurrentIndex(dialog.format.findData("webp"))
    assert dialog.remove_location.shortcut() == QKeySequence("Alt+R")  # &Remove location
    qtbot.keyClick(dialog.remove_location, Qt.Key.Key_Space)
    assert dialog.remove_location.isChecked()
    qtbot.keyClick(dialog.long_edge, Qt.Key.Key_Return)  # Enter: the default button, Export
    copy = protected.parent / "harbour.protected.web.webp"
    await until(lambda: view.summary.text() == f"Saved {copy.name} in {copy.parent}")
    report = inspect_file(copy, TrustConfig())
    assert report.verdict is Verdict.VALID
    assert [a.action for a in report.actions] == ["c2pa.opened", "c2pa.resized", "c2pa.transcoded",
                                                  "c2pa.edited.metadata"]
    (parent,) = report.ingredients
    assert (parent.title, parent.verdict) == (protected.name, Verdict.VALID)
    assert CITY.encode() not in copy.read_bytes()


async def test_edit_caption_from_a_finished_row_shows_what_the_file_has(window, qtbot, tmp_path: Path) -> None:
    protected = await _protected(window, tmp_path)
    view = window.protect
    assert view.caption_button.shortcut() == QKeySequence("Alt+I")  # Edit capt&ion…
    view.caption_button.click()
    dialog = await _dialog(view.copy_actions, CaptionDialog)
    assert dialog.caption.toPlainText() == CAPTION and dialog.credit.text() == CREDIT
    assert dialog.keywords.text() == ", ".join(KEYWORDS)
    save = dialog.buttons.button(QDialogButtonBox.StandardButton.Save)
    save.click()  # nothing changed yet: said in the dialog, which stays open
    assert dialog.isVisible() and dialog.problem.text() == "Nothing was changed."
    dialog.caption.setPlainText("x" * 2001)
    save.click()
    assert dialog.isVisible() and "at most 2000 characters" in dialog.problem.text()
    dialog.caption.setPlainText("Cranes at the Kehrwieder bridge")
    dialog.keywords.setText("harbour, Hamburg, harbour")
    assert save.shortcut() == QKeySequence("Alt+S")  # &Save copy
    qtbot.keyClick(dialog.credit, Qt.Key.Key_Return)
    copy = protected.parent / "harbour.protected.captioned.jpg"
    await until(lambda: copy.name in view.summary.text())
    found = read_caption(copy, "image/jpeg")
    assert (found.caption, found.credit, found.keywords) == ("Cranes at the Kehrwieder bridge", CREDIT,
                                                             ("harbour", "Hamburg"))
    report = inspect_file(copy, TrustConfig())
    assert [(a.action, a.description) for a in report.actions][1] == (
        "c2pa.edited.metadata", "Edited the caption and the keywords (IPTC and XMP)")


async def test_cancel_makes_nothing(window, tmp_path: Path) -> None:
    protected = await _protected(window, tmp_path)
    view = window.protect
    view.export_web_button.click()
    dialog = await _dialog(view.copy_actions, ExportWebDialog)
    dialog.reject()
    await until(lambda: view.copy_actions.dialog is None)
    await asyncio.sleep(0.1)
    assert sorted(p.name for p in protected.parent.iterdir() if p.suffix == ".jpg") == [
        "harbour.jpg", "harbour.protected.jpg"]


async def test_the_queue_row_names_the_originals_own_verdict(window, tmp_path: Path) -> None:
    camera = tmp_path / "camera.jpg"
    shutil.copy(CORPUS / "c2pa" / "adobe-20220124-CA.jpg", camera)  # an original that carries credentials
    tampered = tmp_path / "tampered.jpg"
    shutil.copy(CORPUS / "c2pa" / "adobe-20220124-E-sig-CA.jpg", tampered)
    view = window.protect
    drop_paths(view.drop, [camera, tampered])
    await until(lambda: view.queue.counts().done == 2)
    rows = {job.source.name: row for row, job in enumerate(view.model.rows)}
    assert all(job.state is JobState.DONE for job in view.model.rows)
    text = {name: view.model.index(row, 2).data() for name, row in rows.items()}
    assert text["camera.jpg"].startswith("camera.protected.jpg · original's credentials: valid")
    assert "original's credentials: invalid" in text["tampered.jpg"]


async def test_inspect_offers_copies_only_for_files_with_credentials(window, tmp_path: Path) -> None:
    plain = tmp_path / "plain.jpg"
    shutil.copy(CORPUS / "media" / "no_manifest.jpg", plain)
    protected = await _protected(window, tmp_path)
    view = window.inspect
    await view.open_paths_async([plain])
    await until(lambda: view.model.reports and view.model.reports[0] is not None)
    view.table.setCurrentIndex(view.proxy.index(0, 0))
    assert not view.export_web_button.isEnabled() and not view.caption_button.isEnabled()
    await view.open_paths_async([protected])
    await until(lambda: len(view.model.reports) == 2 and all(r is not None for r in view.model.reports))
    view.table.setCurrentIndex(view.proxy.mapFromSource(view.model.index(1, 0)))
    assert view.current_copyable() == protected and view.export_web_button.isEnabled()
    view.export_web_button.click()
    dialog = await _dialog(view.copy_actions, ExportWebDialog)
    dialog.long_edge.setValue(300)
    dialog.accept()
    copy = protected.parent / "harbour.protected.web.jpg"
    # The new copy opens in Inspect: its history can be read at once.
    await until(lambda: any(r is not None and r.file.path == str(copy) for r in view.model.reports))
    (report,) = [r for r in view.model.reports if r is not None and r.file.path == str(copy)]
    assert report.verdict is Verdict.TRUSTED and [a.action for a in report.actions][:2] == ["c2pa.opened",
                                                                                            "c2pa.resized"]
