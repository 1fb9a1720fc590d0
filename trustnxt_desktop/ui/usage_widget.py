"""This month's Protect and Inspect calls: totals, limits when known, and a small chart per day."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QProgressBar, QPushButton, QVBoxLayout, QWidget

from ..domain.errors import TrustNXTError
from ..domain.report import CheckStatus
from ..domain.usage import UsageSnapshot
from .tasks import TaskOwner
from .theme import text_colour

PROTECT_COLOUR = QColor("#1565c0")
INSPECT_COLOUR = QColor("#2e7d32")


class DailyChart(QWidget):
    """Stacked bars, one per day of the cycle: protect (blue) under inspect (green)."""

    def __init__(self) -> None:
        super().__init__()
        self.snapshot: UsageSnapshot | None = None
        self.setMinimumHeight(70)
        self.setAccessibleName("Calls per day")

    def set_snapshot(self, snapshot: UsageSnapshot) -> None:
        self.snapshot = snapshot
        days = {d.day: d for d in snapshot.per_day}
        busiest = max(days.values(), key=lambda d: d.protect + d.inspect, default=None)
        self.setAccessibleDescription(
            f"Busiest day {busiest.day}: {busiest.protect} protect, {busiest.inspect} inspect" if busiest
            else "No calls this month")
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        snap = self.snapshot
        if snap is None:
            return
        start, end = dt.date.fromisoformat(snap.period_start), dt.date.fromisoformat(snap.period_end)
        ndays = (end - start).days + 1
        per_day = {d.day: d for d in snap.per_day}
        peak = max((d.protect + d.inspect for d in snap.per_day), default=0) or 1
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        w, h = self.width(), self.height() - 12
        slot = w / ndays
        today = dt.datetime.now(dt.UTC).date()
        for i in range(ndays):
            day = start + dt.timedelta(days=i)
            entry = per_day.get(day.isoformat())
            x = i * slot + slot * 0.15
            bw = slot * 0.7
            base = float(h)
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(self.palette().mid().color())
            p.drawRect(QRectF(x, h - 1, bw, 1))
            if entry:
                for count, colour in ((entry.protect, PROTECT_COLOUR), (entry.inspect, INSPECT_COLOUR)):
                    bar = h * count / peak
                    p.setBrush(colour)
                    p.drawRoundedRect(QRectF(x, base - bar, bw, bar), 1.5, 1.5)
                    base -= bar
            if day == today:
                p.setBrush(self.palette().text().color())
                p.drawEllipse(QRectF(x + bw / 2 - 2, h + 4, 4, 4))
        p.end()


class UsageWidget(QFrame):
    def __init__(self, load: Callable[[], Awaitable[UsageSnapshot]], on_error: Callable[[str], None],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._load = load
        self._tasks = TaskOwner(on_error)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAccessibleName("Usage this month")
        self.title = QLabel("<b>This month</b>")
        self.protect_label = QLabel("Protect: –")
        self.inspect_label = QLabel("Inspect: –")
        self.protect_bar = QProgressBar()
        self.inspect_bar = QProgressBar()
        for bar, name in ((self.protect_bar, "Protect calls against limit"),
                          (self.inspect_bar, "Inspect calls against limit")):
            bar.setAccessibleName(name)
            bar.setMaximumHeight(10)
            bar.setTextVisible(False)
            bar.hide()
        self.chart = DailyChart()
        self.source = QLabel()
        self.source.setWordWrap(True)
        self.source.setTextFormat(Qt.TextFormat.PlainText)  # it quotes the service's messages: never markup
        small = self.source.font()
        small.setPointSizeF(small.pointSizeF() * 0.85)
        self.source.setFont(small)
        self.refresh_button = QPushButton("Refresh")
        self.refresh_button.setAccessibleName("Refresh usage")
        self.refresh_button.clicked.connect(self.refresh)
        head = QHBoxLayout()
        head.addWidget(self.title, 1)
        head.addWidget(self.refresh_button)
        layout = QVBoxLayout(self)
        layout.addLayout(head)
        for w in (self.protect_label, self.protect_bar, self.inspect_label, self.inspect_bar, self.chart, self.source):
            layout.addWidget(w)
        self.snapshot: UsageSnapshot | None = None

    def refresh(self) -> None:
        self._tasks.spawn(self.refresh_async())

    async def refresh_async(self) -> UsageSnapshot | None:
        self.refresh_button.setEnabled(False)
        try:
            snapshot = await self._load()
        except TrustNXTError as e:
            # Usage is a side panel: no key, no keyring or an unusable address is said here, not in a dialog.
            self._say_source(f"Usage unavailable: {e}", problem=True)
            return None
        finally:
            self.refresh_button.setEnabled(True)
        self.show_snapshot(snapshot)
        return snapshot

    def show_snapshot(self, s: UsageSnapshot) -> None:
        self.snapshot = s
        start = dt.date.fromisoformat(s.period_start)
        self.title.setText(f"<b>{start:%B %Y}</b>")
        for label, bar, count, limit, word in (
            (self.protect_label, self.protect_bar, s.protect_calls, s.protect_limit, "Protect"),
            (self.inspect_label, self.inspect_bar, s.inspect_calls, s.inspect_limit, "Inspect"),
        ):
            label.setText(f"{word}: <b>{count:,}</b>"
                          + (f" of {limit:,}" if limit else " call" if count == 1 else " calls"))
            label.setAccessibleName(f"{word} calls: {count}" + (f" of {limit}" if limit else ""))
            bar.setVisible(bool(limit))
            if limit:
                bar.setMaximum(limit)
                bar.setValue(min(count, limit))
        self.chart.set_snapshot(s)
        counted = f"Counted by: {s.source} · cycle {s.period_start} – {s.period_end}"
        # A fallback is never shown as the service's answer: it says why these are this computer's counts.
        self._say_source(f"Counted on this computer: {s.note}\n{counted}" if s.note else counted, problem=bool(s.note))

    def _say_source(self, text: str, *, problem: bool) -> None:
        self.source.setStyleSheet(f"color: {text_colour(CheckStatus.WARN)};" if problem else "")
        self.source.setText(text)

    async def aclose(self) -> None:
        await self._tasks.aclose()
