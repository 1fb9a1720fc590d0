"""The Protect panel: drop photos, watch each one get its Trust Label, open the results."""

from __future__ import annotations

import asyncio
import html
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QModelIndex, QObject, QSize, Qt, Signal
from PySide6.QtGui import QAction, QIcon, QKeySequence, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ..domain.display import visible
from ..domain.jobs import JobState
from ..domain.protect import ContentSource, ProtectOptions
from ..domain.report import CheckStatus, Verdict
from ..domain.timestamps import NO_TIMESTAMP_YET, lacks_timestamp
from ..services.derive import DerivedCopies
from ..services.files import expand, media_kind
from ..services.jobs.protect_queue import ProtectJob, ProtectQueue
from ..services.later_timestamps import FAILED, LaterTimestamps, TimestampOutcome
from ..services.previews import file_preview_async
from .copy_dialogs import CopyActions
from .desktop import open_path_async, reveal_path_async
from .drop import DropTarget, ForwardsDrops, ask_for_paths
from .icons import badge, check_icon, job_state_icon
from .later_timestamps import TimestampActions
from .name_folder_delegate import FOLDER_ROLE, NameAndFolderDelegate
from .plain_text import tip
from .privacy_panel import PrivacyPanel
from .table_model import INDEX, ColumnsModel
from .tasks import TaskOwner

ROW_THUMB = 48
CLOUD_SIGNING_NOTE = ("With the TrustNXT cloud engine, protected copies are signed with the TrustNXT service's "
                      "certificate, not with your own signing identity: they name the service as the signer. "
                      "Choose the local engine in Settings to sign as yourself.")


def _kind_icon(path: Path) -> QIcon | None:
    """Until (or instead of) a picture: a glyph that says sound or video (the engine's format table)."""
    kind = media_kind(path)
    if kind == "audio":
        return badge("wave", "#6a1b9a", 48)
    if kind == "video":
        return badge("camera", "#37474f", 48)
    return None


def _warned(job: ProtectJob) -> bool:
    """Protected, but with something to say (e.g. the original's own credentials are broken or remote)."""
    return job.state is JobState.DONE and job.result is not None and bool(job.result.warnings)


def _original_words(job: ProtectJob) -> str:
    """The original's own Content Credentials, kept as the copy's parent ingredient: their verdict, in words."""
    verdict = job.result.parent_verdict if job.result is not None else None
    return f" · original's credentials: {_ORIGINAL_VERDICT.get(verdict, 'kept')}" if verdict is not None else ""


_ORIGINAL_VERDICT = {Verdict.TRUSTED: "trusted", Verdict.VALID: "valid", Verdict.INVALID: "invalid",
                     Verdict.UNVERIFIED: "not checked (stored online)", Verdict.ERROR: "unreadable"}


def _folder_text(folder: Path) -> str:
    """The folder for the queue's second line: the home folder as "~"."""
    home = Path.home()
    return f"~/{folder.relative_to(home)}" if folder.is_relative_to(home) and folder != home else str(folder)


def _claim_tip(source: ContentSource) -> str:
    term = source.digital_source_type.rsplit("/", 1)[-1]
    return f"The protected copy says the file was {source.claim} (IPTC digital source type “{term}”)."


