"""The timestamp authority choice: a listed authority, your own URL, or none, read back as the settings' values."""

from __future__ import annotations

from trustnxt_desktop.domain.timestamps import DEFAULT_TSA_URL, TIMESTAMP_AUTHORITIES
from trustnxt_desktop.ui.timestamp_choice import NONE, OWN, TimestampChoice


def test_listed_own_and_none_round_trip(qtbot) -> None:
    choice = TimestampChoice(True, "")
    qtbot.addWidget(choice)
    assert choice.value() == (True, DEFAULT_TSA_URL) and choice.own_url.isHidden()
    listed = TIMESTAMP_AUTHORITIES[-1].url
    choice.set_value(True, listed)
    assert choice.value() == (True, listed)
    assert "C2PA TSA trust list" in str(choice.authority.itemData(choice.authority.currentIndex(), 3))
    choice.set_value(True, "http://tsa.newsroom.example/rfc3161")
    assert choice.authority.currentData() == OWN and not choice.own_url.isHidden()
    assert choice.value() == (True, "http://tsa.newsroom.example/rfc3161")
    choice.authority.setCurrentIndex(choice.authority.findData(NONE))
    assert choice.value() == (False, "") and choice.own_url.isHidden()
    choice.set_value(False, listed)
    assert choice.value() == (False, "")
