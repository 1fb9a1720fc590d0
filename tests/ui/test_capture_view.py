"""Capture without hardware: a synthetic camera, PulseAudio's null microphone, and a crash mid-queue."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import threading
import wave
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.conftest import PROJECT
from tests.expect import present
from tests.media_tools import make_jpeg
from trustnxt_desktop.domain.protect import DIGITAL_CAPTURE
from trustnxt_desktop.domain.report import Verdict
from trustnxt_desktop.services.jobs.capture_queue import CAPTURE, CaptureProtector
from trustnxt_desktop.services.jobs.capture_store import CaptureStore
from trustnxt_desktop.services.jobs.store import JobState
from trustnxt_desktop.ui.capture_view import CaptureView
from trustnxt_desktop.ui.frame_source import SyntheticFrameSource
from trustnxt_desktop.ui.main_window import CAPTURE_PAGE


def capture_view(context, folder: Path) -> CaptureView:
    """The Capture view on a protector of its own, as a start of the app builds it (composition root)."""
    protector = CaptureProtector(CaptureStore(folder), context.jobs, lambda: context.backend, context.protect_options)
    return CaptureView(protector, lambda message: None)


async def close(view: CaptureView) -> None:
    """As quitting does: the view stops, then the composition root closes the protector."""
    await view.aclose()
    await view.protector.aclose()


async def test_headless_machine_shows_no_camera_and_keeps_working(window) -> None:
    window.nav.setCurrentRow(CAPTURE_PAGE)
    view = window.capture
    assert "No camera detected" in view.camera_state.text()
    assert not view.photo_button.isEnabled()
    view.take_photo()  # nothing to take: a no-op, not a crash
    window.nav.setCurrentRow(0)
    assert view.source is None


async def test_synthetic_camera_photo_is_protected_as_a_capture(context, tmp_path: Path, qtbot) -> None:
    view = capture_view(context, tmp_path / "captures")
    qtbot.addWidget(view)
    view.activate()
    view.use_frame_source(SyntheticFrameSource(size=(1280, 720)))
    assert view.photo_button.isEnabled() and "Ready" in view.camera_state.text()
    item = await view.take_photo_async()
    assert item.pending.raw.is_file(), "the raw capture is on disk before protection"
    await view.protector.wait_idle()
    assert item.state is JobState.DONE, item.error
    assert item.output is not None and item.output.parent == tmp_path / "captures"
    assert not item.pending.raw.exists(), "the raw file goes once its protected copy is written"
    report = await context.backend.inspect(item.output)
    assert report.verdict is Verdict.TRUSTED, report.summary
    (created,) = report.actions
    assert created.action == "c2pa.created" and created.digital_source_type == DIGITAL_CAPTURE
    assert created.when == item.pending.info.captured_at
    assert created.description == "Captured with TrustNXT test card (synthetic)"
    assert report.capture is None, "no location is written unless the person enters one"
    assert "1 protected" in view.counters.text()
    await close(view)


async def test_microphone_recording_is_protected(context, tmp_path: Path, qtbot) -> None:
    view = capture_view(context, tmp_path / "captures")
    qtbot.addWidget(view)
    view.activate()
    assert view.recorder is not None, f"no microphone: {view.mic_state.text()} (scripts/test starts PulseAudio)"
    item = await view.record_for(2.0)
    assert item is not None, view.mic_state.text()
    await view.protector.wait_idle()
    assert item.state is JobState.DONE, item.error
    with wave.open(str(item.output), "rb") as recording:
        seconds = recording.getnframes() / recording.getframerate()
    assert 1.5 <= seconds <= 3.5, seconds
    report = await context.backend.inspect(item.output)
    assert report.verdict is Verdict.TRUSTED and report.actions[0].digital_source_type == DIGITAL_CAPTURE
    await close(view)


async def test_stopping_protection_mid_queue_loses_no_capture(context, tmp_path: Path, qtbot) -> None:
    folder = tmp_path / "captures"
    view = capture_view(context, folder)
    qtbot.addWidget(view)
    view.activate()
    view.use_frame_source(SyntheticFrameSource(size=(2400, 1600)))
    items = [await view.take_photo_async() for _ in range(5)]
    await close(view)  # the protection worker is stopped mid-queue, as by a crash or quit
    for item in items:
        assert item.state is JobState.DONE or item.pending.raw.is_file(), "a capture was lost"
    survivor = capture_view(context, folder)  # the next start finds what is left and protects it
    qtbot.addWidget(survivor)
    survivor.activate()
    await present(survivor.resuming, "resumption")
    await survivor.protector.wait_idle()
    assert not list((folder / ".pending").glob("*.jpg"))
    protected = sorted(folder.glob("*.protected*.jpg"))
    assert len(protected) == 5, protected
    assert {p.name.split(".protected")[0] for p in protected} == {i.pending.raw.stem for i in items}
    stored = context.jobs.jobs()  # every capture was a job in the app's job store, and each is done once
    assert len(stored) == 5 and {j.state for j in stored} == {JobState.DONE}
    assert {context.jobs.batch(j.batch_id).origin for j in stored} == {"capture"}
    await close(survivor)


def watch_store_threads(jobs, monkeypatch) -> list[str]:
    """The job store methods capture calls, noted whenever one runs on the GUI thread."""
    gui, on_gui = threading.get_ident(), list[str]()
    def watching(name: str, real: Callable[..., Any]) -> Callable[..., Any]:
        def watched(*args: Any, **kwargs: Any) -> Any:
            if threading.get_ident() == gui:
                on_gui.append(name)
            return real(*args, **kwargs)
        return watched

    for name in ("batches", "jobs", "lock_batch", "requeue", "create_batch", "add_jobs", "delete_batch"):
        monkeypatch.setattr(jobs, name, watching(name, getattr(jobs, name)))
    return on_gui


async def test_opening_the_view_and_taking_photos_leave_the_store_to_worker_threads(
        context, tmp_path: Path, qtbot, monkeypatch) -> None:
    folder = tmp_path / "captures"
    left = CaptureStore(folder).reserve("photo", ".jpg", "Test camera")  # an earlier run saved it, then died
    CaptureStore(folder).write_raw(left, b"\xff\xd8 not really a photo")
    on_gui = watch_store_threads(context.jobs, monkeypatch)
    view = capture_view(context, folder)
    qtbot.addWidget(view)
    view.activate()
    assert view.resuming is not None and not view.resuming.done(), "activate() does not wait for the store"
    assert view.captures.count() == 0
    (resumed,) = await view.resuming
    assert resumed.pending.raw == left.raw and view.captures.count() == 1
    view.activate()  # opened again: nothing new to resume, nothing shown twice
    assert await view.resuming == [] and view.captures.count() == 1
    view.use_frame_source(SyntheticFrameSource(size=(640, 360)))
    item = await view.take_photo_async()
    assert view.captures.count() == 2 and [i.job_id for i in view.protector.items][-1] == item.job_id
    assert on_gui == [], f"job store calls on the GUI thread: {on_gui}"
    await view.protector.wait_idle()
    assert item.state is JobState.DONE, item.error
    assert resumed.state is JobState.FAILED, "a broken raw file fails and can be retried"
    view.retry_failed()  # the slot: the store work runs in a task of the view
    await view._tasks.wait()  # noqa: SLF001
    assert on_gui == [], f"job store calls on the GUI thread: {on_gui}"
    await view.protector.wait_idle()
    assert resumed.state is JobState.FAILED and view.retry_button.isEnabled()
    assert context.jobs.job(resumed.job_id).attempts == 2
    await close(view)


async def test_closing_the_view_while_it_resumes_loses_nothing(context, tmp_path: Path, qtbot) -> None:
    folder = tmp_path / "captures"
    dead = CaptureStore(folder)  # an earlier run: one capture recorded as a job, one that never became a job
    raws = []
    for seed in (1, 2):
        pending = dead.reserve("photo", ".jpg", "Test camera")
        make_jpeg(tmp_path / "shot.jpg", 320, 200, seed=seed)
        dead.write_raw(pending, (tmp_path / "shot.jpg").read_bytes())
        raws.append(pending.raw)
    batch = context.jobs.create_batch(CAPTURE, CAPTURE)
    (job,) = context.jobs.add_jobs(batch.id, [(raws[0], folder)])

    closing = capture_view(context, folder)
    qtbot.addWidget(closing)
    closing.activate()
    await asyncio.sleep(0)  # the store work of opening it has started in a worker thread
    await close(closing)  # and the view is closed at once
    assert closing.resuming is not None and closing.resuming.done()

    again = capture_view(context, folder)  # the batch lock was released: the next view takes everything up
    qtbot.addWidget(again)
    again.activate()
    await present(again.resuming, "resumption")
    await again.protector.wait_idle()
    items = again.protector.items
    assert sorted(i.pending.raw for i in items) == raws and job.id in {i.job_id for i in items}
    assert all(i.state is JobState.DONE for i in items), [i.error for i in items]
    assert len(list(folder.glob("*.protected*.jpg"))) == 2 and not list((folder / ".pending").glob("*.jpg"))
    assert len(context.jobs.jobs()) == 2 and {j.state for j in context.jobs.jobs()} == {JobState.DONE}
    await close(again)


def test_no_microphone_state_without_a_sound_server(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "import shiboken6\n"
        "from PySide6.QtWidgets import QApplication\n"
        # The same guards and event loop as the real program (app.py main): without them Python's cyclic
        # collector can run while Qt deletes the view's widgets at exit and crash the process.
        "from trustnxt_desktop.ui.event_loop import run\n"
        "from trustnxt_desktop.ui.gc_guard import collect_on_gui_thread, offset_refcount_leaks\n"
        "from trustnxt_desktop.services.jobs.capture_queue import CaptureProtector\n"
        "from trustnxt_desktop.services.jobs.capture_store import CaptureStore\n"
        "from trustnxt_desktop.services.jobs.store import JobStore\n"
        "from trustnxt_desktop.ui.capture_view import CaptureView\n"
        "async def main():\n"
        "    folder = Path(sys.argv[1])\n"
        "    protector = CaptureProtector(CaptureStore(folder), JobStore(folder), lambda: None, lambda: None)\n"
        "    view = CaptureView(protector, print)\n"
        "    view.activate()\n"
        "    await view.resuming\n"
        "    print('MIC:', view.mic_state.text()); print('CAM:', view.camera_state.text())\n"
        "    print('RECORD ENABLED:', view.record_button.isEnabled())\n"
        "    await view.aclose()\n"
        "    await protector.aclose()\n"
        # In the app the window owns the view and deletes it while QApplication lives; a view left for the
        # interpreter's exit would be destroyed after QApplication, and QtMultimedia's objects crash then.
        "    shiboken6.delete(view)\n"
        # As app.main: QApplication is a local of the function that runs the loop, so it is gone before the
        # interpreter starts tearing down modules.
        "def program():\n"
        "    offset_refcount_leaks()\n"
        "    app = QApplication([])\n"
        "    collect_on_gui_thread(app)\n"
        "    return run(main()) or 0\n"
        "sys.exit(program())\n"
    )
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PULSE_SERVER": "unix:/nonexistent/pulse"}
    out = subprocess.run([sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True, env=env,
                         timeout=60, cwd=PROJECT)
    assert out.returncode == 0, out.stderr
    assert "MIC: No microphone detected" in out.stdout and "RECORD ENABLED: False" in out.stdout
    assert "CAM: No camera detected" in out.stdout
