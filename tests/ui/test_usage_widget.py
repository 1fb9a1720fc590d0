"""The usage widget follows the local ledger as protect and inspect calls happen."""

from __future__ import annotations

import shutil

from tests.conftest import CORPUS
from tests.ui.conftest import until


async def test_counts_follow_protect_and_inspect(window, tmp_path) -> None:
    usage = window.usage
    snap = await usage.refresh_async()
    assert (snap.protect_calls, snap.inspect_calls) == (0, 0)
    assert "local ledger" in usage.source.text()
    src = tmp_path / "a.jpg"
    shutil.copy(CORPUS / "media" / "trustnxt-icon.jpg", src)
    await window.protect.add_paths_async([src])
    await window.protect.queue.wait_idle()
    await window.inspect.open_paths_async([CORPUS / "c2pa" / "adobe-20220124-C.jpg", tmp_path / "a.protected.jpg"])
    # The window refreshes usage by itself shortly after calls finish.
    await until(lambda: usage.snapshot is not None and usage.snapshot.inspect_calls == 2)
    assert usage.snapshot.protect_calls == 1
    assert usage.protect_label.text() == "Protect: <b>1</b> call"  # one call, not "1 calls"
    assert usage.inspect_label.text() == "Inspect: <b>2</b> calls"
    assert usage.chart.snapshot is usage.snapshot
    assert "protect" in usage.chart.accessibleDescription()


async def test_cloud_without_a_key_says_so_in_the_widget(window, context) -> None:
    import dataclasses

    context.apply_settings(dataclasses.replace(context.settings, backend="cloud", api_url="http://127.0.0.1:9"))
    assert await window.usage.refresh_async() is None
    assert "Usage unavailable" in window.usage.source.text() and "API key" in window.usage.source.text()


async def test_counts_read_as_plain_english_with_and_without_a_limit(window) -> None:
    from trustnxt_desktop.domain.usage import UsageSnapshot

    usage = window.usage
    usage.show_snapshot(UsageSnapshot("2026-11-01", "2026-11-30", 0, 1_250, "TrustNXT usage API", protect_limit=500))
    assert usage.protect_label.text() == "Protect: <b>0</b> of 500"
    assert usage.inspect_label.text() == "Inspect: <b>1,250</b> calls"
    usage.show_snapshot(UsageSnapshot("2026-11-01", "2026-11-30", 0, 1, "local ledger"))
    assert (usage.protect_label.text(), usage.inspect_label.text()) == ("Protect: <b>0</b> calls",
                                                                        "Inspect: <b>1</b> call")
