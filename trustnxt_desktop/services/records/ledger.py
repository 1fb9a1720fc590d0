"""Local usage ledger (sqlite): every Protect and Inspect call either backend makes, by day.

It lets the usage widget show numbers even when the service has no usage endpoint, and it is the
only source of usage for the offline engine.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import threading
from collections.abc import Sequence
from pathlib import Path

from ...domain.usage import DailyUsage, UsageSnapshot, month_bounds
from ..store_health import check_sqlite

LEDGER_SOURCE = "local ledger"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS calls (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,          -- UTC, ISO 8601
    kind TEXT NOT NULL CHECK (kind IN ('protect', 'inspect')),
    backend TEXT NOT NULL,
    ok INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS calls_at ON calls (at);
"""


class UsageLedger:
    def __init__(self, root: Path) -> None:
        root.mkdir(parents=True, exist_ok=True)
        self.path = root / "usage.sqlite3"
        self._lock = threading.Lock()
        check_sqlite(self.path, "usage ledger", "This month's usage counted on this computer starts again from "
                     "zero; the TrustNXT service keeps its own count.")
        # One connection, write-ahead log, normal sync: a usage count does not need a full disk flush
        # per call (that cost ~3 ms per inspected file), and WAL keeps it safe across crashes.
        self._db = sqlite3.connect(self.path, timeout=10, isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(_SCHEMA)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def record(self, kind: str, backend: str, ok: bool = True, at: dt.datetime | None = None) -> None:
        self.record_many(kind, backend, [ok], at)

    def record_many(self, kind: str, backend: str, oks: Sequence[bool], at: dt.datetime | None = None) -> None:
        """One call per entry of `oks`, written in one transaction."""
        when = (at or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).isoformat(timespec="seconds")
        rows = [(when, kind, backend, int(ok)) for ok in oks]
        with self._lock:
            if len(rows) <= 1:  # autocommit: one statement is its own transaction
                self._db.executemany("INSERT INTO calls (at, kind, backend, ok) VALUES (?, ?, ?, ?)", rows)
                return
            self._db.execute("BEGIN")
            try:
                self._db.executemany("INSERT INTO calls (at, kind, backend, ok) VALUES (?, ?, ?, ?)", rows)
                self._db.execute("COMMIT")
            except BaseException:
                if self._db.in_transaction:
                    self._db.execute("ROLLBACK")
                raise

    def snapshot(self, today: dt.date | None = None, backend: str | None = None) -> UsageSnapshot:
        start, end = month_bounds(today or dt.datetime.now(dt.UTC).date())
        # Only calls that succeeded count, as only those are billed.
        query = "SELECT substr(at, 1, 10) AS day, kind, COUNT(*) FROM calls WHERE ok = 1 AND at >= ? AND at < ?"
        args: list[str] = [start.isoformat(), (end + dt.timedelta(days=1)).isoformat()]
        if backend:
            query += " AND backend = ?"
            args.append(backend)
        query += " GROUP BY day, kind ORDER BY day"
        with self._lock:
            rows = self._db.execute(query, args).fetchall()
        days: dict[str, DailyUsage] = {}
        for day, kind, count in rows:
            entry = days.setdefault(day, DailyUsage(day=day))
            setattr(entry, kind, count)
        return UsageSnapshot(
            period_start=start.isoformat(), period_end=end.isoformat(),
            protect_calls=sum(d.protect for d in days.values()), inspect_calls=sum(d.inspect for d in days.values()),
            source=LEDGER_SOURCE, per_day=list(days.values()),
        )
