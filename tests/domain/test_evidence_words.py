"""The rules every view shares: a check's title, what counts as a problem and as a source file, and on
whose word a signing time rests."""

from __future__ import annotations

from collections.abc import Sequence

from trustnxt_desktop.domain.checks import check_title
from trustnxt_desktop.domain.display import time_text
from trustnxt_desktop.domain.evidence import evidence_title
from trustnxt_desktop.domain.report import (
    Action,
    Check,
    CheckStatus,
    EngineInfo,
    FileInfo,
    Ingredient,
    InspectionReport,
    Validation,
    ValidationCode,
    Verdict,
)
from trustnxt_desktop.domain.sources import made_from_title, source_problems
from trustnxt_desktop.domain.times import signing_time, signing_time_text


def report(failures: Sequence[str] = (), warnings: Sequence[str] = (), *, ingredients: list[Ingredient] | None = None,
           actions: list[Action] | None = None, signed_at: str | None = None,
           checks: list[Check] | None = None) -> InspectionReport:
    return InspectionReport(
        file=FileInfo("/x.jpg", "x.jpg", 1, "0" * 64, "image/jpeg"), verdict=Verdict.INVALID, summary="",
        engine=EngineInfo("e", "1"), checks=checks or [],
        validation=Validation(failure=[ValidationCode(c, c) for c in failures],
                              warning=[ValidationCode(c, c) for c in warnings]),
        ingredients=ingredients or [], actions=actions or [], signed_at=signed_at)


def test_the_integrity_check_is_named_for_the_codes_that_failed_it() -> None:
    failed = Check("integrity", CheckStatus.FAIL, "")
    assert check_title(failed, report(["assertion.dataHash.mismatch"])) == "Media unchanged"
    assert check_title(failed, report(["assertion.action.malformed"])) == "Signed statements intact"
    assert check_title(failed, report(["assertion.hashedURI.mismatch", "signingCredential.untrusted"])) \
        == "Signed statements intact"
    assert check_title(failed, report(["assertion.bmffHash.mismatch", "claim.malformed"])) \
        == "Media and signed statements intact"
    assert check_title(Check("integrity", CheckStatus.PASS, ""), report()) == "Media unchanged"
    assert check_title(Check("ingredients", CheckStatus.WARN, ""), report()) == "Source files"


def test_notes_are_not_problems_and_source_files_are_counted_apart() -> None:
    nested = Ingredient("A.jpg", "parentOf", Verdict.INVALID, failure_codes=["signingCredential.untrusted",
                                                                            "assertion.dataHash.mismatch"])
    parent = Ingredient("B.jpg", "componentOf", Verdict.VALID, ingredients=[nested])
    r = report(warnings=["signingCredential.ocsp.skipped"],
               ingredients=[parent, Ingredient("C.jpg", "inputTo", Verdict.NONE)])
    assert evidence_title(r) == "Evidence (0 problems; problems in 1 source file)"
    assert made_from_title(r) == "Made from (3)", "every ingredient, at any depth and in any relationship"
    (problem,) = source_problems(r)
    assert (problem.title, problem.within) == ("A.jpg", "B.jpg")
    assert problem.codes == ("assertion.dataHash.mismatch", "signingCredential.untrusted"), "counted codes first"
    assert evidence_title(report(["claim.malformed"])) == "Evidence (1 problem)"


def test_a_signing_time_says_on_whose_word_it_rests() -> None:
    stated = report(actions=[Action("c2pa.created", when="2026-11-29T17:39:52+00:00"),
                             Action("c2pa.edited", when="2026-11-29T19:00:00+01:00"),  # 18:00 UTC: the latest
                             Action("c2pa.cropped")])
    assert signing_time_text(stated) == "2026-11-29 19:00:00+01:00 (as stated by the signer)"
    passed = [Check("timestamp", CheckStatus.PASS, "")]
    vouched = signing_time(report(signed_at="2023-02-12T18:44:26+00:00", checks=passed))
    assert vouched is not None and vouched.marker == "vouched for by a timestamp authority"
    warned = [Check("timestamp", CheckStatus.WARN, "")]
    not_relied_on = signing_time(report(signed_at="2023-02-12T18:44:26+00:00", checks=warned))
    assert not_relied_on is not None and not_relied_on.marker == "from a timestamp that is not relied on"
    assert signing_time(report()) is None and signing_time_text(report()) == ""
    assert time_text("2023-02-12T18:44:26Z") == "2023-02-12 18:44:26Z" and time_text("yesterday") == "yesterday"
