"""Settings round-trip through the real Secret Service; the stored key is never shown back."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QLineEdit

from tests.ui.conftest import until
from trustnxt_desktop.services.account.credentials import CredentialStore

KEY = "tnxt_live_4f9a2c7e1b3d5f6a8c0e2b4d6f8a1c3e"
SECRET = "tnxt_secret_9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b"


def visible_text(dialog) -> str:
    fields = dialog.findChildren(QLineEdit)
    parts = [w.text() for w in fields] + [w.placeholderText() for w in fields]
    parts += [w.text() for w in dialog.findChildren(QLabel)]
    return "\n".join(parts)


async def test_key_goes_to_keyring_and_is_never_shown(window, context) -> None:
    dialog = window.open_settings()
    await until(lambda: "No API key stored" in dialog.key_status.text())
    dialog.api_key.setText(KEY)
    dialog.api_secret.setText(SECRET)
    assert dialog.api_key.echoMode() == QLineEdit.EchoMode.Password
    await dialog.store_key_async()
    stored = CredentialStore(context.secrets).load()
    assert stored is not None and (stored.key, stored.secret) == (KEY, SECRET)
    assert dialog.api_key.text() == "" and dialog.api_secret.text() == ""
    text = visible_text(dialog)
    assert KEY not in text and SECRET not in text
    assert "tnxt_live_" in dialog.key_status.text() and "…" in dialog.key_status.text()
    for path in context.root.rglob("*"):  # nothing under the data root holds the key
        if path.is_file():
            data = path.read_bytes()
            assert KEY.encode() not in data and SECRET.encode() not in data, path
    dialog.reject()

    again = window.open_settings()  # a fresh dialog shows only the masked key, never fills the field
    await until(lambda: "Stored:" in again.key_status.text())
    assert again.api_key.text() == "" and KEY not in visible_text(again)
    await again.forget_key_async()
    assert CredentialStore(context.secrets).load() is None
    again.reject()


async def test_protect_settings_are_saved_and_used(window, context) -> None:
    dialog = window.open_settings()
    dialog.author.setText("Ada Lovelace")
    dialog.thumbnail.setCurrentIndex(dialog.thumbnail.findData(256))
    dialog.do_not_train.setChecked(False)
    dialog.remote_fetch.setChecked(True)
    dialog._save()
    assert context.settings.author == "Ada Lovelace" and context.settings.thumbnail_edge == 256
    reloaded = context.settings_store.load()
    assert (reloaded.author, reloaded.do_not_train, reloaded.remote_manifest_fetch) == ("Ada Lovelace", False, True)
    options = context.protect_options()
    assert options.author == "Ada Lovelace" and options.thumbnail_edge == 256 and not options.do_not_train


async def test_identity_page_creates_and_exports(window, context, tmp_path) -> None:
    dialog = window.open_settings()
    await until(lambda: "No signing identity yet" in dialog.identity_details.text())
    dialog.display_name.setText("Dorothea Lange")
    dialog.organisation.setText("FSA")
    await dialog.create_identity_async()
    assert "Dorothea Lange" in dialog.identity_details.text() and dialog.export_button.isEnabled()
    target = tmp_path / "root.pem"
    await dialog._export(target)
    assert target.read_text().startswith("-----BEGIN CERTIFICATE-----")
    dialog.reject()


# -- Test connection and Save (the TrustNXT account) ----------------------------------------------

def _stored(context):
    loaded = CredentialStore(context.secrets).load()
    return (loaded.key, loaded.secret) if loaded else None


async def test_test_connection_tries_typed_values_and_stores_nothing(window, context, sandbox) -> None:
    from tests.sandbox.process import SECRET as SANDBOX_SECRET
    from tests.sandbox.process import SECRET_KEY as SANDBOX_KEY

    CredentialStore(context.secrets).set(SANDBOX_KEY, SANDBOX_SECRET)
    settings_file = context.settings_store.path
    before = settings_file.read_bytes() if settings_file.exists() else None
    dialog = window.open_settings()
    await until(lambda: "Stored:" in dialog.key_status.text())
    assert "leave empty to keep it" in dialog.api_secret.placeholderText()
    dialog.cloud_radio.setChecked(True)
    dialog.api_url.setText(sandbox.url)

    dialog.api_key.setText("tnxt_live_typed-but-unknown-to-the-service00")
    refused = await dialog.test_connection_async()
    assert refused.startswith("✗ Not connected — key refused."), refused
    assert "Connected" not in refused.replace("Not connected", "") and "Nothing was stored" in refused
    assert "usage is counted on this computer" in refused
    assert dialog.test_result.text() == refused
    assert _stored(context) == (SANDBOX_KEY, SANDBOX_SECRET), "the typed key was not stored"

    # The stored key typed again, secret field empty: the stored secret goes with it (the sandbox needs it).
    dialog.api_key.setText(SANDBOX_KEY)
    connected = await dialog.test_connection_async()
    assert connected.startswith(f"✓ Connected to {sandbox.url}"), connected
    assert "tnxt_live_…4b3a" in connected and "This month:" in connected
    assert _stored(context) == (SANDBOX_KEY, SANDBOX_SECRET)
    assert dialog.api_key.text() == SANDBOX_KEY, "the typed key stays in its field until Save"
    assert context.settings.backend == "local" and context.settings.api_url == ""
    assert (settings_file.read_bytes() if settings_file.exists() else None) == before, "no setting was saved"

    await dialog.save_async()  # Save stores the typed key; the empty secret field keeps the stored secret
    assert _stored(context) == (SANDBOX_KEY, SANDBOX_SECRET)
    assert context.settings.backend == "cloud" and context.settings.api_url == sandbox.url
    assert not dialog.isVisible()


async def test_save_stores_typed_credentials_and_never_erases_a_secret(window, context) -> None:
    dialog = window.open_settings()
    await until(lambda: "No API key stored" in dialog.key_status.text())
    dialog.api_secret.setText(SECRET)
    dialog._save()  # a secret alone cannot be stored: it belongs to a key
    await until(lambda: "Type the API key too" in dialog.message.text())
    assert dialog.isVisible() and dialog.isEnabled()
    assert _stored(context) is None and dialog.api_secret.text() == SECRET

    dialog.api_key.setText(KEY)
    saved: list[int] = []
    dialog.accepted.connect(lambda: saved.append(1))
    dialog._save()  # the Save button: the keyring is written off the GUI thread, then the dialog closes
    await until(lambda: bool(saved))
    assert _stored(context) == (KEY, SECRET)

    again = window.open_settings()
    await until(lambda: "with a secret" in again.key_status.text())
    again.api_key.setText("tnxt_live_0a1b2c3d4e5f60718293a4b5c6d7e8f90000")  # a new key, secret field empty
    await again.save_async()
    assert _stored(context) == ("tnxt_live_0a1b2c3d4e5f60718293a4b5c6d7e8f90000", SECRET), "the secret was kept"

    third = window.open_settings()
    await until(lambda: "with a secret" in third.key_status.text())
    third.api_secret.setText("tnxt_secret_replacement000000000000000000000")  # only the secret is replaced
    await third.save_async()
    assert _stored(context) == ("tnxt_live_0a1b2c3d4e5f60718293a4b5c6d7e8f90000",
                                "tnxt_secret_replacement000000000000000000000")


async def test_a_failed_connection_says_what_failed(window, context, tmp_path) -> None:
    from tests.cloud.failing_servers import closed_port_url

    dialog = window.open_settings()
    dialog.tabs.setCurrentIndex(0)
    dialog.cloud_radio.setChecked(True)
    dialog.api_url.setText(closed_port_url())
    dialog.api_key.setText(KEY)
    text = await dialog.test_connection_async()
    assert text.startswith("✗ Not connected — connection refused.\nThe TrustNXT service at http://127.0.0.1:"), text
    assert "usage is counted on this computer" in text and "Nothing was stored" in text
    assert KEY not in text and _stored(context) is None
    assert dialog.test_button.isEnabled()
    dialog.grab().save(str(tmp_path / "settings-refused.png"))
    dialog.reject()


async def test_timestamp_authority_and_revocation_checks_are_saved_and_used(window, context, monkeypatch) -> None:
    from trustnxt_desktop.domain.timestamps import DEFAULT_TSA_URL, TIMESTAMP_AUTHORITIES
    from trustnxt_desktop.services.account.settings import TSA_URL_VARIABLE
    from trustnxt_desktop.ui.timestamp_choice import NONE, OWN

    monkeypatch.delenv(TSA_URL_VARIABLE, raising=False)  # scripts/test sets no default authority; this test needs it
    dialog = window.open_settings()
    assert not dialog.revocation_check.isChecked()  # a privacy choice, off by default
    listed = TIMESTAMP_AUTHORITIES[1].url
    dialog.timestamps.authority.setCurrentIndex(dialog.timestamps.authority.findData(listed))
    dialog.revocation_check.setChecked(True)
    dialog._save()
    reloaded = context.settings_store.load()
    assert (reloaded.timestamps, reloaded.tsa_url, reloaded.revocation_check) == (True, listed, True)
    options = context.protect_options()
    assert options.tsa_url == listed and options.timestamp_later

    again = window.open_settings()
    assert again.timestamps.value() == (True, listed) and again.revocation_check.isChecked()
    again.timestamps.authority.setCurrentIndex(again.timestamps.authority.findData(OWN))
    again._save()  # your own, left empty: the default authority
    assert context.protect_options().tsa_url == DEFAULT_TSA_URL
    last = window.open_settings()
    last.timestamps.authority.setCurrentIndex(last.timestamps.authority.findData(NONE))
    last._save()
    assert context.protect_options().tsa_url is None and not context.settings.timestamps


async def test_the_identity_assertion_choice_is_saved_and_says_when_the_identity_names_nobody(window,
                                                                                             context) -> None:
    dialog = window.open_settings()
    assert dialog.identity_assertion.isChecked() and context.protect_options().identity_assertion  # on by default
    dialog.identity_assertion.setChecked(False)
    dialog._save()
    assert context.settings_store.load().identity_assertion is False
    assert context.protect_options().identity_assertion is False
    from trustnxt_desktop.engine.certs import UNNAMED

    await context.identity.create(UNNAMED, None, replace=False)
    again = window.open_settings()
    await until(lambda: "names no person" in again.identity_assertion.text())
