"""Fuzzing inspect and protect through the real command-line batch paths, with files of every format.

Seeds: the shared corpus (media, c2pa, hostile, cases), the documents, DNG, PDF, SVG and AVI that
tests/documents.py builds, two JPEG XL files from cjxl, and a protected copy of every seed that can be
protected, so that each container format also carries a manifest store to damage. Each run turns them
(tests/reliability/mutate.py: bit flips, truncation, length lies, duplication, splices) into
INSPECT_CASES inputs for `trustnxt inspect --json` and PROTECT_CASES inputs for `trustnxt protect --json`,
each run as a child process (tests/reliability/fuzz_cli.py) going through LocalBackend's batch paths and
its isolated parser workers, and requires of both commands:

- no parent crash, hang or traceback: the command ends by itself with exit 0 or 4, and never goes
  STALL_SECONDS without finishing a file;
- a result for every input, each its own: an inspection report with a verdict and a summary that is
  not a bug's exception text; a protect result (done, failed or skipped) within PROTECT_FILE_SECONDS,
  no exception escaping the protect of a file, every original unchanged;
- the command's own peak resident memory (VmHWM; its parser workers have their own caps) under
  PARENT_PEAK_MIB.

The seed is printed at every run: TRUSTNXT_FUZZ_SEED=<seed> replays it (default: today's date, so a
day's runs agree and each day explores new inputs). Inputs that broke one of these guarantees are written
to TRUSTNXT_FUZZ_FAILURES (default tests/reliability/regressions/), named in the failure; fixed, they stay
there with a line in its README.md and are re-run by every later run. Inputs that only crashed, stalled or
exhausted an isolated parser worker got their `error` report as designed: they are listed, not failed.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests import documents
from tests.conftest import CORPUS, PROJECT, SHARED
from tests.reliability.mutate import mutate
from trustnxt_desktop.domain.report import Verdict
from trustnxt_desktop.engine.trust import TrustConfig
from trustnxt_desktop.engine.untrusted import CRASH_SUMMARY, inspect_isolated
from trustnxt_desktop.runtime.isolation import IsolatedPool, Limits


def _seed() -> int:
    given = os.environ.get("TRUSTNXT_FUZZ_SEED")
    return int(given) if given else int(datetime.date.today().strftime("%Y%m%d"))


SEED = _seed()
INSPECT_CASES = int(os.environ.get("TRUSTNXT_FUZZ_CASES", "2000"))
PROTECT_CASES = int(os.environ.get("TRUSTNXT_FUZZ_PROTECT_CASES", "2000"))
# Longest a command may go without finishing a file: the parser's own limit (30 s + 50 s per GB) for a
# file queued behind another that used all of it, and a margin for a loaded machine.
STALL_SECONDS = 120.0
PROTECT_FILE_SECONDS = 90.0  # parent read + thumbnail worker (30 s at most) + signing
PARENT_PEAK_MIB = 512  # measured: about 210 MiB for inspect (2,000 reports held for --json), 125 MiB for protect
CASE_SECONDS = 10.0
MEMORY_CAP = 1024 ** 3
REGRESSIONS = Path(__file__).parent / "regressions"
FAILURES = Path(os.environ.get("TRUSTNXT_FUZZ_FAILURES") or REGRESSIONS)
_MAX_SEED_BYTES = 5 * 1024 ** 2  # every corpus file (the biggest, an M4A, is 4 MB); bigger ones would cost time
_KEEP_AT_MOST = 10
_BUG_IN_TASK = "the validator failed"  # engine.untrusted: an exception inside inspect_file, i.e. a bug
_PROGRESS = re.compile(r"^\[\d+/\d+\] \S+\s+(\S+?)(?::\s| ->|$)")


# -- seeds ----------------------------------------------------------------------------------------------

def _regression_files() -> list[Path]:
    return sorted(p for p in REGRESSIONS.iterdir() if p.is_file() and p.name != "README.md")


def _corpus_seeds() -> list[Path]:
    folders = [CORPUS / "c2pa", CORPUS / "hostile", CORPUS / "media", SHARED / "cases"]
    return sorted(p for folder in folders for p in folder.iterdir()
                  if p.is_file() and p.stat().st_size <= _MAX_SEED_BYTES and p.suffix not in (".txt", ".md", ".pem"))


def _built_seeds(folder: Path) -> list[Path]:
    """Every document kind, stored (signable) and compressed, DNG, PDF, SVG, AVI, and JPEG XL bare and boxed."""
    cjxl = shutil.which("cjxl")
    if cjxl is None:
        pytest.fail("cjxl (Debian package libjxl-tools) is needed to make JPEG XL seeds; scripts/test installs it")
    built = []
    for name, build in (("report.docx", lambda c: documents.ooxml("docx", compressed=c)),
                        ("macros.docm", lambda c: documents.ooxml("docm", compressed=c)),
                        ("budget.xlsx", lambda c: documents.ooxml("xlsx", compressed=c)),
                        ("slides.pptx", lambda c: documents.ooxml("pptx", compressed=c)),
                        ("notes.odt", lambda c: documents.odf(compressed=c)),
                        ("book.epub", lambda c: documents.epub(compressed=c)),
                        ("print.oxps", lambda c: documents.oxps(compressed=c)),
                        ("files.zip", lambda c: documents.plain_zip(compressed=c))):
        for compressed in (False, True):
            path = folder / (f"deflated-{name}" if compressed else name)
            path.write_bytes(build(compressed))
            built.append(path)
    built += [documents.dng(folder / "shot.dng"), documents.pdf(folder / "page.pdf"),
              documents.svg(folder / "logo.svg"), documents.avi(folder / "clip.avi")]
    for container in (False, True):
        out = folder / f"icon-{'boxed' if container else 'bare'}.jxl"
        subprocess.run([cjxl, str(CORPUS / "media" / "trustnxt-icon.png"), str(out), "-d", "1", "--quiet",
                        f"--container={int(container)}"], check=True, capture_output=True, timeout=120)
        built.append(out)
    return built


@pytest.fixture(scope="module")
def fuzz_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """A data folder and keyring entries of the fuzz runs' own (the first protect makes an identity)."""
    root = tmp_path_factory.mktemp("fuzz-home")
    return {"TRUSTNXT_HOME": str(root), "TRUSTNXT_KEYRING_SERVICE": f"TrustNXT Desktop fuzz {uuid.uuid4().hex[:12]}"}


