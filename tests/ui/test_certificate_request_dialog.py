"""ui/certificate_request_dialog.py, opened from Settings › Signing identity: the request made and saved for the
CA, the issued chain checked (trusted under the official list or not, problems named) before it is used, then the
signing identity."""

from __future__ import annotations

from pathlib import Path

from cryptography import x509
from cryptography.x509.oid import ExtendedKeyUsageOID

from tests.issuing_ca import IssuingCA
from tests.ui.conftest import until


async def test_request_check_and_use_the_issued_certificate(window, context, tmp_path: Path) -> None:
    settings = window.open_settings()
    settings.display_name.setText("Ana Lima")
    settings.organisation.setText("Diário do Sul")
    dialog = settings.open_certificate_request()
    await until(lambda: dialog.pending_status.text() == "No request is waiting.")
    assert dialog.name.text() == "Ana Lima" and dialog.organisation.text() == "Diário do Sul"
    assert not dialog.check_button.isEnabled() and not dialog.import_button.isEnabled()

    dialog.email.setText("ana@example.org")
    dialog.country.setText("br")
    request_file = tmp_path / "ana.csr"
    await dialog.create_async(request_file)
    request = x509.load_pem_x509_csr(request_file.read_bytes())
    assert request.subject.rfc4514_string() == "C=BR,O=Diário do Sul,CN=Ana Lima"
    assert dialog.pending_status.text().startswith("A request for “Ana Lima” (ES256) made ")
    assert "Send it to your CA" in dialog.message.text()
    assert dialog.check_button.isEnabled() and dialog.create_button.text() == "Replace with a new request…"

    ca = IssuingCA()
    bad = tmp_path / "code-signing.pem"
    bad.write_bytes(ca.chain_pem(ca.answer(request_file.read_bytes(), eku=[ExtendedKeyUsageOID.CODE_SIGNING])))
    dialog.chain_file.setText(str(bad))
    await dialog.check_async(bad)
    assert "✗ Its Extended Key Usage names none of the purposes" in dialog.chain_result.text()
    assert not dialog.import_button.isEnabled()

    good = tmp_path / "issued.pem"
    good.write_bytes(ca.chain_pem(ca.answer(request_file.read_bytes())))
    dialog.chain_file.setText(str(good))
    seen = await dialog.check_async(good)
    assert seen is not None and seen.usable and not seen.official
    shown = dialog.chain_result.text()
    assert shown.startswith("Certificate for “Ana Lima”, issued by “Press Photo Root CA — issuing”")
    assert "• Copies you sign would show as intact but not trusted: the root “Press Photo Root CA” is neither on " \
           "the official C2PA trust list (" in shown
    assert dialog.import_button.isEnabled()

    await dialog.import_async()
    assert dialog.message.text().startswith("Now signing as “Ana Lima”, issued by ")
    await until(lambda: "imported" in settings.identity_details.text())
    assert "Ana Lima" in settings.identity_details.text()
    assert dialog.pending_status.text() == "No request is waiting."
    dialog.reject()
    settings.reject()

