"""What the Evidence lists and counts, the same in the app, the CLI's text and the PDF report.

The validator sorts the active manifest's codes into failures, informational codes and successes
(C2PA 2.2, "Validation": failure / informational / success status codes). A *problem* is a failure code;
an informational code (e.g. `signingCredential.ocsp.skipped`: revocation not checked) is a *note*, never a
problem. A source file whose own credentials failed is listed apart, under its name, with its codes, and
counted apart ("problems in 1 source file"): the file itself may be intact while what it was made from is not.
"""

from __future__ import annotations

from dataclasses import dataclass

from .display import plural
from .report import InspectionReport, ValidationCode
from .sources import source_problems

PROBLEMS, NOTES, PASSED = "Problems", "Notes", "Passed"


@dataclass(frozen=True)
class EvidenceGroup:
    title: str  # PROBLEMS | NOTES | PASSED
    codes: list[ValidationCode]


def evidence_groups(report: InspectionReport) -> list[EvidenceGroup]:
    """The active manifest's codes as the Evidence shows them: problems (failures), notes (informational),
    passed (successes)."""
    v = report.validation
    return [EvidenceGroup(PROBLEMS, v.failure), EvidenceGroup(NOTES, v.warning), EvidenceGroup(PASSED, v.success)]


def problem_count(report: InspectionReport) -> int:
    """How many problems the file's own Content Credentials have: its failure codes (notes are not problems)."""
    return len(report.validation.failure)


def evidence_count(report: InspectionReport) -> str:
    """'1 problem', '0 problems; problems in 1 source file', '2 problems; problems in 3 source files'."""
    text = plural(problem_count(report), "problem")
    if sources := len(source_problems(report)):
        text += f"; problems in {plural(sources, 'source file')}"
    return text


def evidence_title(report: InspectionReport) -> str:
    """The Evidence tab's title with its counts."""
    return f"Evidence ({evidence_count(report)})"


def source_heading(title: str, within: str | None) -> str:
    """How a source file with problems is named in the Evidence: 'In source file “A.jpg”', or, for a source
    of a source, 'In source file “A.jpg” (a source of “B.jpg”)'."""
    where = f" (a source of \u201c{within}\u201d)" if within else ""
    return f"In source file \u201c{title}\u201d{where}"
