"""When your own protected copies show as trusted, said truthfully: an identity made here, a certificate issued
to you (trusted once its CA is; the app offers to trust it on import), and the cloud engine, which signs with
the service's certificate, not yours."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

from PySide6.QtWidgets import QMessageBox

from tests.certs import TestCA
from tests.conftest import CORPUS
from tests.ui.conftest import until
from trustnxt_desktop.domain.jobs import JobState
from trustnxt_desktop.domain.report import Verdict


async def _protect_and_inspect(window, source: Path):
    await window.protect.add_paths_async([source])
    await window.protect.queue.wait_idle()
    job = next(j for j in window.protect.model.rows if j.source == source)
    assert job.state is JobState.DONE, job.message
    return await window.context.backend.inspect(job.result.output)


async def test_the_trust_page_says_when_your_own_copies_are_trusted(window) -> None:
    dialog = window.open_trust_settings()
    note = " ".join(label.text() for label in dialog.trust_page.findChildren(type(dialog.message)))
    assert "always trusted" not in note
    assert "identity made on this computer are trusted here" in note
    assert "a certificate issued to you, once its CA is listed here or on a published list" in note
    assert "The TrustNXT cloud engine signs with the service's certificate, not yours." in note
    dialog.reject()


async def test_importing_a_ca_issued_identity_offers_to_trust_its_ca(window, context, tmp_path: Path) -> None:
    ca = TestCA("Diário do Sul Newsroom CA")
    chain, key = ca.issue("Ana Lima")
    (tmp_path / "chain.pem").write_bytes(chain)
    (tmp_path / "key.pem").write_bytes(key)
    dialog = window.open_settings()
    dialog.import_cert.setText(str(tmp_path / "chain.pem"))
    dialog.import_key.setText(str(tmp_path / "key.pem"))
    await dialog.import_identity_async()
    offer = dialog.findChild(QMessageBox, "trustIssuerOffer")
    assert offer is not None and offer.isVisible()
    assert "will show as intact but not trusted" in offer.text() and "Diário do Sul Newsroom CA" in offer.text()
    assert "do not show as trusted here yet" in dialog.message.text()

    first = tmp_path / "before.jpg"
    shutil.copy(CORPUS / "media" / "trustnxt-icon.jpg", first)
    before = await _protect_and_inspect(window, first)
    assert before.verdict is Verdict.VALID and before.signer.common_name == "Ana Lima"  # the truth it told

    offer.button(QMessageBox.StandardButton.Yes).click()
    await until(lambda: "is now among the certificates you trust" in dialog.message.text())
    assert [a.name for a in dialog.trust_page.overview.anchors] == ["Diário do Sul Newsroom CA"]
    assert await context.identity.trusted_by() == "Your anchor: Diário do Sul Newsroom CA"
    second = tmp_path / "after.jpg"
    shutil.copy(CORPUS / "media" / "trustnxt-icon.jpg", second)
    after = await _protect_and_inspect(window, second)
    assert after.verdict is Verdict.TRUSTED, after.summary
    assert after.signer.trust_source == "Your anchor: Diário do Sul Newsroom CA"
    dialog.reject()


async def test_an_identity_made_here_needs_no_offer(window, context) -> None:
    await context.identity.create("Ana Lima", "Diário do Sul", replace=False)
    assert await context.identity.trusted_by() == "Your TrustNXT Desktop identity"


async def test_with_the_cloud_engine_every_view_says_the_service_signs(window, context) -> None:
    assert window.protect.signing_note.isHidden()
    settings = window.open_settings()
    assert settings.cloud_signing.isHidden()
    settings.cloud_radio.setChecked(True)  # chosen, not yet saved: said at once
    assert settings.cloud_signing.isVisible() and "not with your signing identity" in settings.cloud_signing.text()
    settings.reject()

    context.apply_settings(dataclasses.replace(context.settings, backend="cloud", api_url="http://127.0.0.1:9"))
    window._settings_changed()  # as after Settings › Save
    assert window.protect.signing_note.isVisible()
    assert "signed with the TrustNXT service's certificate, not with your own signing identity" in \
        window.protect.signing_note.text()

    await context.identity.create("Ana Lima", "Diário do Sul", replace=False)
    wizard = window.open_welcome()
    await until(lambda: wizard.identity is not None)
    wizard.next()
    note = wizard.identity_note.text()
    assert note.startswith("You sign as “Ana Lima, Diário do Sul”.")
    assert ("The TrustNXT cloud engine is selected: it signs protected copies with the TrustNXT service's "
            "certificate, not with this identity") in note
    wizard.reject()
