"""ui/later_timestamps.py in the Protect panel: copies protected offline (this session's and an earlier run's from
the job store) get their timestamp from "Add timestamps" once the timestamp authority (on 127.0.0.1) answers again;
the rows and the report then show it."""

from __future__ import annotations

import dataclasses
import io
import json
import shutil
from pathlib import Path

import c2pa
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from tests.c2pa_signing import local_tsa
from tests.certs import TestCA
from tests.conftest import CORPUS
from tests.ui.conftest import until
from trustnxt_desktop.domain.report import CheckStatus
from trustnxt_desktop.services.jobs.protect_queue import ProtectQueue

OFFLINE = "http://127.0.0.1:9/tsa"  # nothing listens on the discard port


def has_time_stamp_assertion(path: Path) -> bool:
    context = c2pa.Context.from_dict({"verify": {"verify_trust": False, "remote_manifest_fetch": False}})
    with c2pa.Reader("image/jpeg", io.BytesIO(path.read_bytes()), context=context) as reader:
        store = json.loads(reader.json())
    return any(a["label"] == "c2pa.time-stamp" for a in store["manifests"][store["active_manifest"]]["assertions"])


async def test_add_timestamps_once_the_authority_answers_again(window, tmp_path: Path) -> None:
    context = window.context
    context.apply_settings(dataclasses.replace(context.settings, timestamps=True, tsa_url=OFFLINE))
    photos = tmp_path / "photos"
    photos.mkdir()
    for name in ("harbour.jpg", "earlier.jpg"):
        shutil.copy(CORPUS / "media" / "trustnxt-icon.jpg", photos / name)
    # A copy protected offline by an earlier run (another origin, as `trustnxt protect` or a watch folder would).
    earlier = ProtectQueue(lambda: context.backend, context.protect_options, 1, store=context.jobs, origin="cli")
    await earlier.add([(photos / "earlier.jpg", None)])
    await earlier.wait_idle()
    await earlier.aclose()

    view = window.protect
    actions = view.timestamps
    assert actions is not None
    await view.add_paths_async([photos / "harbour.jpg"])
    await view.queue.wait_idle()
    assert view.model.index(0, 1).data() == "Done, no timestamp yet"
    assert actions.button.isEnabled()

    assert not await actions.check_async()  # the authority is still unreachable: no notice
    assert actions.waiting == 2 and not actions.notice.isVisible()

    ca = TestCA()
    with local_tsa(ca) as tsa:
        context.apply_settings(dataclasses.replace(context.settings, tsa_url=tsa))
        assert await actions.check_async()
        assert actions.notice.isVisible()
        assert "2 protected copies have no timestamp yet" in actions.notice_text.text()

        QTest.mouseClick(actions.notice_button, Qt.MouseButton.LeftButton)
        await until(lambda: not actions.busy and actions.waiting == 0 and not actions.notice.isVisible())
    assert view.model.index(0, 1).data() == "Done"
    assert not actions.button.isEnabled()
    assert "has its timestamp now" in view.summary.text()
    copies = [photos / "harbour.protected.jpg", photos / "earlier.protected.jpg"]
    assert sorted(p.name for p in photos.iterdir()) == sorted(["harbour.jpg", "earlier.jpg",
                                                                 *(c.name for c in copies)])
    for copy in copies:
        assert has_time_stamp_assertion(copy)
        report = await context.backend.inspect(copy)
        stamp = report.check("timestamp")
        assert stamp is not None and stamp.status is not CheckStatus.NOT_APPLICABLE, stamp
    assert await context.timestamps.waiting() == []
