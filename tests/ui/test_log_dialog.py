"""ui/log_dialog.py, the verification log window, on real widgets over the real sqlite log: every entry in
words, newest first, searchable; the chain checked each time it opens, an altered entry named and selected; whether
the two validators agreed, in a column, a detail and the search;
the head hash copied; exports through the save dialog."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QFileDialog, QWidget

from tests.conftest import CORPUS, SHARED
from tests.ui.conftest import until
from trustnxt_desktop.domain.report import CrossCheck, Difference, EngineInfo, FileInfo, InspectionReport, Verdict
from trustnxt_desktop.services.account.settings import Settings
from trustnxt_desktop.services.records.exports import ExportFolder
from trustnxt_desktop.services.records.verification_log import FILE_NAME, VerificationLog, VerifyResult
from trustnxt_desktop.ui.log_dialog import VerificationLogDialog, result_text
from trustnxt_desktop.ui.theme import VERDICTS

AT = dt.datetime(2026, 11, 29, 17, 5, 9, 123000, tzinfo=dt.UTC)


def sha(name: str) -> str:
    return hashlib.sha256(name.encode()).hexdigest()


def report(name: str, verdict: Verdict, n: int, lists: list[str] | None = None) -> InspectionReport:
    return InspectionReport(
        file=FileInfo(path=f"/in/{name}", name=name, size=n, sha256=sha(name), media_type="image/jpeg"),
        verdict=verdict, summary="", engine=EngineInfo("Test engine", "1.0", lists or []))


def filled(root: Path) -> VerificationLog:
    log = VerificationLog(root)
    log.append(report("Beach.jpg", Verdict.TRUSTED, 0xA1, ["C2PA trust list (2026-08-21)"]), AT)
    log.append(report("amber.JPG", Verdict.INVALID, 0xB2), AT)
    log.append(report("\u202egpj.exe", Verdict.NONE, 0xC3), AT)
    log.close()
    return log


async def opened(qtbot: Any, root: Path, export_folder: ExportFolder | None = None) -> VerificationLogDialog:
    dialog = VerificationLogDialog(lambda: VerificationLog(root), export_folder=export_folder)
    qtbot.addWidget(dialog)
    dialog.show()
    await until(lambda: dialog.verified is not None)
    return dialog


def row(dialog: VerificationLogDialog, r: int, role: int = Qt.ItemDataRole.DisplayRole) -> list[Any]:
    return [dialog.proxy.index(r, c).data(role) for c in range(dialog.proxy.columnCount())]


async def test_every_entry_in_words_newest_first(qtbot: Any, tmp_path: Path) -> None:
    filled(tmp_path)
    dialog = await opened(qtbot, tmp_path)
    assert dialog.proxy.rowCount() == 3
    assert row(dialog, 0)[0] == 3 and row(dialog, 2)[0] == 1, "newest first"
    assert row(dialog, 2) == [1, "2026-11-29 17:05:09.123", "Beach.jpg", VERDICTS[Verdict.TRUSTED].title, "",
                              sha("Beach.jpg")[:16] + "…", "Test engine 1.0", "C2PA trust list (2026-08-21)"]
    assert row(dialog, 1)[3] == VERDICTS[Verdict.INVALID].title and row(dialog, 1)[7] == "none"
    assert row(dialog, 0)[2] == "\\u202egpj.exe", "a name that would show reversed is shown as written"
    tips = row(dialog, 2, Qt.ItemDataRole.ToolTipRole)
    assert sha("Beach.jpg") in tips[5] and "entry hash" in tips[0]
    assert "main validator alone" in tips[4], "checked without the second validator"
    assert row(dialog, 2, Qt.ItemDataRole.DecorationRole)[3] is not None, "the verdict's icon"
    assert row(dialog, 2, Qt.ItemDataRole.BackgroundRole) == [None] * 8, "nothing marked while the chain is intact"
    dialog.table.sortByColumn(2, Qt.SortOrder.AscendingOrder)
    names = [row(dialog, r)[2] for r in range(3)]
    assert names.index("Beach.jpg") > names.index("amber.JPG"), "by name, whatever the case"
    dialog.table.sortByColumn(2, Qt.SortOrder.DescendingOrder)
    names = [row(dialog, r)[2] for r in range(3)]
    assert names.index("Beach.jpg") < names.index("amber.JPG")


async def test_search_finds_names_regardless_of_case_and_hashes(qtbot: Any, tmp_path: Path) -> None:
    filled(tmp_path)
    dialog = await opened(qtbot, tmp_path)
    dialog.search.setText("AMBER")
    assert [row(dialog, r)[2] for r in range(dialog.proxy.rowCount())] == ["amber.JPG"]
    dialog.search.setText(sha("Beach.jpg")[-20:])
    assert [row(dialog, r)[2] for r in range(dialog.proxy.rowCount())] == ["Beach.jpg"]
    dialog.search.setText("not in the log")
    assert dialog.proxy.rowCount() == 0
    dialog.search.clear()
    assert dialog.proxy.rowCount() == 3


async def test_an_empty_log_says_nothing_was_inspected(qtbot: Any, tmp_path: Path) -> None:
    dialog = await opened(qtbot, tmp_path)
    assert dialog.proxy.rowCount() == 0 and dialog.banner.text().startswith("The log is empty")
    assert not dialog.copy_button.isEnabled()


async def test_the_head_hash_is_copied(qtbot: Any, tmp_path: Path) -> None:
    filled(tmp_path)
    dialog = await opened(qtbot, tmp_path)
    assert dialog.verified is not None and dialog.verified.head
    assert "All 3 entries check out" in dialog.banner.text() and dialog.verified.head in dialog.banner.text()
    dialog.copy_button.click()
    assert QGuiApplication.clipboard().text() == dialog.verified.head
    assert dialog.message.text() == "Head hash copied."


async def test_an_altered_entry_is_named_selected_and_marked_from_there_on(qtbot: Any, tmp_path: Path) -> None:
    filled(tmp_path)
    dialog = await opened(qtbot, tmp_path)
    with sqlite3.connect(tmp_path / FILE_NAME) as db:  # someone turns entry 2's verdict into a better one
        body = json.loads(db.execute("SELECT body FROM entries WHERE seq = 2").fetchone()[0])
        body["verdict"] = "trusted"
        db.execute("UPDATE entries SET body = ? WHERE seq = 2",
                   (json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False),))
    dialog.verify_button.click()
    await until(lambda: dialog.verified is not None and not dialog.verified.ok)
    assert "Altered at entry 2" in dialog.banner.text() and not dialog.copy_button.isEnabled()
    selected = dialog.table.selectionModel().selectedRows()
    assert [dialog.proxy.index(i.row(), 0).data() for i in selected] == [2]
    marked = {row(dialog, r)[0]: row(dialog, r, Qt.ItemDataRole.BackgroundRole)[0] for r in range(3)}
    assert marked[1] is None and marked[2] is not None and marked[3] is not None, "entries from there on"


async def test_exports_go_where_the_person_chose_and_the_folder_is_remembered(
        qtbot: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    filled(tmp_path / "home")
    settings = Settings()
    folder = ExportFolder(lambda: settings, lambda s: None)
    chosen = tmp_path / "case 17"
    chosen.mkdir()
    asked: list[str] = []

    def save_as(parent: QWidget, title: str, start: str, name_filter: str) -> tuple[str, str]:
        asked.append(Path(start).name)
        return str(chosen / Path(start).name), name_filter

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_as)
    dialog = await opened(qtbot, tmp_path / "home", folder)
    dialog.csv_button.click()
    await until(lambda: dialog.message.text().startswith("Saved"))
    dialog.json_button.click()
    await until(lambda: dialog.message.text() == f"Saved {chosen / 'verification-log.json'}")
    assert asked == ["verification-log.csv", "verification-log.json"]
    lines = (chosen / "verification-log.csv").read_text().splitlines()
    assert lines[0].startswith("seq,time,sha256,file,verdict") and len(lines) == 4
    exported = json.loads((chosen / "verification-log.json").read_text())
    assert dialog.verified is not None and exported["head"]["hash"] == dialog.verified.head
    assert settings.export_dir == str(chosen)


async def test_closing_while_the_check_runs_deletes_the_dialog_once_its_work_is_done(
        qtbot: Any, tmp_path: Path) -> None:
    filled(tmp_path)
    main = QWidget()  # the app's window stays open behind it
    qtbot.addWidget(main)
    main.show()
    dialog = VerificationLogDialog(lambda: VerificationLog(tmp_path), main)
    gone: list[bool] = []
    dialog.destroyed.connect(lambda *_: gone.append(True))
    dialog.show()
    dialog.reject()
    await until(lambda: bool(gone), timeout=30)


def test_the_banner_names_what_failed_in_plain_words() -> None:
    whole = result_text(VerifyResult(False, 40, None, None, "It does not match its anchor: <40 of 42 entries>."))
    assert whole.startswith("<b>Not intact:</b> It does not match its anchor: &lt;40 of 42 entries&gt;.")
    one = result_text(VerifyResult(True, 1, "ab" * 32, notes=("Not anchored yet.",)))
    assert "The only entry checks out" in one and one.endswith("<br><small>Not anchored yet.</small>")
    many = result_text(VerifyResult(True, 12345, "cd" * 32))
    assert "All 12,345 entries check out" in many


async def test_the_window_lists_what_it_inspected(window, context) -> None:
    files = sorted((CORPUS / "c2pa").iterdir())[:6]
    await window.inspect.open_paths_async(files)
    dialog = window.open_verification_log()
    await until(lambda: dialog.verified is not None)
    assert dialog.verified.ok and dialog.verified.entries == len(files)
    shown = {dialog.proxy.index(r, 2).data() for r in range(dialog.proxy.rowCount())}
    assert shown == {f.name for f in files}
    dialog.reject()


def checked(name: str, primary: Verdict, second: Verdict | None, differs_on: list[str],
            shown: Verdict) -> InspectionReport:
    """A report whose file the second validator also checked (`second` None: it could not run)."""
    r = report(name, shown, 0xD4)
    r.cross_check = CrossCheck(engine="encypher-c2pa", version="1.7.1", ran=second is not None,
                               problem=None if second else "it crashed (SIGABRT) on this file", verdict=second,
                               agrees=None if second is None else not differs_on, primary_verdict=primary,
                               differences=[Difference(f, "a", "b", "") for f in differs_on],
                               rule="single" if second is None else "primary" if differs_on else "agree")
    return r


async def test_each_entry_says_whether_the_validators_agreed_and_it_is_searchable(qtbot: Any, tmp_path: Path) -> None:
    log = VerificationLog(tmp_path)
    log.append(checked("same.jpg", Verdict.VALID, Verdict.VALID, [], Verdict.VALID), AT)
    log.append(checked("report.docx", Verdict.VALID, Verdict.INVALID, ["verdict", "hard_binding"], Verdict.VALID), AT)
    log.append(checked("crash.jpg", Verdict.TRUSTED, None, [], Verdict.TRUSTED), AT)
    log.append(checked("no_alg.jpg", Verdict.ERROR, Verdict.INVALID, ["verdict"], Verdict.INVALID), AT)
    log.append(report("alone.jpg", Verdict.NONE, 1), AT)
    log.close()
    dialog = await opened(qtbot, tmp_path)
    cells = {row(dialog, r)[2]: row(dialog, r)[4] for r in range(dialog.proxy.rowCount())}
    assert cells == {"same.jpg": "agree", "report.docx": "differ", "crash.jpg": "one only", "no_alg.jpg": "differ",
                     "alone.jpg": ""}
    dialog.search.setText("DIFFER")
    assert sorted(row(dialog, r)[2] for r in range(dialog.proxy.rowCount())) == ["no_alg.jpg", "report.docx"]
    dialog.search.setText("media matches")  # a field they differed on
    assert [row(dialog, r)[2] for r in range(dialog.proxy.rowCount())] == ["report.docx"]
    dialog.search.setText("one only")
    assert [row(dialog, r)[2] for r in range(dialog.proxy.rowCount())] == ["crash.jpg"]
    dialog.search.clear()
    dialog.table.sortByColumn(4, Qt.SortOrder.AscendingOrder)
    assert [row(dialog, r)[4] for r in range(5)] == ["", "agree", "differ", "differ", "one only"]

    def detail_of(name: str) -> str:
        (r,) = [r for r in range(dialog.proxy.rowCount()) if row(dialog, r)[2] == name]
        dialog.table.selectRow(r)
        return dialog.detail.text()

    text = detail_of("report.docx")
    assert text.startswith("Entry 2, report.docx: Validators disagree.")
    assert "c2pa-rs) said “valid”" in text and "(encypher-c2pa 1.7.1) said “invalid”" in text
    assert "They differed on: verdict, media matches what was signed." in text
    text = detail_of("no_alg.jpg")
    assert "c2pa-rs) said “error”" in text and "The verdict recorded, “invalid”" in text, "the headline rule"
    assert "they agree" in detail_of("same.jpg")
    assert "encypher-c2pa 1.7.1 could not run" in detail_of("crash.jpg")
    assert "second validator was off" in detail_of("alone.jpg")
    tips = {row(dialog, r)[2]: row(dialog, r, Qt.ItemDataRole.ToolTipRole)[4] for r in range(5)}
    assert "They differed on" in tips["report.docx"]


async def test_the_window_logs_what_two_validators_said_about_real_files(window, context) -> None:
    files = [SHARED / "cases" / "ai-report.docx", CORPUS / "c2pa" / "adobe-20220124-C.jpg"]
    await window.inspect.open_paths_async(files)
    dialog = window.open_verification_log()
    await until(lambda: dialog.verified is not None)
    cells = {row(dialog, r)[2]: row(dialog, r)[4] for r in range(dialog.proxy.rowCount())}
    assert cells == {"ai-report.docx": "differ", "adobe-20220124-C.jpg": "agree"}
    dialog.search.setText("differ")
    assert dialog.proxy.rowCount() == 1
    dialog.table.selectRow(0)
    assert "They differed on: verdict, media matches what was signed." in dialog.detail.text()
    dialog.reject()