@pytest.fixture(scope="module")
def seeds(tmp_path_factory: pytest.TempPathFactory, fuzz_env: dict[str, str]) -> list[tuple[str, bytes]]:
    folder = tmp_path_factory.mktemp("fuzz-seeds")
    plain = folder / "plain"
    plain.mkdir()
    for path in _corpus_seeds():
        shutil.copy(path, plain / path.name)
    _built_seeds(plain)
    signed = folder / "signed"
    run = run_command(["protect", "--json", "--out", str(signed), str(plain)], fuzz_env)
    assert run.returncode in (0, 4) and not run.stalled, run.tail()
    made = sorted(signed.iterdir())
    kinds = {p.suffix.lower() for p in made}
    # A manifest in every container c2pa writes: JPEG, PNG, WebP, GIF, TIFF, AVIF, HEIF, JPEG XL, DNG, WAV,
    # MP3, FLAC, M4A, MP4, MOV, AVI, PDF, SVG and the ZIP-based documents.
    missing = {".jpg", ".png", ".webp", ".gif", ".tiff", ".avif", ".heic", ".jxl", ".dng", ".wav", ".mp3", ".flac",
               ".m4a", ".mp4", ".mov", ".avi", ".pdf", ".svg", ".docx", ".odt", ".epub", ".oxps"} - kinds
    assert not missing, [r for r in json.loads(run.stdout) if Path(r["source"]).suffix.lower() in missing]
    return [(p.name, p.read_bytes()) for p in sorted(plain.iterdir())] + \
        [(f"signed-{p.name}", p.read_bytes()) for p in made]


