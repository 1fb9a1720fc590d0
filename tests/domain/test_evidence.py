"""What the Evidence lists and counts: failures are problems, informational codes are notes (C2PA 2.2)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from tests.domain.test_evidence_words import report
from trustnxt_desktop.domain.evidence import (
    NOTES,
    PASSED,
    PROBLEMS,
    evidence_count,
    evidence_groups,
    evidence_title,
    problem_count,
    source_heading,
)
from trustnxt_desktop.domain.report import Ingredient, ValidationCode, Verdict

CODES = st.lists(st.sampled_from(["claim.malformed", "assertion.dataHash.mismatch", "signingCredential.untrusted",
                                  "timeStamp.mismatch"]), max_size=5)


@given(CODES, CODES, st.lists(st.sampled_from(list(Verdict)), max_size=4))
def test_problems_are_failures_and_bad_sources_are_counted_apart(failures: list[str], notes: list[str],
                                                                   sources: list[Verdict]) -> None:
    r = report(failures, notes, ingredients=[Ingredient(f"{i}.jpg", "componentOf", v) for i, v in enumerate(sources)])
    r.validation.success = [ValidationCode("claimSignature.validated", "")]
    groups = evidence_groups(r)
    assert [g.title for g in groups] == [PROBLEMS, NOTES, PASSED]
    assert [[c.code for c in g.codes] for g in groups] == [failures, notes, ["claimSignature.validated"]]
    assert problem_count(r) == len(failures), "notes are never problems"
    bad = sum(v in (Verdict.INVALID, Verdict.ERROR, Verdict.UNVERIFIED) for v in sources)
    count = evidence_count(r)
    assert count.startswith(f"{len(failures)} problem" + ("" if len(failures) == 1 else "s"))
    assert ("; problems in " in count) == bool(bad)
    if bad:
        assert count.endswith(f"{bad} source file" + ("" if bad == 1 else "s"))
    assert evidence_title(r) == f"Evidence ({count})"


def test_a_source_heading_says_where_the_source_sits() -> None:
    assert source_heading("A.jpg", None) == "In source file \u201cA.jpg\u201d"
    assert source_heading("A.jpg", "B.jpg") == "In source file \u201cA.jpg\u201d (a source of \u201cB.jpg\u201d)"
    assert evidence_count(report(["a", "b"])) == "2 problems"
