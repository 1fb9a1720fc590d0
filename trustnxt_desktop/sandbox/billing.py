"""Per-key monthly usage: what the sandbox bills. Billable = a protect or inspect answered with a result.

Stored in sqlite under the data folder by key digest, never by key. Called from the event loop only;
each statement takes microseconds.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

from ..domain.usage import DailyUsage, UsageSnapshot, month_bounds

KINDS = ("protect", "inspect")
SOURCE = "TrustNXT sandbox"


# Monthly cycles follow the calendar month (UTC), as the local ledger's do.
cycle = month_bounds


class Billing:
    def __init__(self, path: Path) -> None:
        self._db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self._db.execute("CREATE TABLE IF NOT EXISTS calls (account TEXT NOT NULL, day TEXT NOT NULL, "
                         "kind TEXT NOT NULL, count INTEGER NOT NULL, PRIMARY KEY (account, day, kind))")

    def close(self) -> None:
        self._db.close()

    def bill(self, account: str, kind: str, today: dt.date | None = None) -> None:
        assert kind in KINDS
        day = (today or _today()).isoformat()
        self._db.execute("INSERT INTO calls (account, day, kind, count) VALUES (?, ?, ?, 1) "
                         "ON CONFLICT (account, day, kind) DO UPDATE SET count = count + 1", (account, day, kind))

    def snapshot(self, account: str, protect_limit: int | None, inspect_limit: int | None,
                 today: dt.date | None = None) -> UsageSnapshot:
        start, end = cycle(today or _today())
        rows = self._db.execute("SELECT day, kind, count FROM calls WHERE account = ? AND day BETWEEN ? AND ? "
                                "ORDER BY day", (account, start.isoformat(), end.isoformat())).fetchall()
        days: dict[str, DailyUsage] = {}
        for day, kind, count in rows:
            setattr(days.setdefault(day, DailyUsage(day=day)), kind, count)
        return UsageSnapshot(period_start=start.isoformat(), period_end=end.isoformat(),
                             protect_calls=sum(d.protect for d in days.values()),
                             inspect_calls=sum(d.inspect for d in days.values()), source=SOURCE,
                             protect_limit=protect_limit, inspect_limit=inspect_limit, per_day=list(days.values()))

    def used(self, account: str, kind: str) -> int:
        start, end = cycle(_today())
        row = self._db.execute("SELECT COALESCE(SUM(count), 0) FROM calls WHERE account = ? AND kind = ? "
                               "AND day BETWEEN ? AND ?",
                               (account, kind, start.isoformat(), end.isoformat())).fetchone()
        return int(row[0])


def _today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()
