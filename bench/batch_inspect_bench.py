"""Batch inspection benchmark: 500 mixed files (copies of ../shared/corpus) inspected

- by our CLI, `trustnxt inspect DIR --json --jobs 2` (a whole process, start-up included);
- by our services, LocalBackend + run_batch with jobs=2 (what the GUI does);
- by a plain single-thread loop over c2pa.Reader in one process (target: ours >= 1.5x faster on 2 cores);
- by one process per file, the way people run c2patool-style command-line tools from a shell loop
  (target: ours >= 5x faster). Starting a process per file is slow, so that baseline times a sample
  (BENCH_PER_PROCESS_SAMPLE files, default 100, spread over the mix) and scales it to the whole batch.

Run with `bench/run bench/batch_inspect_bench.py`. Prints one JSON object with times and ratios.
Our numbers include work the plain loop does not do (sha256 of every file, EXIF, the full report, the
verification log for the CLI, parsing in isolated worker processes where the engine does that).
"""

from __future__ import annotations

import asyncio
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from trustnxt_desktop.engine.c2pa_loader import c2pa  # noqa: E402

PROJECT = Path(__file__).resolve().parents[1]
CORPUS = PROJECT.parent / "shared" / "corpus"
FILES = int(os.environ.get("BENCH_FILES", "500"))
JOBS = 2
SAMPLE = int(os.environ.get("BENCH_PER_PROCESS_SAMPLE", "100"))
PLAIN_SETTINGS = {"verify": {"verify_trust": True, "remote_manifest_fetch": False, "ocsp_fetch": False}}

# What a shell loop runs once per file: start Python, load c2pa, read and validate one file, print JSON.
ONE_FILE = """
import json, sys
import c2pa
ctx = c2pa.Context.from_dict(json.loads(sys.argv[2]))
try:
    with c2pa.Reader(sys.argv[1], context=ctx) as r:
        print(json.dumps({"store": json.loads(r.json()), "state": r.get_validation_state()}))
except Exception as e:
    print(json.dumps({"error": type(e).__name__}))
"""


def make_batch(folder: Path) -> list[Path]:
    sources = sorted(p for sub in ("c2pa", "media", "hostile") for p in (CORPUS / sub).iterdir() if p.is_file())
    folder.mkdir(parents=True)
    out = []
    for i in range(FILES):
        src = sources[i % len(sources)]
        out.append(shutil.copy(src, folder / f"{i:04d}-{src.name}"))
    return [Path(p) for p in out]


def plain_loop(files: list[Path]) -> float:
    """The simplest correct script: one Reader per file, one after another, same settings as ours."""
    context = c2pa.Context.from_dict(PLAIN_SETTINGS)
    start = time.perf_counter()
    for path in files:
        try:
            with c2pa.Reader(str(path), context=context) as reader:
                json.loads(reader.json())
                reader.get_validation_state()
        except Exception:  # noqa: BLE001 - a script like this skips files it cannot read
            pass
    return time.perf_counter() - start


def per_process(files: list[Path]) -> tuple[float, int]:
    sample = files[:: max(1, len(files) // SAMPLE)][:SAMPLE]
    settings = json.dumps(PLAIN_SETTINGS)
    start = time.perf_counter()
    for path in sample:
        subprocess.run([sys.executable, "-c", ONE_FILE, str(path), settings], capture_output=True, cwd=path.parent)
    return (time.perf_counter() - start) * len(files) / len(sample), len(sample)


def cli_batch(folder: Path, home: Path) -> tuple[float, int]:
    env = {**os.environ, "TRUSTNXT_HOME": str(home)}
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "trustnxt_desktop.cli", "inspect", str(folder), "--json", "--jobs",
                           str(JOBS), "-q"], capture_output=True, text=True, env=env, cwd=PROJECT)
    elapsed = time.perf_counter() - start
    return elapsed, len(json.loads(proc.stdout))


def services_batch(files: list[Path], home: Path) -> tuple[float, int]:
    from trustnxt_desktop.services.backend import LocalBackend
    from trustnxt_desktop.services.batch import run_batch
    from trustnxt_desktop.services.keyring_store import KeyringSecretStore
    from trustnxt_desktop.services.settings import Settings

    async def go() -> tuple[float, int]:
        backend = LocalBackend(home, KeyringSecretStore(), Settings(jobs=JOBS))
        try:
            await backend.inspect(files[0])  # warm-up: worker start, trust context
            start = time.perf_counter()
            reports = await run_batch(files, backend.inspect, JOBS)
            return time.perf_counter() - start, len(reports)
        finally:
            await backend.aclose()

    return asyncio.run(go())


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="trustnxt-batch-bench-") as tmp:
        root = Path(tmp)
        files = make_batch(root / "inbox")
        plain_loop(files[:20])  # warm the page cache and c2pa's lazy initialisation for everyone
        plain = plain_loop(files)
        services, n_services = services_batch(files, root / "home-services")
        cli, n_cli = cli_batch(root / "inbox", root / "home-cli")
        per_file, sampled = per_process(files)
    assert n_cli == n_services == len(files), (n_cli, n_services)
    print(json.dumps({
        "files": len(files), "jobs": JOBS, "cpus": os.cpu_count(), "python": platform.python_version(),
        "engine": f"c2pa-python {c2pa.__version__} (c2pa-rs {c2pa.sdk_version()})",
        "seconds": {"plain_reader_loop": round(plain, 2), "services_run_batch": round(services, 2),
                    "cli_inspect_json": round(cli, 2), "process_per_file_estimated": round(per_file, 2)},
        "process_per_file_sample": sampled,
        "ratios": {
            "services_vs_plain_loop": round(plain / services, 2),
            "cli_vs_plain_loop": round(plain / cli, 2),
            "services_vs_process_per_file": round(per_file / services, 2),
            "cli_vs_process_per_file": round(per_file / cli, 2),
        },
        "targets": {"vs_plain_loop": 1.5, "vs_process_per_file": 5.0},
    }, indent=2))


if __name__ == "__main__":
    main()
