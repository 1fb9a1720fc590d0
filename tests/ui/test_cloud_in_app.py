"""Switching the app to the TrustNXT cloud (a real sandbox server on loopback) from the settings dialog."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.conftest import CORPUS
from tests.expect import present
from tests.sandbox.process import KEY
from tests.ui.conftest import until
from trustnxt_desktop.domain.jobs import JobState
from trustnxt_desktop.domain.report import Verdict
from trustnxt_desktop.services.account.credentials import CredentialStore


async def test_settings_switch_to_cloud_then_protect_inspect_and_usage(window, context, sandbox_factory,
                                                                       tmp_path: Path) -> None:
    server = sandbox_factory()
    dialog = window.open_settings()
    dialog.cloud_radio.setChecked(True)
    dialog.api_url.setText(server.url)
    dialog.api_key.setText(KEY)
    result = await dialog.test_connection_async()
    assert result.startswith("✓ Connected"), result
    # Test connection tries the typed key and stores nothing; Save stores it (and empties the field).
    assert dialog.api_key.text() == KEY and CredentialStore(context.secrets).load() is None
    assert context.settings.backend == "local"
    await dialog.save_async()
    assert dialog.api_key.text() == "" and present(CredentialStore(context.secrets).load()).key == KEY
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


async def test_a_failing_service_is_never_shown_as_the_services_usage(window, context, sandbox_factory) -> None:
    """The usage panel shows the calls counted on this computer when the service refuses the key or cannot
    be reached, and says so in words; only the service's own answer is shown as the service's."""
    import dataclasses

    from tests.cloud.failing_servers import closed_port_url

    server = sandbox_factory()
    CredentialStore(context.secrets).set("tnxt_live_revoked-key-the-sandbox-does-not-know0")
    context.apply_settings(dataclasses.replace(context.settings, backend="cloud", api_url=server.url))
    refused = await window.usage.refresh_async()
    assert refused is not None and refused.source == "local ledger"
    assert refused.note is not None and "did not accept your API key" in refused.note
    text = window.usage.source.text()
    assert text.startswith("Counted on this computer: The TrustNXT service did not accept your API key"), text
    assert "TrustNXT usage API" not in text and "revoked-key" not in text

    context.apply_settings(dataclasses.replace(context.settings, api_url=closed_port_url()))
    unreachable = await window.usage.refresh_async()
    assert unreachable is not None and unreachable.source == "local ledger"
    assert "the connection was refused" in window.usage.source.text()

    CredentialStore(context.secrets).set(KEY)
    context.apply_settings(dataclasses.replace(context.settings, api_url=server.url))
    answered = await window.usage.refresh_async()
    assert answered is not None and answered.note is None and answered.source == "TrustNXT usage API"
    assert window.usage.source.text().startswith("Counted by: TrustNXT usage API")
