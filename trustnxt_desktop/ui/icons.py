"""Icons drawn with QPainter, so the app ships no image files and they stay crisp at any scale."""

from __future__ import annotations

import math
from functools import lru_cache

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPainterPath, QPen, QPixmap

from ..domain.jobs import JobState
from ..domain.report import CheckStatus, Verdict
from .theme import CHECK_STATUS, JOB_STATES, VERDICTS


def _glyph(p: QPainter, glyph: str, r: QRectF, colour: QColor) -> None:
    pen = QPen(colour, r.width() * 0.12, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap, Qt.PenJoinStyle.RoundJoin)
    p.setPen(pen)
    x, y, w, h = r.x(), r.y(), r.width(), r.height()
    if glyph == "check":
        path = QPainterPath(QPointF(x + w * 0.25, y + h * 0.52))
        path.lineTo(x + w * 0.43, y + h * 0.70)
        path.lineTo(x + w * 0.76, y + h * 0.33)
        p.drawPath(path)
    elif glyph == "cross":
        p.drawLine(QPointF(x + w * 0.3, y + h * 0.3), QPointF(x + w * 0.7, y + h * 0.7))
        p.drawLine(QPointF(x + w * 0.7, y + h * 0.3), QPointF(x + w * 0.3, y + h * 0.7))
    elif glyph == "warn":
        p.drawLine(QPointF(x + w * 0.5, y + h * 0.25), QPointF(x + w * 0.5, y + h * 0.58))
        p.drawPoint(QPointF(x + w * 0.5, y + h * 0.76))
    elif glyph == "question":
        path = QPainterPath(QPointF(x + w * 0.36, y + h * 0.36))
        path.cubicTo(x + w * 0.36, y + h * 0.18, x + w * 0.66, y + h * 0.18, x + w * 0.64, y + h * 0.38)
        path.cubicTo(x + w * 0.62, y + h * 0.5, x + w * 0.5, y + h * 0.48, x + w * 0.5, y + h * 0.6)
        p.drawPath(path)
        p.drawPoint(QPointF(x + w * 0.5, y + h * 0.78))
    elif glyph == "camera":
        p.drawRoundedRect(QRectF(x + w * 0.22, y + h * 0.36, w * 0.56, h * 0.36), w * 0.06, w * 0.06)
        p.drawEllipse(QPointF(x + w * 0.5, y + h * 0.54), w * 0.1, w * 0.1)
        p.drawLine(QPointF(x + w * 0.4, y + h * 0.36), QPointF(x + w * 0.44, y + h * 0.29))
        p.drawLine(QPointF(x + w * 0.44, y + h * 0.29), QPointF(x + w * 0.56, y + h * 0.29))
        p.drawLine(QPointF(x + w * 0.56, y + h * 0.29), QPointF(x + w * 0.6, y + h * 0.36))
    elif glyph == "wave":
        p.setPen(QPen(colour, r.width() * 0.06, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
        for i, height in enumerate((0.12, 0.26, 0.36, 0.2, 0.3, 0.14)):
            cx = x + w * (0.27 + i * 0.092)
            p.drawLine(QPointF(cx, y + h * (0.5 - height / 2)), QPointF(cx, y + h * (0.5 + height / 2)))
    elif glyph == "clock":  # waiting
        p.drawEllipse(QPointF(x + w * 0.5, y + h * 0.5), w * 0.26, h * 0.26)
        p.drawLine(QPointF(x + w * 0.5, y + h * 0.5), QPointF(x + w * 0.5, y + h * 0.34))
        p.drawLine(QPointF(x + w * 0.5, y + h * 0.5), QPointF(x + w * 0.62, y + h * 0.56))
    elif glyph == "busy":  # at work: a circular arrow going clockwise
        cx, cy, radius = x + w * 0.5, y + h * 0.5, w * 0.22
        p.drawArc(QRectF(cx - radius, cy - radius, 2 * radius, 2 * radius), 70 * 16, 280 * 16)
        # the arrowhead sits on the arc's open end (70°), pointing on round the circle
        end = QPointF(cx + radius * math.cos(math.radians(70)), cy - radius * math.sin(math.radians(70)))
        ahead = QPointF(math.sin(math.radians(70)), math.cos(math.radians(70)))
        side = QPointF(-ahead.y(), ahead.x())
        head = QPainterPath(end + ahead * (w * 0.13))
        head.lineTo(end + side * (w * 0.1))
        head.lineTo(end - side * (w * 0.1))
        head.closeSubpath()
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(colour)
        p.drawPath(head)
    elif glyph == "skip":  # passed over: two chevrons
        for dx in (0.0, 0.18):
            path = QPainterPath(QPointF(x + w * (0.3 + dx), y + h * 0.32))
            path.lineTo(x + w * (0.46 + dx), y + h * 0.5)
            path.lineTo(x + w * (0.3 + dx), y + h * 0.68)
            p.drawPath(path)
    elif glyph == "stop":  # cancelled: a filled square
        p.setBrush(colour)
        p.drawRoundedRect(QRectF(x + w * 0.34, y + h * 0.34, w * 0.32, h * 0.32), w * 0.03, w * 0.03)
    else:  # "none": a dash
        p.drawLine(QPointF(x + w * 0.3, y + h * 0.5), QPointF(x + w * 0.7, y + h * 0.5))


@lru_cache(maxsize=64)
def badge(glyph: str, colour: str, size: int = 64, shield: bool = False) -> QIcon:
    """A coloured disc (or shield) with a white glyph."""
    pm = QPixmap(size, size)
    pm.fill(Qt.GlobalColor.transparent)
    p = QPainter(pm)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QColor(colour))
    r = QRectF(2, 2, size - 4, size - 4)
    if shield:
        path = QPainterPath(QPointF(r.center().x(), r.top()))
        path.lineTo(r.right(), r.top() + r.height() * 0.18)
        path.cubicTo(r.right(), r.top() + r.height() * 0.65, r.center().x() + r.width() * 0.2, r.bottom() - 4,
                     r.center().x(), r.bottom())
        path.cubicTo(r.center().x() - r.width() * 0.2, r.bottom() - 4, r.left(), r.top() + r.height() * 0.65,
                     r.left(), r.top() + r.height() * 0.18)
        path.closeSubpath()
        p.drawPath(path)
    else:
        p.drawEllipse(r)
    _glyph(p, glyph, r, QColor("white"))
    p.end()
    return QIcon(pm)


def verdict_icon(verdict: Verdict, size: int = 64) -> QIcon:
    style = VERDICTS[verdict]
    return badge(style.glyph, style.colour, size, shield=True)


def check_icon(status: CheckStatus, size: int = 32) -> QIcon:
    glyph, colour = CHECK_STATUS[status]
    return badge(glyph, colour, size)


def job_state_icon(state: JobState, size: int = 32) -> QIcon:
    glyph, colour = JOB_STATES[state.value]
    return badge(glyph, colour, size)


def app_icon() -> QIcon:
    return badge("check", "#0b5394", 256, shield=True)
