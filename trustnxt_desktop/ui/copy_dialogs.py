"""Export for web and Edit caption: the dialogs, and the actions the Protect and Inspect views offer for a file.

Each action asks with a dialog (opened, never exec()'d inside a coroutine), then has services.derive make the
new signed copy off the GUI thread; the copy's history leads back to the file (its parent ingredient).
"""

from __future__ import annotations

import asyncio
import html
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ..domain.derive import (
    CREDIT_MAX,
    DEFAULT_LONG_EDGE,
    DEFAULT_QUALITY,
    LONG_EDGE_RANGE,
    Caption,
    CaptionEdit,
    WebExport,
    WebFormat,
)
from ..domain.display import visible
from ..domain.protect import ProtectResult, ProtectStatus
from ..services.derive import DerivedCopies
from .tasks import TaskOwner


class ExportWebDialog(QDialog):
    """Long edge, format, quality and whether the location stays in the copy's metadata."""

    def __init__(self, source: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export for web")
        intro = QLabel(f"A smaller copy of <b>{_markup(source.name)}</b> for publishing, signed with your identity. "
                       "Its Content Credentials keep this file as its source, so readers can follow its history.")
        intro.setWordWrap(True)
        self.long_edge = QSpinBox()
        self.long_edge.setRange(*LONG_EDGE_RANGE)
        self.long_edge.setSingleStep(256)
        self.long_edge.setValue(DEFAULT_LONG_EDGE)
        self.long_edge.setSuffix(" px")
        self.long_edge.setAccessibleName("Long edge in pixels")
        self.format = QComboBox()
        for fmt in WebFormat:
            self.format.addItem(fmt.label, fmt.value)
        self.format.setAccessibleName("Picture format")
        self.quality = QSpinBox()
        self.quality.setRange(1, 100)
        self.quality.setValue(DEFAULT_QUALITY)
        self.quality.setAccessibleName("Quality, 1 to 100")
        self.remove_location = QCheckBox("&Remove location (GPS position and place names)")
        self.remove_location.setToolTip("The copy's metadata gets no GPS position, city, region or country; its "
                                        "history records that metadata was edited.")
        form = QFormLayout()
        form.addRow("&Long edge:", self.long_edge)
        form.addRow("&Format:", self.format)
        form.addRow("&Quality:", self.quality)
        form.addRow("", self.remove_location)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Save).setText("&Export")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.long_edge.setFocus()

    def chosen(self) -> WebExport:
        return WebExport(self.long_edge.value(), WebFormat(self.format.currentData()), self.quality.value(),
                         self.remove_location.isChecked())


class CaptionDialog(QDialog):
    """The caption, credit line and keywords, filled with what the file has now."""

    def __init__(self, source: Path, current: Caption, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Edit caption")
        self._current = current
        intro = QLabel(f"A copy of <b>{_markup(source.name)}</b> with the caption, credit line and keywords below "
                       "(IPTC and XMP), signed with your identity. Its history shows the metadata edit and keeps this "
                       "file as its source.")
        intro.setWordWrap(True)
        self.caption = QPlainTextEdit(current.caption)
        self.caption.setTabChangesFocus(True)  # Tab moves on, as in every other field
        self.caption.setAccessibleName("Caption")
        self.caption.setFixedHeight(90)
        self.credit = QLineEdit(current.credit)
        self.credit.setMaxLength(CREDIT_MAX)
        self.credit.setAccessibleName("Credit line")
        self.keywords = QLineEdit(", ".join(current.keywords))
        self.keywords.setPlaceholderText("harbour, cranes, dawn")
        self.keywords.setAccessibleName("Keywords, separated by commas")
        form = QFormLayout()
        form.addRow("&Caption:", self.caption)
        form.addRow("C&redit line:", self.credit)
        form.addRow("&Keywords:", self.keywords)
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        self.problem.setAccessibleName("Problem")
        self.problem.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setText("&Save copy")
        self.buttons.accepted.connect(self._accept_if_valid)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)
        self.caption.setFocus()

    def chosen(self) -> CaptionEdit | None:
        """The fields that differ from the file's; None when nothing changed. Raises ValueError when too long."""
        caption = self.caption.toPlainText().strip()
        credit = self.credit.text().strip()
        keywords = tuple(dict.fromkeys(k.strip() for k in self.keywords.text().split(",") if k.strip()))
        new_caption = caption if caption != self._current.caption else None
        new_credit = credit if credit != self._current.credit else None
        new_keywords = keywords if keywords != self._current.keywords else None
        if new_caption is None and new_credit is None and new_keywords is None:
            return None
        return CaptionEdit(new_caption, new_credit, new_keywords)

    def _accept_if_valid(self) -> None:
        try:
            edit = self.chosen()
        except ValueError as e:
            self._say(f"{str(e)[:1].upper()}{str(e)[1:]}.")
            return
        if edit is None:
            self._say("Nothing was changed.")
            return
        self.accept()

    def _say(self, text: str) -> None:
        self.problem.setText(text)
        self.problem.show()


async def answered(dialog: QDialog) -> bool:
    """Open `dialog` (window-modal, not exec()) and wait until it is closed; True when it was accepted."""
    done: asyncio.Future[bool] = asyncio.get_running_loop().create_future()

    def closed(code: int) -> None:
        if not done.done():
            done.set_result(code == QDialog.DialogCode.Accepted)

    dialog.finished.connect(closed)
    dialog.open()
    return await done


class CopyActions(QObject):
    """Export for web and Edit caption for one file at a time; `made` carries each finished copy's result."""

    made = Signal(object)  # ProtectResult of a copy that was written

    def __init__(self, copies: DerivedCopies, on_error: Callable[[str], None], parent: QWidget) -> None:
        super().__init__(parent)
        self._copies = copies
        self._on_error = on_error
        self._window = parent
        self._tasks = TaskOwner(on_error)
        self.dialog: QDialog | None = None  # the one open now (tests answer it)

    def export_for_web(self, source: Path) -> None:
        self._tasks.spawn(self.export_for_web_async(source))

    def edit_caption(self, source: Path) -> None:
        self._tasks.spawn(self.edit_caption_async(source))

    async def export_for_web_async(self, source: Path) -> ProtectResult | None:
        """None when the person cancelled."""
        dialog = ExportWebDialog(source, self._window)
        if not await self._ask(dialog):
            return None
        return self._said(await self._copies.export_for_web(source, dialog.chosen()))

    async def edit_caption_async(self, source: Path) -> ProtectResult | None:
        current = await self._copies.read_caption(source)
        dialog = CaptionDialog(source, current, self._window)
        if not await self._ask(dialog):
            return None
        edit = dialog.chosen()
        return self._said(await self._copies.save_caption(source, edit)) if edit is not None else None

    async def _ask(self, dialog: QDialog) -> bool:
        self.dialog = dialog
        try:
            return await answered(dialog)
        finally:
            self.dialog = None
            dialog.deleteLater()

    def _said(self, result: ProtectResult) -> ProtectResult:
        if result.status is ProtectStatus.DONE:
            self.made.emit(result)
        else:
            self._on_error(visible(f"{result.source.name}: {result.error or result.status.value}"))
        return result

    async def aclose(self) -> None:
        await self._tasks.aclose()


def _markup(text: str) -> str:
    return html.escape(visible(text))
