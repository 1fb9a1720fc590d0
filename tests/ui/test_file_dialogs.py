"""The "Add files…" and "Open files…" dialogs offer exactly the formats of the engine's table, and what is
chosen there (an Office document, a DNG) is protected or inspected like any photo."""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtWidgets import QFileDialog

from tests import documents
from tests.conftest import SHARED
from tests.expect import present
from tests.ui.conftest import until
from trustnxt_desktop.domain.jobs import JobState
from trustnxt_desktop.domain.report import Verdict
from trustnxt_desktop.engine.formats import supported_formats


def _offered(name_filter: str) -> tuple[set[str], list[str]]:
    """The extensions of the first filter (lower case) and the titles of all filters."""
    filters = name_filter.split(";;")
    first = present(re.search(r"\((.*)\)", filters[0]), "a (*.ext …) pattern").group(1)
    return {p.removeprefix("*.").lower() for p in first.split()}, [f.split(" (")[0] for f in filters]


class Chooser:
    """Stands in for the person in front of QFileDialog: records its filter and picks `files`."""

    def __init__(self, files: list[Path]) -> None:
        self.files = files
        self.filters: list[str] = []

    def __call__(self, parent, caption, directory="", name_filter="", *args, **kwargs):
        self.filters.append(name_filter)
        return [str(f) for f in self.files], name_filter.split(";;")[0]


async def test_protect_dialog_offers_what_the_engine_signs_and_protects_a_document(
        window, tmp_path: Path, monkeypatch) -> None:
    doc = tmp_path / "statement.docx"
    doc.write_bytes(documents.ooxml("docx", compressed=False))
    raw = documents.dng(tmp_path / "frame.dng")
    chooser = Chooser([doc, raw])
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", chooser)
    view = window.protect
    view.add_files_button.click()
    (name_filter,) = chooser.filters
    extensions, titles = _offered(name_filter)
    assert extensions == {e for f in supported_formats() if f.writable for e in f.extensions}
    assert {"docx", "epub", "odt", "oxps", "jxl", "dng", "jpg", "mp4", "pdf"} <= extensions
    assert "arw" not in extensions and "c2pa" not in extensions  # read-only formats are not offered here
    assert titles[0] == "Files that can be protected" and titles[-1] == "All files"
    assert "*.JPG" in name_filter  # cameras write upper-case names
    await until(lambda: view.queue.counts().total == 2)
    await view.queue.wait_idle()
    for job in view.model.rows:
        assert job.state is JobState.DONE, (job.source.name, job.message)
        report = await window.context.backend.inspect(job.result.output)
        assert report.verdict is Verdict.TRUSTED, report.summary


async def test_inspect_dialog_offers_what_the_engine_reads_and_reads_an_office_document(
        window, monkeypatch) -> None:
    chooser = Chooser([SHARED / "cases" / "ai-report.docx"])
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", chooser)
    view = window.inspect
    view.open_button.click()
    (name_filter,) = chooser.filters
    extensions, titles = _offered(name_filter)
    assert extensions == {e for f in supported_formats() if f.readable for e in f.extensions}
    assert {"arw", "nef", "c2pa", "docx", "xlsx", "pptx", "epub", "oxps"} <= extensions
    assert titles == ["Files that can be inspected", "Images", "Audio", "Video", "Documents", "All files"]
    await until(lambda: view.proxy.rowCount() == 1 and len(view.reports()) == 1)
    (report,) = view.reports()
    assert report.verdict is not Verdict.UNSUPPORTED and report.signer is not None, report.summary
    assert "cannot carry" not in report.summary
