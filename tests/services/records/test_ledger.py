from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tests.damaged_files import SQLITE_DAMAGE, damage_sqlite, set_aside_copies
from trustnxt_desktop.domain.usage import month_bounds
from trustnxt_desktop.services.records.ledger import UsageLedger
from trustnxt_desktop.services.store_health import take_notices


def test_counts_this_month_by_day_and_kind(tmp_path: Path) -> None:
    ledger = UsageLedger(tmp_path)
    utc = dt.UTC
    ledger.record("protect", "local", at=dt.datetime(2026, 11, 2, 10, tzinfo=utc))
    ledger.record("protect", "cloud", at=dt.datetime(2026, 11, 2, 23, 59, tzinfo=utc))
    ledger.record("inspect", "local", at=dt.datetime(2026, 11, 30, 23, 59, tzinfo=utc))
    ledger.record("inspect", "local", at=dt.datetime(2026, 10, 31, 23, 59, tzinfo=utc))  # last month
    ledger.record("protect", "local", at=dt.datetime(2026, 12, 1, 0, 0, tzinfo=utc))  # next month
    snap = ledger.snapshot(today=dt.date(2026, 11, 27))
    assert (snap.period_start, snap.period_end) == ("2026-11-01", "2026-11-30")
    assert (snap.protect_calls, snap.inspect_calls) == (2, 1)
    assert [(d.day, d.protect, d.inspect) for d in snap.per_day] == [("2026-11-02", 2, 0), ("2026-11-30", 0, 1)]
    assert ledger.snapshot(today=dt.date(2026, 11, 27), backend="cloud").protect_calls == 1


def test_month_bounds_handles_december_and_february() -> None:
    assert month_bounds(dt.date(2026, 12, 31)) == (dt.date(2026, 12, 1), dt.date(2026, 12, 31))
    assert month_bounds(dt.date(2028, 2, 10)) == (dt.date(2028, 2, 1), dt.date(2028, 2, 29))


def test_failed_calls_are_not_counted(tmp_path: Path) -> None:
    ledger = UsageLedger(tmp_path)
    ledger.record("protect", "local", ok=False)
    ledger.record("protect", "local", ok=True)
    assert ledger.snapshot().protect_calls == 1


def test_record_many_counts_each_call(tmp_path: Path) -> None:
    ledger = UsageLedger(tmp_path)
    ledger.record_many("inspect", "local", [True, True, False, True])
    ledger.record_many("inspect", "local", [])
    ledger.record("inspect", "local")
    assert ledger.snapshot().inspect_calls == 4


@pytest.mark.parametrize("kind", SQLITE_DAMAGE)
def test_a_damaged_ledger_is_set_aside_and_counting_starts_again(tmp_path: Path, kind: str) -> None:
    take_notices()
    ledger = UsageLedger(tmp_path)
    ledger.record_many("inspect", "local", [True] * 3000)
    ledger.close()
    damage_sqlite(tmp_path / "usage.sqlite3", kind)

    ledger = UsageLedger(tmp_path)  # before: sqlite3.DatabaseError, or "unable to open database file"
    ledger.record("protect", "local")
    assert (ledger.snapshot().protect_calls, ledger.snapshot().inspect_calls) == (1, 0)
    ledger.close()
    notices = take_notices()
    if kind == "zero length":
        assert notices == [] and set_aside_copies(tmp_path / "usage.sqlite3") == []
        return
    (aside,) = set_aside_copies(tmp_path / "usage.sqlite3")
    (notice,) = notices
    assert notice.store == "usage ledger" and notice.damaged == aside and str(aside) in notice.text
