"""A protect batch the app left unfinished (crash, kill -9, power cut) resumes when the window starts."""

from __future__ import annotations

from pathlib import Path

from tests.media_tools import make_jpeg
from tests.ui.conftest import until
from trustnxt_desktop.domain.jobs import JobState
from trustnxt_desktop.domain.protect import ProtectOptions
from trustnxt_desktop.runtime.atomic import PARTIAL_SUFFIX
from trustnxt_desktop.services.jobs.runner import run_protect_job, staging_dir


async def test_an_unfinished_batch_resumes_when_the_window_starts(context, qtbot, tmp_path: Path) -> None:
    from trustnxt_desktop.ui.main_window import MainWindow

    folder, out = tmp_path / "shoot", tmp_path / "out"
    folder.mkdir()
    sources = [make_jpeg(folder / f"img{i}.jpg", 640, 480, seed=i) for i in range(5)]
    store = context.jobs
    batch = store.create_batch("protect", "gui")
    jobs = store.add_jobs(batch.id, [(s, out) for s in sources])
    # What the earlier run got done before it died: the first file finished, the second half-written.
    first = await run_protect_job(store, context.backend, jobs[0], ProtectOptions())
    assert first.output is not None
    interrupted = store.start(jobs[1].id)
    staging = staging_dir(interrupted)
    store.set_staging(interrupted.id, staging)
    staging.mkdir(parents=True)
    (staging / f".img1.jpg.77{PARTIAL_SUFFIX}").write_bytes(b"half a copy")

    window = MainWindow(context)  # the next start
    qtbot.addWidget(window)
    window.show()
    view = window.protect
    await view.resuming  # the store is read off the GUI thread
    assert sorted(j.source.name for j in view.model.rows) == [f"img{i}.jpg" for i in range(1, 5)]
    await until(lambda: view.queue.counts().finished == 4)
    await view.queue.wait_idle()
    assert all(j.state is JobState.DONE for j in view.model.rows), [j.message for j in view.model.rows]
    assert "4 protected" in view.summary.text()
    assert sorted(p.name for p in out.iterdir()) == [f"img{i}.protected.jpg" for i in range(5)], \
        "one copy per file: none twice, nothing half-written, no staging folder left"
    assert {j.state for j in store.jobs(batch.id)} == {JobState.DONE}
    await window.aclose()
