"""Settings round-trip through the real Secret Service; the stored key is never shown back."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QLineEdit

from tests.ui.conftest import until
from trustnxt_desktop.services.credentials import CredentialStore

KEY = "tnxt_live_4f9a2c7e1b3d5f6a8c0e2b4d6f8a1c3e"
SECRET = "tnxt_secret_9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b"


def visible_text(dialog) -> str:  # type: ignore[no-untyped-def]
    parts = [w.text() for w in dialog.findChildren(QLineEdit)] + [w.placeholderText() for w in dialog.findChildren(QLineEdit)]
    parts += [w.text() for w in dialog.findChildren(QLabel)]
    return "\n".join(parts)


async def test_key_goes_to_keyring_and_is_never_shown(window, context) -> None:  # type: ignore[no-untyped-def]
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


async def test_protect_settings_are_saved_and_used(window, context) -> None:  # type: ignore[no-untyped-def]
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


async def test_identity_page_creates_and_exports(window, context, tmp_path) -> None:  # type: ignore[no-untyped-def]
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
