"""The signing time and on whose word it rests (C2PA 2.2 "Time-stamps"; the actions' own `when`)."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from tests.domain.test_evidence_words import report
from tests.expect import present
from trustnxt_desktop.domain.display import time_text
from trustnxt_desktop.domain.report import Action, Check, CheckStatus
from trustnxt_desktop.domain.times import NOT_RELIED, STATED, VOUCHED, signing_time, stated_time

ZONED = st.datetimes(min_value=dt.datetime(1990, 1, 1), max_value=dt.datetime(2090, 1, 1),
                     timezones=st.sampled_from([dt.UTC, dt.timezone(dt.timedelta(hours=5, minutes=30)),
                                                dt.timezone(dt.timedelta(hours=-8))]))


@given(ZONED)
def test_an_iso_time_reads_with_a_space_and_nothing_else_changes(when: dt.datetime) -> None:
    text = when.isoformat()
    shown = time_text(text)
    assert shown == text.replace("T", " ", 1)
    assert dt.datetime.fromisoformat(shown) == when


@given(st.text(max_size=30).filter(lambda s: not (len(s) > 10 and s[10] == "T" and s[:4].isdigit())))
def test_anything_that_is_not_an_iso_time_is_shown_as_written(value: str) -> None:
    assert time_text(value) == value


@given(st.lists(ZONED, min_size=1, max_size=6))
def test_the_stated_time_is_the_latest_action_whatever_the_zones(times: list[dt.datetime]) -> None:
    r = report(actions=[Action("c2pa.edited", when=t.isoformat()) for t in times])
    stated = stated_time(r)
    assert stated is not None and dt.datetime.fromisoformat(stated) == max(times)
    found = signing_time(r)
    assert found is not None and found.basis == STATED and found.text().endswith("(as stated by the signer)")


def test_times_that_cannot_be_ordered_give_the_last_one_listed() -> None:
    r = report(actions=[Action("c2pa.created", when="2026-05-01T10:00:00"),  # no zone: not comparable
                        Action("c2pa.edited"), Action("c2pa.edited", when="2025-01-01T00:00:00+00:00")])
    assert stated_time(r) == "2025-01-01T00:00:00+00:00"
    assert stated_time(report(actions=[Action("c2pa.edited")])) is None
    assert signing_time(report()) is None


def test_a_timestamp_is_relied_on_only_when_its_check_passed() -> None:
    at = "2026-11-29T17:39:52+00:00"
    actions = [Action("c2pa.created", when="2030-01-01T00:00:00+00:00")]
    passed = report(signed_at=at, actions=actions, checks=[Check("timestamp", CheckStatus.PASS, "")])
    failed = report(signed_at=at, actions=actions, checks=[Check("timestamp", CheckStatus.FAIL, "")])
    unchecked = report(signed_at=at)
    vouched = present(signing_time(passed), "signing time")
    assert vouched.basis == VOUCHED
    assert vouched.when == at, "the timestamp wins over the signer's own times"
    assert present(signing_time(failed), "signing time").basis == NOT_RELIED
    assert present(signing_time(unchecked), "signing time").basis == NOT_RELIED
    assert vouched.text() == "2026-11-29 17:39:52+00:00 (vouched for by a timestamp authority)"
