"""The report's "Recovered Content Credentials — not embedded in this file" section: credentials found in a manifest
repository by the picture's fingerprints (services/repository/recovery.py), each candidate ranked with its own verdict,
the match distance and what it means, the signed thumbnail beside the file's own picture, and the caveat that a
match says "looks like", not "is". Also the state of a look-up: under way, what was searched, or "Look up"."""

from __future__ import annotations

import base64
import binascii
import html
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QFrame, QGridLayout, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from ..domain.display import action_line, time_text, visible
from ..domain.report import InspectionReport, RecoveredCredentials
from ..services.previews import file_preview_async, picture_bytes_preview_async
from ..services.repository.recovery import CAVEAT, HEADING, match_line
from .icons import verdict_icon
from .images import image_from_bytes
from .tasks import TaskOwner
from .theme import VERDICTS, is_dark

EDGE = 150  # each picture of a candidate, pixels
@dataclass(frozen=True)
class RecoveryState:
    """Where a report's look-up stands: `searching` now; `said`: what the last look-up searched (or why it could
    not); `can_look_up`: offer "Look up" (not looked up yet, or again)."""

    searching: bool = False
    said: str | None = None
    can_look_up: bool = False


def _esc(text: object) -> str:
    return html.escape(visible(str(text)))


def _label(text: str, name: str | None = None, rich: bool = True) -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.RichText if rich else Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    if name:
        label.setAccessibleName(name)
    return label


