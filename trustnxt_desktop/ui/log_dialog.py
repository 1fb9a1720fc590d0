"""The verification log, browsable: every inspection on this computer, its chain checked, exportable.

The whole chain is re-verified each time the dialog opens (in a worker thread); an edited, removed or
moved entry turns the banner red and selects the first bad entry. Each entry says whether the two validators
agreed on its file (the Validators column; the detail under the table says what each said and where they
differed), and the search finds those words too ("differ", "one only", a field such as "trust").
"""

from __future__ import annotations

import asyncio
import html
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QSortFilterProxyModel, Qt
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ..domain.display import visible
from ..services.records.exports import ExportFolder, write_text
from ..services.records.verification_log import (
    LogEntry,
    VerificationLog,
    VerifyResult,
    validators_cell,
    validators_detail,
)
from .icons import verdict_icon
from .plain_text import tip
from .save_dialog import ask_export_path
from .table_model import INDEX, ColumnsModel
from .tasks import TaskOwner, delete_when_idle
from .theme import VERDICTS

COLUMNS = ("#", "Time (UTC)", "File", "Verdict", "Validators", "SHA-256", "Engine", "Trust lists")
_OK_STYLE = "background: #e8f5e9; color: #1b5e20; padding: 8px; border-radius: 6px;"
_BAD_STYLE = "background: #ffebee; color: #b71c1c; padding: 8px; border-radius: 6px;"


def _verdict_title(value: str) -> str:
    return next((style.title for v, style in VERDICTS.items() if v.value == value), value)


def _verdict_icon(value: str) -> QIcon | None:
    verdict = next((v for v in VERDICTS if v.value == value), None)
    return verdict_icon(verdict, 16) if verdict else None


