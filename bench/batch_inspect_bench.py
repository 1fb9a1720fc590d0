"""Batch inspection benchmark: 500 mixed files (copies of ../shared/corpus) inspected

- by our CLI, `trustnxt inspect DIR --json --jobs 2` (a whole process, start-up included; its start-up
  alone, `trustnxt inspect ONE_FILE --json`, is timed too);
- by our services as the app composes them (make_backend: LocalBackend wrapped in the verification
  log), jobs=2, two ways: the batch path `inspect_batch` (what the CLI uses) and file by file,
  run_batch over backend.inspect; the batch path twice: with the guarantees issue 16 lists (isolated
  parsing with caps, sha256, EXIF, the full report, ledger and log) and with the second validator's
  cross-check as well (Settings.cross_check, on by default);
- by a plain single-thread loop over c2pa.Reader in one process (target, issue 16: ours at least as fast,
  >= 1.0x, on 2 cores; the loop is timed before and after ours and their mean is the baseline, as the
  shared machine's load moves);
- by one process per file, the way people run c2patool-style command-line tools from a shell loop
  (target: ours >= 5x faster). Starting a process per file is slow, so that baseline times a sample
  (BENCH_PER_PROCESS_SAMPLE files, default 100, spread over the mix) and scales it to the whole batch.

Run with `bench/run bench/batch_inspect_bench.py`. Prints one JSON object with times and ratios.
Our numbers include work the plain loop does not do (sha256 of every file, EXIF, the full report, the
usage ledger and the verification log, parsing in isolated worker processes), and ours check every
signer against the trust lists shipped with the app, which makes c2pa itself slower per file; the plain
loop is therefore also timed with those same lists (`plain_reader_loop_with_our_trust_lists`).

For reference only (not a baseline): `plain_loop_split_in_two_processes` runs the same plain loop as
two already-started processes, each over half of the files, i.e. the most that two cores give this
machine for the plain loop's own work with no overhead at all. CPU seconds (user + system of this
process and, for ours, of the parser workers) are printed next to the wall times.
"""

from __future__ import annotations

import asyncio
import json
import multiprocessing
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

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


def plain_loop(files: list[Path], settings: dict[str, Any] | None = None) -> float:
    """The simplest correct script: one Reader per file, one after another, same settings as ours (by
    default without trust lists; `settings`: c2pa settings, e.g. ours with the trust lists we load)."""
    context = c2pa.Context.from_dict(settings or PLAIN_SETTINGS)
    start = time.perf_counter()
    for path in files:
        try:
            with c2pa.Reader(str(path), context=context) as reader:
                json.loads(reader.json())
                reader.get_validation_state()
        except Exception:  # noqa: BLE001 - a script like this skips files it cannot read
            pass
    return time.perf_counter() - start


def _plain_half(files: list[Path], go, answer) -> None:
    plain_loop(files[:10])  # warm, like the single loop
    go.wait()
    answer.put(plain_loop(files))


def plain_loop_in_two_processes(files: list[Path]) -> float:
    """Wall time of two plain loops running at once, each over half of the files (spawned, warmed and
    waiting before the clock starts)."""
    ctx = multiprocessing.get_context("spawn")
    go, answer = ctx.Event(), ctx.Queue()
    procs = [ctx.Process(target=_plain_half, args=(files[i::2], go, answer)) for i in range(2)]
    for proc in procs:
        proc.start()
    time.sleep(3)  # both started and warmed (an import and ten files take well under a second)
    start = time.perf_counter()
    go.set()
    answer.get(), answer.get()
    elapsed = time.perf_counter() - start
    for proc in procs:
        proc.join()
    return elapsed


def per_process(files: list[Path]) -> tuple[float, int]:
    sample = files[:: max(1, len(files) // SAMPLE)][:SAMPLE]
    settings = json.dumps(PLAIN_SETTINGS)
    start = time.perf_counter()
    for path in sample:
        subprocess.run([sys.executable, "-c", ONE_FILE, str(path), settings], capture_output=True, cwd=path.parent)
    return (time.perf_counter() - start) * len(files) / len(sample), len(sample)


def cli_batch(target: Path, home: Path) -> tuple[float, int]:
    env = {**os.environ, "TRUSTNXT_HOME": str(home)}
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "trustnxt_desktop.cli", "inspect", str(target), "--json", "--jobs",
                           str(JOBS), "-q"], capture_output=True, text=True, env=env, cwd=PROJECT)
    elapsed = time.perf_counter() - start
    return elapsed, len(json.loads(proc.stdout))


