from __future__ import annotations

import pytest

from trustnxt_desktop.domain.explain import explain_code, summarise
from trustnxt_desktop.domain.report import InspectionReport, Verdict


def test_every_verdict_has_a_plain_summary() -> None:
    sentences = {v: summarise(v, signer="Jane", reason="x") for v in Verdict}
    assert len(set(sentences.values())) == len(Verdict)
    assert "Jane" in sentences[Verdict.TRUSTED] and "not on any trust list" in sentences[Verdict.VALID]


def test_unknown_codes_fall_back_to_their_family() -> None:
    assert "timestamp" in explain_code("timeStamp.somethingNew").lower()
    assert explain_code("vendor.custom", "their words") == "their words"


def test_from_dict_rejects_other_schemas() -> None:
    with pytest.raises(ValueError, match="schema"):
        InspectionReport.from_dict({"schema": "other/2"})
