"""The Protect view's privacy check: what each protected copy would reveal, and the batch's choices.

Shows, per file, every location, device, serial-number, owner, software, date and unique-ID field the copy
would carry (its own signed manifest, the original's manifest, EXIF, XMP, IPTC, maker notes, file tags,
embedded thumbnails) and what the choices do to each; above it one sentence for the whole batch. The
choices — keep, coarsen to the city or remove the location; remove serial numbers and owner names — apply to
the files added next and are remembered. Reading files runs in the isolated workers through the injected
`check` coroutine (services.privacy_check), never on the GUI thread.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..domain.display import visible
from ..domain.privacy import Fate, FieldKind, FileInventory, LocationChoice, PrivacyChoices, summarise
from .drop import ask_for_paths
from .tasks import TaskOwner

Check = Callable[[list[Path]], Awaitable[list[FileInventory]]]
_FATE_TEXT = {Fate.KEPT: "kept", Fate.COARSENED: "coarsened to the city", Fate.REMOVED: "removed"}
_CHANGED = QColor("#2e8b57")  # readable on the light and the dark palette
_PROBLEM = QColor("#b3261e")
COLUMNS = ("File and field", "Where", "Value", "In the copy")


class PrivacyPanel(QGroupBox):
    """`check`: reads files and returns their inventories; `remember`: keeps the latest choices as defaults."""

    choices_changed = Signal()
    checked = Signal()  # a check finished and its files are shown

    def __init__(self, check: Check, choices: PrivacyChoices, remember: Callable[[PrivacyChoices], None],
                 on_error: Callable[[str], None], parent: QWidget | None = None) -> None:
        super().__init__("Privacy check", parent)
        self._check, self._remember = check, remember
        self._tasks = TaskOwner(on_error)
        self.inventories: list[FileInventory] = []

        self.location = QComboBox()
        for choice in LocationChoice:
            self.location.addItem(choice.label, choice.value)
        self.location.setCurrentIndex(self.location.findData(choices.location.value))
        self.location.setAccessibleName("Location in the protected copies")
        self.strip = QCheckBox("Remove serial numbers and owner names")
        self.strip.setChecked(choices.strip_serials)
        self.strip.setToolTip("Camera, lens and recorder serial numbers, and the camera owner, artist, creator "
                              "and copyright names, wherever the file stores them.")
        self.check_button = QPushButton("Chec&k files…")
        self.check_button.setToolTip("See what files would reveal before protecting them (nothing is protected).")
        self.summary = QLabel("Add or check files to see what their protected copies would reveal.")
        self.summary.setWordWrap(True)
        self.summary.setAccessibleName("What the batch reveals")
        self.summary.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)  # never clipped
        self.tree = QTreeWidget()
        self.tree.setColumnCount(len(COLUMNS))
        self.tree.setHeaderLabels(list(COLUMNS))
        self.tree.setAccessibleName("What each protected copy would reveal")
        self.tree.setColumnWidth(0, 340)
        self.tree.setColumnWidth(1, 130)
        self.tree.setColumnWidth(2, 240)

        row = QHBoxLayout()
        location_label = QLabel("&Location:")
        location_label.setBuddy(self.location)
        for w in (location_label, self.location, self.strip):
            row.addWidget(w)
        row.addStretch(1)
        row.addWidget(self.check_button)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.summary)
        layout.addWidget(self.tree, 1)

        self.location.activated.connect(lambda _i: self._choices_changed())
        self.strip.toggled.connect(lambda _on: self._choices_changed())
        self.check_button.clicked.connect(self.pick_files)

    def choices(self) -> PrivacyChoices:
        """The choices for the files added next."""
        return PrivacyChoices(LocationChoice(self.location.currentData()), self.strip.isChecked())

    def _choices_changed(self) -> None:
        self._remember(self.choices())
        self._fill()
        self.choices_changed.emit()

    def pick_files(self) -> None:
        paths = ask_for_paths(self, "protect", folder=False)
        if paths:
            self.check(paths)

    def check(self, paths: list[Path]) -> None:
        self._tasks.spawn(self.check_async(paths))

    async def check_async(self, paths: list[Path]) -> None:
        """Read the files (off the GUI thread) and show what their copies would reveal."""
        self.summary.setText(f"Checking {len(paths)} file{'s' if len(paths) != 1 else ''}…")
        self.inventories = await self._check(paths)
        self._fill()
        self.checked.emit()

    def _fill(self) -> None:
        choices = self.choices()
        self.tree.clear()
        for inv in self.inventories:
            item = self._file_item(inv, choices)
            self.tree.addTopLevelItem(item)
            item.setExpanded(len(self.inventories) == 1)  # one file: its fields at once
        if self.inventories:
            self.summary.setText(self._headline(choices))

    def _headline(self, choices: PrivacyChoices) -> str:
        text = summarise(self.inventories).sentence()
        changed = sum(bool(inv.affected(choices)) for inv in self.inventories)
        blocked = sum(not inv.rewritable and bool(inv.affected(choices)) for inv in self.inventories)
        if changed:
            text += f" With these choices, {changed} cop{'ies' if changed != 1 else 'y'} will differ from the original."
        if blocked:
            text += (f" {blocked} file{'s' if blocked != 1 else ''} cannot have {'their' if blocked != 1 else 'its'} "
                     "metadata rewritten and will not be protected with these choices.")
        return text

    def _file_item(self, inv: FileInventory, choices: PrivacyChoices) -> QTreeWidgetItem:
        name = Path(inv.path).name
        if inv.error:
            item = QTreeWidgetItem([visible(name), "", visible(f"could not be read: {inv.error}"), ""])
            item.setForeground(2, QBrush(_PROBLEM))
            return item
        kinds = sorted(inv.kinds(), key=list(FieldKind).index)
        what = ", ".join(k.label.lower() for k in kinds) or "nothing listed here"
        affected = inv.affected(choices)
        fate = f"{len(affected)} changed" if affected else "as it is"
        if affected and not inv.rewritable:
            fate = "cannot be rewritten: not protected"
        item = QTreeWidgetItem([visible(name), "", visible(what), fate])
        item.setToolTip(0, visible(inv.path))
        if affected and not inv.rewritable:
            item.setForeground(3, QBrush(_PROBLEM))
        for f in inv.fields:
            f_fate = choices.fate(f.kind, f.where)
            child = QTreeWidgetItem([visible(f"{f.kind.label}: {f.name}"), f.where.label, visible(f.value),
                                     _FATE_TEXT[f_fate]])
            child.setToolTip(1, "signed" if f.where.signed else "unsigned metadata")
            if f_fate is not Fate.KEPT:
                child.setForeground(3, QBrush(_CHANGED))
            item.addChild(child)
        return item

    async def aclose(self) -> None:
        """Stop a check under way and let it unwind while the panel's widgets still exist (the window closing)."""
        await self._tasks.aclose()


__all__ = ["COLUMNS", "Check", "PrivacyPanel"]
