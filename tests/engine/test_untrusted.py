"""engine/untrusted.py: files we did not make are parsed in isolated worker processes; what comes back is
decoded strictly, and a problem with the file (or its worker) becomes an `error` report, never an exception."""

from __future__ import annotations

import base64
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import CORPUS, EXPECTED
from trustnxt_desktop.domain.report import Verdict
from trustnxt_desktop.engine import untrusted
from trustnxt_desktop.engine.inspect import inspect_file
from trustnxt_desktop.engine.trust import TrustConfig
from trustnxt_desktop.runtime.isolation import FAULT_ENV, IsolatedPool, Limits

TASKS = "trustnxt_desktop.engine.untrusted_tasks"
NAMES = ["adobe-20220124-C.jpg", "adobe-20220124-E-sig-CA.jpg", "truepic-20230212-camera.jpg", "video1.mp4"]


@pytest.fixture(scope="module")
def pool() -> Iterator[IsolatedPool]:
    with IsolatedPool(TASKS, size=2, limits=Limits(seconds=60)) as p:
        yield p


@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    path = tmp_path / "pipe.jpg"
    os.mkfifo(path)
    return path


@pytest.mark.parametrize("name", NAMES)
def test_a_report_made_in_a_worker_is_the_report_made_here(pool: IsolatedPool, name: str) -> None:
    path = CORPUS / "c2pa" / name
    isolated = untrusted.inspect_isolated(pool, path, TrustConfig())
    assert isolated.verdict.value == EXPECTED["c2pa"][name]["verdict"]
    assert isolated.to_dict()["checks"] == inspect_file(path, TrustConfig()).to_dict()["checks"]


def test_hostile_files_get_their_verdict_and_the_pool_stays_usable(pool: IsolatedPool) -> None:
    for name in ("nested_moov_1000.mp4", "no_alg.jpg", "unsupported_type.txt", "riff_bomb_1000.wav"):
        report = untrusted.inspect_isolated(pool, CORPUS / "hostile" / name, TrustConfig())
        assert report.verdict.value == EXPECTED["hostile"][name]["verdict"], name
    assert untrusted.inspect_isolated(pool, CORPUS / "media" / "no_manifest.jpg", TrustConfig()).verdict is Verdict.NONE


def test_a_batch_yields_every_index_once_with_special_files_first(pool: IsolatedPool, fifo: Path) -> None:
    paths = [CORPUS / "c2pa" / n for n in NAMES] + [fifo]
    groups = list(untrusted.inspect_many_isolated(pool, paths, TrustConfig()))
    assert [i for i, _ in groups[0]] == [len(NAMES)]  # the FIFO, answered without a worker
    (_, refused), = groups[0]
    assert refused.verdict is Verdict.ERROR and "not a regular file" in (refused.error or "")
    seen = {i: r for group in groups for i, r in group}
    assert sorted(seen) == list(range(len(paths)))
    for i, name in enumerate(NAMES):
        assert seen[i].file.name == name and seen[i].verdict.value == EXPECTED["c2pa"][name]["verdict"]


def test_a_stopped_batch_sends_no_file(pool: IsolatedPool) -> None:
    import threading

    stop = threading.Event()
    stop.set()
    groups = list(untrusted.inspect_many_isolated(pool, [CORPUS / "c2pa" / n for n in NAMES], TrustConfig(),
                                                  stop=stop))
    assert [r for g in groups for r in g] == []


def test_a_file_that_is_not_regular_is_never_opened(pool: IsolatedPool, fifo: Path) -> None:
    # Opening a FIFO without a writer would block forever: each call returning is the proof it was not opened.
    report = untrusted.inspect_isolated(pool, fifo, TrustConfig())
    assert report.verdict is Verdict.ERROR and report.error is not None and "not a regular file" in report.error
    with pytest.raises(RuntimeError, match="not a regular file"):
        untrusted.thumbnail_isolated(pool, fifo, 64)
    with pytest.raises(RuntimeError, match="not a regular file"):
        untrusted.resource_isolated(pool, fifo, "anything")
    parent = untrusted.parent_isolated(pool, fifo, "image/jpeg", "pipe.jpg", TrustConfig())
    assert parent.verdict is Verdict.ERROR and parent.archive is None and "not a regular file" in (parent.problem or "")


