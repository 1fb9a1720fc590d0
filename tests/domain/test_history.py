"""Why a report lists no actions (C2PA 2.1 §18.15): an empty history never reads as "nothing was done"."""

from __future__ import annotations

from tests.domain.test_evidence_words import report
from trustnxt_desktop.domain.history import empty_history_reason
from trustnxt_desktop.domain.report import Action, Ingredient, Verdict


def test_a_report_with_actions_needs_no_reason() -> None:
    assert empty_history_reason(report(actions=[Action("c2pa.created")])) is None


def test_each_verdict_gives_its_own_reason() -> None:
    reasons = {}
    for verdict in Verdict:
        r = report()
        r.verdict = verdict
        reason = empty_history_reason(r)
        assert reason, verdict
        reasons[verdict] = reason
    assert "carries no Content Credentials" in reasons[Verdict.NONE]
    assert "not proof" in reasons[Verdict.NONE], "absence is never taken as evidence either way"
    assert "cannot carry" in reasons[Verdict.UNSUPPORTED]
    assert "stored elsewhere" in reasons[Verdict.UNVERIFIED]
    assert "could not be read" in reasons[Verdict.ERROR]
    assert reasons[Verdict.TRUSTED] == reasons[Verdict.VALID] == reasons[Verdict.INVALID]
    assert "record no actions" in reasons[Verdict.VALID] and "Made from" not in reasons[Verdict.VALID]


def test_a_signed_file_without_actions_points_at_its_sources() -> None:
    r = report(ingredients=[Ingredient("a.jpg", "parentOf", Verdict.VALID)])
    r.verdict = Verdict.VALID
    assert "listed under \u201cMade from\u201d" in (empty_history_reason(r) or "")
