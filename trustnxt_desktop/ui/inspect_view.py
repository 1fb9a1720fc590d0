"""The inspection viewer: open or drop files or whole folders, sort and filter the results, read each one."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ..domain.display import plural
from ..domain.report import InspectionReport, RecoveredCredentials, Verdict
from ..services.backends.batch import inspect_batch
from ..services.backends.protocol import Backend
from ..services.derive import DerivedCopies
from ..services.files import expand
from ..services.records.export_formats import described_list, export_format
from ..services.records.exports import ExportFolder
from ..services.records.report_signing import describe_signature
from ..services.repository.recovery_service import RecoveryService
from .copy_dialogs import CopyActions
from .drop import DropTarget, ForwardsDrops, ask_for_paths
from .export_menu import export_menu, write_export
from .recovered_view import RecoveryState
from .report_table import FILTERS, REPORT_ROLE, ReportFilter, ReportTableModel
from .report_view import ReportView
from .save_dialog import ask_export_path
from .tasks import TaskOwner


def _expand_with_identity(paths: list[Path]) -> tuple[list[Path], list[str]]:
    """The files to open (folders walked, services.files.expand) and each one's identity: its real path,
    so the same file reached by another spelling or through a link is recognised (runs in a worker)."""
    found = [f.path for f in expand(paths)]
    return found, [os.path.normcase(os.path.realpath(p)) for p in found]


# Files a derived copy cannot keep as a parent with credentials: they carry none, or none that can be read.
_NOT_COPYABLE = frozenset({Verdict.NONE, Verdict.UNSUPPORTED, Verdict.ERROR})

class InspectView(ForwardsDrops, QWidget):
    call_finished = Signal()  # a billable call happened
    report_ready = Signal(object)  # InspectionReport, for status messages
    exported = Signal(str)  # path of a written evidence file
    export_said = Signal(str)  # the status line after an export: "Saved … — signed by … (PAdES B-T, timestamped)"
    trust_settings_requested = Signal()  # the trust hint's link

    def __init__(self, backend: Backend, on_error: Callable[[str], None],
                 parent: QWidget | None = None, root: Path | None = None,
                 export_folder: ExportFolder | None = None) -> None:
        super().__init__(parent)
        self._root = root  # for the trust-list snapshots named on the PDF report's cover
        self.export_folder = export_folder or ExportFolder()
        self._backend = backend  # the app's active backend: Save may change the engine and `settings.jobs`
        self._tasks = TaskOwner(on_error)
        self._on_error_for_copies = on_error
        self._active_batches = 0
        self.drop = DropTarget("Drop received files or whole folders here to check their Content Credentials.", self)
        self.drop.paths_dropped.connect(self.open_paths)
        self.open_button = QPushButton("&Open files…")
        self.open_button.clicked.connect(self.pick_files)
        self.folder_button = QPushButton("Open a &folder…")
        self.folder_button.clicked.connect(self.pick_folder)
        self.cancel_button = QPushButton("Stop checking")
        self.cancel_button.clicked.connect(self.cancel)
        self.clear_button = QPushButton("Clear")
        self.clear_button.clicked.connect(self.clear)
        self.export_button = QPushButton("&Export…")
        self.export_button.setToolTip(f"Save the files shown (filtered and sorted) as {described_list()}")
        self.export_button.setMenu(export_menu(self.export_button, self.export))
        self.filter_choice = QComboBox()
        for key, text in FILTERS.items():
            self.filter_choice.addItem(text, key)
        self.filter_choice.setAccessibleName("Show")
        # As wide as "All files" needs, not as its longest choice (the list opens wide enough): the room
        # goes to the search field.
        self.filter_choice.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.filter_choice.setMinimumContentsLength(16)
        self.filter_choice.view().setMinimumWidth(self.filter_choice.view().sizeHintForColumn(0) + 24)
        self.search = QLineEdit()
        # Short enough to show whole in a crowded bar; the tooltip says what it searches.
        self.search.setPlaceholderText("Search…")
        self.search.setToolTip("Shows only the files with this text in any column: name, verdict, signer, trust "
                               "source, signing time, device, place, SHA-256…")
        self.search.setAccessibleName("Search")
        self.search.setClearButtonEnabled(True)
        # Never narrower than its placeholder (plus the clear button): a cut-off hint reads as a typo.
        self.search.setMinimumWidth(self.search.fontMetrics().horizontalAdvance(self.search.placeholderText()) + 40)
        self.count_label = QLabel()
        self.progress = QProgressBar()
        self.progress.setAccessibleName("Inspection progress")
        self.progress.setMaximumWidth(220)

        # Parented models: Qt, not Python's garbage collector (which may run on any thread), deletes them.
        self.model = ReportTableModel(self)
        self.proxy = ReportFilter(self)
        self.proxy.setSourceModel(self.model)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(-1, Qt.SortOrder.AscendingOrder)  # arrival order until someone sorts
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        for column, width in enumerate((240, 200, 170, 190, 320, 120, 150, 40, 90, 170, 75)):
            self.table.setColumnWidth(column, width)
        self.table.setAccessibleName("Inspected files")
        self.table.selectionModel().currentRowChanged.connect(lambda current, _prev: self._show(current))
        self.filter_choice.currentIndexChanged.connect(self._filter_changed)
        self.search.textChanged.connect(self._search_changed)

        # Says why nobody shows as trusted when no trust list is available (none shipped intact, none downloaded).
        self.trust_hint = QLabel()
        self.trust_hint.setObjectName("trustHint")
        self.trust_hint.setWordWrap(True)
        self.trust_hint.setStyleSheet("#trustHint { background: #fff3e0; color: #8a4b00; padding: 6px;"
                                      " border-radius: 6px; }")
        self.trust_hint.setAccessibleName("Trust lists")
        self.trust_hint.linkActivated.connect(lambda _link: self.trust_settings_requested.emit())
        self.trust_hint.setVisible(False)
        self.report = ReportView(on_error)
        self.recovery: RecoveryService | None = None  # offer_recovery: look pictures without credentials up
        self._reassociating: DerivedCopies | None = None  # offer_recovery: signs re-associated copies
        self._recovery_states: dict[str, RecoveryState] = {}  # a file's path -> where its look-up stands
        self.placeholder = QLabel("Open or drop files to see who signed them, whether they were changed, "
                                  "how they were made, and whether AI was involved.")
        self.placeholder.setWordWrap(True)
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)

        bar = QHBoxLayout()
        for w in (self.open_button, self.folder_button, self.cancel_button, self.clear_button, self.export_button):
            bar.addWidget(w)
        self._bar = bar  # offer_copies adds Export for web and Edit caption here
        self.copy_actions: CopyActions | None = None
        bar.addStretch(1)
        # Filter and search on a row of their own: beside seven buttons they made the window wider than a
        # 1280-pixel screen.
        find_bar = QHBoxLayout()
        find_bar.addWidget(QLabel("Show:"))
        find_bar.addWidget(self.filter_choice)
        find_bar.addWidget(self.search, 1)
        find_bar.addWidget(self.count_label)
        find_bar.addWidget(self.progress)
        details = QWidget()
        details_layout = QVBoxLayout(details)
        details_layout.setContentsMargins(0, 0, 0, 0)
        details_layout.addWidget(self.placeholder, 1)
        details_layout.addWidget(self.report, 1)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(details)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setSizes([200, 560])
        layout = QVBoxLayout(self)
        layout.addWidget(self.drop)
        layout.addLayout(bar)
        layout.addLayout(find_bar)
        layout.addWidget(self.trust_hint)
        layout.addWidget(self.splitter, 1)
        self.setAcceptDrops(True)
        self._update_busy()

    def offer_copies(self, copies: DerivedCopies) -> CopyActions:
        """Add Export for web and Edit caption for the current file when it carries Content Credentials: the new
        signed copy keeps it as its parent, and opens here so its history can be read at once."""
        self.copy_actions = CopyActions(copies, self._on_error_for_copies, self)
        self.export_web_button = QPushButton("Export for &web…")
        self.caption_button = QPushButton("Edit capt&ion…")
        self.export_web_button.setToolTip("Save a smaller signed copy of this file for publishing; its history "
                                          "leads back to this file")
        self.caption_button.setToolTip("Save a signed copy of this file with a new caption, credit line or keywords")
        at = self._bar.indexOf(self.export_button) + 1
        for i, button in enumerate((self.export_web_button, self.caption_button)):
            self._bar.insertWidget(at + i, button)
            button.setEnabled(False)
        self.export_web_button.clicked.connect(lambda: self._copy(self.copy_actions.export_for_web
                                                                  if self.copy_actions else None))
        self.caption_button.clicked.connect(lambda: self._copy(self.copy_actions.edit_caption
                                                               if self.copy_actions else None))
        self.copy_actions.made.connect(lambda result: self.open_paths([result.output]))
        self.table.selectionModel().currentChanged.connect(lambda *_: self._update_copy_buttons())
        self.model.dataChanged.connect(lambda *_: self._update_copy_buttons())
        return self.copy_actions

    def offer_recovery(self, recovery: RecoveryService, copies: DerivedCopies | None = None) -> None:
        """Look pictures without credentials up in the manifest repositories (RecoveryService says which are looked
        up by themselves and which on "Look up"), and show what was found in the report; with `copies`, each
        candidate offers a signed copy of the file carrying it, re-associated by fingerprint."""
        self.recovery = recovery
        self._reassociating = copies
        self.report.recovery_state = self._recovery_state
        self.report.look_up_requested.connect(self.look_up)
        self.report.offers_reembed = copies is not None
        self.report.reembed_requested.connect(
            lambda report, candidate: self._tasks.spawn(self.reembed_async(report, candidate)))

    async def reembed_async(self, report: InspectionReport, candidate: RecoveredCredentials) -> Path:
        """Save a copy of `report`'s file next to it carrying `candidate` as re-associated by fingerprint (never the
        file itself changed, never an existing file replaced); the copy then opens here, and the status line says
        where it is."""
        assert self.recovery is not None and self._reassociating is not None
        made = await self.recovery.reembed(report, candidate, self._reassociating)
        self.export_said.emit(f"Saved {made} — a copy carrying the recovered credentials, re-associated by "
                              "fingerprint")
        self.open_paths([made])
        return made

    def _recovery_state(self, report: InspectionReport) -> RecoveryState | None:
        if self.recovery is None or not (report.recovered or self.recovery.wanted(report)):
            return None
        return self._recovery_states.get(report.file.path) or RecoveryState(can_look_up=True)

    def look_up(self, report: InspectionReport) -> None:
        self._tasks.spawn(self.look_up_async(report))

    async def look_up_async(self, report: InspectionReport) -> InspectionReport:
        """Search the manifest repositories for `report`'s picture; its row then shows what was found (the
        report's copy with `recovered`). Returns that copy."""
        assert self.recovery is not None
        key = report.file.path
        self._recovery_states[key] = RecoveryState(searching=True)
        self._refresh(report)
        try:
            outcome = await self.recovery.recover(report)
        except BaseException:
            self._recovery_states[key] = RecoveryState(can_look_up=True)
            self._refresh(report)
            raise
        self._recovery_states[key] = RecoveryState(said=outcome.searched, can_look_up=not outcome.report.recovered)
        row = next((i for i, r in enumerate(self.model.reports) if r is report), None)
        if row is not None:  # not cleared or checked again meanwhile
            self.model.set_report(row, outcome.report)
            self._refresh(outcome.report)
        return outcome.report

    def _refresh(self, report: InspectionReport) -> None:
        """Show the current row again when it is `report`'s."""
        current = self.table.currentIndex()
        if current.isValid() and current.data(REPORT_ROLE) is report:
            self._show(current)

    def current_copyable(self) -> Path | None:
        """The current file when it carries Content Credentials of its own (a protected copy, a camera original
        that signs): what Export for web and Edit caption act on."""
        report = self.table.selectionModel().currentIndex().data(REPORT_ROLE)
        if not isinstance(report, InspectionReport) or report.verdict in _NOT_COPYABLE:
            return None
        return Path(report.file.path)

    def _update_copy_buttons(self) -> None:
        if self.copy_actions is not None:
            enabled = self.current_copyable() is not None
            self.export_web_button.setEnabled(enabled)
            self.caption_button.setEnabled(enabled)

    def _copy(self, action: Callable[[Path], None] | None) -> None:
        if action is not None and (path := self.current_copyable()) is not None:
            action(path)

    def set_trust_hint(self, text: str | None) -> None:
        self.trust_hint.setText(text or "")
        self.trust_hint.setVisible(bool(text))

    # -- opening ------------------------------------------------------------------------------
    def pick_files(self) -> None:
        if paths := ask_for_paths(self, "inspect", folder=False):
            self.open_paths(paths)

    def pick_folder(self) -> None:
        if paths := ask_for_paths(self, "inspect", folder=True):
            self.open_paths(paths)

    def open_paths(self, paths: list[Path]) -> None:
        self._tasks.spawn(self.open_paths_async(paths))

    async def open_paths_async(self, paths: list[Path]) -> list[InspectionReport]:
        found, keys = await asyncio.to_thread(_expand_with_identity, paths)
        # A file opened again keeps its one row and is checked again: the fresh result replaces the old.
        rows = self.model.place(found, keys)
        if rows:  # what was just opened is what the person wants to read: its first file becomes current
            shown = self.proxy.mapFromSource(self.model.index(rows[0], 0))
            if shown.isValid():
                self.select_row(shown.row())
                self._show(shown)  # "Checking…", also when that row was already the current one
                self.table.scrollTo(shown)
        if self._active_batches == 0:
            self.progress.setRange(0, 0)
            self.progress.setValue(0)
        self.progress.setMaximum(self.progress.maximum() + len(rows))  # batches dropped meanwhile add up
        self._active_batches += 1
        self._update_busy()

        def landed(index: int, row: int, report: InspectionReport) -> None:
            self.progress.setValue(self.progress.value() + 1)
            self.model.set_report(row, report)
            self._recovery_states.pop(report.file.path, None)  # checked again: looked up afresh
            if self.recovery is not None and self.recovery.automatic(report):
                self.look_up(report)
            if self.recovery is not None and self.recovery.keeps(report):  # Settings › Privacy: off by default
                self._tasks.spawn(self.recovery.keep_inspected(report))
            self.call_finished.emit()
            self.report_ready.emit(report)
            self._update_count()
            current = self.table.currentIndex()
            if current.isValid() and self.proxy.mapToSource(current).row() == row:
                self._show(current)

        try:
            # The local engine takes the whole batch at once (files queued ahead on each isolated worker).
            reports = await inspect_batch(self._backend, [self.model.paths[r] for r in rows],
                                          self._backend.settings.jobs,
                                          lambda i, _path, report: landed(i, rows[i], report))
            return [r for r in reports if r is not None]
        finally:
            if rows and self.model.rowCount() > max(rows):  # not cleared meanwhile
                self.model.mark_stopped(rows)
            self._active_batches -= 1
            self._update_busy()

    async def wait_idle(self) -> None:
        await self._tasks.wait()

    def cancel(self) -> None:
        self._tasks.cancel_all()

    def clear(self) -> None:
        self.cancel()
        self.model.clear()
        self._recovery_states.clear()
        self.report.clear()
        self.placeholder.setVisible(True)
        self._update_count()

    # -- evidence -------------------------------------------------------------------------------
    def export(self, kind: str) -> None:
        """Ask where to save the files shown as the export format named `kind` (services.records.export_formats)."""
        fmt = export_format(kind)
        target = ask_export_path(self, "Export the files shown", f"inspection-report{fmt.suffix}", fmt.file_filter,
                                 self.export_folder)
        if target:
            self._tasks.spawn(self.export_async(kind, target))

    async def export_async(self, kind: str, target: Path) -> Path:
        await write_export(export_format(kind), self.visible_reports(), target, self._root)
        said = f"Saved {target}"
        if kind == "pdf":  # what the saved report's own signature is, read back from the file
            said += f" — {await asyncio.to_thread(describe_signature, target, self._root)}"
        self.exported.emit(str(target))
        self.export_said.emit(said)
        return target

    # -- looking at results -------------------------------------------------------------------
    def select_row(self, row: int) -> None:
        """Select a row of the table as shown (after sorting and filtering)."""
        index = self.proxy.index(row, 0)
        if index.isValid():
            self.table.selectionModel().setCurrentIndex(
                index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)

    def step(self, delta: int) -> None:
        row = self.table.currentIndex().row() + delta
        if 0 <= row < self.proxy.rowCount():
            self.select_row(row)

    def visible_reports(self) -> list[InspectionReport]:
        """The reports as the table shows them: filtered and sorted (what an export should contain)."""
        out = []
        for row in range(self.proxy.rowCount()):
            report = self.proxy.index(row, 0).data(REPORT_ROLE)
            if report is not None:
                out.append(report)
        return out

    def reports(self) -> list[InspectionReport]:
        return [r for r in self.model.reports if r is not None]

    def _show(self, index: QModelIndex) -> None:
        report = index.data(REPORT_ROLE) if index.isValid() else None
        if report is None:
            self.report.clear()
            self.placeholder.setVisible(True)
            if index.isValid():
                self.placeholder.setText("Checking…")
            return
        self.placeholder.setVisible(False)
        self.report.show_report(report)

    def _filter_changed(self) -> None:
        self.proxy.set_preset(self.filter_choice.currentData())
        self._update_count()

    def _search_changed(self, text: str) -> None:
        self.proxy.setFilterFixedString(text)
        self._update_count()

    def _update_count(self) -> None:
        total, shown = self.model.rowCount(), self.proxy.rowCount()
        self.count_label.setText(f"{shown:,} of {plural(total, 'file')}" if shown != total else plural(total, "file"))

    def _update_busy(self) -> None:
        busy = self._active_batches > 0
        self.progress.setVisible(busy)
        self.cancel_button.setEnabled(busy)

    # -- shutdown -------------------------------------------------------------------------------
    async def aclose(self) -> None:
        await self._tasks.aclose()
        if self.copy_actions is not None:
            await self.copy_actions.aclose()
        await self.report.aclose()