# -- cases ----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Case:
    name: str  # its file name in the batch folder
    seed: str  # the seed file it was made from
    how: str  # the mutations, or "regression"
    sha256: str


def make_cases(phase: str, count: int, seeds: list[tuple[str, bytes]], folder: Path) -> dict[str, Case]:
    """`count` mutated seeds (the same ones for the same SEED and phase) and every regression file."""
    folder.mkdir()
    rng = random.Random(f"{SEED}:{phase}")
    partners = [data for _, data in seeds]
    cases: dict[str, Case] = {}

    def add(name: str, seed: str, how: str, data: bytes) -> None:
        (folder / name).write_bytes(data)
        cases[name] = Case(name, seed, how, hashlib.sha256(data).hexdigest())

    for n in range(count):
        seed, data = rng.choice(seeds)
        how, mutated = mutate(rng, data, partners)
        add(f"{phase[0]}{n:05d}{Path(seed).suffix}", seed, how, mutated)
    for path in _regression_files():
        add(f"{phase[0]}-regression-{path.name}", path.name, "regression", path.read_bytes())
    return cases


# -- running a command ----------------------------------------------------------------------------------

@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: list[str]
    finished: list[str]  # file names in the order the command reported them done
    stalled: bool
    seconds: float
    peak: dict[str, int] = field(default_factory=dict)

    def tail(self, lines: int = 15) -> str:
        return "".join(self.stderr[-lines:])


def run_command(args: list[str], env: dict[str, str]) -> Run:
    """`trustnxt ARGS` as a child process (tests/reliability/fuzz_cli.py); killed, with its workers, when
    no file finished for STALL_SECONDS."""
    lines: list[str] = []
    finished: list[str] = []
    last = [time.monotonic()]
    started = time.monotonic()
    with open(os.devnull, "rb") as stdin, subprocess.Popen(
            [sys.executable, "-m", "tests.reliability.fuzz_cli", *args], cwd=PROJECT, env={**os.environ, **env},
            stdin=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True) as proc:
        out: list[str] = []
        assert proc.stdout is not None and proc.stderr is not None  # both are pipes
        stdout, stderr = proc.stdout, proc.stderr
        reader = threading.Thread(target=lambda: out.append(stdout.read()), daemon=True)
        reader.start()

        def follow() -> None:
            for line in stderr:
                lines.append(line)
                if match := _PROGRESS.match(line):
                    finished.append(Path(match[1]).name)
                    last[0] = time.monotonic()

        errors = threading.Thread(target=follow, daemon=True)
        errors.start()
        stalled = False
        while proc.poll() is None:
            time.sleep(0.2)
            if time.monotonic() - last[0] > STALL_SECONDS:
                stalled = True
                os.killpg(proc.pid, signal.SIGKILL)  # the command and its parser workers
                break
        proc.wait()
        reader.join(30)
        errors.join(30)
    peak: dict[str, int] = next((json.loads(x.split(" ", 1)[1]) for x in reversed(lines)
                                 if x.startswith("fuzz-peak-memory ")), {})
    return Run(proc.returncode, "".join(out), lines, finished, stalled, time.monotonic() - started, peak)


def judge_run(phase: str, run: Run, cases: dict[str, Case]) -> tuple[list[str], list[str], list[dict[str, Any]]]:
    """(problems with the command as a whole, names of the cases to keep for them, its JSON results)."""
    problems: list[str] = []
    suspects: list[str] = []
    unfinished = [name for name in sorted(cases) if name not in set(run.finished)]
    if run.stalled:
        problems.append(f"{phase}: no file finished for {STALL_SECONDS:g} s (a hang); the command was killed")
    elif run.returncode < 0:
        problems.append(f"{phase}: the command died of {signal.Signals(-run.returncode).name}")
    elif run.returncode not in (0, 4):
        problems.append(f"{phase}: the command exited with {run.returncode}")
    if problems:
        suspects += unfinished[:6]  # the files in flight when it stopped are among the first unfinished
    if any("Traceback (most recent call last)" in line for line in run.stderr):
        problems.append(f"{phase}: a traceback on stderr")
    results: list[dict[str, Any]] = []
    if not problems:
        try:
            results = json.loads(run.stdout)
        except ValueError as e:
            problems.append(f"{phase}: stdout is not the JSON results ({e})")
    if problems:
        problems.append("stderr ends:\n" + run.tail())
    peak_mib = run.peak.get("end_kib", 0) / 1024
    if peak_mib > PARENT_PEAK_MIB:
        problems.append(f"{phase}: the command's peak resident memory was {peak_mib:.0f} MiB (limit {PARENT_PEAK_MIB})")
    return problems, suspects, results


