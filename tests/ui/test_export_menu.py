"""The inspection view's Export menu is the table of export formats: every row is offered, asks for a file of its
kind, and writes a file its reader accepts (the CLI's options: tests/services/records/test_export_formats.py)."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import CORPUS
from tests.export_readers import READERS
from trustnxt_desktop.services.records.export_formats import EXPORT_FORMATS, described_list


async def test_the_export_menu_offers_and_writes_every_format(window, tmp_path: Path, monkeypatch) -> None:
    from PySide6.QtWidgets import QFileDialog

    asked: list[tuple[str, str]] = []
    answers: list[str] = []

    def dialog(_parent, _title, start, name_filter):
        asked.append((Path(start).name, name_filter))
        return answers.pop(0), name_filter

    monkeypatch.setattr(QFileDialog, "getSaveFileName", dialog)
    view = window.inspect
    await view.open_paths_async([CORPUS / "c2pa" / "adobe-20220124-C.jpg", CORPUS / "c2pa" / "adobe-20220124-A.jpg"])
    shown = {r.file.sha256 for r in view.visible_reports()}
    assert len(shown) == 2
    menu = view.export_button.menu()
    assert [a.text() for a in menu.actions()] == [f.menu_title for f in EXPORT_FORMATS]
    assert view.export_button.toolTip() == f"Save the files shown (filtered and sorted) as {described_list()}"
    written: list[str] = []
    view.exported.connect(written.append)
    for fmt, action in zip(EXPORT_FORMATS, menu.actions(), strict=True):
        target = tmp_path / f"evidence{fmt.suffix}"
        answers.append(str(target))
        action.trigger()
        await view.wait_idle()
        assert asked[-1] == (f"inspection-report{fmt.suffix}", fmt.file_filter)
        assert written[-1] == str(target), fmt.name
        described = READERS[fmt.name](target)
        assert described is None or described == shown, fmt.name
    assert len(written) == len(EXPORT_FORMATS)
