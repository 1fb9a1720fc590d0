"""The inspection viewer: open or drop files, step through them, read each verdict."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from ..domain.report import InspectionReport
from ..services.backend import Backend
from ..services.batch import run_batch
from ..services.files import expand
from .drop import DropTarget
from .icons import badge, verdict_icon
from .report_view import ReportView
from .tasks import TaskOwner
from .theme import VERDICTS

REPORT_ROLE = Qt.ItemDataRole.UserRole + 1


class InspectView(QWidget):
    call_finished = Signal()  # a billable call happened
    report_ready = Signal(object)  # InspectionReport, for status messages and exports

    def __init__(self, backend: Callable[[], Backend], jobs: int, on_error: Callable[[str], None],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._backend = backend
        self._jobs = jobs
        self._tasks = TaskOwner(on_error)
        self.drop = DropTarget("Drop received files or folders here to check their Content Credentials.", self)
        self.drop.paths_dropped.connect(self.open_paths)
        self.open_button = QPushButton("&Open files…")
        self.open_button.clicked.connect(self.pick_files)
        self.cancel_button = QPushButton("Stop checking")
        self.cancel_button.clicked.connect(self.cancel)
        self.progress = QProgressBar()
        self.progress.setAccessibleName("Inspection progress")
        self.progress.hide()
        self.files = QListWidget()
        self.files.setAccessibleName("Opened files")
        self.files.setIconSize(QSize(28, 28))
        self.files.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.files.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.files.currentItemChanged.connect(self._show_current)
        self.report = ReportView(on_error)
        self.placeholder = QLabel("Open or drop files to see who signed them, whether they were changed, "
                                  "how they were made, and whether AI was involved.")
        self.placeholder.setWordWrap(True)
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        buttons = QHBoxLayout()
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.cancel_button)
        left_layout.addLayout(buttons)
        left_layout.addWidget(self.files, 1)
        left_layout.addWidget(self.progress)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.placeholder, 1)
        right_layout.addWidget(self.report, 1)
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 3)
        splitter.setSizes([280, 840])
        layout = QVBoxLayout(self)
        layout.addWidget(self.drop)
        layout.addWidget(splitter, 1)
        self.setAcceptDrops(True)
        self._active_batches = 0
        self._update_busy()

    # -- opening ------------------------------------------------------------------------------
    def pick_files(self) -> None:
        files, _ = QFileDialog.getOpenFileNames(self, "Choose files to inspect")
        if files:
            self.open_paths([Path(f) for f in files])

    def open_paths(self, paths: list[Path]) -> None:
        self._tasks.spawn(self.open_paths_async(paths))

    async def open_paths_async(self, paths: list[Path]) -> list[InspectionReport]:
        found = await asyncio.to_thread(expand, paths)
        items = []
        for f in found:
            item = QListWidgetItem(badge("question", "#9e9e9e", 32), f"{f.path.name}\nchecking…")
            item.setData(Qt.ItemDataRole.UserRole, str(f.path))
            self.files.addItem(item)
            items.append(item)
        if items and self.files.currentItem() is None:
            self.files.setCurrentItem(items[0])
        if self._active_batches == 0:
            self.progress.setRange(0, 0)
            self.progress.setValue(0)
        self.progress.setMaximum(self.progress.maximum() + len(items))  # batches dropped meanwhile add up
        self._active_batches += 1
        self._update_busy()

        def landed(index: int, item: QListWidgetItem, report: InspectionReport) -> None:
            self.progress.setValue(self.progress.value() + 1)
            self._set_result(item, report)

        try:
            return await run_batch(items, lambda item: self._backend().inspect(Path(item.data(Qt.ItemDataRole.UserRole))),
                                   self._jobs, landed)
        finally:
            for item in items:
                if item.data(REPORT_ROLE) is None:
                    item.setText(f"{Path(item.data(Qt.ItemDataRole.UserRole)).name}\nnot checked (stopped)")
            self._active_batches -= 1
            self._update_busy()

    async def wait_idle(self) -> None:
        await self._tasks.wait()

    def cancel(self) -> None:
        self._tasks.cancel_all()

    def _set_result(self, item: QListWidgetItem, report: InspectionReport) -> None:
        item.setData(REPORT_ROLE, report)
        item.setIcon(verdict_icon(report.verdict, 32))
        item.setText(f"{report.file.name}\n{VERDICTS[report.verdict].title}")
        item.setToolTip(report.summary)
        self.call_finished.emit()
        self.report_ready.emit(report)
        if item is self.files.currentItem():
            self._show_current(item, None)

    def _show_current(self, current: QListWidgetItem | None, _previous: QListWidgetItem | None) -> None:
        report = current.data(REPORT_ROLE) if current is not None else None
        if report is None:
            self.report.clear()
            self.placeholder.setVisible(True)
            self.placeholder.setText("Checking…" if current is not None else self.placeholder.text())
            return
        self.placeholder.setVisible(False)
        self.report.show_report(report)

    def _update_busy(self) -> None:
        busy = self._active_batches > 0
        self.progress.setVisible(busy)
        self.cancel_button.setEnabled(busy)

    def reports(self) -> list[InspectionReport]:
        out = []
        for i in range(self.files.count()):
            report = self.files.item(i).data(REPORT_ROLE)
            if report is not None:
                out.append(report)
        return out

    def step(self, delta: int) -> None:
        row = self.files.currentRow() + delta
        if 0 <= row < self.files.count():
            self.files.setCurrentRow(row)

    # -- drops and shutdown ---------------------------------------------------------------------
    def dragEnterEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        self.drop.dragEnterEvent(event)

    def dragMoveEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        self.drop.dragMoveEvent(event)

    def dropEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        self.drop.dropEvent(event)

    async def aclose(self) -> None:
        self._tasks.cancel_all()
        await self.report.aclose()