def keep(cases: dict[str, Case], names: list[str], folder: Path) -> list[str]:
    """Copy the named inputs to FAILURES; returns a line per input saying what it is and where it went."""
    FAILURES.mkdir(parents=True, exist_ok=True)
    said = []
    if len(names) > _KEEP_AT_MOST:  # that many at once is one fault of the whole run, not of each input
        said.append(f"  ({len(names)} inputs; the first {_KEEP_AT_MOST} are kept)")
    for name in names[:_KEEP_AT_MOST]:
        case = cases[name]
        if case.how == "regression":
            said.append(f"  {name}: the regression file {case.seed}")
            continue
        kept = FAILURES / f"{Path(case.seed).stem}-{SEED}-{name}"
        shutil.copy(folder / name, kept)
        said.append(f"  {name} (from {case.seed}, {case.how}) kept as {kept}")
    return said


def _contained(cases: dict[str, Case], names: list[str], folder: Path) -> Path:
    """Inputs the worker pool contained, kept beside the run for a look (and, if worth it, for regressions/)."""
    kept = folder.parent / "contained"
    kept.mkdir(exist_ok=True)
    for name in names:
        shutil.copy(folder / name, kept / f"{Path(cases[name].seed).stem}-{SEED}-{name}")
        (kept / "cases.txt").open("a").write(f"{name}: from {cases[name].seed}, {cases[name].how}\n")
    return kept


def say(capsys: pytest.CaptureFixture[str], text: str) -> None:
    with capsys.disabled():
        print(f"\n{text}", flush=True)


# -- the fuzz tests ---------------------------------------------------------------------------------------

