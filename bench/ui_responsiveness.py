"""GUI responsiveness: protect a batch of 12 MP JPEGs through the real window (offscreen) while a 10 ms
timer measures how late the event loop serves it; plus launch-to-first-paint of the real app.

Run: bench/run bench/ui_responsiveness.py      (BENCH_UI_FILES=100 by default)
Targets: longest stall <= 50 ms, 99th percentile <= 20 ms, first paint <= 0.5 s (a source checkout with its
bytecode cache, as after its first start: one launch writes the cache and is not counted).
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("TRUSTNXT_TRUST_BASE_URL", "http://127.0.0.1:9/trust")  # no internet while rendering
PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))

from bench._common import make_photo  # noqa: E402

FILES = int(os.environ.get("BENCH_UI_FILES", "100"))
TICK_MS = 10


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def protect_batch(work: Path) -> dict[str, float]:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from trustnxt_desktop.services.app_context import AppContext
    from trustnxt_desktop.ui.gc_guard import collect_on_gui_thread
    from trustnxt_desktop.ui.main_window import MainWindow

    folder = work / "batch"
    folder.mkdir()
    for i in range(FILES):
        make_photo(folder / f"img{i:03d}.jpg", 4000, 3000, seed=i)
    os.environ["TRUSTNXT_HOME"] = str(work / "home")
    context = AppContext.create()
    app = QApplication.instance()
    assert app is not None, "main() made it"
    collect_on_gui_thread(app)  # as the app does (app.py)
    window = MainWindow(context)
    window.resize(1280, 800)
    window.show()
    await context.backend.ready("protect")  # first-use identity creation is not part of the batch
    await asyncio.sleep(0.5)

    lateness: list[float] = []
    last = time.perf_counter()

    def tick() -> None:
        nonlocal last
        now = time.perf_counter()
        lateness.append(max(0.0, (now - last) * 1000 - TICK_MS))
        last = now

    timer = QTimer()
    timer.setInterval(TICK_MS)
    timer.timeout.connect(tick)
    timer.start()
    started = time.perf_counter()
    await window.protect.add_paths_async([folder])
    await window.protect.queue.wait_idle()
    elapsed = time.perf_counter() - started
    timer.stop()
    counts = window.protect.queue.counts()
    await window.aclose()
    await context.aclose()
    window.close()
    return {"files": FILES, "done": counts.done, "seconds": elapsed, "ticks": len(lateness),
            "longest_stall_ms": max(lateness), "p99_stall_ms": percentile(lateness, 0.99),
            "median_stall_ms": statistics.median(lateness)}


def first_paint_ms(work: Path, runs: int = 5) -> dict[str, float]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env.update({"TRUSTNXT_HOME": str(work / "home-launch"), "QT_QPA_PLATFORM": "offscreen",
                "PYTHONPYCACHEPREFIX": str(work / "pycache")})
    walls, paints = [], []
    for run in range(runs + 1):
        start = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-m", "trustnxt_desktop.app", "--quit-after", "0.2"],
                                stdout=subprocess.PIPE, text=True, env=env, cwd=PROJECT)
        assert proc.stdout is not None
        for line in proc.stdout:
            if line.startswith("first paint"):
                if run:  # the first launch compiles the bytecode cache
                    walls.append((time.perf_counter() - start) * 1000)
                    paints.append(float(line.split()[2]))
                break
        proc.wait(timeout=60)
    return {"launch_to_first_paint_ms_median": statistics.median(walls),
            "in_process_start_to_paint_ms_median": statistics.median(paints), "runs": runs}


def main() -> None:
    import qasync
    from PySide6.QtWidgets import QApplication

    work = Path(tempfile.mkdtemp(prefix="trustnxt-uibench-"))
    try:
        launch = first_paint_ms(work)
        app = QApplication(sys.argv[:1])  # noqa: F841 - must outlive the loop
        batch = qasync.run(protect_batch(work))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(json.dumps({"launch": launch, "protect_batch_in_window": batch}, indent=2))


if __name__ == "__main__":
    main()