def _process_cpu(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def services_batch(files: list[Path], home: Path, batch_path: bool, cross_check: bool = True
                   ) -> tuple[float, int, float]:
    """Wall time, number of reports, CPU seconds (this process and the parser workers)."""
    from trustnxt_desktop.engine.untrusted import shared_pool
    from trustnxt_desktop.services.account.keyring_store import KeyringSecretStore
    from trustnxt_desktop.services.account.settings import Settings
    from trustnxt_desktop.services.backends.batch import inspect_batch, run_batch
    from trustnxt_desktop.services.backends.registry import make_backend

    async def go() -> tuple[float, int, float]:
        backend = make_backend(home, Settings(jobs=JOBS, cross_check=cross_check), KeyringSecretStore(),
                               "local")  # as the app does
        try:
            await inspect_batch(backend, files[:20], JOBS)  # warm-up as for the plain loop: workers, trust, c2pa
            workers = [w.process.pid for w in shared_pool()._idle]  # the local engine's isolated parsers
            cpu = time.process_time() + sum(_process_cpu(pid) for pid in workers)
            start = time.perf_counter()
            if batch_path:
                reports = await inspect_batch(backend, files, JOBS)
            else:
                reports = await run_batch(files, backend.inspect, JOBS)
            elapsed = time.perf_counter() - start
            cpu = time.process_time() + sum(_process_cpu(pid) for pid in workers) - cpu
            return elapsed, len(reports), cpu
        finally:
            await backend.aclose()

    return asyncio.run(go())


def our_trust_settings(home: Path) -> dict[str, Any]:
    """The c2pa settings our inspections use in a fresh data folder: the trust lists shipped with the app."""
    from trustnxt_desktop.engine.identity import IdentityStore
    from trustnxt_desktop.services.account.keyring_store import KeyringSecretStore
    from trustnxt_desktop.services.trust.sources import build_trust_config

    return build_trust_config(home, IdentityStore(home, KeyringSecretStore()), remote_manifest_fetch=False).settings()


def engine_before_and_after(files: list[Path], home: Path, rounds: int = 4) -> dict[str, float]:
    """CPU milliseconds per file of the engine's inspection in this process (no isolation, no cross-check), with
    the shipped trust lists, alternated round by round: `after` as it runs now; `before` with the main validator
    given every anchor (no engine.narrowed_trust) and the trusting list named by validating under each list in
    turn (TrustConfig.first_source_trusting). The median round of each."""
    import statistics

    from trustnxt_desktop.engine import cert_chains, narrowed_trust
    from trustnxt_desktop.engine import inspect as engine_inspect
    from trustnxt_desktop.engine.identity import IdentityStore
    from trustnxt_desktop.engine.trust import TrustConfig
    from trustnxt_desktop.services.account.keyring_store import KeyringSecretStore
    from trustnxt_desktop.services.trust.sources import build_trust_config

    trust = build_trust_config(home, IdentityStore(home, KeyringSecretStore()), remote_manifest_fetch=False)
    narrowed, naming = narrowed_trust.context, TrustConfig.which_source_trusts

    def no_narrowing(trust: TrustConfig, chains: cert_chains.Chains) -> c2pa.Context | None:
        return None  # every anchor, as before engine.narrowed_trust

    def each_source_in_turn(self: TrustConfig, read: Callable[[c2pa.Context], str | None],
                            chains: Iterable[Sequence[bytes]] = ()) -> str | None:
        return self.first_source_trusting(read)

    def one_round(before: bool) -> float:
        # The engine as it was, for the "before" rounds: a function and a method swapped for this measurement.
        narrowed_trust.context = no_narrowing if before else narrowed
        naming_now = each_source_in_turn if before else naming
        TrustConfig.which_source_trusts = naming_now  # type: ignore[method-assign]  # the swap said above
        try:
            cpu = time.process_time()
            for path in files:
                engine_inspect.inspect_file(path, trust).to_dict()
            return (time.process_time() - cpu) * 1000 / len(files)
        finally:
            narrowed_trust.context = narrowed
            TrustConfig.which_source_trusts = naming  # type: ignore[method-assign]  # the swap undone

    one_round(False)  # warm: contexts, certificate caches
    times: dict[str, list[float]] = {"before": [], "after": []}
    for i in range(rounds):
        for before in ((True, False) if i % 2 == 0 else (False, True)):
            times["before" if before else "after"].append(one_round(before))
    return {k: round(statistics.median(v), 2) for k, v in times.items()}


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="trustnxt-batch-bench-") as tmp:
        root = Path(tmp)
        files = make_batch(root / "inbox")
        plain_loop(files[:20])  # warm the page cache and c2pa's lazy initialisation for everyone
        cpu = time.process_time()
        plain_before = plain_loop(files)
        plain_cpu = time.process_time() - cpu
        split = plain_loop_in_two_processes(files)
        lean, n_lean, lean_cpu = services_batch(files, root / "home-lean", batch_path=True, cross_check=False)
        batch, n_batch, batch_cpu = services_batch(files, root / "home-services", batch_path=True)
        per_file, n_per_file, per_file_cpu = services_batch(files, root / "home-per-file", batch_path=False)
        plain_after = plain_loop(files)
        plain = (plain_before + plain_after) / 2
        with_lists = our_trust_settings(root / "home-plain")
        plain_loop(files[:20], with_lists)
        plain_lists = plain_loop(files, with_lists)
        cli, n_cli = cli_batch(root / "inbox", root / "home-cli")
        cli_start, _ = cli_batch(files[0], root / "home-cli-one")
        per_proc, sampled = per_process(files)
        engine_ab = engine_before_and_after(files, root / "home-engine")
    assert n_cli == n_batch == n_lean == n_per_file == len(files), (n_cli, n_batch, n_lean, n_per_file)
    print(json.dumps({
        "files": len(files), "jobs": JOBS, "cpus": os.cpu_count(), "python": platform.python_version(),
        "engine": f"c2pa-python {c2pa.__version__} (c2pa-rs {c2pa.sdk_version()})",
        "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
        "seconds": {"plain_reader_loop_before_and_after": [round(plain_before, 2), round(plain_after, 2)],
                    "plain_reader_loop_with_our_trust_lists": round(plain_lists, 2),
                    "services_inspect_batch_without_cross_check": round(lean, 2),
                    "services_inspect_batch": round(batch, 2),
                    "services_run_batch_per_file": round(per_file, 2), "cli_inspect_json": round(cli, 2),
                    "cli_start_up_one_file": round(cli_start, 2), "process_per_file_estimated": round(per_proc, 2),
                    "reference_plain_loop_split_in_two_processes": round(split, 2)},
        "cpu_seconds": {"plain_reader_loop": round(plain_cpu, 2),
                        "services_inspect_batch_without_cross_check": round(lean_cpu, 2),
                        "services_inspect_batch": round(batch_cpu, 2),
                        "services_run_batch_per_file": round(per_file_cpu, 2)},
        "process_per_file_sample": sampled,
        "engine_cpu_ms_per_file_in_process": {**engine_ab,
                                              "before_over_after": round(engine_ab["before"] / engine_ab["after"], 2)},
        "ratios": {
            "services_batch_without_cross_check_vs_plain_loop": round(plain / lean, 2),
            "services_batch_without_cross_check_vs_plain_loop_with_our_trust_lists": round(plain_lists / lean, 2),
            "services_batch_vs_plain_loop": round(plain / batch, 2),
            "services_per_file_vs_plain_loop": round(plain / per_file, 2),
            "cli_vs_plain_loop": round(plain / cli, 2),
            "cli_without_start_up_vs_plain_loop": round(plain / max(0.01, cli - cli_start), 2),
            "services_batch_vs_process_per_file": round(per_proc / batch, 2),
            "cli_vs_process_per_file": round(per_proc / cli, 2),
            "reference_plain_split_in_two_vs_plain_loop": round(plain / split, 2),
        },
        "targets": {"vs_plain_loop": 1.0, "vs_process_per_file": 5.0},
    }, indent=2))


if __name__ == "__main__":
    main()