class RecoveredSection(QFrame):
    """The section for one report. `on_look_up()` starts a look-up; `on_reembed(report, candidate)` writes a copy
    carrying a candidate (None: no such button). Pictures load through `tasks` (the report view's)."""

    def __init__(self, report: InspectionReport, state: RecoveryState | None, tasks: TaskOwner,
                 on_look_up: Callable[[], None] | None = None,
                 on_reembed: Callable[[InspectionReport, RecoveredCredentials], None] | None = None) -> None:
        super().__init__()
        self.setObjectName("recoveredSection")
        self.setAccessibleName(HEADING)
        self._tasks = tasks
        state = state or RecoveryState()
        column = QVBoxLayout(self)
        column.setContentsMargins(10, 10, 10, 10)
        border = "#8d6e63" if is_dark() else "#bcaaa4"
        self.setStyleSheet(f"#recoveredSection {{ border: 2px dashed {border}; border-radius: 10px; }}")
        heading = QLabel(HEADING)
        font = heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.15)
        font.setBold(True)
        heading.setFont(font)
        column.addWidget(heading)
        self.caveat = _label(CAVEAT, "Caveat", rich=False)
        self.caveat.setObjectName("recoveredCaveat")
        self.caveat.setStyleSheet("#recoveredCaveat { background: #fff3e0; color: #6d3c00; padding: 6px;"
                                  " border-radius: 6px; }")
        column.addWidget(self.caveat)
        self.status = _label(self._status_text(report, state), "Look-up", rich=False)
        self.look_up_button = QPushButton("Look up again" if state.said else "&Look up")
        self.look_up_button.setToolTip("Search the manifest repository on this computer (and the remote ones turned on "
                                       "in Settings) for credentials signed for a picture that looks like this one")
        self.look_up_button.setVisible(state.can_look_up and not state.searching and on_look_up is not None)
        if on_look_up is not None:
            self.look_up_button.clicked.connect(on_look_up)
        row = QHBoxLayout()
        row.addWidget(self.status, 1)
        row.addWidget(self.look_up_button, 0, Qt.AlignmentFlag.AlignTop)
        column.addLayout(row)
        self.file_pictures: list[QLabel] = []
        self.candidates: list[QWidget] = []
        self.reembed_buttons: list[QPushButton] = []
        for rank, c in enumerate(report.recovered, 1):
            box = self._candidate(rank, report, c, on_reembed)
            self.candidates.append(box)
            column.addWidget(box)
        if self.file_pictures:
            tasks.spawn(self._file_picture(Path(report.file.path)))

    @staticmethod
    def _status_text(report: InspectionReport, state: RecoveryState) -> str:
        if state.searching:
            return "Looking for this picture's credentials in the manifest repositories…"
        said = state.said or ""
        if report.recovered:
            found = (f"{len(report.recovered)} signed pictures look like this one, best match first."
                     if len(report.recovered) > 1 else "One signed picture looks like this one.")
            return f"{found} {said}".strip()
        if state.said:
            return f"No signed picture in the repositories looks like this one. {said}"
        return ("This file's own credentials cannot be read. Its picture can be looked up in the manifest "
                "repositories by its fingerprint.")

    def _candidate(self, rank: int, report: InspectionReport, c: RecoveredCredentials,
                   on_reembed: Callable[[InspectionReport, RecoveredCredentials], None] | None) -> QWidget:
        style = VERDICTS[c.verdict]
        box = QFrame()
        box.setObjectName("recoveredCandidate")
        box.setAccessibleName(f"Candidate {rank}: {style.title}")
        box.setStyleSheet(f"#recoveredCandidate {{ border-left: 6px solid {style.colour}; }}")
        row = QHBoxLayout(box)
        mine = self._picture(row, "This file")
        signed = self._picture(row, "Thumbnail signed into the recovered credentials")
        self.file_pictures.append(mine)
        if c.thumbnail:
            try:
                data = base64.b64decode(c.thumbnail, validate=True)
            except (binascii.Error, ValueError):
                signed.setText("no thumbnail")
            else:
                self._tasks.spawn(self._signed_picture(signed, data))
        else:
            signed.setText("no signed thumbnail")
        facts = QVBoxLayout()
        title = QHBoxLayout()
        icon = QLabel()
        icon.setPixmap(verdict_icon(c.verdict, 32).pixmap(32, 32))
        title.addWidget(icon)
        verdict = _label(f"<b>{rank}. {_esc(style.title)}</b> — {_esc(c.summary)}", "Recovered verdict")
        title.addWidget(verdict, 1)
        facts.addLayout(title)
        who = c.signer.common_name or c.signer.organisation if c.signer else None
        pairs = [("Title", _esc(c.title or "(untitled)")),
                 ("Signed by", _esc(who or "an unnamed signer")),
                 ("Match", f"{_esc(match_line(c))}<br><i>{_esc(c.meaning)}</i>"),
                 ("Found in", _esc(f"the manifest repository of {c.source}")),
                 ("Manifest", f"<code>{_esc(c.manifest_id)}</code>")]
        if c.signed_at:
            pairs.insert(2, ("Signed at", _esc(time_text(c.signed_at))))
        if c.claim_generator:
            pairs.append(("Made with", _esc(c.claim_generator)))
        if c.actions:
            pairs.append(("History", "<br>".join(_esc(action_line(a.action, a.digital_source_type))
                                                 for a in c.actions)))
        grid = QGridLayout()
        grid.setColumnStretch(1, 1)
        for i, (key, value) in enumerate(pairs):
            grid.addWidget(_label(f"<span style='color:palette(mid)'>{_esc(key)}</span>"), i, 0,
                           Qt.AlignmentFlag.AlignTop)
            cell = _label(value, key)
            cell.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            grid.addWidget(cell, i, 1)
        facts.addLayout(grid)
        if on_reembed is not None:
            button = QPushButton("Save a copy with these credentials attached…")
            button.setToolTip("Write a signed copy of this file that carries the recovered credentials as an "
                              "ingredient, with the action \"re-associated by fingerprint\": it never claims they "
                              "were embedded in the file you received")
            button.clicked.connect(lambda _=False, chosen=c: on_reembed(report, chosen))
            self.reembed_buttons.append(button)
            buttons = QHBoxLayout()
            buttons.addWidget(button)
            buttons.addStretch(1)
            facts.addLayout(buttons)
        facts.addStretch(1)
        row.addLayout(facts, 1)
        return box

    @staticmethod
    def _picture(row: QHBoxLayout, caption: str) -> QLabel:
        holder = QVBoxLayout()
        picture = QLabel("…")
        picture.setFixedSize(EDGE, EDGE)
        picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        picture.setStyleSheet("QLabel { border: 1px solid palette(mid); border-radius: 6px; }")
        picture.setAccessibleName(caption)
        text = _label(f"<small>{_esc(caption)}</small>")
        text.setFixedWidth(EDGE)
        holder.addWidget(picture)
        holder.addWidget(text)
        holder.addStretch(1)
        row.addLayout(holder)
        return picture

    @staticmethod
    def _show(target: QLabel, data: bytes | None) -> None:
        image = image_from_bytes(data)
        if image.isNull():
            target.setText("no preview")
            return
        target.setPixmap(QPixmap.fromImage(image).scaled(EDGE, EDGE, Qt.AspectRatioMode.KeepAspectRatio,
                                                         Qt.TransformationMode.SmoothTransformation))

    async def _file_picture(self, path: Path) -> None:
        data = await file_preview_async(path, EDGE)
        for target in self.file_pictures:
            self._show(target, data)

    async def _signed_picture(self, target: QLabel, data: bytes) -> None:
        # A thumbnail from a repository (perhaps a remote one) is someone else's bytes: decoded in a worker.
        self._show(target, await picture_bytes_preview_async(data, EDGE))