class ProtectModel(ColumnsModel):
    """One row per job, in the order they were added."""

    COLUMNS = ("File", "Status", "Result", "Claim")
    thumbnail_wanted = Signal(int)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.rows: list[ProtectJob] = []
        self._row_of: dict[int, int] = {}
        self.thumbnails: dict[int, QPixmap | None] = {}

    def row_total(self) -> int:
        return len(self.rows)

    def data(self, index: INDEX, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        job = self.rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return visible(job.source.name)
            if column == 1:
                if _warned(job) and job.result is not None and lacks_timestamp(job.result.warnings):
                    return "Done, no timestamp yet"
                return "Done, with a warning" if _warned(job) else job.state.value.capitalize()
            if column == 3:
                return job.content_source.label
            if job.state is JobState.DONE and job.result and job.result.output:
                warn = f"  ({job.message})" if job.message else ""
                return visible(f"{job.result.output.name}{_original_words(job)}{warn}")
            return visible(job.message)
        if role == FOLDER_ROLE and column == 0:
            return visible(_folder_text(job.source.parent))
        if role == Qt.ItemDataRole.DecorationRole:
            if column == 0:
                if job.id not in self.thumbnails:
                    self.thumbnails[job.id] = None
                    self.thumbnail_wanted.emit(job.id)  # loaded lazily: only rows people actually see
                return self.thumbnails.get(job.id) or _kind_icon(job.source)
            if column == 1:
                return check_icon(CheckStatus.WARN) if _warned(job) else job_state_icon(job.state)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == 3:
                return _claim_tip(job.content_source)
            return tip(f"{job.source}\n{job.message}" if job.message else str(job.source))
        if role == Qt.ItemDataRole.AccessibleTextRole:
            claim = f" Claimed as {job.content_source.label}."
            return visible(f"{job.source.name} in {job.source.parent}: "
                           f"{'done, with a warning' if _warned(job) else job.state.value}.{claim} {job.message}")
        return None

    def upsert(self, job: ProtectJob) -> None:
        row = self._row_of.get(job.id)
        if row is None:
            row = len(self.rows)
            self.beginInsertRows(QModelIndex(), row, row)
            self.rows.append(job)
            self._row_of[job.id] = row
            self.endInsertRows()
        else:
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(self.COLUMNS) - 1))

    def set_thumbnail(self, job_id: int, pixmap: QPixmap | None) -> None:
        self.thumbnails[job_id] = pixmap
        row = self._row_of.get(job_id)
        if row is not None:
            self.dataChanged.emit(self.index(row, 0), self.index(row, 0), [Qt.ItemDataRole.DecorationRole])

    def remove(self, job_ids: list[int]) -> None:
        gone = set(job_ids)
        self.beginResetModel()
        self.rows = [j for j in self.rows if j.id not in gone]
        self._row_of = {j.id: i for i, j in enumerate(self.rows)}
        for job_id in gone:
            self.thumbnails.pop(job_id, None)
        self.endResetModel()


