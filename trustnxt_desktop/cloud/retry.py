"""When to try a request again, and how long to wait first.

Exponential backoff with full jitter (a random wait between 0 and the exponential cap) spreads the
retries of many clients after an outage. Both the number of attempts and the total time are bounded:
no new attempt, and no wait, starts after the deadline. An attempt already under way is bounded by
the transfer timeouts instead, so a large upload making progress is never cut off by the budget.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import random
from dataclasses import dataclass, field


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 6  # first try included; 429 answers do not count (see max_rate_limited)
    max_rate_limited: int = 20  # how often a 429 may make us wait before we give up
    base_delay: float = 0.5  # seconds; the cap doubles per attempt
    max_delay: float = 15.0  # cap of a single backoff wait
    total_seconds: float = 90.0  # no attempt or wait starts later than this after the first try
    rng: random.Random = field(default_factory=random.Random, compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")

    def backoff(self, attempt: int) -> float:
        """Wait after failed attempt number `attempt` (1-based): uniform in [0, min(max, base * 2^(n-1))]."""
        cap = min(self.max_delay, self.base_delay * (2 ** (attempt - 1)))
        return self.rng.uniform(0.0, cap)

    def delay(self, attempt: int, retry_after: float | None) -> float:
        """A server's Retry-After is a floor; jitter on top keeps clients from all returning in lockstep."""
        if retry_after is not None:
            return retry_after + self.rng.uniform(0.0, max(self.base_delay, retry_after / 2))
        return self.backoff(attempt)


NO_RETRY = RetryPolicy(max_attempts=1)


def parse_retry_after(value: str | None, now: dt.datetime | None = None) -> float | None:
    """Retry-After as seconds from now: either delta-seconds or an HTTP-date. None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:  # HTTP-dates are GMT by definition
        when = when.replace(tzinfo=dt.UTC)
    now = now or dt.datetime.now(dt.UTC)
    return max(0.0, (when - now).total_seconds())
