"""What the second validator (encypher-c2pa, engine.cross_check) adds to inspecting a file.

Both runs go through the isolated parser workers exactly as the app's inspections do (engine.untrusted),
with the trust lists shipped with the app; the only difference is the cross-check.

- per file: each file of ../shared/corpus and ../shared/cases inspected alone on one worker, with and
  without the cross-check alternately (REPEATS times each); the median per file, then the median over the
  files (target: with / without <= 1.5);
- 500 files: BENCH_FILES copies of the corpus and cases, timed the same way one by one (the median), and
  as one batch over two workers (inspect_many_isolated, as the CLI and the window do): the median wall
  time of BATCH_ROUNDS rounds, without and with alternating;
- after protect: what the second validator alone would add to protect's check of its own output (a
  12 MP photo signed with a throwaway identity, that identity's root as the trust anchor).

Run with `bench/run bench/cross_check_bench.py`. Prints one JSON object with the times and ratios.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._common import make_photo, median, throwaway_identity, timed  # noqa: E402
from trustnxt_desktop.domain.protect import ProtectOptions  # noqa: E402
from trustnxt_desktop.engine.cross_check import SecondValidator, second_opinion, version  # noqa: E402
from trustnxt_desktop.engine.protect import protect_file  # noqa: E402
from trustnxt_desktop.engine.trust import TrustConfig, TrustSource  # noqa: E402
from trustnxt_desktop.engine.untrusted import inspect_isolated, inspect_many_isolated  # noqa: E402
from trustnxt_desktop.runtime.isolation import IsolatedPool  # noqa: E402
from trustnxt_desktop.services.trust.lists import SnapshotStore, list_sources  # noqa: E402

PROJECT = Path(__file__).resolve().parents[1]
SHARED = PROJECT.parent / "shared"
FILES = int(os.environ.get("BENCH_FILES", "500"))
REPEATS = int(os.environ.get("BENCH_REPEATS", "5"))
BATCH_ROUNDS = int(os.environ.get("BENCH_BATCH_ROUNDS", "3"))  # alternating, the median of each
TASKS = "trustnxt_desktop.engine.untrusted_tasks"


def corpus() -> list[Path]:
    found = [*(SHARED / "corpus").rglob("*"), *(SHARED / "cases").iterdir()]
    return sorted(p for p in found if p.is_file() and p.suffix not in (".md", ".json", ".pem"))


def per_file(pool: IsolatedPool, files: list[Path], trust: TrustConfig, second: SecondValidator,
             repeats: int) -> tuple[list[float], list[float]]:
    """Median seconds per file without and with the cross-check (alternating, so drift hits both alike)."""
    alone, checked = [], []
    for path in files:
        a, b = [], []
        for _ in range(repeats):
            t = time.perf_counter()
            inspect_isolated(pool, path, trust)
            a.append(time.perf_counter() - t)
            t = time.perf_counter()
            inspect_isolated(pool, path, trust, second)
            b.append(time.perf_counter() - t)
        alone.append(statistics.median(a))
        checked.append(statistics.median(b))
    return alone, checked


def batch(files: list[Path], trust: TrustConfig, second: SecondValidator | None) -> float:
    with IsolatedPool(TASKS, size=2) as pool:
        pool.warm_up()
        inspect_isolated(pool, files[0], trust, second)
        t = time.perf_counter()
        count = sum(len(group) for group in inspect_many_isolated(pool, files, trust, slots=2, second=second))
        elapsed = time.perf_counter() - t
    assert count == len(files)
    return elapsed


def summary(alone: list[float], checked: list[float]) -> dict[str, float]:
    a, b = statistics.median(alone), statistics.median(checked)
    return {"files": len(alone), "median_ms_without": round(a * 1000, 2), "median_ms_with": round(b * 1000, 2),
            "ratio_of_medians": round(b / a, 2),
            "median_of_per_file_ratios": round(statistics.median(y / x for x, y in zip(alone, checked, strict=True)),
                                               2),
            "total_ratio": round(sum(checked) / sum(alone), 2)}


def after_protect(work: Path, second: SecondValidator) -> dict[str, float]:
    identity, _, _, root = throwaway_identity()
    photo = make_photo(work / "12mp.jpg", 4000, 3000, seed=3)
    done = protect_file(photo, identity, ProtectOptions(out_dir=work / "protected"))
    assert done.output is not None, done.error
    signed = done.output
    trust = TrustConfig(sources=(TrustSource("bench", anchors_pem=root),))
    data = signed.read_bytes()
    check = second_opinion(data, len(data), "image/jpeg", trust, second).check
    assert check.verdict is not None and check.verdict.value == "trusted", check
    protect = median(timed(lambda: protect_file(photo, identity, ProtectOptions(out_dir=work / "again")), 5))
    extra = median(timed(lambda: second_opinion(data, len(data), "image/jpeg", trust, second), 9))
    return {"protect_ms": round(protect * 1000, 1), "second_validator_ms": round(extra * 1000, 1),
            "ratio": round((protect + extra) / protect, 2)}


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="trustnxt-cross-check-bench-"))
    try:
        trust = TrustConfig(sources=tuple(list_sources(SnapshotStore(work / "home"))))
        second = SecondValidator(str(work / "validators" / "encypher-c2pa"))
        files = corpus()
        copies = work / "batch"
        copies.mkdir()
        many = [Path(shutil.copy(files[i % len(files)], copies / f"{i:04d}-{files[i % len(files)].name}"))
                for i in range(FILES)]
        with IsolatedPool(TASKS, size=1) as pool:
            per_file(pool, files, trust, second, 1)  # warm: workers started, libraries and trust lists loaded
            corpus_alone, corpus_checked = per_file(pool, files, trust, second, REPEATS)
            many_alone, many_checked = per_file(pool, many, trust, second, 1)
        rounds = [(batch(many, trust, None), batch(many, trust, second)) for _ in range(BATCH_ROUNDS)]
        without, with_ = statistics.median(r[0] for r in rounds), statistics.median(r[1] for r in rounds)
        protect = after_protect(work, second)
        print(json.dumps({
            "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform(),
                        "load_average_at_end": [round(x, 2) for x in os.getloadavg()]},
            "second_validator": f"encypher-c2pa {version()}",
            "corpus_one_by_one": summary(corpus_alone, corpus_checked),
            f"{FILES}_files_one_by_one": summary(many_alone, many_checked),
            f"{FILES}_files_batch_two_workers": {"seconds_without": round(without, 2), "seconds_with": round(with_, 2),
                                                 "ratio": round(with_ / without, 2)},
            "protect_12mp_with_second_validator_on_its_output": protect,
        }, indent=2))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
