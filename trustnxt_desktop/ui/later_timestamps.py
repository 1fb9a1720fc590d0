"""Add timestamps: the Protect panel's action for copies protected offline ("no timestamp yet"), and the notice that
offers it once the timestamp authority answers again.

The copies come from the job store (services/later_timestamps.py), so copies protected in an earlier session, by
`trustnxt protect` or by a watch folder are offered too. Checking asks the authority for one token over a random
hash, only while such copies exist and only of the authority chosen in Settings.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from ..services.later_timestamps import FAILED, LaterTimestamps, TimestampOutcome
from .tasks import TaskOwner

FIRST_CHECK_MS = 5000  # after start-up: the window is drawn first
RECHECK_MS = 2 * 60 * 1000  # while copies wait: is the authority back?


def _copies(n: int) -> str:
    return f"{n} protected {'copy' if n == 1 else 'copies'}"


class TimestampActions(QObject):
    """The "Add timestamps" button and the notice; `stamped` carries each copy's TimestampOutcome."""

    stamped = Signal(object)

    def __init__(self, later: LaterTimestamps, on_error: Callable[[str], None], parent: QWidget) -> None:
        super().__init__(parent)
        self._later = later
        self._on_error = on_error
        self._tasks = TaskOwner(on_error)
        self.waiting = 0  # copies the job store marks "no timestamp yet" (as last counted)
        self.busy = False
        self.button = QPushButton("Add &timestamps")
        self.button.setToolTip("Add a timestamp to the protected copies made while the timestamp authority could "
                               "not be reached, so they stay valid after your certificate expires")
        self.button.clicked.connect(self.add)
        self.notice = QWidget(parent)
        self.notice.setObjectName("timestampNotice")
        self.notice.setStyleSheet("#timestampNotice { background: #e3f2fd; border-radius: 6px; }"
                                  "#timestampNotice QLabel { color: #0d3c61; }")
        self.notice_text = QLabel()
        self.notice_text.setWordWrap(True)
        self.notice_text.setAccessibleName("Timestamps waiting")
        self.notice_button = QPushButton("Add timestamps &now")
        self.notice_button.clicked.connect(self.add)
        row = QHBoxLayout(self.notice)
        row.addWidget(self.notice_text, 1)
        row.addWidget(self.notice_button)
        self.notice.hide()
        self._timer = QTimer(self)
        self._timer.setInterval(RECHECK_MS)
        self._timer.timeout.connect(self.check)
        self._update()

    def start(self) -> None:
        """Check soon after start-up, then every RECHECK_MS."""
        QTimer.singleShot(FIRST_CHECK_MS, self.check)
        self._timer.start()

    def note_waiting(self) -> None:
        """A copy was just protected without a timestamp: the button offers it (the authority is asked later)."""
        self.waiting += 1
        self._update()

    def check(self) -> None:
        self._tasks.spawn(self.check_async())

    async def check_async(self) -> bool:
        """Count the waiting copies; when there are some and the authority grants a token, show the notice.
        Returns whether the notice is shown."""
        if self.busy:
            return self.notice.isVisible()
        self.waiting = len(await self._later.waiting())
        answers = self.waiting > 0 and await self._later.authority_answers()
        if answers:
            self.notice_text.setText(f"<b>{_copies(self.waiting)} {'has' if self.waiting == 1 else 'have'} no "
                                     "timestamp yet.</b> The timestamp authority answers again: add the timestamps "
                                     "now so they stay valid after your certificate expires.")
        self.notice.setVisible(answers)
        self._update()
        return answers

    def add(self) -> None:
        self._tasks.spawn(self.add_async())

    async def add_async(self) -> list[TimestampOutcome]:
        """Timestamp every waiting copy, one after the other; failures are said together at the end."""
        if self.busy:
            return []
        self.busy = True
        self._update()
        outcomes: list[TimestampOutcome] = []
        try:
            waiting = await self._later.waiting()
            for n, copy in enumerate(waiting, 1):
                self.button.setText(f"Adding timestamps… {n} of {len(waiting)}")
                outcome = await self._later.add(copy.output)
                outcomes.append(outcome)
                self.stamped.emit(outcome)
        finally:
            self.busy = False
            self.button.setText("Add &timestamps")
        self.waiting = len(await self._later.waiting())
        self.notice.setVisible(False)
        self._update()
        failed = [o for o in outcomes if o.status == FAILED]
        if failed:
            lines = "\n".join(f"{o.path.name}: {o.error}" for o in failed[:10])
            more = f"\n… and {len(failed) - 10} more." if len(failed) > 10 else ""
            they = "it is" if len(failed) == 1 else "they are"
            self._on_error(f"{_copies(len(failed))} could not be timestamped; {they} unchanged.\n\n{lines}{more}")
        return outcomes

    def _update(self) -> None:
        self.button.setEnabled(self.waiting > 0 and not self.busy)
        self.notice_button.setEnabled(not self.busy)

    async def aclose(self) -> None:
        self._timer.stop()
        await self._tasks.aclose()