def test_a_stalled_worker_becomes_an_error_report_and_an_unreadable_parent(monkeypatch: pytest.MonkeyPatch) -> None:
    # The worker really stalls (the pool's test hook: it sleeps forever on this file), so the time limit, however
    # the machine's load stretches the parse, is what stops it.
    monkeypatch.setenv(FAULT_ENV, "hang:video1.mp4")
    with IsolatedPool(TASKS, size=1, limits=Limits(seconds=0.3)) as tight:
        path = CORPUS / "c2pa" / "video1.mp4"
        report = untrusted.inspect_isolated(tight, path, TrustConfig())
        assert report.verdict is Verdict.ERROR
        assert (report.error or "").startswith(f"{untrusted.CRASH_SUMMARY}: the parser stalled and was stopped")
        assert report.file.sha256 == "" and report.file.size == path.stat().st_size  # stat only: not read again
        parent = untrusted.parent_isolated(tight, path, "video/mp4", "video1.mp4", TrustConfig())
        assert parent.verdict is Verdict.ERROR and parent.archive is None
        assert (parent.problem or "").startswith(f"{untrusted.CRASH_SUMMARY}: the reader stalled")


def test_pictures_and_the_parent_archive_come_back_as_bytes(pool: IsolatedPool) -> None:
    picture = untrusted.thumbnail_isolated(pool, CORPUS / "media" / "P1000827.jpg", 96)
    assert picture is not None and picture[:3] == b"\xff\xd8\xff"
    parent = untrusted.parent_isolated(pool, CORPUS / "c2pa" / "adobe-20220124-C.jpg", "image/jpeg", "C.jpg",
                                       TrustConfig())
    assert parent.verdict is Verdict.VALID and parent.archive
    with pytest.raises(RuntimeError):  # an identifier the manifest does not have: the task failed, the worker lives
        untrusted.resource_isolated(pool, CORPUS / "c2pa" / "adobe-20220124-C.jpg", "self#jumbf=/c2pa/none/here")


def test_the_time_limit_grows_with_the_file(pool: IsolatedPool, tmp_path: Path) -> None:
    video = CORPUS / "c2pa" / "video1.mp4"
    assert untrusted.time_limit(pool, video) == pytest.approx(
        pool.limits.seconds + video.stat().st_size * untrusted.SECONDS_PER_BYTE)
    assert untrusted.time_limit(pool, tmp_path / "missing") == pool.limits.seconds


# -- the strict decoders of a worker's answer ------------------------------------------------------------

def test_a_report_answer_decodes_only_when_every_field_has_its_type() -> None:
    good = inspect_file(CORPUS / "c2pa" / "adobe-20220124-C.jpg", TrustConfig()).to_dict()
    assert untrusted.report_from_worker(good).to_dict() == good
    with pytest.raises(TypeError):
        untrusted.report_from_worker([good])
    with pytest.raises((TypeError, ValueError, KeyError)):
        untrusted.report_from_worker({**good, "verdict": "fine"})
    with pytest.raises((TypeError, ValueError, KeyError)):
        untrusted.report_from_worker({**good, "summary": 42})


def test_bytes_answers_are_base64_text_or_null() -> None:
    assert untrusted.bytes_from_worker(None) is None
    assert untrusted.bytes_from_worker(base64.b64encode(b"\x00picture").decode()) == b"\x00picture"
    with pytest.raises(TypeError):
        untrusted.bytes_from_worker(b"raw bytes")
    with pytest.raises(ValueError):
        untrusted.bytes_from_worker("not base64 !")


def test_a_parent_answer_has_exactly_its_fields() -> None:
    answer = {"verdict": "invalid", "reason": "tampered", "remote_url": None,
              "archive": base64.b64encode(b"archive").decode(), "problem": None}
    found = untrusted.parent_from_worker(answer)
    assert (found.verdict, found.reason, found.archive) == (Verdict.INVALID, "tampered", b"archive")
    for bad in ({**answer, "extra": 1}, {k: v for k, v in answer.items() if k != "problem"},
                {**answer, "reason": 3}, "not a dict"):
        with pytest.raises(TypeError):
            untrusted.parent_from_worker(bad)
    with pytest.raises(ValueError):
        untrusted.parent_from_worker({**answer, "verdict": "splendid"})
