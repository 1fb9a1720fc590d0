"""Watch-folder throughput and crash recovery: N 24-MP JPEGs through `trustnxt watch`, kill -9, restart.

1. N distinct 24-megapixel JPEGs (6000x4000, camera EXIF with GPS, serial number and owner) are made in a
   staging folder on the same disk (not timed).
2. A real `trustnxt watch IN --out OUT --jobs 2` starts; the files are renamed into IN in a stream
   (BENCH_ARRIVAL files/s, default as fast as possible), as a card reader or a sync tool delivers them.
   With the privacy check available (`--location`), it runs with `--location remove --strip-serials`
   (BENCH_PRIVACY=0: without it, for comparison).
3. When KILL_AT of the files are protected, the process is killed with SIGKILL; `trustnxt watch --once`
   with the same arguments is started at once and finishes the rest.
4. The outputs are counted (exactly N, no "(2)" duplicate) and validated: `trustnxt inspect OUT --json`
   must say "trusted" for every one.

Run with `bench/run bench/watch_bench.py` (BENCH_FILES=1000 by default; the target is 1,000 in at most
10 minutes on 2 cores). Prints one JSON object: times, files per minute, the load average before and
after, and the counts. Needs ~2 x N x 10 MB of free disk in BENCH_DIR (default: a temporary folder).
"""

from __future__ import annotations

import io
import json
import os
import queue
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from PIL import Image

PROJECT = Path(__file__).resolve().parents[1]
FILES = int(os.environ.get("BENCH_FILES", "1000"))
ARRIVAL = float(os.environ.get("BENCH_ARRIVAL", "0"))  # files per second; 0: as fast as renames go
KILL_AT = float(os.environ.get("BENCH_KILL_AT", "0.4"))
WIDTH, HEIGHT = 6000, 4000


def camera_jpeg() -> bytes:
    """One 24-MP photo-like JPEG with the EXIF a camera writes (GPS, body serial, owner)."""
    base = Image.linear_gradient("L").resize((WIDTH, HEIGHT))
    noise = Image.effect_noise((WIDTH, HEIGHT), 24)
    im = Image.merge("RGB", (base, noise, base.rotate(180)))
    exif = Image.Exif()
    exif[0x010F], exif[0x0110], exif[0x013B] = "BenchCam", "BC-24", "Jane Photographer"  # make, model, artist
    exif_ifd = exif.get_ifd(0x8769)
    exif_ifd[0xA431] = "SN-00042-BENCH"  # BodySerialNumber
    exif_ifd[0xA430] = "Jane Photographer"  # CameraOwnerName
    gps = exif.get_ifd(0x8825)
    gps.update({1: "N", 2: (52.0, 31.0, 12.34), 3: "E", 4: (13.0, 24.0, 56.78)})
    buf = io.BytesIO()
    im.save(buf, "JPEG", quality=88, exif=exif.tobytes())
    return buf.getvalue()


def variants(template: bytes, folder: Path) -> list[Path]:
    """FILES distinct files: the template with a comment segment naming the file after SOI."""
    folder.mkdir(parents=True)
    paths = []
    for i in range(FILES):
        comment = f"bench file {i:05d}".encode()
        segment = b"\xff\xfe" + (len(comment) + 2).to_bytes(2, "big") + comment
        path = folder / f"DSC{i:05d}.JPG"
        path.write_bytes(template[:2] + segment + template[2:])
        paths.append(path)
    return paths


class Watch:
    def __init__(self, args: list[str], env: dict[str, str]) -> None:
        self.proc = subprocess.Popen([sys.executable, "-m", "trustnxt_desktop.cli", "watch", *args], cwd=PROJECT,
                                     env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        self.lines: queue.Queue[str | None] = queue.Queue()
        self.done = 0
        self.text: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self.lines.put(line)
        self.lines.put(None)

    def until(self, predicate: Any, seconds: float = 3600) -> bool:
        deadline = time.monotonic() + seconds
        while not predicate(self):
            try:
                line = self.lines.get(timeout=max(0.1, deadline - time.monotonic()))
            except queue.Empty:
                return False
            if line is None:
                return False
            self.text.append(line)
            self.done += line.startswith("done ")
        return True


def cli(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "trustnxt_desktop.cli", *args], cwd=PROJECT, env=env,
                          capture_output=True, text=True)


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="watch-bench-", dir=os.environ.get("BENCH_DIR")))
    env = {**os.environ, "TRUSTNXT_HOME": str(work / "home")}
    try:
        template = camera_jpeg()
        sources = variants(template, work / "staging")
        inbox, out = work / "in", work / "out"
        inbox.mkdir()
        help_text = cli(["watch", "--help"], env).stdout
        wanted = os.environ.get("BENCH_PRIVACY", "1") != "0"
        privacy = ["--location", "remove", "--strip-serials"] if wanted and "--location" in help_text else []
        args = [str(inbox), "--out", str(out), "--jobs", "2", "--settle", "1", *privacy]
        load_before = os.getloadavg()
        started = time.monotonic()
        first = Watch(args, env)
        assert first.until(lambda w: any("press Ctrl+C" in t for t in w.text), 120), "".join(first.text)
        ready = time.monotonic()
        for n, path in enumerate(sources):
            path.rename(inbox / path.name)
            if ARRIVAL:
                time.sleep(max(0.0, ready + (n + 1) / ARRIVAL - time.monotonic()))
        arrived = time.monotonic()
        first.until(lambda w: w.done >= int(FILES * KILL_AT))
        os.kill(first.proc.pid, signal.SIGKILL)
        first.proc.wait()
        killed_at = time.monotonic()
        done_before_kill = len(list(out.glob("*.JPG")))
        second = Watch([*args, "--once"], env)
        second.until(lambda w: False)  # to its end
        code = second.proc.wait()
        finished = time.monotonic()
        load_after = os.getloadavg()
        outputs = sorted(p.name for p in out.iterdir())
        checked = cli(["inspect", str(out), "--json", "--jobs", "2"], env)
        verdicts = [r["verdict"] for r in json.loads(checked.stdout)] if checked.stdout else []
        total = finished - started
        print(json.dumps({
            "files": FILES, "megapixels": WIDTH * HEIGHT / 1e6, "file_mb": round(len(template) / 1e6, 2),
            "privacy_check": " ".join(privacy) or ("off" if not wanted else "not available"),
            "jobs": 2, "cores": os.cpu_count(),
            "load_average_before": [round(x, 2) for x in load_before],
            "load_average_after": [round(x, 2) for x in load_after],
            "arrival_seconds": round(arrived - ready, 1),
            "first_run_until_kill_seconds": round(killed_at - started, 1), "protected_before_kill": done_before_kill,
            "restart_seconds": round(finished - killed_at, 1), "restart_exit_code": code,
            "total_seconds": round(total, 1), "files_per_minute": round(FILES / total * 60, 1),
            "target_met": total <= 600 * FILES / 1000,
            "outputs": len(outputs), "duplicates": sum(" (" in name for name in outputs),
            "trusted": verdicts.count("trusted"), "other_verdicts": sorted(set(verdicts) - {"trusted"}),
            "taken_up": next((t.strip() for t in second.text if "taking up" in t), None),
        }, indent=2))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
