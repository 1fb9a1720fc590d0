"""When a file was signed, and on whose word: the one rule the app, the CLI, the CSV and the PDF follow.

A C2PA claim carries no signing time of its own. A time is vouched for only by an RFC 3161 timestamp in
the claim signature (C2PA 2.2, "Time-stamps"), which c2pa-rs reports as the signature's `time` and whose
authority the `timestamp` check judges. Without one, the only time is what the signer wrote into its
actions (`when`, C2PA 2.2 actions assertion): shown, but always marked as the signer's own statement.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .display import time_text
from .report import CheckStatus, InspectionReport

VOUCHED = "timestamp"  # a timestamp whose authority is on your trust lists: the timestamp check passed
NOT_RELIED = "unrelied timestamp"  # a timestamp that check did not accept (authority not trusted, mismatch)
STATED = "signer"  # no timestamp: the latest `when` of the signer's own actions

MARKERS = {
    VOUCHED: "vouched for by a timestamp authority",
    NOT_RELIED: "from a timestamp that is not relied on",
    STATED: "as stated by the signer",
}


@dataclass(frozen=True)
class SigningTime:
    when: str  # ISO 8601, as recorded
    basis: str  # VOUCHED | NOT_RELIED | STATED

    @property
    def marker(self) -> str:
        return MARKERS[self.basis]

    def text(self) -> str:
        """'2026-11-29 17:39:52+00:00 (as stated by the signer)'."""
        return f"{time_text(self.when)} ({self.marker})"


def _instant(value: str) -> dt.datetime | None:
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None  # a time without a zone cannot be ordered safely


def stated_time(report: InspectionReport) -> str | None:
    """The latest time the signer wrote into its actions (signing comes after every action it records); the
    last one listed when the times cannot be compared."""
    times = [a.when for a in report.actions if a.when]
    if not times:
        return None
    instants = [(t, i) for t in times if (i := _instant(t)) is not None]
    if len(instants) == len(times):
        return max(instants, key=lambda pair: pair[1])[0]
    return times[-1]


def signing_time(report: InspectionReport) -> SigningTime | None:
    """The report's signing time and on whose word it rests; None when neither a timestamp nor the signer
    gives one."""
    if report.signed_at:
        stamp = report.check("timestamp")
        vouched = stamp is not None and stamp.status is CheckStatus.PASS
        return SigningTime(report.signed_at, VOUCHED if vouched else NOT_RELIED)
    stated = stated_time(report)
    return SigningTime(stated, STATED) if stated else None


def signing_time_text(report: InspectionReport) -> str:
    """The signing time with its marker, or "" when there is none."""
    found = signing_time(report)
    return found.text() if found else ""
