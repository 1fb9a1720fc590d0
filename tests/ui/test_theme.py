"""ui/theme.py: one place decides how a verdict, a check and a job state look, in light and dark schemes."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

from trustnxt_desktop.domain.display import verdict_title
from trustnxt_desktop.domain.jobs import JobState
from trustnxt_desktop.domain.report import CheckStatus, Verdict
from trustnxt_desktop.ui import theme


def test_every_verdict_check_status_and_job_state_has_its_look() -> None:
    assert set(theme.VERDICTS) == set(Verdict)
    assert all(style.title == verdict_title(v) for v, style in theme.VERDICTS.items())
    assert set(theme.CHECK_STATUS) == set(CheckStatus)
    assert set(theme.JOB_STATES) == {s.value for s in JobState}
    assert len({glyph for glyph, _ in theme.JOB_STATES.values()}) == len(theme.JOB_STATES)  # each its own icon
    for colour in [s.colour for s in theme.VERDICTS.values()] + [c for _, c in theme.CHECK_STATUS.values()]:
        assert QColor(colour).isValid()
    # Failing and passing never share a colour.
    assert theme.VERDICTS[Verdict.INVALID].colour != theme.VERDICTS[Verdict.TRUSTED].colour


@pytest.mark.parametrize("scheme", ["dark", "light"])
def test_the_scheme_can_be_forced(monkeypatch: pytest.MonkeyPatch, scheme: str) -> None:
    monkeypatch.setenv("TRUSTNXT_COLOR_SCHEME", scheme)
    assert theme.is_dark() is (scheme == "dark")


def test_check_text_is_lighter_on_a_dark_palette(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRUSTNXT_COLOR_SCHEME", "light")
    light = theme.text_colour(CheckStatus.FAIL)
    monkeypatch.setenv("TRUSTNXT_COLOR_SCHEME", "dark")
    dark = theme.text_colour(CheckStatus.FAIL)
    assert QColor(dark).lightness() > QColor(light).lightness()
    assert theme.text_colour(CheckStatus.UNKNOWN) == theme.CHECK_STATUS[CheckStatus.UNKNOWN][1]


def test_the_dark_palette_is_dark_and_disabled_text_looks_disabled(qapp: QApplication,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    saved = qapp.palette()
    try:
        monkeypatch.setenv("TRUSTNXT_COLOR_SCHEME", "dark")
        theme.apply_palette(qapp)
        palette = qapp.palette()
        window = palette.color(QPalette.ColorRole.Window)
        text = palette.color(QPalette.ColorRole.WindowText)
        assert window.lightness() < 80 < text.lightness()
        disabled = palette.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.ButtonText)
        assert disabled != palette.color(QPalette.ColorGroup.Active, QPalette.ColorRole.ButtonText)
        monkeypatch.setenv("TRUSTNXT_COLOR_SCHEME", "light")
        theme.apply_palette(qapp)
        assert qapp.palette().color(QPalette.ColorRole.Window).lightness() > 150
    finally:
        qapp.setPalette(saved)
