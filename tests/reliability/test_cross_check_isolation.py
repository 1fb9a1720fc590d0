"""A second validator that crashes, stalls or runs out of memory costs only the cross-check, never the
main validator's result; one that the main validator itself crashes on is not retried."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import CORPUS
from trustnxt_desktop.domain.report import Verdict
from trustnxt_desktop.engine.cross_check import SecondValidator
from trustnxt_desktop.engine.trust import TrustConfig
from trustnxt_desktop.engine.untrusted import CRASH_SUMMARY, inspect_isolated, inspect_many_isolated
from trustnxt_desktop.runtime.isolation import FAULT_ENV, IsolatedPool, Limits

TASKS = "trustnxt_desktop.engine.untrusted_tasks"
SIGNED = CORPUS / "c2pa" / "adobe-20220124-C.jpg"


def _markers(folder: Path) -> list[Path]:
    running = folder / "running"
    return list(running.iterdir()) if running.is_dir() else []


def test_a_crash_in_the_second_validator_costs_only_the_cross_check(tmp_path: Path) -> None:
    second = SecondValidator(str(tmp_path / "validators"), test_fault="abort")
    with IsolatedPool(TASKS, size=1, limits=Limits(seconds=10)) as pool:
        report = inspect_isolated(pool, SIGNED, TrustConfig(), second)
        assert pool.stats.failures == {"crash": 1}
    assert report.verdict is Verdict.VALID and report.signer, "the main validator's full result"
    check = report.cross_check
    assert check is not None and not check.ran and check.agrees is None and check.primary_verdict is Verdict.VALID
    assert "crashed (SIGABRT)" in (check.problem or "")
    assert _markers(tmp_path / "validators") == []


def test_a_stalled_second_validator_is_cut_off_and_the_report_stands(tmp_path: Path) -> None:
    second = SecondValidator(str(tmp_path / "validators"), test_fault="hang")
    with IsolatedPool(TASKS, size=1, limits=Limits(seconds=3)) as pool:
        report = inspect_isolated(pool, SIGNED, TrustConfig(), second)
        assert pool.stats.failures == {"timeout": 1}, "cut off at the call's time limit, once"
    assert report.verdict is Verdict.VALID
    assert report.cross_check and not report.cross_check.ran and "stalled" in (report.cross_check.problem or "")


def test_a_file_that_crashes_the_main_validator_is_not_tried_twice(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    crashing = tmp_path / "crashme.jpg"
    shutil.copy(SIGNED, crashing)
    monkeypatch.setenv(FAULT_ENV, "abort:crashme")  # at the start of the call: before the second validator
    with IsolatedPool(TASKS, size=1, limits=Limits(seconds=10)) as pool:
        report = inspect_isolated(pool, crashing, TrustConfig(), SecondValidator(str(tmp_path / "validators")))
        assert pool.stats.failures == {"crash": 1}, "one attempt, as without the cross-check"
    assert report.verdict is Verdict.ERROR and CRASH_SUMMARY in report.summary
    assert report.cross_check and not report.cross_check.ran
    assert report.cross_check.problem == "the main validator's parser failed on this file first"


def test_a_pipelined_batch_keeps_every_main_result(tmp_path: Path) -> None:
    files = [CORPUS / "c2pa" / n for n in ("adobe-20220124-C.jpg", "adobe-20220124-CA.jpg", "boxhash.jpg")]
    files.append(CORPUS / "media" / "sample1.png")
    second = SecondValidator(str(tmp_path / "validators"), test_fault="abort")
    with IsolatedPool(TASKS, size=2, limits=Limits(seconds=10)) as pool:
        reports = dict(pair for group in inspect_many_isolated(pool, files, TrustConfig(), second=second)
                       for pair in group)
    assert [reports[i].verdict for i in range(len(files))] == [Verdict.VALID] * 3 + [Verdict.NONE]
    assert all(r.cross_check and not r.cross_check.ran for r in reports.values())
    with IsolatedPool(TASKS, size=2, limits=Limits(seconds=10)) as pool:
        healthy = dict(pair for group in inspect_many_isolated(
            pool, files, TrustConfig(), second=SecondValidator(str(tmp_path / "validators"))) for pair in group)
        assert pool.stats.failures == {}
    assert all(r.cross_check and r.cross_check.ran and r.cross_check.agrees for r in healthy.values())
