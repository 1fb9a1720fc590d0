"""Fuzzing the local inspector through the isolated pool: seeded mutations of the shared corpus.

Every case must come back as a report within its time limit, without crashing or exhausting a worker.
An input that does crash, hang or blow up a worker is saved under tests/reliability/regressions/ (a
file this test generated, never a corpus file) and the test fails, naming it.
"""

from __future__ import annotations

import os
import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.conftest import CORPUS
from tests.reliability.mutate import mutate
from trustnxt_desktop.domain.report import InspectionReport
from trustnxt_desktop.engine.isolation import IsolatedPool, Limits, WorkerFailure
from trustnxt_desktop.engine.trust import TrustConfig
from trustnxt_desktop.engine.untrusted import _shared_trust, inspect_isolated

CASES = int(os.environ.get("TRUSTNXT_FUZZ_CASES", "2000"))
SEED = int(os.environ.get("TRUSTNXT_FUZZ_SEED", "20261127"))
CASE_SECONDS = 10.0
MEMORY_CAP = 1024 ** 3
REGRESSIONS = Path(__file__).parent / "regressions"
_MAX_SEED_BYTES = 3 * 1024 ** 2  # the few bigger corpus files cost time without finding more


def seeds() -> list[Path]:
    return sorted(p for folder in ("c2pa", "hostile", "media") for p in (CORPUS / folder).iterdir()
                  if p.is_file() and p.stat().st_size <= _MAX_SEED_BYTES and p.suffix != ".txt")


def test_mutated_corpus_never_crashes_hangs_or_exhausts_the_inspector(tmp_path: Path) -> None:
    rng = random.Random(SEED)
    originals = [(p, p.read_bytes()) for p in seeds()]
    cases = []
    for n in range(CASES):
        source, data = rng.choice(originals)
        how, mutated = mutate(rng, data)
        cases.append((n, source, how, mutated))
    trust = TrustConfig()
    shared = _shared_trust(trust)
    findings: list[str] = []
    slowest = [0.0, ""]
    lock = threading.Lock()

    def one(case: tuple[int, Path, str, bytes]) -> None:
        n, source, how, mutated = case
        path = tmp_path / f"case{n:05d}{source.suffix}"
        path.write_bytes(mutated)
        started = time.perf_counter()
        try:
            report = pool.call("inspect", str(path), shared=shared)
            assert isinstance(report, InspectionReport) and report.verdict and report.summary
        except WorkerFailure as e:
            keep = REGRESSIONS / f"{source.stem}-{SEED}-{n:05d}{source.suffix}"
            keep.write_bytes(mutated)
            with lock:
                findings.append(f"case {n} ({source.name}, {how}) {e.kind}: {e.detail}; kept as {keep.name}")
        finally:
            path.unlink()
        took = time.perf_counter() - started
        with lock:
            if took > slowest[0]:
                slowest[:] = [took, f"case {n} ({source.name}, {how})"]

    started = time.perf_counter()
    with IsolatedPool("trustnxt_desktop.engine.untrusted", size=2,
                      limits=Limits(memory_bytes=MEMORY_CAP, seconds=CASE_SECONDS)) as pool:
        with ThreadPoolExecutor(max_workers=2) as threads:
            list(threads.map(one, cases))
        stats = pool.stats
    elapsed = time.perf_counter() - started
    print(f"\nfuzz: {CASES} cases from {len(originals)} seeds in {elapsed:.1f} s; slowest {slowest[0]:.2f} s "
          f"({slowest[1]}); worker peak RSS {stats.peak_rss_bytes / 1024 ** 2:.0f} MiB; workers started {stats.started}")
    assert not findings, "\n".join(findings)
    assert stats.calls == CASES
    assert slowest[0] < CASE_SECONDS
    assert 0 < stats.peak_rss_bytes < MEMORY_CAP


@pytest.mark.parametrize("path", sorted(REGRESSIONS.glob("*.*")), ids=lambda p: p.name)
def test_saved_regressions_get_a_report(path: Path) -> None:
    """Inputs that once crashed or stalled a worker: isolation must turn each into a report."""
    with IsolatedPool("trustnxt_desktop.engine.untrusted", size=1,
                      limits=Limits(memory_bytes=MEMORY_CAP, seconds=CASE_SECONDS)) as pool:
        report = inspect_isolated(pool, path, TrustConfig())
    assert report.verdict and report.summary
