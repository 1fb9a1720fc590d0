"""ui/trust_page.py, the Trust page of Settings, on real widgets: list updates, the hint when no list is
available, a broken mirror, the person's own anchors, closing during an update; and the start-up trust-list
check whose result the page shows. Its layout at two scalings is in test_trust_page_layout.py.

Trust lists come from a mirror of ../shared/trust served over HTTP on 127.0.0.1.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog, QInputDialog

from tests.conftest import CORPUS, SHARED
from tests.trust_server import TrustMirror, trust_mirror
from tests.ui.conftest import until
from trustnxt_desktop.services.trust import lists as trust_lists
from trustnxt_desktop.ui import main_window as main_window_module
from trustnxt_desktop.ui.settings_dialog import SettingsDialog

ADOBE_PDF = CORPUS / "c2pa" / "adobe-20240110-single_manifest_store.pdf"
SNAPSHOT_NAME = re.compile(r"Interim trust list \(\d{4}-\d{2}-\d{2}\)")


@pytest.fixture
def mirror(tmp_path: Path):
    with trust_mirror(tmp_path / "mirror") as m:
        yield m


async def test_update_now_from_the_mirror_field_replaces_the_shipped_lists(
        window, context, mirror: TrustMirror, monkeypatch) -> None:
    monkeypatch.delenv("TRUSTNXT_TRUST_BASE_URL")
    context.settings.trust_auto_update = False  # no start-up check against the published addresses
    (before,) = await window.inspect.open_paths_async([ADOBE_PDF])  # nothing downloaded: the shipped lists decide
    assert before.verdict.value == "trusted" and before.signer.trust_source == "Interim trust list (2025-08-28)"
    assert await window.refresh_trust_hint_async() is None and window.inspect.trust_hint.isHidden()
    meta = window.inspect.report.banner.meta  # the report names the lists, their origin, hash and age
    assert "Interim trust list (2025-08-28)" in meta.text() and "older than 90 days" in meta.text()
    assert "Interim trust list (2025-08-28): shipped with the app, sha256 db4267b746deb303" in meta.toolTip()
    assert "frozen on 2026-01-01" in meta.toolTip()

    dialog = window.open_trust_settings()
    page = dialog.trust_page
    await until(lambda: page.overview is not None)
    assert "Interim trust list (2025-08-28), shipped with the app" in page.summary.text()
    assert "Older than 90 days" in page.summary.text() and "frozen since 2026-01-01" in page.summary.text()
    assert page.lists_table.item(1, 1).text() == "2025-08-28 (shipped)"
    assert page.lists_table.item(1, 1).toolTip().startswith("Shipped with TrustNXT Desktop")
    assert page.lists_table.item(1, 2).text().endswith("⚠")
    assert "frozen on 2026-01-01" in page.lists_table.item(1, 2).toolTip()
    assert page.lists_table.item(1, 5).toolTip().startswith("https://raw.githubusercontent.com/contentauth/verify-site")

    page.mirror.setText(mirror.url)  # typed, not yet saved: "Update now" uses it
    page.update_button.click()
    await until(lambda: page.update_button.isEnabled() and "✓" in page.update_status.text(), timeout=30)
    assert page.update_status.text() == "✓ Updated: C2PA trust list, Interim trust list, C2PA TSA trust list."
    titles = [page.lists_table.item(r, 0).text() for r in range(page.lists_table.rowCount())]
    assert titles == ["C2PA trust list", "Interim trust list", "C2PA TSA trust list"]
    for row in range(3):
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", page.lists_table.item(row, 1).text())
        assert page.lists_table.item(row, 2).text() == "today"
        assert len(page.lists_table.item(row, 4).toolTip()) == 64  # the full sha256
    assert SNAPSHOT_NAME.search(page.summary.text()) and "Older than" not in page.summary.text()
    assert page.lists_table.item(0, 5).toolTip() == f"{mirror.url}/C2PA-TRUST-LIST.pem"

    dialog._save()  # the mirror and the automatic check are settings
    assert context.settings.trust_mirror_url == mirror.url and not context.settings.trust_auto_update

    (after,) = await window.inspect.open_paths_async([ADOBE_PDF])  # the engine reloaded its trust
    assert after.verdict.value == "trusted"
    assert after.signer is not None and SNAPSHOT_NAME.fullmatch(after.signer.trust_source or "")
    assert after.signer.trust_source != "Interim trust list (2025-08-28)", "the newer download takes precedence"
    window.inspect.select_row(1)
    await until(lambda: window.inspect.report.report is after)
    assert "older than 90 days" not in meta.text() and ": downloaded, sha256" in meta.toolTip()


async def test_the_hint_appears_only_when_no_list_at_all_is_available(
        window, context, mirror: TrustMirror, tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(trust_lists, "BUNDLED_DIR", tmp_path / "shipped-lists-missing")
    monkeypatch.delenv("TRUSTNXT_TRUST_BASE_URL")  # the page's mirror field is what "Update now" uses
    context.settings.trust_auto_update = False
    context.trust_changed()
    (before,) = await window.inspect.open_paths_async([ADOBE_PDF])
    assert before.verdict.value == "valid" and before.engine.trust_lists == []
    hint = window.inspect.trust_hint
    await window.refresh_trust_hint_async()
    assert not hint.isHidden()  # the Inspect view says why nobody shows as trusted
    assert "No published trust list is available" in hint.text()

    hint.linkActivated.emit("trust")  # its link opens the Trust page
    dialog = window.findChildren(SettingsDialog)[-1]
    page = dialog.trust_page
    assert dialog.tabs.currentWidget() is page
    await until(lambda: page.overview is not None)
    assert "No trust list is available" in page.summary.text()
    assert page.lists_table.item(0, 1).text() == "none"

    page.mirror.setText(mirror.url)
    await page.update_async()
    await until(lambda: hint.isHidden())
    (after,) = await window.inspect.open_paths_async([ADOBE_PDF])
    assert after.verdict.value == "trusted" and SNAPSHOT_NAME.fullmatch(after.signer.trust_source or "")
    dialog.reject()


async def test_a_broken_mirror_keeps_the_lists_in_use_and_says_why(
        window, mirror: TrustMirror, monkeypatch) -> None:
    monkeypatch.setenv("TRUSTNXT_TRUST_BASE_URL", mirror.url)
    dialog = window.open_trust_settings()
    page = dialog.trust_page
    await page.update_async()
    first = page.overview.lists.lists[1].snapshot
    (mirror.folder / "ITL-anchors.pem").write_text("<html><body>Captive portal</body></html>")
    report = await page.update_async()
    assert report is not None and not report.ok
    assert page.update_status.text() == ("✗ Could not update Interim trust list — ITL-anchors.pem is a web page, "
                                         "not a trust list (a portal or error page?). The lists downloaded before "
                                         "stay in use.")
    assert "✗ Interim trust list: failed: ITL-anchors.pem is a web page" in page.details  # list by list, on demand
    assert page.details_button.isVisible()
    assert page.overview.lists.lists[1].snapshot.id == first.id
    assert "last attempt failed" not in page.update_status.text()  # this update's result is what is shown now
    await page.refresh_async()
    dialog.reject()


async def test_anchors_are_added_and_removed_from_the_page(window, context, tmp_path, monkeypatch) -> None:
    pem = tmp_path / "newsroom.pem"  # any CA certificate: the first one of the official list
    text = (SHARED / "trust" / "C2PA-TRUST-LIST.pem").read_text()
    pem.write_text(text[:text.index("-----END CERTIFICATE-----")] + "-----END CERTIFICATE-----\n")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(pem), ""))
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("Newsroom CA", True))
    dialog = window.open_trust_settings()
    page = dialog.trust_page
    await until(lambda: page.overview is not None)
    assert page.anchors_table.rowCount() == 0
    page.add_button.click()
    await until(lambda: page.anchors_table.rowCount() == 1)
    assert page.anchors_table.item(0, 0).text() == "Newsroom CA"
    assert page.anchors_table.item(0, 1).text()  # the certificate's subject
    assert (context.root / "trust" / "anchors" / "Newsroom CA.pem").exists()
    assert "Your anchor: Newsroom CA" in dialog.message.text()

    page.anchors_table.selectRow(0)
    assert page.remove_button.isEnabled()
    page.remove_button.click()
    await until(lambda: page.anchors_table.rowCount() == 0)
    assert not (context.root / "trust" / "anchors" / "Newsroom CA.pem").exists()
    dialog.reject()


async def test_window_checks_for_trust_lists_once_it_is_shown(qtbot, context, mirror, monkeypatch) -> None:
    monkeypatch.setenv("TRUSTNXT_TRUST_BASE_URL", mirror.url)
    monkeypatch.setattr(main_window_module, "TRUST_CHECK_DELAY_MS", 50)
    w = main_window_module.MainWindow(context)
    qtbot.addWidget(w)
    w.show()
    try:
        await until(lambda: "Trust lists updated" in w.statusBar().currentMessage(), timeout=30)
        assert w.inspect.trust_hint.isHidden()  # the shipped lists, then the downloaded ones
        assert context.trust.lists().status().lists[1].snapshot is not None
        assert w._trust_timer.interval() == main_window_module.TRUST_RECHECK_MS
        (report,) = await w.inspect.open_paths_async([ADOBE_PDF])
        assert report.verdict.value == "trusted"
    finally:
        await w.aclose()


async def test_no_check_when_the_automatic_check_is_off(qtbot, context, mirror, monkeypatch) -> None:
    monkeypatch.setenv("TRUSTNXT_TRUST_BASE_URL", mirror.url)
    monkeypatch.setattr(main_window_module, "TRUST_CHECK_DELAY_MS", 10)
    context.settings.trust_auto_update = False
    w = main_window_module.MainWindow(context)
    qtbot.addWidget(w)
    w.show()
    try:
        await until(lambda: w._trust_timer.interval() == main_window_module.TRUST_RECHECK_MS)
        assert not (context.root / "trust" / "lists").exists()
    finally:
        await w.aclose()


async def test_closing_settings_during_an_update_stops_it_cleanly(window, monkeypatch) -> None:
    import socket
    import sys

    silent = socket.socket()  # accepts connections and never answers: the download hangs
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)
    monkeypatch.setenv("TRUSTNXT_TRUST_BASE_URL", f"http://127.0.0.1:{silent.getsockname()[1]}")
    crashes: list[BaseException] = []
    monkeypatch.setattr(sys, "excepthook", lambda kind, error, tb: crashes.append(error))
    try:
        dialog = window.open_trust_settings()
        page = dialog.trust_page
        page.start_update()
        await until(lambda: "Downloading" in page.update_status.text())
        gone: list[bool] = []
        dialog.destroyed.connect(lambda *_: gone.append(True))
        dialog.reject()
        await until(lambda: bool(gone), timeout=10)  # deleted once its work has unwound
    finally:
        silent.close()
    assert crashes == []
