"""Speed of the command line as scripts use it: start-up, one file, and the per-file cost inside a batch.

Every ratio is against a baseline measured in this run, on this machine:
- `trustnxt --help`, a whole process (no baseline: the target is an absolute 0.10 s);
- `trustnxt inspect --json ONE_FILE`, a whole process, against a `python -c` process that reads the same
  file with `c2pa.Reader` and prints its JSON (target <= 2.0x);
- `trustnxt protect ONE_24MP_JPEG`, a whole process, against c2pa-python's default `Builder.sign` of the
  same file in an already running process (its own 1024 px thumbnail; target <= 1.5x);
- the per-file cost of `trustnxt protect DIR --jobs 1` ((batch of N) - (batch of 1)) / (N - 1), for
  24 MP JPEGs of about 15 MB (high-detail noise; target <= 0.5x) and 9 MB (photo-like; target <= 0.35x),
  against the same default `Builder.sign` of one of them.

The pictures are made here with Pillow in a temporary folder and deleted afterwards. Every process
runs with a bytecode cache (as an installed program has), kept in the temporary folder; each command
runs once before it is timed, then in rounds that alternate it with its baseline, so that both see the
same load on a shared machine; the medians are compared (the best times are printed too). The data
folder has a signing identity and a real keyring (`bench/run`), as a person's has after their first
protect. Run with `bench/run bench/speed_bench.py`; BENCH_REPEAT (default 9) sets the rounds (batches:
half as many), BENCH_BATCH (default 6) the batch size. Prints one JSON object; docs/benchmarks.md
records the results.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypedDict

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._common import make_photo, throwaway_identity, timed  # noqa: E402
from bench.engine_bench import default_c2pa_sign  # noqa: E402
from trustnxt_desktop.engine.c2pa_loader import c2pa  # noqa: E402

PROJECT = Path(__file__).resolve().parents[1]
INSPECTED = PROJECT.parent / "shared" / "corpus" / "c2pa" / "adobe-20220124-CA.jpg"
REPEAT = int(os.environ.get("BENCH_REPEAT", "9"))
BATCH = int(os.environ.get("BENCH_BATCH", "6"))
TARGETS = {"help_seconds": 0.10, "inspect_one_vs_reader_process": 2.0, "protect_one_vs_default_sign": 1.5,
           "batch_per_file_15mb_vs_default_sign": 0.5, "batch_per_file_9mb_vs_default_sign": 0.35}
# `python -c` as a script author would write it: read one file, print the manifest store.
READER_ONE_FILE = "import sys, c2pa; r = c2pa.Reader(sys.argv[1]); print(r.json())"


def environment(work: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    return {**env, "TRUSTNXT_HOME": str(work / "home"), "PYTHONPYCACHEPREFIX": str(work / "pycache")}


def process_once(args: list[str], env: dict[str, str], before: list[str] | None = None) -> float:
    """Wall time of one whole process, checked to succeed; `before` runs first, untimed."""
    if before:
        subprocess.run(before, check=True, capture_output=True, env=env)
    start = time.perf_counter()
    proc = subprocess.run(args, capture_output=True, env=env, cwd=PROJECT)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed: {proc.stderr.decode(errors='replace')}")
    return elapsed


def paired(runs: dict[str, Callable[[], float]], repeat: int = REPEAT) -> dict[str, dict[str, float]]:
    """Each measurement once untimed, then `repeat` rounds in which each runs once, one after the other: the
    machine's load (shared, 2 cores) changes within seconds, and a baseline must see the same load as
    what it is compared with. Median and best of each."""
    for run in runs.values():
        run()
    times: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(repeat):
        for name, run in runs.items():
            times[name].append(run())
    return {name: {"median": statistics.median(t), "best": min(t)} for name, t in times.items()}


def rounded(value: object) -> object:
    if isinstance(value, float):
        return round(value, 3)
    if isinstance(value, dict):
        return {k: rounded(v) for k, v in value.items()}
    return value


def cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "trustnxt_desktop.cli", *args]


def photos(folder: Path, count: int, detail: int, prefix: str) -> list[Path]:
    folder.mkdir(parents=True)
    return [make_photo(folder / f"{prefix}{i:02d}.jpg", 6000, 4000, seed=3 * i, detail=detail) for i in range(count)]


def default_sign(photo: Path, out: Path) -> Callable[[], float]:
    """One default c2pa-python signing of `photo` in this process, timed (a fresh signer each time)."""
    _, chain, key_pem, _ = throwaway_identity()
    return lambda: timed(lambda: default_c2pa_sign(photo, out / "baseline.jpg", chain, key_pem), 1)[0]


class BatchRows(TypedDict):
    """Seconds (median and best) of each timing, and the batch's file count."""

    default_sign: dict[str, float]
    batch: dict[str, float]
    one_file_batch: dict[str, float]
    files: int
    per_file: dict[str, float]


