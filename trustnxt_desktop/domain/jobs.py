"""The state of one protect job, wherever it runs: the Protect panel, capture or `trustnxt protect`.

One enum for the job store's rows, the queues' items and the icons that show them. A job is
`waiting` until a worker takes it, `protecting` while one works on it (in the store: or interrupted,
when no living process holds its batch), then finished as `done`, `failed`, `skipped` or `cancelled`.
"""

from __future__ import annotations

from enum import Enum

from .protect import ProtectStatus


class JobState(str, Enum):
    WAITING = "waiting"
    PROTECTING = "protecting"
    DONE = "done"
    FAILED = "failed"
    SKIPPED = "skipped"
    CANCELLED = "cancelled"

    @property
    def finished(self) -> bool:
        return self not in UNFINISHED

    @classmethod
    def of(cls, status: ProtectStatus) -> JobState:
        """The finished state for a protect result's status."""
        return cls(status.value)

    @property
    def status(self) -> ProtectStatus | None:
        """The protect result's status for a finished state (None while waiting or protecting)."""
        return ProtectStatus(self.value) if self.finished else None


UNFINISHED = (JobState.WAITING, JobState.PROTECTING)
RETRYABLE = (JobState.FAILED, JobState.CANCELLED)  # what Retry puts back in the queue

__all__ = ["RETRYABLE", "UNFINISHED", "JobState"]
