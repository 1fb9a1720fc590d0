"""The monthly usage figures: a calendar-month cycle and a snapshot that survives its JSON form."""

from __future__ import annotations

import datetime as dt
import json

from hypothesis import given
from hypothesis import strategies as st

from trustnxt_desktop.domain.usage import DailyUsage, UsageSnapshot, month_bounds


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(9999, 11, 30)))
def test_the_cycle_is_the_calendar_month_that_contains_the_day(today: dt.date) -> None:
    start, end = month_bounds(today)
    assert start <= today <= end
    assert start.day == 1 and (start.year, start.month) == (end.year, end.month) == (today.year, today.month)
    assert (end + dt.timedelta(days=1)).day == 1, "the cycle ends on the month's last day"


def test_february_of_a_leap_year() -> None:
    assert month_bounds(dt.date(2028, 2, 10)) == (dt.date(2028, 2, 1), dt.date(2028, 2, 29))
    assert month_bounds(dt.date(2026, 12, 31)) == (dt.date(2026, 12, 1), dt.date(2026, 12, 31))


DAYS = st.lists(st.builds(DailyUsage, day=st.dates().map(dt.date.isoformat), protect=st.integers(0, 10**6),
                          inspect=st.integers(0, 10**6)), max_size=5)


@given(st.builds(UsageSnapshot, period_start=st.just("2026-11-01"), period_end=st.just("2026-11-30"),
                 protect_calls=st.integers(0, 10**9), inspect_calls=st.integers(0, 10**9),
                 source=st.sampled_from(["TrustNXT usage API", "local ledger"]),
                 protect_limit=st.none() | st.integers(0, 10**6), inspect_limit=st.none() | st.integers(0, 10**6),
                 per_day=DAYS, note=st.none() | st.text(max_size=40)))
def test_a_snapshot_survives_its_json_form(snapshot: UsageSnapshot) -> None:
    assert UsageSnapshot.from_dict(json.loads(json.dumps(snapshot.to_dict()))) == snapshot