class ProtectView(ForwardsDrops, QWidget):
    """Drop or pick files and folders; work starts at once, several files at a time."""

    counts_changed = Signal()
    call_finished = Signal()  # a billable call happened: usage needs a refresh

    def __init__(self, queue: ProtectQueue, options: Callable[[], ProtectOptions],
                 on_error: Callable[[str], None], parent: QWidget | None = None,
                 remember_source: Callable[[ContentSource], None] | None = None) -> None:
        """`queue`: the app's protect queue (built and closed by the composition root; this view shows it and
        drives it). `remember_source` keeps the latest claim chosen here as the default for the next start."""
        super().__init__(parent)
        self._remember_source = remember_source or (lambda _source: None)
        self._tasks = TaskOwner(on_error)
        self._on_error = on_error
        self._options = options
        self._out_dir: Path | None = None
        self._thumb_slots = asyncio.Semaphore(2)
        self.model = ProtectModel(self)
        self.queue = queue
        self.model.thumbnail_wanted.connect(self._load_thumbnail)

        self.drop = DropTarget("Drop photos, audio, video, documents or whole folders here to protect them.\n"
                               "Originals are never changed: each gets a protected copy.", self)
        self.drop.paths_dropped.connect(self.add_paths)

        self.add_files_button = QPushButton("Add &files…")
        self.add_folder_button = QPushButton("Add f&older…")
        self.output_choice = QComboBox()
        self.output_choice.addItems(["Next to the originals", "Into a folder…"])
        self.output_choice.setAccessibleName("Where protected copies go")
        self.output_choice.activated.connect(self._choose_output)
        self.source_choice = QComboBox()
        for source in ContentSource:
            self.source_choice.addItem(source.label, source.value)
            self.source_choice.setItemData(self.source_choice.count() - 1, _claim_tip(source),
                                           Qt.ItemDataRole.ToolTipRole)
        self.source_choice.setCurrentIndex(self.source_choice.findData(options().content_source.value))
        self.source_choice.setAccessibleName("What the protected copies claim")
        self.source_choice.setToolTip("What the Trust Labels of the files you add next say about where they came "
                                      "from. The queue shows each file's claim.")
        self.source_choice.activated.connect(lambda _i: self._remember_source(self.content_source()))
        source_label = QLabel("Clai&m:")
        source_label.setBuddy(self.source_choice)
        self.engine_label = QLabel()
        self.engine_label.setAccessibleName("Active engine")
        self.signing_note = QLabel(CLOUD_SIGNING_NOTE)
        self.signing_note.setWordWrap(True)
        self.signing_note.setAccessibleName("Who signs the protected copies")
        self.signing_note.setObjectName("cloudSigningNote")
        self.signing_note.setStyleSheet("#cloudSigningNote { background: #fff3e0; color: #8a4b00; padding: 6px;"
                                        " border-radius: 6px; }")
        self.signing_note.hide()  # only while the cloud engine is selected
        top = QHBoxLayout()
        for w in (self.add_files_button, self.add_folder_button, QLabel("Save copies:"), self.output_choice,
                  source_label, self.source_choice):
            top.addWidget(w)
        top.addStretch(1)
        top.addWidget(self.engine_label)

        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setIconSize(QSize(ROW_THUMB, ROW_THUMB))
        self.table.verticalHeader().setDefaultSectionSize(ROW_THUMB + 8)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.ResizeToContents)
        self.table.setColumnWidth(0, 320)
        self.table.setColumnWidth(1, 130)
        self.table.setAccessibleName("Protect queue")
        self.table.setItemDelegateForColumn(0, NameAndFolderDelegate(self.table))  # same names told apart
        self.table.doubleClicked.connect(lambda _i: self.open_selected())

        self.progress = QProgressBar()
        self.progress.setAccessibleName("Batch progress")
        self.progress.setTextVisible(True)
        self.summary = QLabel("Nothing queued yet.")
        self.cancel_button = QPushButton("&Cancel selected")
        self.cancel_all_button = QPushButton("Cancel &all")
        self.retry_button = QPushButton("&Retry failed")
        self.open_button = QPushButton("O&pen")
        self.reveal_button = QPushButton("Show in fol&der")
        self.clear_button = QPushButton("C&lear finished")
        bottom = QHBoxLayout()
        self._bottom = bottom  # offer_copies adds Export for web and Edit caption here
        self.privacy: PrivacyPanel | None = None  # offer_privacy_check adds it
        self.copy_actions: CopyActions | None = None
        self.timestamps: TimestampActions | None = None  # offer_timestamps adds it
        # The summary has a line of its own: beside nine buttons it made the window wider than a 1280-pixel screen.
        self.summary.setWordWrap(True)
        for b in (self.open_button, self.reveal_button, self.cancel_button, self.cancel_all_button,
                  self.retry_button, self.clear_button):
            bottom.addWidget(b)
        bottom.addStretch(1)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.signing_note)
        layout.addWidget(self.drop)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.progress)
        layout.addWidget(self.summary)
        layout.addLayout(bottom)

        self.add_files_button.clicked.connect(self.pick_files)
        self.add_folder_button.clicked.connect(self.pick_folder)
        self.cancel_button.clicked.connect(self.cancel_selected)
        self.cancel_all_button.clicked.connect(self.queue.cancel_all)
        self.retry_button.clicked.connect(self.retry)
        self.open_button.clicked.connect(self.open_selected)
        self.reveal_button.clicked.connect(self.reveal_selected)
        self.clear_button.clicked.connect(self.clear_finished)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        self.table.selectionModel().currentChanged.connect(lambda *_: self._update_buttons())
        cancel_action = QAction("Cancel selected", self)
        cancel_action.setShortcut(QKeySequence.StandardKey.Delete)
        cancel_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        cancel_action.triggered.connect(self.cancel_selected)
        self.addAction(cancel_action)
        self.setAcceptDrops(True)
        self.queue.subscribe(self._on_job)
        for job in self.queue.items.values():
            self.model.upsert(job)
        self._refresh_summary()
        # Work left by a crash or a quit resumes now; the store is read off the GUI thread.
        self.resuming: asyncio.Future[list[ProtectJob]] = self._tasks.spawn(self.queue.resume())

    # -- adding work ------------------------------------------------------------------------------
    def content_source(self) -> ContentSource:
        """The claim chosen for the files added next."""
        return ContentSource(self.source_choice.currentData())

    def add_paths(self, paths: list[Path]) -> None:
        self._tasks.spawn(self.add_paths_async(paths, self.content_source()))

    async def add_paths_async(self, paths: list[Path], content_source: ContentSource | None = None) -> None:
        """Queue the files (folders recurse) with the claim chosen when they were added."""
        claim = content_source or self.content_source()
        out = self._out_dir
        # Walking a big folder tree touches the disk: never on the GUI thread.
        found = await asyncio.to_thread(expand, paths, skip_protected_copies=True)
        privacy = self.privacy.choices() if self.privacy is not None else None  # this batch's choices
        await self.queue.add([(f.path, (out / f.relative_dir) if out else None) for f in found], claim, privacy)
        if self.privacy is not None and found:
            self.privacy.check([f.path for f in found])  # what these copies reveal, shown beside the queue

    def pick_files(self) -> None:
        if paths := ask_for_paths(self, "protect", folder=False):
            self.add_paths(paths)

    def pick_folder(self) -> None:
        if paths := ask_for_paths(self, "protect", folder=True):
            self.add_paths(paths)

    def _choose_output(self, index: int) -> None:
        if index == 0:
            self.set_output_dir(None)
            return
        folder = QFileDialog.getExistingDirectory(self, "Save protected copies into")
        self.set_output_dir(Path(folder) if folder else self._out_dir)

    def set_output_dir(self, folder: Path | None) -> None:
        self._out_dir = folder
        self.output_choice.setItemText(1, f"Into {folder}" if folder else "Into a folder…")
        self.output_choice.setCurrentIndex(1 if folder else 0)

    def set_engine_label(self, text: str, *, cloud: bool = False) -> None:
        """`cloud`: the TrustNXT cloud engine signs: the panel says that copies are not signed as you."""
        self.engine_label.setText(f"<b>{html.escape(text)}</b>")  # it names the service address: not markup
        self.signing_note.setVisible(cloud)

    # -- acting on rows ---------------------------------------------------------------------------
    def selected_jobs(self) -> list[ProtectJob]:
        rows = {i.row() for i in self.table.selectionModel().selectedRows()}
        return [self.model.rows[r] for r in sorted(rows)]

    def cancel_selected(self) -> None:
        for job in self.selected_jobs():
            self.queue.cancel(job.id)

    def current_job(self) -> ProtectJob | None:
        """The keyboard-current row's job (where the focus frame is), which Open and Show in folder act on."""
        index = self.table.selectionModel().currentIndex()
        return self.model.rows[index.row()] if index.isValid() and index.row() < len(self.model.rows) else None

    def _current_output(self) -> Path | None:
        job = self.current_job()
        return job.result.output if job is not None and job.result is not None else None

    def open_selected(self) -> None:
        if (output := self._current_output()) is not None:
            self._tasks.spawn(self._hand_over(open_path_async(output)))

    def reveal_selected(self) -> None:
        if (output := self._current_output()) is not None:
            self._tasks.spawn(self._hand_over(reveal_path_async(output)))

    async def _hand_over(self, attempt: Awaitable[str | None]) -> str | None:
        """Opening failed (no program for the file, the program failed): said in a message, not only on a
        terminal nobody sees."""
        if (problem := await attempt) is not None:
            self._on_error(problem)
        return problem

    def retry(self) -> asyncio.Future[list[ProtectJob]]:
        """What the button says: the failed files again, or (when none failed) the cancelled ones."""
        c = self.queue.counts()
        return self.queue.retry(states=(JobState.FAILED if c.failed else JobState.CANCELLED,))

    def clear_finished(self) -> None:
        self.model.remove(self.queue.remove_finished())
        self._refresh_summary()

    def offer_privacy_check(self, panel: PrivacyPanel) -> None:
        """Show the privacy check between the drop area and the queue; the files added next carry its choices
        and are listed in it."""
        self.privacy = panel
        layout = self.layout()
        assert isinstance(layout, QVBoxLayout)
        layout.insertWidget(layout.indexOf(self.drop) + 1, panel)

    def offer_copies(self, copies: DerivedCopies) -> CopyActions:
        """Add Export for web and Edit caption for the current row's protected copy (new signed copies whose
        parent is that copy)."""
        self.copy_actions = CopyActions(copies, self._on_error, self)
        self.export_web_button = QPushButton("Export for &web…")
        self.caption_button = QPushButton("Edit capt&ion…")
        self.export_web_button.setToolTip("Save a smaller signed copy for publishing; its history leads back here")
        self.caption_button.setToolTip("Save a signed copy with a new caption, credit line or keywords")
        for i, button in enumerate(self._copy_buttons()):
            self._bottom.insertWidget(2 + i, button)  # after Open and Show in folder
        self.export_web_button.clicked.connect(lambda: self._copy(self.copy_actions.export_for_web
                                                                  if self.copy_actions else None))
        self.caption_button.clicked.connect(lambda: self._copy(self.copy_actions.edit_caption
                                                               if self.copy_actions else None))
        self.copy_actions.made.connect(
            lambda result: self.summary.setText(visible(f"Saved {result.output.name} in {result.output.parent}")))
        self._update_buttons()
        return self.copy_actions

    def offer_timestamps(self, later: LaterTimestamps) -> TimestampActions:
        """Add "Add timestamps" for copies protected without one (this queue's and those the job store knows from
        before), and the notice that offers it when the timestamp authority answers again."""
        self.timestamps = TimestampActions(later, self._on_error, self)
        self._bottom.insertWidget(self._bottom.indexOf(self.retry_button) + 1, self.timestamps.button)
        layout = self.layout()
        assert isinstance(layout, QVBoxLayout)
        layout.insertWidget(layout.indexOf(self.table), self.timestamps.notice)
        self.timestamps.stamped.connect(self._timestamp_added)
        self.timestamps.start()
        return self.timestamps

    def _timestamp_added(self, outcome: TimestampOutcome) -> None:
        """The copy has its timestamp: its rows no longer say "no timestamp yet"."""
        for job_id in outcome.jobs:
            job = self.queue.items.get(job_id)
            if job is not None and job.result is not None:
                job.result.warnings = [w for w in job.result.warnings if not w.startswith(NO_TIMESTAMP_YET)]
                self.model.upsert(job)
        if outcome.status != FAILED:
            self.summary.setText(visible(f"{outcome.path.name} has its timestamp now ({outcome.authority})."))

    def _copy_buttons(self) -> list[QPushButton]:
        return [self.export_web_button, self.caption_button] if self.copy_actions is not None else []

    def _copy(self, action: Callable[[Path], None] | None) -> None:
        if action is not None and (output := self._current_output()) is not None:
            action(output)

    # -- reacting to the queue --------------------------------------------------------------------
    def _on_job(self, job: ProtectJob) -> None:
        self.model.upsert(job)
        if (self.timestamps is not None and job.state is JobState.DONE and job.result is not None
                and lacks_timestamp(job.result.warnings)):
            self.timestamps.note_waiting()
        if job.state in (JobState.DONE, JobState.FAILED):
            self.call_finished.emit()
        self._refresh_summary()

    def _refresh_summary(self) -> None:
        c = self.queue.counts()
        # Cancelled files were never handled: the bar fills only with the files that were, and says the rest.
        self.progress.setMaximum(max(c.total, 1))
        self.progress.setValue(c.done + c.failed + c.skipped)
        parts = [f"{c.done:,} of {c.total:,} protected"] + [
            f"{count:,} {word}" for count, word in ((c.failed, "failed"), (c.skipped, "skipped"),
                                                    (c.cancelled, "cancelled")) if count]
        self.progress.setFormat(" · ".join(parts))
        if c.total == 0:
            self.summary.setText("Nothing queued yet.")
        else:
            parts = [f"{c.done} protected"]
            if warned := sum(_warned(j) for j in self.queue.items.values()):
                parts.append(f"{warned} with a warning")
            for count, word in ((c.running, "working"), (c.waiting, "waiting"), (c.failed, "failed"),
                                (c.skipped, "skipped"), (c.cancelled, "cancelled")):
                if count:
                    parts.append(f"{count} {word}")
            self.summary.setText(" · ".join(parts))
        self._update_buttons()
        self.counts_changed.emit()

    def _update_buttons(self) -> None:
        c = self.queue.counts()
        selected = self.selected_jobs()
        self.cancel_all_button.setEnabled(c.waiting + c.running > 0)
        # Enabled only when something failed; with cancelled files alone it offers to protect those again.
        self.retry_button.setText("&Retry failed" if c.failed or not c.cancelled else "Protect ca&ncelled again")
        self.retry_button.setEnabled(c.failed + c.cancelled > 0)
        self.clear_button.setEnabled(c.finished > 0)
        self.cancel_button.setEnabled(any(not j.state.finished for j in selected))
        has_output = self._current_output() is not None
        self.open_button.setEnabled(has_output)
        self.reveal_button.setEnabled(has_output)
        for button in self._copy_buttons():
            button.setEnabled(has_output)

    def _load_thumbnail(self, job_id: int) -> None:
        job = self.queue.items.get(job_id)
        if job is not None:
            self._tasks.spawn(self._thumbnail(job_id, job.source))

    async def _thumbnail(self, job_id: int, source: Path) -> None:
        async with self._thumb_slots:
            data = await file_preview_async(source, ROW_THUMB * 2)
        pixmap = QPixmap()
        if data and pixmap.loadFromData(data):
            self.model.set_thumbnail(job_id, pixmap.scaled(ROW_THUMB, ROW_THUMB, Qt.AspectRatioMode.KeepAspectRatio,
                                                           Qt.TransformationMode.SmoothTransformation))

    # -- shutdown -------------------------------------------------------------------------------
    async def aclose(self) -> None:
        """Stop this view's own work and stop listening; the queue is the composition root's to close."""
        await self._tasks.aclose()
        if self.privacy is not None:
            await self.privacy.aclose()
        if self.copy_actions is not None:
            await self.copy_actions.aclose()
        if self.timestamps is not None:
            await self.timestamps.aclose()
        self.queue.subscribe(None)
