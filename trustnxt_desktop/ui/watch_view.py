"""The Watch page: watch folders (each with its output folder and options), camera-card import, and the files
they brought in. The watch service itself (services/watch/service.py) belongs to the app and keeps working
while the window is minimised or hidden in the tray; this page only shows and drives it."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Awaitable, Callable
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..domain.display import visible
from ..domain.jobs import JobState
from ..domain.privacy import LocationChoice
from ..domain.protect import ContentSource
from ..services.watch.card import Card, CardImport, dated_folder, find_cards, import_card
from ..services.watch.folders import WatchFolder
from ..services.watch.service import WatchJob, WatchService
from .layout import button_row
from .tasks import TaskOwner
from .watch_folder_dialog import CLAIM_KEY, LOCATION_KEY, SERIALS_KEY, WatchFolderDialog

CARD_LOOK_MS = 4000  # how often mounted volumes are looked at while the page is shown
MAX_ROWS = 1000  # the newest files shown; the store keeps them all
_STATE_TEXT = {JobState.WAITING: "Waiting", JobState.PROTECTING: "Protecting…", JobState.DONE: "Protected",
               JobState.FAILED: "Failed", JobState.SKIPPED: "Skipped", JobState.CANCELLED: "Cancelled"}


def _item(text: str, tip: str | None = None) -> QTableWidgetItem:
    item = QTableWidgetItem(visible(text))
    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
    item.setToolTip(visible(tip or text))
    return item


def _table(columns: tuple[str, ...], name: str) -> QTableWidget:
    table = QTableWidget(0, len(columns))
    table.setHorizontalHeaderLabels(list(columns))
    table.setAccessibleName(name)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.verticalHeader().hide()
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
    return table


class WatchView(QWidget):
    call_finished = Signal()  # a watched file was protected (or failed): usage changed

    def __init__(self, watch: WatchService, folders: Callable[[], list[WatchFolder]],
                 save_folders: Callable[[list[WatchFolder]], Awaitable[None]], import_dir: Callable[[], Path],
                 set_import_dir: Callable[[Path], None], defaults: Callable[[], tuple[ContentSource, LocationChoice,
                                                                                      bool]],
                 on_error: Callable[[str], None], *, card_roots: Callable[[], list[Path]] | None = None,
                 parent: QWidget | None = None) -> None:
        """`folders`/`save_folders`: the watch folders in the settings; `import_dir`: where cards are imported;
        `defaults`: the claim and privacy choices a new folder starts with; `card_roots`: where to look for
        mounted cards (default: the system's mount points)."""
        super().__init__(parent)
        self.watch = watch
        self._folders, self._save_folders = folders, save_folders
        self._import_dir, self._set_import_dir = import_dir, set_import_dir
        self._defaults = defaults
        self.card_roots = card_roots  # where mounted cards are looked for (None: the system's mount points)
        self._tasks = TaskOwner(on_error)
        self._on_error = on_error
        self._rows: dict[int, int] = {}  # job id -> row in the files table
        self.cards: list[Card] = []
        self.started: asyncio.Future[object] | None = None
        self.last_import: CardImport | None = None

        self.folder_table = _table(("Folder", "Protected copies go to", "The copies say", "Privacy", "State"),
                                   "Watch folders")
        self.folder_table.itemSelectionChanged.connect(self._update_buttons)
        self.folder_table.doubleClicked.connect(lambda _i: self.edit_selected())
        self.add_button = QPushButton("&Add folder…")
        self.add_button.clicked.connect(self.add_folder)
        self.edit_button = QPushButton("&Edit…")
        self.edit_button.clicked.connect(self.edit_selected)
        self.pause_button = QPushButton("&Pause")
        self.pause_button.clicked.connect(self.toggle_selected)
        self.remove_button = QPushButton("Re&move")
        self.remove_button.clicked.connect(self.remove_selected)
        folders_box = QGroupBox("Watch folders")
        fb = QVBoxLayout(folders_box)
        fb.addWidget(QLabel("New files in these folders are protected as soon as they are complete (their size "
                            "stays the same and no program is still writing them)."))
        fb.addWidget(self.folder_table)
        fb.addLayout(button_row(self.add_button, self.edit_button, self.pause_button, self.remove_button))

        self.card_choice = QComboBox()
        self.card_choice.setAccessibleName("Camera card")
        self.card_choice.setMinimumContentsLength(30)
        self.look_button = QPushButton("&Look for cards")
        self.look_button.clicked.connect(lambda: self._tasks.spawn(self.look_for_cards()))
        self.import_button = QPushButton("&Import card")
        self.import_button.setToolTip("Copy the card's originals into a dated folder, then protect the copies")
        self.import_button.clicked.connect(self.import_selected_card)
        self.import_label = QLabel()
        self.import_label.setTextFormat(Qt.TextFormat.PlainText)  # a folder's name is not markup
        self.import_label.setAccessibleName("Import folder")
        self.import_folder_button = QPushButton("Change folder…")
        self.import_folder_button.clicked.connect(self._choose_import_dir)
        self.progress = QProgressBar()
        self.progress.setAccessibleName("Card import progress")
        self.progress.hide()
        self.card_state = QLabel()
        self.card_state.setWordWrap(True)
        self.card_state.setTextFormat(Qt.TextFormat.PlainText)
        self.card_state.setAccessibleName("Card import state")
        card_box = QGroupBox("Camera card")
        cb = QVBoxLayout(card_box)
        row = QHBoxLayout()
        row.addWidget(self.card_choice, 1)
        row.addWidget(self.look_button)
        row.addWidget(self.import_button)
        cb.addLayout(row)
        into = QHBoxLayout()
        into.addWidget(self.import_label, 1)
        into.addWidget(self.import_folder_button)
        cb.addLayout(into)
        cb.addWidget(self.progress)
        cb.addWidget(self.card_state)

        self.files = _table(("File", "From", "State", "Protected copy or problem"), "Watched files")
        self.counters = QLabel()
        self.counters.setAccessibleName("Watch counters")
        self.retry_button = QPushButton("Retry &failed")
        self.retry_button.clicked.connect(lambda: self.watch.queue.retry())
        bottom = QHBoxLayout()
        bottom.addWidget(self.counters, 1)
        bottom.addWidget(self.retry_button)

        layout = QVBoxLayout(self)
        layout.addWidget(folders_box, 2)
        layout.addWidget(card_box)
        layout.addWidget(QLabel("<b>Files</b> — from watch folders and cards, newest first"))
        layout.addWidget(self.files, 3)
        layout.addLayout(bottom)

        self._card_timer = QTimer(self)
        self._card_timer.setInterval(CARD_LOOK_MS)
        self._card_timer.timeout.connect(lambda: self._tasks.spawn(self.look_for_cards()))
        watch.subscribe(self._on_job)
        for job in watch.items:
            self._on_job(job)
        self._show_import_dir()
        self.show_folders()
        self._show_cards()

    # -- lifecycle --------------------------------------------------------------------------------
    def start(self) -> asyncio.Future[object]:
        """Take up what earlier runs left and watch the folders in the settings (once, at start-up)."""
        if self.started is None:
            self.started = self._tasks.spawn(self.start_async())
        return self.started

    async def start_async(self) -> None:
        await self.watch.start(self._folders())
        self.show_folders()

    def activate(self) -> None:
        """The page is shown: look for cards now and every few seconds while it stays shown."""
        self._show_import_dir()  # the day, or the folder, may have changed meanwhile
        self._tasks.spawn(self.look_for_cards())
        self._card_timer.start()

    def deactivate(self) -> None:
        self._card_timer.stop()

    async def aclose(self) -> None:
        """The page goes; the watch service keeps running until the app closes it."""
        self._card_timer.stop()
        self.watch.subscribe(None)
        await self._tasks.aclose()

    # -- folders ----------------------------------------------------------------------------------
    def show_folders(self) -> None:
        states = {s.folder.folder: s for s in self.watch.states()}
        folders = self._folders()
        selected = self.folder_table.currentRow()
        self.folder_table.setRowCount(len(folders))
        for row, f in enumerate(folders):
            state = next((s for path, s in states.items() if path == f.folder or str(path) == str(f.folder)), None)
            if not f.enabled:
                status = "Paused"
            elif state is None:
                status = "Starting…"
            elif state.watching:
                status = "Watching" + (f" — {state.problem}" if state.problem else "")
            else:
                status = f"Not watched: {state.problem}"
            claim = ContentSource(f.options.get(CLAIM_KEY, self._defaults()[0].value))
            self.folder_table.setItem(row, 0, _item(str(f.folder)))
            self.folder_table.setItem(row, 1, _item(str(f.out_dir)))
            self.folder_table.setItem(row, 2, _item(claim.label))
            self.folder_table.setItem(row, 3, _item(_privacy_text(f)))
            self.folder_table.setItem(row, 4, _item(status))
        if 0 <= selected < len(folders):
            self.folder_table.selectRow(selected)
        self._update_buttons()

    def _selected(self) -> int | None:
        rows = self.folder_table.selectionModel().selectedRows()
        return rows[0].row() if rows else None

    def _update_buttons(self) -> None:
        row = self._selected()
        for button in (self.edit_button, self.pause_button, self.remove_button):
            button.setEnabled(row is not None)
        if row is not None and row < len(folders := self._folders()):
            self.pause_button.setText("&Resume" if not folders[row].enabled else "&Pause")

    def folder_dialog(self, folder: WatchFolder | None = None) -> WatchFolderDialog:
        others = [f for f in self._folders() if folder is None or f.folder != folder.folder]
        claim, location, strip = self._defaults()
        dialog = WatchFolderDialog(others, claim, location, strip, folder, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self._tasks.spawn(self._replace(folder, dialog.watch_folder())))
        dialog.open()
        return dialog

    def add_folder(self) -> WatchFolderDialog:
        return self.folder_dialog()

    def edit_selected(self) -> WatchFolderDialog | None:
        row = self._selected()
        return None if row is None else self.folder_dialog(self._folders()[row])

    def toggle_selected(self) -> None:
        row = self._selected()
        if row is not None:
            folder = self._folders()[row]
            self._tasks.spawn(self._replace(folder, WatchFolder(folder.folder, folder.out_dir, folder.options,
                                                                folder.recursive, not folder.enabled)))

    def remove_selected(self) -> None:
        row = self._selected()
        if row is not None:
            self._tasks.spawn(self._replace(self._folders()[row], None))

    async def _replace(self, old: WatchFolder | None, new: WatchFolder | None) -> None:
        folders = self._folders()
        if old is None and new is not None:
            folders.append(new)
        else:
            folders = [f for f in (new if old is not None and f.folder == old.folder else f for f in folders)
                       if f is not None]
        try:
            await self._save_folders(folders)
        except OSError as e:
            self._on_error(f"The watch folders could not be saved: {e.strerror or e}")
        self.show_folders()

    # -- cards ------------------------------------------------------------------------------------
    async def look_for_cards(self) -> list[Card]:
        roots = self.card_roots() if self.card_roots is not None else None
        cards = await asyncio.to_thread(find_cards, roots)
        if [c.root for c in cards] != [c.root for c in self.cards]:
            self.cards = cards
            self._show_cards()
        return cards

    def _show_cards(self) -> None:
        current = self.card_choice.currentData()
        self.card_choice.clear()
        for card in self.cards:
            self.card_choice.addItem(visible(f"{card.name} — {card.files} files, {_size(card.size)} ({card.root})"),
                                     str(card.root))
        if not self.cards:
            self.card_choice.addItem("No camera card found (a mounted volume with a DCIM folder)")
        elif (index := self.card_choice.findData(current)) >= 0:
            self.card_choice.setCurrentIndex(index)
        self.card_choice.setEnabled(bool(self.cards))
        self.import_button.setEnabled(bool(self.cards) and not self.progress.isVisible())

    def _show_import_dir(self) -> None:
        self.import_label.setText(f"Imports go into {dated_folder(self._import_dir(), _today())}")

    def _choose_import_dir(self) -> None:
        chosen = QFileDialog.getExistingDirectory(self, "Import camera cards into", str(self._import_dir()))
        if chosen:
            self._set_import_dir(Path(chosen))
            self._show_import_dir()

    def import_selected_card(self) -> asyncio.Future[object] | None:
        card = next((c for c in self.cards if str(c.root) == self.card_choice.currentData()), None)
        return None if card is None else self._tasks.spawn(self.import_card_async(card))

    async def import_card_async(self, card: Card) -> CardImport:
        """Copy the card's originals into today's folder (in a worker thread), then queue the copies."""
        loop = asyncio.get_running_loop()
        self.import_button.setEnabled(False)
        self.progress.setRange(0, max(1, card.files))
        self.progress.setValue(0)
        self.progress.show()
        self.card_state.setText(f"Copying {card.files} files from {card.name}…")
        self._show_import_dir()

        def progress(done: int, total: int) -> None:
            loop.call_soon_threadsafe(self.progress.setValue, done)

        try:
            result = await asyncio.to_thread(import_card, card.root, self._import_dir(), _today(), progress)
            claim, location, strip = self._defaults()
            jobs = await self.watch.add_files(card.name, result.to_protect(),
                                              {CLAIM_KEY: claim.value, LOCATION_KEY: location.value,
                                               SERIALS_KEY: strip})
        except OSError as e:
            self.card_state.setText(f"The card could not be imported: {e.strerror or e}")
            raise
        finally:
            self.progress.hide()
            self.import_button.setEnabled(bool(self.cards))
        failed = f"; {len(result.failed)} could not be copied" if result.failed else ""
        self.card_state.setText(f"Copied {len(result.copies)} files from {card.name} into {result.folder}{failed}; "
                                f"protecting {len(jobs)} into {result.folder / 'Protected'}.")
        if result.failed:
            self._on_error("These files could not be copied from the card:\n" + "\n".join(
                f"{p.name}: {why}" for p, why in result.failed[:20]))
        self.last_import = result
        return result

    # -- files ------------------------------------------------------------------------------------
    def _on_job(self, job: WatchJob) -> None:
        row = self._rows.get(job.id)
        if row is None:
            self.files.insertRow(0)
            self._rows = {k: v + 1 for k, v in self._rows.items()}
            self._rows[job.id] = row = 0
            if self.files.rowCount() > MAX_ROWS:
                self.files.removeRow(MAX_ROWS)
                self._rows = {k: v for k, v in self._rows.items() if v < MAX_ROWS}
        result = str(job.output) if job.output else job.message
        self.files.setItem(row, 0, _item(job.source.name, str(job.source)))
        self.files.setItem(row, 1, _item(Path(job.label).name or job.label, job.label))
        self.files.setItem(row, 2, _item(_STATE_TEXT[job.state]))
        self.files.setItem(row, 3, _item(result))
        if job.state.finished:
            self.call_finished.emit()
        counts = self.watch.counts()
        self.counters.setText(f"{counts.waiting + counts.running} to protect · {counts.done} protected · "
                              f"{counts.failed} failed")
        self.retry_button.setEnabled(counts.failed + counts.cancelled > 0)


def _privacy_text(folder: WatchFolder) -> str:
    location = LocationChoice(folder.options.get(LOCATION_KEY, LocationChoice.KEEP.value))
    parts = [location.label]
    if folder.options.get(SERIALS_KEY):
        parts.append("serial numbers and owner removed")
    return "; ".join(parts)


def _size(n: int) -> str:
    return f"{n / 1e9:.1f} GB" if n >= 1e9 else f"{n / 1e6:.1f} MB"


def _today() -> dt.date:
    return dt.date.today()


__all__ = ["WatchView"]
