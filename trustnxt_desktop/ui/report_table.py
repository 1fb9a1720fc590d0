"""The batch of inspected files as a sortable, filterable table that fills in as results arrive."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QModelIndex, QObject, QSortFilterProxyModel, Qt

from ..domain.ai import disclosure
from ..domain.cross_check import agreement_label, differs
from ..domain.display import device_name, place_text, visible
from ..domain.report import InspectionReport, Verdict
from ..domain.times import signing_time_text
from ..domain.timestamps import revocation_line, revocation_short
from ..services.repository.recovery import recovered_label
from .icons import badge, verdict_icon
from .plain_text import tip
from .table_model import INDEX, ColumnsModel
from .theme import VERDICTS

SORT_ROLE = Qt.ItemDataRole.UserRole + 2
REPORT_ROLE = Qt.ItemDataRole.UserRole + 1

COLUMNS = ("File", "Verdict", "Signer", "Trust source", "Signed at", "Device", "Location", "AI", "Validators",
           "Revocation", "Recovered", "Manifests", "SHA-256")
_MANIFESTS = COLUMNS.index("Manifests")
_SIGNED_AT = COLUMNS.index("Signed at")
_REVOCATION = COLUMNS.index("Revocation")
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
    "disagree": "Only where the validators disagree",
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
        signing_time_text(r),  # with its marker: a timestamp authority's time, or the signer's own
        device_name(capture.make, capture.model) if capture else "",
        place_text(capture.gps, digits=5, altitude=False) if capture and capture.gps else "",  # a narrow column
        disclosure(r).label,
        agreement_label(r),  # the second, independent validator: agree | differ | one only
        revocation_short(r.revocation),  # not revoked | revoked <date> | not checked (why)
        recovered_label(r),  # credentials found by fingerprint, not embedded: "trusted, PDQ 2 bits"
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
        self._rows: dict[str, int] = {}  # a placed file's identity -> its row

    def row_total(self) -> int:
        return len(self.paths)

    def data(self, index: INDEX, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
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
            if column == _MANIFESTS:
                return report.manifests if report else -1
            return (_cell(report, column) if report or column else self.paths[row].name).lower()
        if role == Qt.ItemDataRole.DecorationRole and column == 1:
            return verdict_icon(report.verdict, 24) if report else badge("question", "#9e9e9e", 24)
        if role == Qt.ItemDataRole.ToolTipRole:
            if report and column == _SIGNED_AT and (when := signing_time_text(report)):
                return tip(when)  # whole, should the column be too narrow for its marker
            if report and column == _REVOCATION and report.revocation is not None:
                return tip(revocation_line(report.revocation))  # which certificates, how, when, or why not
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

    def place(self, paths: list[Path], keys: list[str]) -> list[int]:
        """The rows for files being opened, one per file (`keys`: each file's identity, e.g. its real path).
        A file already listed keeps its row, emptied to be checked again: the fresh result replaces the old
        one, and the table, the CSV and the PDF never list a file twice. New files are appended."""
        rows: list[int] = []
        placed: set[int] = set()
        new: list[Path] = []
        for path, key in zip(paths, keys, strict=True):
            row = self._rows.get(key)
            if row is None:
                row = self._rows[key] = len(self.paths) + len(new)
                new.append(path)
            elif row in placed:
                continue  # the same file twice in one opening
            else:
                self.reports[row] = None
                self.stopped.discard(row)
                self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))
            rows.append(row)
            placed.add(row)
        self.add(new)
        return rows

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
        self.paths, self.reports, self.stopped, self._rows = [], [], set(), {}
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
        if not isinstance(model, ReportTableModel):
            return True
        report = model.reports[source_row]
        if self.preset != "all":
            if report is None:
                return False
            keep = {
                "problems": report.verdict in (Verdict.INVALID, Verdict.ERROR),
                "ai": bool(disclosure(report).generated),
                "trusted": report.verdict is Verdict.TRUSTED,
                "untrusted": report.verdict is Verdict.VALID,
                "none": report.verdict is Verdict.NONE,
                "disagree": differs(report),
            }[self.preset]
            if not keep:
                return False
        return super().filterAcceptsRow(source_row, source_parent)
