"""domain/jobs.py: one job state for the store's rows, the queues' items and the icons."""

from __future__ import annotations

import pytest

from trustnxt_desktop.domain.jobs import RETRYABLE, UNFINISHED, JobState
from trustnxt_desktop.domain.protect import ProtectStatus


@pytest.mark.parametrize("status", list(ProtectStatus))
def test_every_protect_status_has_its_finished_state_and_back(status: ProtectStatus) -> None:
    state = JobState.of(status)
    assert state.finished
    assert state.status is status


@pytest.mark.parametrize("state", UNFINISHED)
def test_waiting_and_protecting_are_unfinished_and_have_no_status(state: JobState) -> None:
    assert not state.finished
    assert state.status is None


def test_the_states_are_exactly_the_unfinished_ones_and_the_protect_results() -> None:
    finished = {s for s in JobState if s.finished}
    assert finished == {JobState.of(s) for s in ProtectStatus}
    assert set(JobState) == finished | set(UNFINISHED)


def test_retry_puts_back_failed_and_cancelled_jobs_only() -> None:
    assert set(RETRYABLE) == {JobState.FAILED, JobState.CANCELLED}
    assert all(state.finished for state in RETRYABLE)  # a job still waiting is never retried


def test_states_are_stored_by_their_value() -> None:
    # The job store writes the value into sqlite and reads it back with JobState(value).
    assert JobState("protecting") is JobState.PROTECTING
    assert JobState.DONE.value == "done"
    with pytest.raises(ValueError):
        JobState("interrupted")
