"""The Protect panel driven like a person would: drop a folder, watch rows, cancel, retry, open."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

from PySide6.QtCore import Qt

from tests.conftest import CORPUS
from tests.ui.conftest import drop_paths, until
from tests.ui.desktop_opener import opened, xdg_open_on_path
from trustnxt_desktop.domain.jobs import JobState
from trustnxt_desktop.domain.report import Verdict


def digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.rglob("*") if p.is_file()}


async def test_drop_folder_protects_everything_and_warns_about_the_hostile_file(window, tmp_path: Path) -> None:
    folder = tmp_path / "shoot"
    shutil.copytree(CORPUS / "media", folder)
    shutil.copy(CORPUS / "hostile" / "no_alg.jpg", folder / "strange.jpg")
    before = digest(folder)
    view = window.protect
    event = drop_paths(view.drop, [folder])
    assert event.dropAction() == Qt.DropAction.CopyAction, "a drop must never be a move"
    await until(lambda: view.queue.counts().total == len(before))
    await view.queue.wait_idle()
    # The file whose own credentials use an unknown algorithm is protected all the same, with a warning.
    states = {job.source.name: job for job in view.model.rows}
    assert states["strange.jpg"].state is JobState.DONE
    assert "could not be read" in states["strange.jpg"].message
    done = [j for j in view.model.rows if j.state is JobState.DONE]
    assert len(done) == len(before)
    for job in done:  # every copy verifies as trusted against the local identity
        report = await window.context.backend.inspect(job.result.output)
        assert report.verdict is Verdict.TRUSTED, (job.source.name, report.summary)
    assert {k: v for k, v in digest(folder).items() if ".protected" not in k} == before
    assert view.progress.value() == view.progress.maximum() == len(before)
    assert "failed" not in view.summary.text() and not view.retry_button.isEnabled()
    assert "with a warning" in view.summary.text()
    # The row says so: its own state and icon, the warning in its text and tooltip.
    row = next(i for i, j in enumerate(view.model.rows) if j.source.name == "strange.jpg")
    assert view.model.index(row, 1).data() == "Done, with a warning"
    assert "could not be read" in view.model.index(row, 2).data()
    assert "could not be read" in view.model.index(row, 0).data(Qt.ItemDataRole.ToolTipRole)
    plain = next(i for i, j in enumerate(view.model.rows) if j.source.name == "trustnxt-icon.jpg")
    assert view.model.index(plain, 1).data() == "Done"
    warn_icon = view.model.index(row, 1).data(Qt.ItemDataRole.DecorationRole)
    assert warn_icon.cacheKey() != view.model.index(plain, 1).data(Qt.ItemDataRole.DecorationRole).cacheKey()


async def test_cancel_all_leaves_no_outputs_for_cancelled_files(window, tmp_path: Path) -> None:
    from tests.media_tools import photo_folder

    folder = photo_folder(tmp_path / "big", 24)
    out = tmp_path / "out"
    view = window.protect
    view.set_output_dir(out)
    await view.add_paths_async([folder])
    view.cancel_all_button.click()
    await view.queue.wait_idle()
    counts = view.queue.counts()
    assert counts.cancelled >= 20, counts
    cancelled = {j.source.stem for j in view.model.rows if j.state is JobState.CANCELLED}
    written = {p.name.split(".protected")[0] for p in out.glob("*")} if out.exists() else set()
    assert not (cancelled & written), "a cancelled file must not get an output"
    assert not list(out.glob(".*")) if out.exists() else True, "no temp files left behind"
    view.retry_button.click()
    await view.queue.wait_idle()
    assert view.queue.counts().done == 24
    assert len(list(out.glob("*.protected.jpg"))) == 24


async def test_selection_actions_and_thumbnails(window, tmp_path: Path, monkeypatch) -> None:
    calls = xdg_open_on_path(tmp_path / "bin", monkeypatch)
    src = tmp_path / "one.jpg"
    shutil.copy(CORPUS / "media" / "trustnxt-icon.jpg", src)
    view = window.protect
    await view.add_paths_async([src])
    await view.queue.wait_idle()
    view.table.selectRow(0)
    assert view.open_button.isEnabled() and not view.cancel_button.isEnabled()
    view.open_button.click()
    await until(lambda: opened(calls) == [str(tmp_path / "one.protected.jpg")])
    view.model.index(0, 0).data(Qt.ItemDataRole.DecorationRole)  # the view asks: the thumbnail loads lazily
    await until(lambda: view.model.thumbnails.get(view.model.rows[0].id) is not None)
    view.clear_button.click()
    assert view.model.rowCount() == 0



async def test_offline_copies_say_no_timestamp_yet(window, tmp_path: Path) -> None:
    import dataclasses

    context = window.context
    context.apply_settings(dataclasses.replace(context.settings, timestamps=True, tsa_url="http://127.0.0.1:9/tsa"))
    photo = tmp_path / "photo.jpg"
    shutil.copy(CORPUS / "media" / "trustnxt-icon.jpg", photo)
    view = window.protect
    await view.add_paths_async([photo])
    await view.queue.wait_idle()
    (job,) = view.model.rows
    assert job.state is JobState.DONE
    assert view.model.index(0, 1).data() == "Done, no timestamp yet"
    assert "127.0.0.1:9" in view.model.index(0, 2).data()
