"""The batch of inspected files as a sortable, filterable table that fills in as results arrive."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QModelIndex, QObject, QSortFilterProxyModel, Qt

from ..domain.ai import disclosure
from ..domain.display import device_name, visible
from ..domain.report import InspectionReport, Verdict
from .icons import badge, verdict_icon
from .plain_text import tip
from .table_model import INDEX, ColumnsModel
from .theme import VERDICTS

SORT_ROLE = Qt.ItemDataRole.UserRole + 2
REPORT_ROLE = Qt.ItemDataRole.UserRole + 1

COLUMNS = ("File", "Verdict", "Signer", "Trust source", "Signed at", "Device", "Location", "AI", "Manifests",
           "SHA-256")
# Verdicts sorted by how much attention they need: problems first.
_SEVERITY = {Verdict.INVALID: 0, Verdict.ERROR: 1, Verdict.UNVERIFIED: 2, Verdict.VALID: 3, Verdict.TRUSTED: 4,
             Verdict.NONE: 5, Verdict.UNSUPPORTED: 6}

FILTERS: dict[str, str] = {
    "all": "All files",
    "problems": "Only problems (failed or unreadable)",
    "ai": "Only AI-generated",
    "trusted": "Only trusted",
    "untrusted": "Intact but signer not trusted",
    "none": "Only without credentials",
}


def _cell(report: InspectionReport | None, column: int, stopped: bool = False) -> str:
    if report is None:
        return ("not checked (stopped)" if stopped else "checking…") if column == 1 else ""
    r = report
    capture = r.capture or r.capture_unsigned
    values = (
        r.file.name,
        VERDICTS[r.verdict].title,
        r.signer.common_name if r.signer and r.signer.common_name else "",
        r.signer.trust_source if r.signer and r.signer.trust_source else "",
        (r.signed_at or "")[:19].replace("T", " "),
        device_name(capture.make, capture.model) if capture else "",
        f"{capture.gps.lat:.5f}, {capture.gps.lon:.5f}" if capture and capture.gps else "",
        disclosure(r).label,
        str(r.manifests) if r.manifests else "",
        r.file.sha256,
    )
    return values[column]


class ReportTableModel(ColumnsModel):
    COLUMNS = COLUMNS

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.paths: list[Path] = []
        self.reports: list[InspectionReport | None] = []
        self.stopped: set[int] = set()

    def row_total(self) -> int:
        return len(self.paths)

    def data(self, index: INDEX, role: int = Qt.ItemDataRole.DisplayRole):  # type: ignore[no-untyped-def]
        if not index.isValid():
            return None
        row, column = index.row(), index.column()
        report = self.reports[row]
        if role == Qt.ItemDataRole.DisplayRole:  # names and manifest strings with hidden characters escaped
            return visible(_cell(report, column, row in self.stopped) if report or column else self.paths[row].name)
        if role == REPORT_ROLE:
            return report
        if role == SORT_ROLE:
            if column == 1:
                return _SEVERITY[report.verdict] if report else 99
            if column == 8:
                return report.manifests if report else -1
            return (_cell(report, column) if report or column else self.paths[row].name).lower()
        if role == Qt.ItemDataRole.DecorationRole and column == 1:
            return verdict_icon(report.verdict, 24) if report else badge("question", "#9e9e9e", 24)
        if role == Qt.ItemDataRole.ToolTipRole:
            return tip(report.summary if report else str(self.paths[row]))
        if role == Qt.ItemDataRole.AccessibleTextRole and column == 0:
            return visible(f"{self.paths[row].name}: {VERDICTS[report.verdict].title if report else 'checking'}")
        return None

    def add(self, paths: list[Path]) -> int:
        first = len(self.paths)
        if paths:
            self.beginInsertRows(QModelIndex(), first, first + len(paths) - 1)
            self.paths.extend(paths)
            self.reports.extend([None] * len(paths))
            self.endInsertRows()
        return first

    def set_report(self, row: int, report: InspectionReport) -> None:
        self.reports[row] = report
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))

    def mark_stopped(self, rows: list[int]) -> None:
        for row in rows:
            if self.reports[row] is None:
                self.stopped.add(row)
                self.dataChanged.emit(self.index(row, 1), self.index(row, 1))

    def clear(self) -> None:
        self.beginResetModel()
        self.paths, self.reports, self.stopped = [], [], set()
        self.endResetModel()


class ReportFilter(QSortFilterProxyModel):
    """Filter by a preset (only problems, only AI-generated…) and by text in any column."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.preset = "all"
        self.setSortRole(SORT_ROLE)
        self.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setFilterKeyColumn(-1)

    def set_preset(self, preset: str) -> None:
        self.beginFilterChange()
        self.preset = preset
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: INDEX) -> bool:
        model = self.sourceModel()
        report: InspectionReport | None = model.reports[source_row]  # type: ignore[attr-defined]
        if self.preset != "all":
            if report is None:
                return False
            keep = {
                "problems": report.verdict in (Verdict.INVALID, Verdict.ERROR),
                "ai": bool(disclosure(report).generated),
                "trusted": report.verdict is Verdict.TRUSTED,
                "untrusted": report.verdict is Verdict.VALID,
                "none": report.verdict is Verdict.NONE,
            }[self.preset]
            if not keep:
                return False
        return super().filterAcceptsRow(source_row, source_parent)
