"""The first-run welcome, driven like a new user: name the signing identity, or skip; reachable from Help."""

from __future__ import annotations

import shutil
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QWizard

from tests.conftest import CORPUS
from tests.trust_server import trust_mirror
from tests.ui.conftest import until
from trustnxt_desktop.services.account.settings import SettingsStore
from trustnxt_desktop.services.backends.local import default_display_name
from trustnxt_desktop.ui.welcome_dialog import WelcomeWizard


def _help_action(window, text: str):
    (help_menu,) = [a.menu() for a in window.menuBar().actions() if a.text() == "&Help"]
    (action,) = [a for a in help_menu.actions() if a.text().replace("&", "") == text]
    return action


async def test_the_window_itself_never_opens_the_welcome(window, context) -> None:
    assert not context.settings.welcome_done  # a first run, yet the constructor showed nothing
    assert not window.findChildren(WelcomeWizard)


async def test_the_app_opens_it_on_first_run_only(window, context) -> None:
    from trustnxt_desktop.app import welcome_on_first_run
    from trustnxt_desktop.services.app_context import AppContext

    wizard = welcome_on_first_run(window, context)
    assert isinstance(wizard, WelcomeWizard) and wizard.isVisible()
    wizard.reject()  # Skip
    assert welcome_on_first_run(window, context) is None
    later = AppContext.create(context.root)  # the next start reads it from the settings file
    try:
        assert later.settings.welcome_done
    finally:
        await later.aclose()


async def test_finishing_names_the_identity_that_signs_protected_copies(
        window, context, qtbot, tmp_path: Path) -> None:
    wizard = window.open_welcome()
    assert wizard.isVisible() and wizard.windowModality() != 0
    await until(lambda: "no signing identity yet" in wizard.identity_note.text())
    wizard.next()
    qtbot.keyClicks(wizard.name, "Ana Lima")
    qtbot.keyClicks(wizard.organisation, "Di")
    wizard.organisation.insert("á")  # as an input method commits it (QTest types only ASCII)
    qtbot.keyClicks(wizard.organisation, "rio do Sul")
    wizard.next()
    wizard.next()
    assert wizard.currentPage().title() == "Trust lists"
    qtbot.mouseClick(wizard.auto_update, Qt.MouseButton.LeftButton)  # off: this person updates by hand
    results: list[int] = []
    wizard.finished.connect(results.append)
    wizard.button(QWizard.WizardButton.FinishButton).click()
    await until(lambda: results == [QDialog.DialogCode.Accepted.value])

    info = await context.identity.info()
    assert info is not None and info.kind == "local"
    assert (info.display_name, info.organisation) == ("Ana Lima", "Diário do Sul")
    stored = SettingsStore(context.root).load()  # everything it set is a setting, changeable in Settings
    assert stored.welcome_done and (stored.display_name, stored.organisation) == ("Ana Lima", "Diário do Sul")
    assert not stored.trust_auto_update

    # The point of it all: a protected copy names Ana Lima, not the computer account.
    photo = tmp_path / "photo.jpg"
    shutil.copy(CORPUS / "media" / "P1000827.jpg", photo)
    await window.protect.add_paths_async([photo])
    await window.protect.queue.wait_idle()
    (report,) = await window.inspect.open_paths_async([tmp_path / "photo.protected.jpg"])
    assert report.signer is not None and report.signer.common_name == "Ana Lima", report.summary
    assert report.signer.organisation == "Diário do Sul"  # the certificate's O=, which c2pa-rs calls "issuer"


async def test_a_new_name_later_makes_a_new_identity(window, context, qtbot) -> None:
    account = default_display_name()
    first = await context.identity.create(account, None, replace=False)  # as the first protect would have
    context.settings.welcome_done = True
    _help_action(window, "Welcome…").trigger()
    (wizard,) = window.findChildren(WelcomeWizard)
    await until(lambda: wizard.identity_note.text() == f"You sign as “{account}”.")
    wizard.next()
    wizard.name.clear()
    qtbot.keyClicks(wizard.name, "Ana Lima")
    assert "Finish makes a new identity named “Ana Lima”" in wizard.identity_note.text()
    results: list[int] = []
    wizard.finished.connect(results.append)
    wizard.button(QWizard.WizardButton.FinishButton).click()  # Finish from the name page
    await until(lambda: results == [QDialog.DialogCode.Accepted.value])
    info = await context.identity.info()
    assert info is not None and info.display_name == "Ana Lima" and info.fingerprint != first.fingerprint