def test_mutated_files_of_every_format_get_a_report_from_inspect(seeds: list[tuple[str, bytes]],
                                                                  fuzz_env: dict[str, str], tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    say(capsys, f"fuzz inspect: seed {SEED} (replay: TRUSTNXT_FUZZ_SEED={SEED}), {INSPECT_CASES} inputs "
                   f"from {len(seeds)} seeds")
    folder = tmp_path / "received"
    cases = make_cases("inspect", INSPECT_CASES, seeds, folder)
    run = run_command(["inspect", "--json", str(folder)], fuzz_env)
    problems, suspects, results = judge_run("inspect", run, cases)
    by_name = {Path(r["file"]["path"]).name: r for r in results}
    contained: list[str] = []
    if results:
        for name in sorted(set(cases) - set(by_name)):
            problems.append(f"{name}: no report")
            suspects.append(name)
        for name, r in sorted(by_name.items()):
            if name not in cases or r.get("verdict") not in {v.value for v in Verdict} or not r.get("summary"):
                problems.append(f"{name}: not a report of one of the inputs: {str(r)[:200]}")
            elif _BUG_IN_TASK in r["summary"]:
                problems.append(f"{name}: an exception inside the inspector: {r['summary']}")
                suspects.append(name)
            elif CRASH_SUMMARY in r["summary"]:
                contained.append(name)
    verdicts = Counter(r["verdict"] for r in results)
    say(capsys, f"fuzz inspect: {len(cases)} inputs in {run.seconds:.1f} s, verdicts {dict(verdicts)}; "
                   f"parent peak {run.peak.get('end_kib', 0) / 1024:.0f} MiB "
                   f"(at start {run.peak.get('start_kib', 0) / 1024:.0f})"
                   + (f"; {len(contained)} crashed, stalled or exhausted an isolated worker (an `error` report "
                      f"each, as designed), copied to {_contained(cases, contained, folder)}" if contained else ""))
    if problems:
        pytest.fail(f"seed {SEED}:\n" + "\n".join(problems) + "\ninputs:\n"
                    + "\n".join(keep(cases, list(dict.fromkeys(suspects)), folder)))
    shutil.rmtree(folder)  # hundreds of megabytes; pytest keeps its last three temp folders


def test_mutated_files_of_every_format_get_a_result_from_protect(seeds: list[tuple[str, bytes]],
                                                                 fuzz_env: dict[str, str], tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    say(capsys, f"fuzz protect: seed {SEED} (replay: TRUSTNXT_FUZZ_SEED={SEED}), {PROTECT_CASES} inputs "
                   f"from {len(seeds)} seeds")
    folder = tmp_path / "originals"
    cases = make_cases("protect", PROTECT_CASES, seeds, folder)
    out = tmp_path / "protected"
    run = run_command(["protect", "--json", "--out", str(out), str(folder)], fuzz_env)
    problems, suspects, results = judge_run("protect", run, cases)
    for line in run.stderr:
        if line.startswith("fuzz-exception "):
            name = Path(line.split(" ", 2)[1]).name
            problems.append(f"{name}: an exception escaped protect: {line.split(' ', 2)[2].strip()}")
            suspects.append(name)
    by_name = {Path(r["source"]).name: r for r in results}
    if results:
        for name in sorted(set(cases) - set(by_name)):
            problems.append(f"{name}: no result")
            suspects.append(name)
        for name, r in sorted(by_name.items()):
            if name not in cases or r.get("status") not in ("done", "failed", "skipped"):
                problems.append(f"{name}: not a finished result of one of the inputs: {str(r)[:200]}")
            elif r["status"] != "done" and not r.get("error"):
                problems.append(f"{name}: {r['status']} without saying why")
            elif r["status"] == "done" and not (r.get("output") and Path(r["output"]).is_file()):
                problems.append(f"{name}: done, but its protected copy {r.get('output')} is not there")
            elif r["seconds"] > PROTECT_FILE_SECONDS:
                problems.append(f"{name}: took {r['seconds']:.1f} s (limit {PROTECT_FILE_SECONDS:g} s)")
                suspects.append(name)
    for name, case in cases.items():
        if hashlib.sha256((folder / name).read_bytes()).hexdigest() != case.sha256:
            problems.append(f"{name}: the original was modified")
    statuses = Counter(r["status"] for r in results)
    nothing: dict[str, Any] = {"seconds": 0.0, "source": "-"}
    slowest = max(results, key=lambda r: r["seconds"], default=nothing)
    say(capsys, f"fuzz protect: {len(cases)} inputs in {run.seconds:.1f} s, {dict(statuses)}; slowest "
                   f"{slowest['seconds']:.2f} s ({Path(slowest['source']).name}); parent peak "
                   f"{run.peak.get('end_kib', 0) / 1024:.0f} MiB (at start {run.peak.get('start_kib', 0) / 1024:.0f})")
    if problems:
        pytest.fail(f"seed {SEED}:\n" + "\n".join(problems) + "\ninputs:\n"
                    + "\n".join(keep(cases, list(dict.fromkeys(suspects)), folder)))
    shutil.rmtree(folder)
    shutil.rmtree(out, ignore_errors=True)  # no copy at all is possible: every input may have failed


@pytest.mark.parametrize("path", _regression_files(), ids=lambda p: p.name)
def test_saved_regressions_get_a_report(path: Path) -> None:
    """Inputs that once crashed or stalled a worker: isolation must turn each into a report."""
    with IsolatedPool("trustnxt_desktop.engine.untrusted_tasks", size=1,
                      limits=Limits(memory_bytes=MEMORY_CAP, seconds=CASE_SECONDS)) as pool:
        report = inspect_isolated(pool, path, TrustConfig())
    assert report.verdict and report.summary
