"""This month's Protect and Inspect calls, whichever source counted them."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import Any


def month_bounds(today: dt.date) -> tuple[dt.date, dt.date]:
    """First and last day of the monthly billing cycle that contains `today` (calendar month)."""
    start = today.replace(day=1)
    following = (start + dt.timedelta(days=32)).replace(day=1)
    return start, following - dt.timedelta(days=1)


@dataclass
class DailyUsage:
    day: str  # ISO date
    protect: int = 0
    inspect: int = 0


@dataclass
class UsageSnapshot:
    period_start: str  # ISO date, first day of the cycle
    period_end: str  # ISO date, last day of the cycle
    protect_calls: int
    inspect_calls: int
    source: str  # e.g. "TrustNXT usage API" or "local ledger"
    protect_limit: int | None = None
    inspect_limit: int | None = None
    per_day: list[DailyUsage] = field(default_factory=list)
    # Why these figures come from `source` and not from the service the engine uses (the service could
    # not be reached, refused the key, …); None when they come from where they should.
    note: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> UsageSnapshot:
        fields = {k: v for k, v in data.items() if k != "per_day"}
        return cls(**fields, per_day=[DailyUsage(**d) for d in data.get("per_day", [])])
