"""Switching the app to the TrustNXT cloud (a real sandbox server on loopback) from the settings dialog."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.conftest import CORPUS
from tests.sandbox.process import KEY
from tests.ui.conftest import until
from trustnxt_desktop.domain.report import Verdict
from trustnxt_desktop.services.protect_queue import JobState


async def test_settings_switch_to_cloud_then_protect_inspect_and_usage(window, context, sandbox_factory,
                                                                       tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    server = sandbox_factory()
    dialog = window.open_settings()
    dialog.cloud_radio.setChecked(True)
    dialog.api_url.setText(server.url)
    dialog.api_key.setText(KEY)
    result = await dialog.test_connection_async()
    assert result.startswith("✓ Connected"), result
    assert dialog.api_key.text() == ""  # stored in the keyring by the test, not kept in the field
    dialog._save()
    assert context.settings.backend == "cloud" and window.engine_status.text() == "Engine: TrustNXT cloud"
    assert context.backend.label == "engine: TrustNXT Inspect API"

    src = tmp_path / "photo.jpg"
    shutil.copy(CORPUS / "media" / "trustnxt-icon.jpg", src)
    await window.protect.add_paths_async([src])
    await window.protect.queue.wait_idle()
    (job,) = window.protect.model.rows
    assert job.state is JobState.DONE, job.message
    assert job.result.output == tmp_path / "photo.protected.jpg"
    (report,) = await window.inspect.open_paths_async([job.result.output])
    assert report.verdict in (Verdict.VALID, Verdict.TRUSTED)
    assert report.engine.name == "TrustNXT Inspect API"
    assert "TrustNXT Inspect API" in window.inspect.report.banner.meta.text()

    snapshot = await window.usage.refresh_async()
    assert snapshot.source == "TrustNXT usage API"
    assert (snapshot.protect_calls, snapshot.inspect_calls) == (1, 1)
    assert server.usage()["protect"]["calls"] == 1
    await until(lambda: "TrustNXT usage API" in window.usage.source.text())
