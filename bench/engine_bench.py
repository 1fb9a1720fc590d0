"""Engine benchmarks: protect and inspect against plain c2pa-python, measured in the same run.

Run with `bench/run bench/engine_bench.py` (it needs a keyring for the CLI batch part). Prints ratios;
docs/benchmarks.md records the results. Targets (issue "Local Content Credentials engine"):
- protect, 24 MP JPEG, our 512 px thumbnail vs c2pa's default signing (1024 px thumbnail): <= 0.5x time
- batch of 50 12 MP JPEGs through `trustnxt protect`: --jobs 2 >= 1.6x the throughput of --jobs 1
- inspect latency per file vs a raw c2pa Reader: <= 1.2x
"""

from __future__ import annotations

import contextlib
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import c2pa

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._common import make_photo, median, throwaway_identity, timed  # noqa: E402
from trustnxt_desktop.domain.protect import ProtectOptions  # noqa: E402
from trustnxt_desktop.engine import protect as protect_module  # noqa: E402
from trustnxt_desktop.engine.inspect import inspect_file  # noqa: E402
from trustnxt_desktop.engine.protect import protect_file  # noqa: E402
from trustnxt_desktop.engine.trust import TrustConfig, TrustSource  # noqa: E402

REPEAT = int(os.environ.get("BENCH_REPEAT", "7"))
BATCH = int(os.environ.get("BENCH_BATCH", "50"))


def default_c2pa_sign(src: Path, dst: Path, chain: str, key_pem: str) -> None:
    """What an integrator gets from c2pa-python out of the box: default settings, its own thumbnail."""
    signer = c2pa.Signer.from_info(c2pa.C2paSignerInfo(c2pa.C2paSigningAlg.ES256, chain.encode(), key_pem.encode(),
                                                       None))
    manifest = {"claim_generator_info": [{"name": "baseline"}], "title": src.name, "assertions": [
        {"label": "c2pa.actions.v2", "data": {"actions": [{"action": "c2pa.created", "digitalSourceType":
         "http://cv.iptc.org/newscodes/digitalsourcetype/digitalCapture"}]}}]}
    builder = c2pa.Builder(manifest)
    with open(src, "rb") as s, open(dst, "w+b") as d:
        builder.sign(signer, "image/jpeg", s, d)


@contextlib.contextmanager
def unverified_signing() -> Iterator[None]:
    """Temporarily sign without c2pa's post-sign verification, to show what that check costs."""
    original = protect_module._context
    protect_module._context = lambda: c2pa.Context.from_dict({
        "builder": {"thumbnail": {"enabled": False}},
        "verify": {"remote_manifest_fetch": False, "verify_after_sign": False}})
    try:
        yield
    finally:
        protect_module._context = original


def bench_protect_single(work: Path, detail: int) -> dict[str, float]:
    identity, chain, key_pem, _ = throwaway_identity()
    photo = make_photo(work / f"24mp-{detail}.jpg", 6000, 4000, seed=1, detail=detail)
    out = work / f"single-{detail}"
    out.mkdir()
    baseline = timed(lambda: default_c2pa_sign(photo, out / "baseline.jpg", chain, key_pem), REPEAT)
    ours = timed(lambda: protect_file(photo, identity, ProtectOptions(out_dir=out, thumbnail_edge=512)), REPEAT)
    no_thumb = timed(lambda: protect_file(photo, identity, ProtectOptions(out_dir=out, thumbnail_edge=0)), REPEAT)
    # What the safety check we keep on (c2pa re-validates every output after signing) costs.
    with unverified_signing():
        no_verify = timed(lambda: protect_file(photo, identity, ProtectOptions(out_dir=out)), REPEAT)
    return {"file_mb": photo.stat().st_size / 1e6, "c2pa_default_s": median(baseline), "ours_512_s": median(ours),
            "ours_no_thumb_s": median(no_thumb),
            "ours_512_without_post_sign_verify_s": median(no_verify),
            "ratio_ours_vs_default": median(ours) / median(baseline)}


def bench_batch(work: Path) -> dict[str, float]:
    folder = work / "batch"
    folder.mkdir()
    for i in range(BATCH):
        make_photo(folder / f"img{i:03d}.jpg", 4000, 3000, seed=i)
    times = {}
    for jobs in (1, 2):
        out = work / f"batch-out-{jobs}"
        start = time.perf_counter()
        proc = subprocess.run([sys.executable, "-m", "trustnxt_desktop.cli", "protect", str(folder), "--out", str(out),
                               "--jobs", str(jobs), "--quiet"], capture_output=True, text=True)
        times[jobs] = time.perf_counter() - start
        if proc.returncode != 0:
            raise SystemExit(f"trustnxt protect failed: {proc.stderr}")
        shutil.rmtree(out)
    return {"jobs1_s": times[1], "jobs2_s": times[2], "jobs1_files_per_s": BATCH / times[1],
            "jobs2_files_per_s": BATCH / times[2], "speedup_jobs2": times[1] / times[2]}


def bench_inspect(work: Path) -> dict[str, float]:
    identity, _, _, root = throwaway_identity()
    photo = make_photo(work / "inspect-src.jpg", 4000, 3000, seed=7)
    signed = protect_file(photo, identity, ProtectOptions(out_dir=work / "inspect")).output
    assert signed is not None
    trust = TrustConfig(sources=(TrustSource("bench", anchors_pem=root),))
    raw_context = c2pa.Context.from_dict(trust.settings())

    def raw_reader() -> None:
        with open(signed, "rb") as f, c2pa.Reader("image/jpeg", f, context=raw_context) as r:
            json.loads(r.json())
            r.get_validation_state()

    inspect_file(signed, trust)  # warm caches (supported types, contexts)
    raw = timed(raw_reader, REPEAT * 3)
    ours = timed(lambda: inspect_file(signed, trust), REPEAT * 3)
    return {"raw_reader_s": median(raw), "ours_s": median(ours), "ratio_ours_vs_raw": median(ours) / median(raw)}


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="trustnxt-bench-"))
    try:
        results = {
            "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
                       f"c2pa-python {c2pa.__version__}",
            "protect_24mp_typical": bench_protect_single(work, detail=15),
            "protect_24mp_high_detail": bench_protect_single(work, detail=30),
            "inspect_12mp": bench_inspect(work),
            f"batch_{BATCH}x12mp_cli": bench_batch(work),
        }
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