async def test_skipping_changes_nothing_and_settings_say_whose_name_is_used(
        window, context) -> None:
    wizard = window.open_welcome()
    await until(lambda: "no signing identity yet" in wizard.identity_note.text())
    results: list[int] = []
    wizard.finished.connect(results.append)
    wizard.button(QWizard.WizardButton.CancelButton).click()  # "Skip"
    assert results == [QDialog.DialogCode.Rejected.value]
    stored = SettingsStore(context.root).load()
    assert stored.welcome_done and stored.display_name == "" and stored.trust_auto_update
    assert await context.identity.info() is None

    dialog = window.open_settings()
    await until(lambda: "first time you protect" in dialog.identity_details.text())
    assert f"named after your computer account, “{default_display_name()}”" in dialog.identity_details.text()
    assert default_display_name() in dialog.display_name.placeholderText()
    dialog.reject()


async def test_update_now_in_the_welcome_fetches_the_trust_lists(
        window, context, tmp_path: Path, monkeypatch) -> None:
    context.settings.trust_auto_update = False  # only the welcome's button downloads here
    with trust_mirror(tmp_path / "mirror") as mirror:
        monkeypatch.setenv("TRUSTNXT_TRUST_BASE_URL", mirror.url)
        wizard = window.open_welcome()
        for _ in range(3):
            wizard.next()
        wizard.update_button.click()
        await until(lambda: wizard.update_status.text().startswith("✓"))
        await until(lambda: wizard.trust_summary.text().startswith("Trust lists in use"))
    overview = await context.trust.overview()
    assert overview.lists.last_success is not None and not overview.lists.last_error  # downloaded, not shipped
    wizard.reject()


async def test_engine_button_opens_settings_at_the_engine_tab(window) -> None:
    wizard = window.open_welcome()
    wizard.next()
    wizard.next()
    dialog = wizard.open_engine_settings()
    assert dialog.isVisible() and dialog.tabs.currentIndex() == 0
    assert "local" in wizard.engine_now.text()
    dialog.reject()
    wizard.reject()


async def test_the_welcome_offers_a_timestamp_authority(window, context, monkeypatch) -> None:
    from trustnxt_desktop.domain.timestamps import DEFAULT_TSA_URL, TIMESTAMP_AUTHORITIES
    from trustnxt_desktop.services.account.settings import TSA_URL_VARIABLE, Settings

    monkeypatch.delenv(TSA_URL_VARIABLE, raising=False)  # scripts/test sets no default authority
    assert Settings().timestamps and Settings().timestamp_authority() == DEFAULT_TSA_URL  # on by default
    context.settings.timestamps = True  # as on a first run (the tests' context turns them off)
    wizard = window.open_welcome()
    while wizard.currentPage().title() != "Timestamps":
        wizard.next()
    assert wizard.timestamps.value() == (True, DEFAULT_TSA_URL)
    choices = [wizard.timestamps.authority.itemData(i) for i in range(wizard.timestamps.authority.count())]
    assert [a.url for a in TIMESTAMP_AUTHORITIES] == choices[:len(TIMESTAMP_AUTHORITIES)]
    wizard.timestamps.authority.setCurrentIndex(wizard.timestamps.authority.findData(TIMESTAMP_AUTHORITIES[2].url))
    results: list[int] = []
    wizard.finished.connect(results.append)
    wizard.button(QWizard.WizardButton.FinishButton).click()
    await until(lambda: results == [QDialog.DialogCode.Accepted.value])
    stored = SettingsStore(context.root).load()
    assert (stored.timestamps, stored.tsa_url) == (True, TIMESTAMP_AUTHORITIES[2].url)
