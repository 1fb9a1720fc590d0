"""The Trust page of Settings: published trust lists (snapshot, age, sha256, update now) and your own anchors.

Everything that reads snapshots, parses certificates or downloads runs through services.trust.service,
off the GUI thread. "Update now" uses the mirror typed on this page even before Settings is saved.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import html
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..domain.display import plural
from ..domain.errors import TrustNXTError
from ..services.account.settings import Settings
from ..services.trust.lists import BASE_URL_ENV, Snapshot, UpdateReport
from ..services.trust.service import TrustOverview, TrustService
from .layout import button_row
from .tasks import TaskOwner

_OK_STYLE = "background: #e8f5e9; color: #1b5e20; padding: 8px; border-radius: 6px;"
_WARN_STYLE = "background: #fff3e0; color: #8a4b00; padding: 8px; border-radius: 6px;"
LIST_COLUMNS = ("List", "Snapshot", "Age", "Entries", "SHA-256", "Source")
# When your own protected copies show as trusted here (services/trust/identity_trust.py decides it for a given
# identity).
OWN_COPIES_NOTE = ("Files signed under these show as trusted, named after the anchor. Your own copies: with the local "
                   "engine, those signed by an identity made on this computer are trusted here; a certificate issued "
                   "to you, once its CA is listed here or on a published list. The TrustNXT cloud engine signs with "
                   "the service's certificate, not yours.")
ANCHOR_COLUMNS = ("Name", "Certificate", "Valid until")


def age_text(days: int | None) -> str:
    if days is None:
        return "—"
    return "today" if days == 0 else plural(days, "day")


def when_text(iso: str | None, now: dt.datetime) -> str:
    if not iso:
        return "never"
    days = (now - dt.datetime.fromisoformat(iso)).days
    minute = iso[:16].replace("T", " ")
    return f"{minute} UTC ({age_text(days)} ago)" if days else f"{minute} UTC (today)"


def _first_upper(text: str) -> str:
    return text[:1].upper() + text[1:]  # not str.capitalize(): it would lower-case "TrustNXT Desktop"


def _item(text: str, tip: str = "") -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
    if tip:
        item.setToolTip(tip)
    return item


class _Table(QTableWidget):
    """A table that asks for room for its header and `rows` rows, no more and never less.

    The page's word-wrapped labels make its layouts height-for-width, and Qt then treats each group's
    preferred height as its minimum: a table asking for Qt's default (about six rows) made the page
    "need" more than the dialog has, and the layout squeezed the buttons on top of the tables."""

    def __init__(self, columns: int, rows: int) -> None:
        super().__init__(0, columns)
        self._rows = rows

    def _height(self) -> int:
        return (self.horizontalHeader().sizeHint().height() + self._rows * self.verticalHeader().defaultSectionSize()
                + 2 * self.frameWidth())

    def sizeHint(self) -> QSize:
        return QSize(super().sizeHint().width(), self._height())

    def minimumSizeHint(self) -> QSize:
        return QSize(super().minimumSizeHint().width(), self._height())


def _table(columns: tuple[str, ...], name: str, rows: int) -> QTableWidget:
    table = _Table(len(columns), rows)
    table.setHorizontalHeaderLabels(list(columns))
    table.setAccessibleName(name)
    table.verticalHeader().setVisible(False)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(True)
    return table



class TrustPage(QWidget):
    """`pending_settings` gives the settings as typed in the dialog (mirror, automatic check)."""

    trust_changed = Signal()  # lists updated or anchors added/removed: the engine must reload its trust

    def __init__(self, root: Path, settings: Settings, pending_settings: Callable[[], Settings],
                 say: Callable[[str], None], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = TrustService(root, pending_settings)
        self._say = say
        self.tasks = TaskOwner(say)
        self._update_task: asyncio.Future[Any] | None = None
        self.overview: TrustOverview | None = None

        self.summary = QLabel("Reading the trust lists…")
        self.summary.setWordWrap(True)
        self.summary.setAccessibleName("Trust summary")
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.lists_table = _table(LIST_COLUMNS, "Published trust lists", 3)
        self.update_button = QPushButton("&Update now")
        self.update_button.setToolTip("Download the published lists now (a list that fails keeps its snapshot)")
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setEnabled(False)
        self.update_status = QLabel()
        self.update_status.setWordWrap(True)
        self.update_status.setAccessibleName("Trust list update status")
        self.update_status.setTextFormat(Qt.TextFormat.PlainText)  # quotes what servers sent: never markup
        # What failed, list by list, on demand: the status stays a line or two, so the tables keep their room.
        self.details_button = QPushButton("&Details…")
        self.details_button.setToolTip("What happened to each list in the last update")
        self.details_button.setVisible(False)
        self.details_button.clicked.connect(self.show_details)
        self.details = ""
        self.update_button.clicked.connect(self.start_update)
        self.cancel_button.clicked.connect(self.cancel_update)
        self.auto_update = QCheckBox("Check for new lists automatically (at most once a &week, when online)")
        self.auto_update.setChecked(settings.trust_auto_update)
        self.mirror = QLineEdit(settings.trust_mirror_url)
        self.mirror.setPlaceholderText("published locations (default); or e.g. https://intranet.example/trust")
        self.mirror.setAccessibleName("Trust list mirror")
        mirror_note = QLabel(f"<small>A mirror serves every list from one address, with the file names "
                             f"C2PA-TRUST-LIST.pem, C2PA-TSA-TRUST-LIST.pem, ITL-anchors.pem, ITL-allowed.pem and "
                             f"ITL-store.cfg. The environment variable {BASE_URL_ENV} overrides this field.</small>")
        mirror_note.setWordWrap(True)

        buttons = button_row(self.update_button, self.cancel_button, self.details_button)
        published = QGroupBox("Published trust lists")
        pub_layout = QVBoxLayout(published)
        pub_layout.addWidget(self.lists_table)
        pub_layout.addLayout(buttons)
        pub_layout.addWidget(self.update_status)
        pub_layout.addWidget(self.auto_update)
        mirror_form = QFormLayout()
        mirror_form.addRow("Mirror", self.mirror)
        pub_layout.addLayout(mirror_form)
        pub_layout.addWidget(mirror_note)

        self.anchors_table = _table(ANCHOR_COLUMNS, "Your trust anchors", 2)
        self.add_button = QPushButton("&Add certificate…")
        self.add_button.setToolTip("Trust a CA certificate (PEM), e.g. your newsroom's own CA")
        self.remove_button = QPushButton("&Remove")
        self.remove_button.setEnabled(False)
        self.add_button.clicked.connect(self._choose_anchor)
        self.remove_button.clicked.connect(self._remove_selected)
        self.anchors_table.itemSelectionChanged.connect(
            lambda: self.remove_button.setEnabled(bool(self.anchors_table.selectedItems())))
        anchor_buttons = button_row(self.add_button, self.remove_button)
        own = QGroupBox("Certificates you trust")
        own_layout = QVBoxLayout(own)
        own_note = QLabel(f"<small>{html.escape(OWN_COPIES_NOTE, quote=False)}</small>")
        own_note.setWordWrap(True)
        own_layout.addWidget(own_note)
        own_layout.addWidget(self.anchors_table)
        own_layout.addLayout(anchor_buttons)

        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(published)
        layout.addWidget(own, 1)
        self.tasks.spawn(self.refresh_async())

    # -- reading ------------------------------------------------------------------------------
    async def refresh_async(self) -> TrustOverview:
        overview = await self.service.overview()
        self.overview = overview
        self._show(overview)
        return overview

    def _show(self, overview: TrustOverview) -> None:
        status, now = overview.lists, overview.checked_at
        loaded = any(s.snapshot for s in status.lists)
        stale = any(s.note(now) for s in status.lists)
        self.summary.setText(status.summary())
        self.summary.setStyleSheet(_OK_STYLE if loaded and not stale else _WARN_STYLE)
        self.lists_table.setRowCount(len(status.lists))
        for row, s in enumerate(status.lists):
            snap = s.snapshot
            urls = [f"{status.mirror}/{f.name}" if status.mirror else f.url for f in s.spec.files]
            if snap is not None and snap.bundled:  # the addresses it was published at, not the mirror's
                urls = [f.url for f in snap.files]
            note = s.note(now)
            # "shipped" alone: the summary above and the tooltip say "shipped with the app", and the Source
            # column needs the width.
            snapshot_text = (f"{snap.date} (shipped)" if snap.bundled else snap.date) if snap else "none"
            origin = _first_upper(snap.origin_text()) if snap else ""
            snapshot_tip = "\n".join(t for t in (origin, s.problem or "") if t)
            cells = [
                _item(s.spec.title, s.spec.note),
                _item(snapshot_text, snapshot_tip),
                _item(age_text(s.age_days(now)) + (" ⚠" if note else ""), note or ""),
                _item(str(snap.certificates()) if snap else "—",
                      "certificates in the list (store.cfg's OIDs not counted)"),
                _item(snap.sha256[:16] + "…" if snap else "—", snap.sha256 if snap else ""),
                _item(urlsplit(urls[0]).netloc, "\n".join(urls)),
            ]
            for col, cell in enumerate(cells):
                self.lists_table.setItem(row, col, cell)
        parts = [f"Last successful check: {when_text(status.last_success, now)}."]
        if status.last_error:
            parts.append("The last attempt failed (Details…).")
        if status.mirror:
            parts.append(f"Lists come from the mirror {status.mirror}.")
        if not self._updating:
            self.update_status.setText(" ".join(parts))
            self._set_details(status.last_error or "")
        self.anchors_table.setRowCount(len(overview.anchors))
        for row, a in enumerate(overview.anchors):
            more = f" (+{a.certificates - 1} more)" if a.certificates > 1 else ""
            for col, cell in enumerate((_item(a.name), _item(a.subject + more), _item(a.not_after or "—"))):
                self.anchors_table.setItem(row, col, cell)
        self.remove_button.setEnabled(bool(self.anchors_table.selectedItems()))

    # -- updating -----------------------------------------------------------------------------
    @property
    def _updating(self) -> bool:
        return self._update_task is not None and not self._update_task.done()

    def start_update(self) -> None:
        if not self._updating:
            self._update_task = self.tasks.spawn(self.update_async())

    def cancel_update(self) -> None:
        if self._update_task is not None and not self._update_task.done():
            self._update_task.cancel()

    async def update_async(self) -> UpdateReport | None:
        self.update_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.update_status.setText("Downloading the trust lists…")
        report: UpdateReport | None = None
        try:
            report = await self.service.update()
        except TrustNXTError as e:
            self.update_status.setText(f"✗ {e}")
        except BaseException:
            # A list whose files were already being stored may have been replaced: reload to be sure.
            self.update_status.setText("Update stopped. A list that had finished downloading may be in use already.")
            self.trust_changed.emit()
            self.tasks.spawn(self.refresh_async())
            raise
        finally:
            self.update_button.setEnabled(True)
            self.cancel_button.setEnabled(False)
        if report is None:
            return None
        if report.changed:
            self.trust_changed.emit()
        self._update_task = None
        await self.refresh_async()
        self.update_status.setText(update_text(report))
        self._set_details("" if report.ok else update_details(report))
        return report

    def _set_details(self, text: str) -> None:
        self.details = text
        self.details_button.setVisible(bool(text))

    def show_details(self) -> QMessageBox:
        box = QMessageBox(QMessageBox.Icon.Information, "Trust list update",
                          f"The last update, list by list:\n\n{self.details}", QMessageBox.StandardButton.Close, self)
        box.setTextFormat(Qt.TextFormat.PlainText)  # quotes what servers sent: never markup
        box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        return box

    # -- anchors ------------------------------------------------------------------------------
    def _choose_anchor(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, "Trust a CA certificate", "",
                                              "PEM certificates (*.pem *.crt *.cer);;All files (*)")
        if not name:
            return
        label, ok = QInputDialog.getText(self, "Name this anchor", "Name shown in reports:", text=Path(name).stem)
        if ok and label.strip():
            self.tasks.spawn(self.add_anchor_async(label.strip(), Path(name)))

    async def add_anchor_async(self, name: str, pem_file: Path) -> None:
        info = await self.service.add_anchor(name, pem_file)
        self._say(f"Files signed under “{info.subject}” now show as trusted (“Your anchor: {info.name}”).")
        self.trust_changed.emit()
        await self.refresh_async()

    def _remove_selected(self) -> None:
        rows = {i.row() for i in self.anchors_table.selectedItems()}
        if rows and self.overview is not None:
            self.tasks.spawn(self.remove_anchor_async(self.overview.anchors[rows.pop()].name))

    async def remove_anchor_async(self, name: str) -> None:
        await self.service.remove_anchor(name)
        self._say(f"“{name}” is no longer trusted.")
        self.trust_changed.emit()
        await self.refresh_async()


def check_failed_text(report: UpdateReport) -> str:
    """One status-bar line for an automatic check that failed. It speaks of lists in use only when some
    are, and says where those come from (shipped with the app, or downloaded before)."""
    in_use = [r.snapshot for r in report.results if r.snapshot is not None]
    if not in_use:
        return ("Could not download the trust lists, and none is available: signed files show as intact, not as "
                "trusted, until they are downloaded (see Settings › Trust).")
    failed = [r.spec.title for r in report.results if r.outcome == "failed"]
    which = "" if len(failed) == len(report.results) else f" ({', '.join(failed)})"
    return (f"Could not check for newer trust lists{which}; the lists {_origin(in_use)} stay in use "
            "(see Settings › Trust).")


def update_text(report: UpdateReport) -> str:
    """What an update did, in a line or two (update_details has one line per list): what was updated, what
    could not be and why, in plain words, and which lists stay in use."""
    updated = [r.spec.title for r in report.results if r.outcome == "updated"]
    if report.ok:
        if not updated:
            return "✓ Every list is up to date."
        rest = " The other lists are unchanged." if len(updated) < len(report.results) else ""
        return f"✓ Updated: {', '.join(updated)}.{rest}"
    failed = [r for r in report.results if r.outcome == "failed"]
    which = "the trust lists" if len(failed) == len(report.results) else ", ".join(r.spec.title for r in failed)
    reasons = list(dict.fromkeys(r.reason or r.detail for r in failed))  # one list offline: all offline, said once
    why = reasons[0] if len(reasons) == 1 else f"{reasons[0]}, and more"
    done = f" Updated: {', '.join(updated)}." if updated else ""
    return f"✗ Could not update {which} — {why.rstrip('.')}.{done} {_kept_text(report)}"


def update_details(report: UpdateReport) -> str:
    """One line per list: what the update did to it, or why it failed and what stays in use."""
    return "\n".join(f"{'✗' if r.outcome == 'failed' else '✓'} {r.spec.title}: {r.describe()}" for r in report.results)


def _kept_text(report: UpdateReport) -> str:
    in_use = [r.snapshot for r in report.results if r.snapshot is not None]
    if not in_use:
        return "No list is available: signed files show as intact, not as trusted, until they are downloaded."
    return f"The lists {_origin(in_use)} stay in use."


def _origin(in_use: list[Snapshot]) -> str:
    """Where the snapshots in use come from, to follow "the lists …"."""
    if all(s.bundled for s in in_use):
        return "shipped with the app"
    return "downloaded before" if not any(s.bundled for s in in_use) else "you have"
