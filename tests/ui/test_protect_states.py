"""The Protect queue's rows: one icon per job state, and nothing hidden left behind by Cancel all."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

from PySide6.QtCore import Qt

from trustnxt_desktop.domain.jobs import JobState
from trustnxt_desktop.ui.icons import job_state_icon


def _image_bytes(state: JobState) -> bytes:
    from PySide6.QtCore import QBuffer, QIODevice
    from PySide6.QtGui import QImageWriter

    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    assert QImageWriter(buffer, b"PNG").write(job_state_icon(state).pixmap(32, 32).toImage())
    return bytes(buffer.data().data())


async def test_every_job_state_has_its_own_icon(window) -> None:
    drawn = {state: _image_bytes(state) for state in JobState}
    assert len(set(drawn.values())) == len(JobState), "two job states share an icon"
    # The table shows exactly that icon in the Status column.
    view = window.protect
    from trustnxt_desktop.services.jobs.protect_queue import ProtectJob

    job = ProtectJob(1, Path("/nonexistent/a.jpg"), None, JobState.PROTECTING)
    view.model.upsert(job)
    shown = view.model.index(0, 1).data(Qt.ItemDataRole.DecorationRole)
    assert shown.cacheKey() == job_state_icon(JobState.PROTECTING).cacheKey()
    view.model.remove([1])


async def test_cancel_all_leaves_no_hidden_job_folder(window, tmp_path: Path, monkeypatch) -> None:
    from tests.media_tools import photo_folder
    from trustnxt_desktop.engine import protect as engine_protect

    # Hold each signing thread in its thumbnail step until Cancel all has been pressed, so it lands while the
    # engine is at work and before it has written its output (as with a large photo).
    started, release = threading.Event(), threading.Event()
    real_thumbnail = engine_protect._thumbnail

    def slow_thumbnail(*args, **kwargs):
        started.set()
        release.wait(60)  # a bound only so that a failing test cannot leave a thread behind for ever
        return real_thumbnail(*args, **kwargs)

    monkeypatch.setattr(engine_protect, "_thumbnail", slow_thumbnail)
    folder = photo_folder(tmp_path / "shoot", 4, 1200, 800)
    out = tmp_path / "out"
    view = window.protect
    view.set_output_dir(out)
    await view.add_paths_async([folder])
    try:
        assert await asyncio.to_thread(started.wait, 60), "no job reached the engine"
        assert any(p.name.startswith(".") for p in out.iterdir()), "each job works in a hidden folder"
        view.cancel_all_button.click()
    finally:
        release.set()
    await view.queue.wait_idle()
    assert view.queue.counts().cancelled == 4, view.queue.counts()
    # Cancel all is over once the queue is idle: no signing thread may bring a hidden folder back later.
    for _ in range(30):
        leftovers = sorted(p.name for p in out.iterdir())
        assert not leftovers, leftovers
        await asyncio.sleep(0.05)