def batch_rows(folder: Path, work: Path, env: dict[str, str]) -> BatchRows:
    """((batch of N) - (batch of 1)) / (N - 1) with --jobs 1, and the default signing of one of its photos."""
    one = work / f"{folder.name}-one"
    one.mkdir()
    first = sorted(folder.iterdir())[0]
    shutil.copy(first, one)
    out = work / "out"
    clear = [sys.executable, "-c", f"import shutil; shutil.rmtree({str(out)!r}, ignore_errors=True)"]
    found = paired({
        "default_sign": default_sign(first, work / "baseline"),
        "batch": lambda: process_once(cli("protect", str(folder), "--out", str(out), "--jobs", "1", "-q"), env, clear),
        "one_file_batch": lambda: process_once(cli("protect", str(one), "--out", str(out), "--jobs", "1", "-q"), env,
                                               clear),
    }, max(3, REPEAT // 2))
    files = len(list(folder.iterdir()))
    per_file = {k: (found["batch"][k] - found["one_file_batch"][k]) / (files - 1) for k in ("median", "best")}
    return {"default_sign": found["default_sign"], "batch": found["batch"], "one_file_batch": found["one_file_batch"],
            "files": files, "per_file": per_file}


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="trustnxt-speed-bench-") as tmp:
        work = Path(tmp)
        env = environment(work)
        high = photos(work / "high", BATCH, detail=34, prefix="high")
        typical = photos(work / "typical", BATCH, detail=13, prefix="typical")
        subprocess.run(cli("identity", "create", "--name", "Bench"), check=True, capture_output=True, env=env)
        (work / "baseline").mkdir()
        out = work / "out"
        clear = [sys.executable, "-c", f"import shutil; shutil.rmtree({str(out)!r}, ignore_errors=True)"]

        help_s = paired({"help": lambda: process_once(cli("--help"), env),
                         "python_pass": lambda: process_once([sys.executable, "-c", "pass"], env)})
        reader = [sys.executable, "-c", READER_ONE_FILE, str(INSPECTED)]
        inspect = paired({"reader_process": lambda: process_once(reader, env),
                          "cli_inspect": lambda: process_once(cli("inspect", "--json", str(INSPECTED)), env)})
        protect = paired({"default_sign": default_sign(high[0], work / "baseline"),
                          "cli_protect": lambda: process_once(cli("protect", str(high[0]), "--out", str(out), "-q"),
                                                              env, clear)})
        batch_high = batch_rows(work / "high", work, env)
        batch_typical = batch_rows(work / "typical", work, env)
        sizes = {"high_mb": round(statistics.mean(p.stat().st_size for p in high) / 1e6, 1),
                 "typical_mb": round(statistics.mean(p.stat().st_size for p in typical) / 1e6, 1)}

    def ratio(a: dict[str, float], b: dict[str, float]) -> float:
        return a["median"] / b["median"]

    ratios = {"inspect_one_vs_reader_process": ratio(inspect["cli_inspect"], inspect["reader_process"]),
              "protect_one_vs_default_sign": ratio(protect["cli_protect"], protect["default_sign"]),
              "batch_per_file_15mb_vs_default_sign": ratio(batch_high["per_file"], batch_high["default_sign"]),
              "batch_per_file_9mb_vs_default_sign": ratio(batch_typical["per_file"], batch_typical["default_sign"])}
    print(json.dumps(rounded({
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
                   f"c2pa-python {c2pa.__version__} (c2pa-rs {c2pa.sdk_version()})",
        "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
        "photos": sizes, "repeat": REPEAT,
        "seconds": {**help_s, "inspect_one_file": inspect, "protect_one_15mb": protect, "batch_15mb": batch_high,
                    "batch_9mb": batch_typical},
        "ratios": {k: round(v, 2) for k, v in ratios.items()},
        "met": {"help_seconds": help_s["help"]["median"] <= TARGETS["help_seconds"],
                **{k: ratios[k] <= TARGETS[k] for k in ratios}},
        "targets": TARGETS,
    }), indent=2))


if __name__ == "__main__":
    main()
