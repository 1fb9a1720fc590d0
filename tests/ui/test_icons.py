"""ui/icons.py: every verdict, check status and job state has a badge of its own colour, drawn offscreen."""

from __future__ import annotations

from PySide6.QtGui import QColor, QIcon, QImage
from PySide6.QtWidgets import QApplication

from trustnxt_desktop.domain.jobs import JobState
from trustnxt_desktop.domain.report import CheckStatus, Verdict
from trustnxt_desktop.ui import icons
from trustnxt_desktop.ui.theme import CHECK_STATUS, JOB_STATES, VERDICTS


def _image(icon: QIcon, size: int) -> QImage:
    return icon.pixmap(size, size).toImage()


def _has(image: QImage, colour: str) -> bool:
    want = QColor(colour)
    return any(image.pixelColor(x, y).rgb() == want.rgb() for x in range(image.width()) for y in range(image.height()))


def test_each_verdict_badge_is_its_colour_with_a_white_glyph(qapp: QApplication) -> None:
    for verdict in Verdict:
        image = _image(icons.verdict_icon(verdict, 48), 48)
        assert (image.width(), image.height()) == (48, 48)
        assert _has(image, VERDICTS[verdict].colour), verdict
        if VERDICTS[verdict].glyph != "none":
            assert _has(image, "#ffffff"), verdict
        assert image.pixelColor(0, 0).alpha() == 0  # the corners stay transparent


def test_check_and_job_badges(qapp: QApplication) -> None:
    for status in CheckStatus:
        assert _has(_image(icons.check_icon(status, 24), 24), CHECK_STATUS[status][1]), status
    pictures = set()
    for state in JobState:
        image = _image(icons.job_state_icon(state, 24), 24)
        assert _has(image, JOB_STATES[state.value][1]), state
        pictures.add(bytes(image.constBits()))
    assert len(pictures) == len(JobState)  # every state its own picture


def test_badges_are_cached_and_the_app_icon_is_large(qapp: QApplication) -> None:
    assert icons.badge("check", "#123456", 32) is icons.badge("check", "#123456", 32)
    assert icons.app_icon().availableSizes() and icons.app_icon().availableSizes()[0].width() == 256
    unknown = _image(icons.badge("no such glyph", "#123456", 32), 32)
    assert _has(unknown, "#123456")  # an unknown glyph draws the disc alone, never fails
