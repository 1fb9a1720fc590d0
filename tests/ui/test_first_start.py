"""The very first start: nothing says "could not check" before the welcome had its chance; the first automatic
trust-list check runs once the welcome closes."""

from __future__ import annotations

import asyncio

from tests.ui.conftest import until
from trustnxt_desktop.services.trust.lists import TrustLists
from trustnxt_desktop.ui import main_window as main_window_module


async def test_the_first_automatic_check_waits_until_the_welcome_closes(qtbot, context, monkeypatch) -> None:
    from trustnxt_desktop.app import welcome_on_first_run

    monkeypatch.setattr(main_window_module, "TRUST_CHECK_DELAY_MS", 50)
    window = main_window_module.MainWindow(context)
    qtbot.addWidget(window)
    window.show()
    wizard = welcome_on_first_run(window, context)  # as the app does after showing the window
    try:
        assert wizard is not None
        await asyncio.sleep(1.0)  # twenty times the check's delay
        assert "trust lists" not in window.statusBar().currentMessage()
        assert TrustLists(context.root, context.settings).status().last_attempt is None, "nothing was tried yet"

        wizard.reject()  # Skip
        await until(lambda: "Could not check for newer trust lists" in window.statusBar().currentMessage(), timeout=30)
        assert TrustLists(context.root, context.settings).status().last_attempt is not None
    finally:
        await window.aclose()
