"""Colours, words and palettes: one place decides how a verdict looks."""

from __future__ import annotations

import os
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette

from ..domain.display import verdict_title
from ..domain.report import CheckStatus, Verdict


@dataclass(frozen=True)
class VerdictStyle:
    title: str  # a few words, shown large (domain.display.VERDICT_TITLES)
    colour: str  # banner background
    glyph: str  # drawn into the icon: check, cross, warn, none, question


VERDICTS: dict[Verdict, VerdictStyle] = {
    Verdict.TRUSTED: VerdictStyle(verdict_title(Verdict.TRUSTED), "#1e7d32", "check"),
    Verdict.VALID: VerdictStyle(verdict_title(Verdict.VALID), "#1565c0", "check"),
    Verdict.INVALID: VerdictStyle(verdict_title(Verdict.INVALID), "#c62828", "cross"),
    Verdict.NONE: VerdictStyle(verdict_title(Verdict.NONE), "#616161", "none"),
    Verdict.UNVERIFIED: VerdictStyle(verdict_title(Verdict.UNVERIFIED), "#ef6c00", "question"),
    Verdict.UNSUPPORTED: VerdictStyle(verdict_title(Verdict.UNSUPPORTED), "#616161", "none"),
    Verdict.ERROR: VerdictStyle(verdict_title(Verdict.ERROR), "#8e24aa", "warn"),
}

CHECK_STATUS: dict[CheckStatus, tuple[str, str]] = {  # glyph, colour
    CheckStatus.PASS: ("check", "#2e7d32"),
    CheckStatus.FAIL: ("cross", "#c62828"),
    CheckStatus.WARN: ("warn", "#ef6c00"),
    CheckStatus.UNKNOWN: ("question", "#757575"),
    CheckStatus.NOT_APPLICABLE: ("none", "#9e9e9e"),
}

JOB_STATES: dict[str, tuple[str, str]] = {  # job state -> glyph, colour: every state its own icon
    "waiting": ("clock", "#757575"),
    "protecting": ("busy", "#1565c0"),
    "done": ("check", "#2e7d32"),
    "failed": ("cross", "#c62828"),
    "skipped": ("skip", "#8d6e63"),
    "cancelled": ("stop", "#546e7a"),
}


_DARK_TEXT = {CheckStatus.PASS: "#81c784", CheckStatus.FAIL: "#ef9a9a", CheckStatus.WARN: "#ffb74d"}


def text_colour(status: CheckStatus) -> str:
    """A check status's colour for text on the window's background: lighter shades on a dark palette."""
    return _DARK_TEXT.get(status, CHECK_STATUS[status][1]) if is_dark() else CHECK_STATUS[status][1]


def is_dark() -> bool:
    """The system's scheme; TRUSTNXT_COLOR_SCHEME=dark|light overrides it (screenshots, odd desktops)."""
    forced = os.environ.get("TRUSTNXT_COLOR_SCHEME", "").lower()
    if forced in ("dark", "light"):
        return forced == "dark"
    return QGuiApplication.styleHints().colorScheme() == Qt.ColorScheme.Dark


def apply_palette(app: QGuiApplication) -> None:
    """Follow the system's light or dark scheme, with a palette that reads well in both."""
    palette = QPalette()
    if is_dark():
        base, window, text = QColor("#1e1f22"), QColor("#2b2d31"), QColor("#e8e8e8")
        palette.setColor(QPalette.ColorRole.Window, window)
        palette.setColor(QPalette.ColorRole.WindowText, text)
        palette.setColor(QPalette.ColorRole.Base, base)
        palette.setColor(QPalette.ColorRole.AlternateBase, window)
        palette.setColor(QPalette.ColorRole.Text, text)
        palette.setColor(QPalette.ColorRole.Button, window)
        palette.setColor(QPalette.ColorRole.ButtonText, text)
        palette.setColor(QPalette.ColorRole.ToolTipBase, window)
        palette.setColor(QPalette.ColorRole.ToolTipText, text)
        palette.setColor(QPalette.ColorRole.PlaceholderText, QColor("#9a9a9a"))
        palette.setColor(QPalette.ColorRole.Highlight, QColor("#3d6fb6"))
        palette.setColor(QPalette.ColorRole.HighlightedText, QColor("#ffffff"))
        palette.setColor(QPalette.ColorRole.Link, QColor("#8ab4f8"))
        muted = QColor("#7a7a7a")  # disabled controls must look disabled in the dark too
        for role in (QPalette.ColorRole.ButtonText, QPalette.ColorRole.Text, QPalette.ColorRole.WindowText):
            palette.setColor(QPalette.ColorGroup.Disabled, role, muted)
    app.setPalette(palette)


def connect_scheme_changes(app: QGuiApplication) -> None:
    app.styleHints().colorSchemeChanged.connect(lambda _scheme: apply_palette(app))
