"""Why a report shows no edit history: an empty list must never look like "nothing was done to it"."""

from __future__ import annotations

from .report import InspectionReport, Verdict


def empty_history_reason(report: InspectionReport) -> str | None:
    """A plain sentence saying why no action is listed, or None when the report lists actions.

    Actions come from the active manifest's c2pa.actions assertion (C2PA 2.1 §18.15); without a
    manifest, or with one that records none, nothing says how the file was made or edited.
    """
    if report.actions:
        return None
    if report.verdict is Verdict.NONE:
        return ("No history: this file carries no Content Credentials, so nothing records how it was made or "
                "edited. That is not proof it was changed, nor that it was not.")
    if report.verdict is Verdict.UNSUPPORTED:
        return "No history: this type of file cannot carry Content Credentials."
    if report.verdict is Verdict.UNVERIFIED:
        return ("No history shown: the Content Credentials are stored elsewhere and were not fetched, so what they "
                "record is unknown.")
    if report.verdict is Verdict.ERROR:
        return "No history: the file could not be read, so no record of how it was made could be found."
    sources = (" The files it was made from are listed under \u201cMade from\u201d." if report.ingredients else "")
    return ("The Content Credentials record no actions: the signer did not say how the file was made or edited."
            + sources)
