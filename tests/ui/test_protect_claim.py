"""What a protected copy claims about its file: chosen per batch in the Protect panel, remembered,
shown in the queue, written into the manifest, and kept when an unfinished batch resumes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from tests.conftest import CORPUS
from tests.media_tools import photo_folder
from tests.ui.conftest import drop_paths, until
from trustnxt_desktop.domain.jobs import JobState
from trustnxt_desktop.domain.protect import ContentSource

CLAIM = 3  # the queue's column


def choose(view, source: ContentSource) -> None:
    """Pick a claim with the keyboard, as a person does in a closed combo box."""
    combo = view.source_choice
    combo.setFocus()
    target = combo.findData(source.value)
    key = Qt.Key.Key_Down if target > combo.currentIndex() else Qt.Key.Key_Up
    while combo.currentIndex() != target:
        QTest.keyClick(combo, key)
    assert view.content_source() is source


async def test_the_claim_is_chosen_per_batch_shown_remembered_and_signed(window, tmp_path: Path) -> None:
    view = window.protect
    assert view.content_source() is ContentSource.CAMERA, "a fresh profile claims a camera capture"
    first, second = tmp_path / "generated.jpg", tmp_path / "screenshot.png"
    shutil.copy(CORPUS / "media" / "trustnxt-icon.jpg", first)
    shutil.copy(CORPUS / "media" / "trustnxt-icon.png", second)

    choose(view, ContentSource.AI)
    drop_paths(view.drop, [first])
    await until(lambda: view.queue.counts().total == 1)
    choose(view, ContentSource.SCREEN)
    drop_paths(view.drop, [second])
    await until(lambda: view.queue.counts().total == 2)
    await view.queue.wait_idle()

    rows = {job.source.name: i for i, job in enumerate(view.model.rows)}
    assert view.model.headerData(CLAIM, Qt.Orientation.Horizontal) == "Claim"
    assert view.model.index(rows["generated.jpg"], CLAIM).data() == "AI-generated"
    assert view.model.index(rows["screenshot.png"], CLAIM).data() == "Screen capture"
    assert "screenCapture" in view.model.index(rows["screenshot.png"], CLAIM).data(Qt.ItemDataRole.ToolTipRole)
    for name, source in (("generated.jpg", ContentSource.AI), ("screenshot.png", ContentSource.SCREEN)):
        job = view.model.rows[rows[name]]
        assert job.state is JobState.DONE, job.message
        report = await window.context.backend.inspect(job.result.output)
        assert [(a.action, a.digital_source_type) for a in report.actions] == [
            ("c2pa.created", source.digital_source_type)]

    # The last choice is the default from now on, on disk too.
    assert window.context.settings.protect_source == "screen"
    stored = json.loads((window.context.root / "settings.json").read_text("utf-8"))
    assert stored["protect_source"] == "screen"
    assert window.context.protect_options().content_source is ContentSource.SCREEN


async def test_an_interrupted_batch_resumes_with_the_claim_it_was_queued_with(context, qtbot, tmp_path: Path) -> None:
    from trustnxt_desktop.ui.main_window import MainWindow

    folder, out = photo_folder(tmp_path / "shoot", 12), tmp_path / "out"
    first = MainWindow(context)
    first.show()
    choose(first.protect, ContentSource.EDITED)
    first.protect.set_output_dir(out)
    await first.protect.add_paths_async([folder])
    await first.aclose()  # the app quits mid-batch: the rest waits in the job store
    first.close()
    first.deleteLater()
    left = 12 - len(list(out.glob("*.jpg"))) if out.exists() else 12
    assert left > 0, "the batch should still have had work when the app quit"

    context.remember_content_source(ContentSource.CAMERA)  # the default changed meanwhile
    window = MainWindow(context)  # the next start
    qtbot.addWidget(window)
    window.show()
    view = window.protect
    assert view.content_source() is ContentSource.CAMERA
    assert len(view.model.rows) == left
    assert {view.model.index(r, CLAIM).data() for r in range(left)} == {"Edited"}
    await until(lambda: view.queue.counts().finished == left)
    await view.queue.wait_idle()
    outputs = sorted(out.glob("*.protected.jpg"))
    assert len(outputs) == 12
    for output in outputs:
        report = await context.backend.inspect(output)
        assert report.actions[0].digital_source_type == ContentSource.EDITED.digital_source_type, output.name
    await window.aclose()


async def test_a_capture_claims_a_camera_capture_whatever_the_protect_panel_says(context, tmp_path: Path,
                                                                                 qtbot) -> None:
    from trustnxt_desktop.ui.capture_view import CaptureView
    from trustnxt_desktop.ui.frame_source import SyntheticFrameSource

    context.remember_content_source(ContentSource.AI)  # the Protect panel's last choice
    assert context.protect_options().content_source is ContentSource.AI
    context.capture.set_folder(tmp_path / "captures")
    view = CaptureView(context.capture, lambda _m: None)  # the protector is the app's (AppContext)
    qtbot.addWidget(view)
    view.activate()
    view.use_frame_source(SyntheticFrameSource(size=(640, 360)))
    item = await view.take_photo_async()
    await view.protector.wait_idle()
    report = await context.backend.inspect(item.output)
    assert [(a.action, a.digital_source_type) for a in report.actions] == [
        ("c2pa.created", ContentSource.CAMERA.digital_source_type)]
    assert report.ai_generated is False
    await view.aclose()


async def test_a_sound_recording_is_claimed_as_captured_by_a_device_and_inspect_says_the_same(
        window, tmp_path: Path) -> None:
    from trustnxt_desktop.domain.display import source_type_label

    view = window.protect
    audio = tmp_path / "interview.m4a"
    shutil.copy(CORPUS / "media" / "sample1.m4a", audio)
    drop_paths(view.drop, [audio])
    await until(lambda: view.queue.counts().total == 1)
    await view.queue.wait_idle()
    job = view.model.rows[0]
    assert job.state is JobState.DONE, job.message
    claim = view.model.index(0, CLAIM).data()
    assert claim == "Captured by a device" and "camera" not in claim.lower(), "a sound file is no camera capture"
    report = await window.context.backend.inspect(job.result.output)
    assert source_type_label(report.actions[0].digital_source_type) == claim  # Inspect names the claim as Protect did
    assert source_type_label(ContentSource.EDITED.digital_source_type) == "Human-edited media (no generative AI)"