class LogTableModel(ColumnsModel):
    COLUMNS = COLUMNS

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.entries: list[LogEntry] = []
        self.bad_seq: int | None = None

    def row_total(self) -> int:
        return len(self.entries)

    def data(self, index: INDEX, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        e = self.entries[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (e.seq, e.time.replace("T", " ")[:23], visible(e.file), _verdict_title(e.verdict),
                    validators_cell(e.cross_check), e.sha256[:16] + "…", e.engine,
                    "; ".join(e.trust_lists) or "none")[col]
        if role == Qt.ItemDataRole.ToolTipRole:
            full = {2: e.file, 4: validators_detail(e), 5: e.sha256, 6: e.engine, 7: "\n".join(e.trust_lists)}
            return tip(full.get(col, f"entry hash {e.hash}"))
        if role == Qt.ItemDataRole.DecorationRole and col == 3:
            return _verdict_icon(e.verdict)
        if role == Qt.ItemDataRole.UserRole:  # sort and search key
            return (e.seq, e.time, e.file.lower(), e.verdict, validators_cell(e.cross_check), e.sha256, e.engine,
                    "; ".join(e.trust_lists))[col]
        if role == Qt.ItemDataRole.BackgroundRole and self.bad_seq is not None and e.seq >= self.bad_seq:
            return QColor("#ffcdd2")
        if role == Qt.ItemDataRole.ForegroundRole and self.bad_seq is not None and e.seq >= self.bad_seq:
            return QColor("#000000")
        return None

    def replace(self, entries: list[LogEntry], bad_seq: int | None) -> None:
        self.beginResetModel()
        self.entries, self.bad_seq = entries, bad_seq
        self.endResetModel()

    def row_of(self, seq: int) -> int | None:
        return next((i for i, e in enumerate(self.entries) if e.seq >= seq), None)


class LogFilter(QSortFilterProxyModel):
    """Searches file name, sha256 and what the validators said (agree, differ, one only, the fields they
    differed on, the second validator's name); sorts on the raw values."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setSortRole(Qt.ItemDataRole.UserRole)
        self.needle = ""

    def set_needle(self, text: str) -> None:
        self.beginFilterChange()
        self.needle = text.strip().lower()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: INDEX) -> bool:
        if not self.needle:
            return True
        source = self.sourceModel()
        if not isinstance(source, LogTableModel):
            return True
        e = source.entries[source_row]
        return any(self.needle in text for text in (e.file.lower(), e.sha256, validators_cell(e.cross_check),
                                                    validators_detail(e).lower()))


def result_text(result: VerifyResult) -> str:
    notes = "".join(f"<br><small>{html.escape(note)}</small>" for note in result.notes)
    if result.ok:
        if not result.entries:
            return "The log is empty: nothing has been inspected on this computer yet." + notes
        checked = "The only entry checks out" if result.entries == 1 else f"All {result.entries:,} entries check out"
        return (f"<b>Intact.</b> {checked}: none was edited, removed or moved. "
                f"Head hash <code>{result.head}</code> — note it in your case file to prove the log later." + notes)
    if result.first_bad is None:  # the log as a whole: shortened, replaced, or an earlier part damaged
        return (f"<b>Not intact:</b> {html.escape(result.problem)} Keep the log's files as they are and compare "
                "them with an earlier export." + notes)
    return (f"<b>Altered at entry {result.first_bad}:</b> {html.escape(result.problem)} Entries from there on cannot "
            "be relied on; keep the log's files as they are and compare them with an earlier export." + notes)


class VerificationLogDialog(QDialog):
    def __init__(self, open_log: Callable[[], VerificationLog], parent: QWidget | None = None,
                 export_folder: ExportFolder | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Verification log")
        self.resize(1180, 600)
        self._open_log = open_log
        self.export_folder = export_folder or ExportFolder()
        self._tasks = TaskOwner(self._say)
        self.verified: VerifyResult | None = None  # the last check of the chain (QDialog has a result())

        self.banner = QLabel("Checking the log…")
        self.banner.setWordWrap(True)
        self.banner.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.banner.setAccessibleName("Log check result")
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search file name, SHA-256 or validators (e.g. “differ”)…")
        self.search.setAccessibleName("Search the log")
        self.search.setClearButtonEnabled(True)
        self.model = LogTableModel(self)
        self.proxy = LogFilter(self)
        self.proxy.setSourceModel(self.model)
        self.search.textChanged.connect(self.proxy.set_needle)
        QShortcut(QKeySequence.StandardKey.Find, self).activated.connect(self.search.setFocus)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setAccessibleName("Verification log entries")
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)  # newest first
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 10)
        for col, width in enumerate((50, 170, 230, 200, 80, 135, 180)):
            self.table.setColumnWidth(col, width)
        self.detail = QLabel("Select an entry to see what the two validators said about its file.")
        self.detail.setWordWrap(True)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.detail.setAccessibleName("What the validators said")
        self.table.selectionModel().currentRowChanged.connect(lambda current, _previous: self._show_detail(current))

        self.verify_button = QPushButton("Check a&gain")
        self.copy_button = QPushButton("Copy &head hash")
        self.json_button = QPushButton("Export &JSON…")
        self.csv_button = QPushButton("Export &CSV…")
        close = QPushButton("Close")
        self.verify_button.clicked.connect(lambda: self._tasks.spawn(self.load_async()))
        self.copy_button.clicked.connect(self._copy_head)
        self.json_button.clicked.connect(lambda: self._export("json"))
        self.csv_button.clicked.connect(lambda: self._export("csv"))
        close.clicked.connect(self.reject)
        self.copy_button.setEnabled(False)
        buttons = QHBoxLayout()
        for b in (self.verify_button, self.copy_button, self.json_button, self.csv_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(close)
        self.message = QLabel()
        self.message.setAccessibleName("Log message")
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addWidget(self.search)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.detail)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.finished.connect(lambda _r: delete_when_idle(self, self._tasks))
        self._tasks.spawn(self.load_async())

    async def load_async(self) -> VerifyResult:
        self.verify_button.setEnabled(False)
        self.banner.setText("Checking every entry of the log…")
        try:
            result, entries = await asyncio.to_thread(self._read)
        finally:
            self.verify_button.setEnabled(True)
        self.verified = result
        self.model.replace(entries, None if result.ok else result.first_bad)
        self.banner.setText(result_text(result))
        self.banner.setStyleSheet(_OK_STYLE if result.ok else _BAD_STYLE)
        self.copy_button.setEnabled(result.ok and bool(result.head))
        if not result.ok and result.first_bad is not None:
            self._select(result.first_bad)
        return result

    def _read(self) -> tuple[VerifyResult, list[LogEntry]]:
        log = self._open_log()
        try:
            return log.verify(), log.entries()
        finally:
            log.close()

    def _show_detail(self, current: INDEX) -> None:
        if not current.isValid():
            return
        e = self.model.entries[self.proxy.mapToSource(current).row()]
        self.detail.setText(f"Entry {e.seq}, {visible(e.file)}: {validators_detail(e)}")

    def _select(self, seq: int) -> None:
        row = self.model.row_of(seq)
        if row is None:
            return
        index = self.proxy.mapFromSource(self.model.index(row, 0))
        self.table.selectRow(index.row())
        self.table.scrollTo(index)

    def _copy_head(self) -> None:
        if self.verified and self.verified.head:
            QGuiApplication.clipboard().setText(self.verified.head)
            self._say("Head hash copied.")

    def _export(self, kind: str) -> None:
        suffix = {"json": "JSON (*.json)", "csv": "CSV (*.csv)"}[kind]
        target = ask_export_path(self, "Export the verification log", f"verification-log.{kind}", suffix,
                                 self.export_folder)
        if target:
            self._tasks.spawn(self.export_async(target, kind))

    async def export_async(self, target: Path, kind: str) -> Path:
        def write() -> None:
            log = self._open_log()
            try:
                write_text(target, log.export_json() if kind == "json" else log.export_csv())
            finally:
                log.close()

        await asyncio.to_thread(write)
        self._say(f"Saved {target}")
        return target

    def _say(self, text: str) -> None:
        self.message.setText(text)
