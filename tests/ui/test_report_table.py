"""ui/report_table.py: inspected files as a table that fills in as results arrive — one row per file however
often it is opened, problems sorted first, presets that filter by verdict — with reports of real corpus files."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from tests.conftest import CORPUS
from tests.revocation_pki import revocation_reports
from trustnxt_desktop.domain.report import InspectionReport, Verdict
from trustnxt_desktop.engine.inspect import inspect_file
from trustnxt_desktop.engine.trust import TrustConfig
from trustnxt_desktop.ui.report_table import COLUMNS, FILTERS, REPORT_ROLE, ReportFilter, ReportTableModel
from trustnxt_desktop.ui.theme import VERDICTS

FILES = [CORPUS / "c2pa" / "adobe-20220124-C.jpg", CORPUS / "c2pa" / "truepic-20230212-camera.jpg",
         CORPUS / "media" / "no_manifest.jpg", CORPUS / "hostile" / "unsupported_type.txt"]


@pytest.fixture(scope="module")
def reports() -> list[InspectionReport]:
    return [inspect_file(p, TrustConfig()) for p in FILES]


def _filled(reports: list[InspectionReport]) -> ReportTableModel:
    model = ReportTableModel()
    rows = model.place(FILES, [str(p) for p in FILES])
    for row, report in zip(rows, reports, strict=True):
        model.set_report(row, report)
    return model


def _text(model: object, row: int, column: str) -> str:
    return str(model.index(row, COLUMNS.index(column)).data())  # type: ignore[attr-defined]  # a Qt model


def test_rows_say_checking_until_their_report_arrives(qapp: QApplication, reports: list[InspectionReport]) -> None:
    model = ReportTableModel()
    assert model.place(FILES[:2], ["a", "b"]) == [0, 1]
    assert _text(model, 0, "File") == FILES[0].name and _text(model, 0, "Verdict") == "checking…"
    model.mark_stopped([1])
    assert _text(model, 1, "Verdict") == "not checked (stopped)"
    model.set_report(0, reports[0])
    assert _text(model, 0, "Verdict") == VERDICTS[Verdict.VALID].title
    assert _text(model, 0, "Signer") == "C2PA Signer" and _text(model, 0, "SHA-256") == reports[0].file.sha256
    assert model.index(0, 0).data(REPORT_ROLE) is reports[0]
    model.mark_stopped([0])  # a file with its report is not "stopped"
    assert _text(model, 0, "Verdict") == VERDICTS[Verdict.VALID].title


def test_a_file_opened_again_keeps_its_row_and_is_checked_again(qapp: QApplication,
                                                                reports: list[InspectionReport]) -> None:
    model = _filled(reports)
    again = model.place([FILES[1], Path("/new/file.jpg"), FILES[1]], [str(FILES[1]), "new", str(FILES[1])])
    assert again == [1, len(FILES)]  # the same file twice in one opening: one row
    assert model.rowCount() == len(FILES) + 1
    assert model.reports[1] is None and _text(model, 1, "Verdict") == "checking…"
    model.clear()
    assert model.rowCount() == 0 and model.place([FILES[0]], ["x"]) == [0]


def test_capture_columns_of_the_camera_file(qapp: QApplication, reports: list[InspectionReport]) -> None:
    model = _filled(reports)
    assert "Pixel 5" in _text(model, 1, "Device")
    assert "43.15209" in _text(model, 1, "Location")


def test_problems_sort_first_and_presets_filter(qapp: QApplication, reports: list[InspectionReport]) -> None:
    model = _filled(reports)
    proxy = ReportFilter()
    proxy.setSourceModel(model)
    proxy.sort(COLUMNS.index("Verdict"), Qt.SortOrder.AscendingOrder)
    order = [proxy.index(r, 0).data(REPORT_ROLE).verdict for r in range(proxy.rowCount())]
    assert order == [Verdict.INVALID, Verdict.VALID, Verdict.NONE, Verdict.UNSUPPORTED]

    def shown(preset: str) -> list[str]:
        proxy.set_preset(preset)
        return sorted(proxy.index(r, 0).data() for r in range(proxy.rowCount()))

    assert set(FILTERS) == {"all", "problems", "ai", "trusted", "untrusted", "none", "disagree"}
    assert shown("problems") == ["truepic-20230212-camera.jpg"]
    assert shown("untrusted") == ["adobe-20220124-C.jpg"]
    assert shown("none") == ["no_manifest.jpg"]
    assert shown("trusted") == []
    assert len(shown("all")) == len(FILES)
    proxy.setFilterFixedString("TRUEPIC")  # text in any column, any case
    assert shown("all") == ["truepic-20230212-camera.jpg"]


def test_a_row_without_its_report_is_hidden_by_every_preset_but_all(qapp: QApplication) -> None:
    model = ReportTableModel()
    model.place([FILES[0]], ["a"])
    proxy = ReportFilter()
    proxy.setSourceModel(model)
    proxy.set_preset("problems")
    assert proxy.rowCount() == 0
    proxy.set_preset("all")
    assert proxy.rowCount() == 1


def test_hidden_characters_in_names_are_escaped_in_the_table(qapp: QApplication) -> None:
    model = ReportTableModel()
    model.place([Path("/tmp/\x1b[32mvalid\u202egpj.jpg")], ["odd"])
    assert model.index(0, 0).data() == "\\x1b[32mvalid\\u202egpj.jpg"
    assert "checking" in model.index(0, 0).data(Qt.ItemDataRole.AccessibleTextRole)


def test_the_revocation_column_says_how_it_was_handled(qapp: QApplication, tmp_path: Path) -> None:
    found = revocation_reports(tmp_path)
    model = ReportTableModel()
    paths = [tmp_path / f"{name}.jpg" for name in found]
    for row, report in zip(model.place(paths, [str(p) for p in paths]), found.values(), strict=True):
        model.set_report(row, report)
    revoked_at = str((found["revoked"].revocation and found["revoked"].revocation.revoked_at) or "")[:10]
    assert [_text(model, row, "Revocation") for row in range(3)] == [
        "not revoked", f"revoked {revoked_at}", "not checked (checks off)"]
    tooltip = str(model.index(1, COLUMNS.index("Revocation")).data(Qt.ItemDataRole.ToolTipRole))
    assert "keyCompromise" in tooltip and "intermediate CA" in tooltip
