"""Backoff with full jitter, bounded per wait; Retry-After as delta-seconds or an HTTP-date (RFC 9110 §10.2.3)."""

from __future__ import annotations

import datetime as dt
import email.utils
import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from trustnxt_desktop.cloud.retry import RetryPolicy, parse_retry_after

POLICIES = st.builds(RetryPolicy, max_attempts=st.integers(1, 10), base_delay=st.floats(0.01, 5),
                     max_delay=st.floats(0.1, 60), rng=st.randoms(use_true_random=False))


@given(POLICIES, st.integers(1, 40))
def test_a_backoff_wait_lies_between_zero_and_the_doubling_cap(policy: RetryPolicy, attempt: int) -> None:
    wait = policy.backoff(attempt)
    assert 0.0 <= wait <= min(policy.max_delay, policy.base_delay * 2 ** (attempt - 1))


@given(POLICIES, st.integers(1, 10), st.floats(0, 3600))
def test_retry_after_is_a_floor_with_bounded_jitter_on_top(policy: RetryPolicy, attempt: int, after: float) -> None:
    wait = policy.delay(attempt, after)
    assert after <= wait <= after + max(policy.base_delay, after / 2)
    assert 0.0 <= policy.delay(attempt, None) <= policy.max_delay


def test_jitter_spreads_clients_apart() -> None:
    waits = {RetryPolicy(rng=random.Random(seed)).backoff(5) for seed in range(50)}
    assert len(waits) == 50 and max(waits) <= 8.0


def test_a_policy_needs_at_least_one_attempt() -> None:
    with pytest.raises(ValueError):
        RetryPolicy(max_attempts=0)


@given(st.integers(0, 10**7))
def test_delta_seconds(seconds: int) -> None:
    assert parse_retry_after(f" {seconds} ") == float(seconds)


@given(st.integers(-10**6, 10**6))
def test_an_http_date_counts_from_now_and_never_goes_negative(offset: int) -> None:
    now = dt.datetime(2026, 11, 29, 12, 0, tzinfo=dt.UTC)
    header = email.utils.format_datetime(now + dt.timedelta(seconds=offset), usegmt=True)
    assert parse_retry_after(header, now) == max(0.0, float(offset))


@pytest.mark.parametrize("value", [None, "", "soon", "-5", "1.5", "Mon, 99 Foo 2026"])
def test_an_absent_or_unreadable_value_is_none(value: str | None) -> None:
    assert parse_retry_after(value) is None
