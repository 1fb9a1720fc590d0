"""Per-key monthly usage in sqlite: calls counted per day and kind, the cycle a calendar month (UTC)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from trustnxt_desktop.sandbox.billing import SOURCE, Billing


def test_calls_are_counted_per_account_day_and_kind_within_the_cycle(tmp_path: Path) -> None:
    billing = Billing(tmp_path / "usage.sqlite")
    for day, kind in [(dt.date(2026, 10, 31), "protect"), (dt.date(2026, 11, 1), "protect"),
                      (dt.date(2026, 11, 1), "protect"), (dt.date(2026, 11, 1), "inspect"),
                      (dt.date(2026, 11, 30), "inspect"), (dt.date(2026, 12, 1), "inspect")]:
        billing.bill("acct", kind, day)
    billing.bill("other", "protect", dt.date(2026, 11, 2))
    billing.close()

    reopened = Billing(tmp_path / "usage.sqlite")  # counts survive a restart
    snap = reopened.snapshot("acct", 100, None, dt.date(2026, 11, 15))
    assert (snap.period_start, snap.period_end) == ("2026-11-01", "2026-11-30")
    assert (snap.protect_calls, snap.inspect_calls, snap.source) == (2, 2, SOURCE)
    assert (snap.protect_limit, snap.inspect_limit) == (100, None)
    assert [(d.day, d.protect, d.inspect) for d in snap.per_day] == [("2026-11-01", 2, 1), ("2026-11-30", 0, 1)]
    assert reopened.snapshot("nobody", None, None, dt.date(2026, 11, 15)).per_day == []
    reopened.close()


def test_used_counts_this_months_calls(tmp_path: Path) -> None:
    billing = Billing(tmp_path / "u.sqlite")
    today = dt.datetime.now(dt.UTC).date()
    billing.bill("a", "inspect")
    billing.bill("a", "inspect", today)
    billing.bill("a", "inspect", today.replace(day=1) - dt.timedelta(days=1))  # last month
    assert billing.used("a", "inspect") == 2 and billing.used("a", "protect") == 0
    with pytest.raises(AssertionError):
        billing.bill("a", "download")
    billing.close()
