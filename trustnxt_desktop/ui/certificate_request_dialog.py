"""Request a signing certificate from a certificate authority, then use what it issues (Settings › Signing identity).

Two steps, each saying where things stand: make the request (the key stays here, encrypted, its passphrase in the
OS keyring; the request file goes to the CA), then check the chain the CA sends back — is it a C2PA signing
certificate for this request, and would copies signed with it be trusted under the official C2PA trust list —
before it becomes the signing identity. Keyring, key generation and disk work run off the GUI thread
(services.account.certificate_request).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ..domain.errors import TrustNXTError
from ..services.account.certificate_request import CertificateRequests, ChainPreview, Subject
from ..services.records.exports import write_text
from .layout import button_row
from .tasks import TaskOwner, delete_when_idle


class CertificateRequestDialog(QDialog):
    imported = Signal()  # the issued certificate is now the signing identity

    def __init__(self, requests: CertificateRequests, name: str, organisation: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Certificate from a certificate authority")
        self.setMinimumWidth(640)
        self.resize(680, 660)  # the wrapped sentences of both steps and the answer fit without squeezing the form
        self.requests = requests
        self._tasks = TaskOwner(self._say)
        self.preview: ChainPreview | None = None

        intro = QLabel("Copies signed with a certificate from a CA on the official C2PA trust list show as trusted "
                       "everywhere, not only on computers that trust your own root. Make a request here, send it to "
                       "the CA, then import what it sends back. Your key never leaves this computer.")
        intro.setWordWrap(True)

        self.name = QLineEdit(name)
        self.organisation = QLineEdit(organisation)
        self.email = QLineEdit()
        self.email.setPlaceholderText("many CAs require one and check it")
        self.country = QLineEdit()
        self.country.setMaxLength(2)
        self.country.setPlaceholderText("e.g. DE")
        self.algorithm = QComboBox()
        for alg, label in (("ES256", "ES256 (P-256, recommended)"), ("ES384", "ES384 (P-384)"),
                           ("PS256", "PS256 (RSA 3072)")):
            self.algorithm.addItem(label, alg)
        self.create_button = QPushButton("Create request…")
        self.create_button.clicked.connect(self._create_clicked)
        self.pending_status = QLabel("Loading…")
        self.pending_status.setWordWrap(True)
        self.pending_status.setTextFormat(Qt.TextFormat.PlainText)  # names from the request are not markup
        self.save_again_button = QPushButton("Save request again…")
        self.save_again_button.clicked.connect(self._save_again_clicked)
        self.discard_button = QPushButton("Discard request")
        self.discard_button.clicked.connect(lambda: self._tasks.spawn(self.discard_async()))
        request_box = QGroupBox("1. Request a C2PA signing certificate")
        form = QFormLayout()
        form.addRow("Name on the certificate", self.name)
        form.addRow("Organisation", self.organisation)
        form.addRow("E-mail", self.email)
        form.addRow("Country", self.country)
        form.addRow("Key", self.algorithm)
        form.addRow("", button_row(self.create_button))
        request_layout = QVBoxLayout(request_box)
        request_layout.addLayout(form)
        request_layout.addWidget(self.pending_status)  # its own row: a wrapped sentence gets the height it needs
        request_layout.addLayout(button_row(self.save_again_button, self.discard_button))

        self.chain_file = QLineEdit()
        self.chain_file.setPlaceholderText("the certificate and CA chain your CA sent (.pem, .crt, .cer, .p7b)")
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse_chain)
        self.check_button = QPushButton("Check")
        self.check_button.clicked.connect(lambda: self._tasks.spawn(self.check_async(Path(self.chain_file.text()))))
        self.chain_result = QLabel()
        self.chain_result.setWordWrap(True)
        self.chain_result.setTextFormat(Qt.TextFormat.PlainText)  # names from certificates are not markup
        self.chain_result.setAccessibleName("What the issued certificate would give")
        self.import_button = QPushButton("Use this certificate")
        self.import_button.setEnabled(False)
        self.import_button.clicked.connect(lambda: self._tasks.spawn(self.import_async()))
        chain_box = QGroupBox("2. Import the certificate your CA issued")
        chain_layout = QVBoxLayout(chain_box)
        row = QHBoxLayout()
        row.addWidget(self.chain_file, 1)
        row.addWidget(browse)
        row.addWidget(self.check_button)
        chain_layout.addLayout(row)
        chain_layout.addWidget(self.chain_result)
        chain_layout.addLayout(button_row(self.import_button))

        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setAccessibleName("Certificate request message")
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(request_box)
        layout.addWidget(chain_box)
        layout.addWidget(self.message)
        layout.addStretch(1)
        layout.addWidget(close)
        self.finished.connect(lambda _result: delete_when_idle(self, self._tasks))
        self._tasks.spawn(self.refresh_async())

    # -- async work -----------------------------------------------------------------------------
    async def refresh_async(self) -> None:
        pending = await self.requests.pending()
        waiting = pending is not None
        self.save_again_button.setEnabled(waiting)
        self.discard_button.setEnabled(waiting)
        self.check_button.setEnabled(waiting)
        self.create_button.setText("Replace with a new request…" if waiting else "Create request…")
        if pending is None:
            self.pending_status.setText("No request is waiting.")
            return
        self.pending_status.setText(
            f"A request for “{pending.common_name}” ({pending.algorithm}) made {pending.created_at[:10]} is waiting "
            "for its CA. Its key is on this computer, encrypted; the passphrase is in the OS keyring.")

    def _subject(self) -> Subject:
        return Subject(self.name.text(), self.organisation.text(), self.country.text(), self.email.text())

    async def create_async(self, target: Path) -> None:
        """Make a new request (replacing a waiting one) and write it to `target`, for the CA."""
        replace = await self.requests.pending() is not None
        try:
            made = await self.requests.create(self._subject(), str(self.algorithm.currentData()), replace=replace)
        except TrustNXTError as e:
            self._say(str(e))
            return
        write_text(target, await self.requests.request_pem())
        self._say(f"Saved the request for “{made.common_name}” to {target.name}. Send it to your CA; it asks for a "
                  "C2PA signing certificate (key usage digitalSignature and nonRepudiation; extended key usages C2PA "
                  "claim signing, e-mail protection and document signing).")
        await self.refresh_async()

    async def save_again_async(self, target: Path) -> None:
        write_text(target, await self.requests.request_pem())
        self._say(f"Saved the waiting request to {target.name}.")

    async def discard_async(self) -> None:
        await self.requests.discard()
        self.preview = None
        self.import_button.setEnabled(False)
        self.chain_result.clear()
        self._say("The waiting request and its key were discarded.")
        await self.refresh_async()

    async def check_async(self, chain_file: Path) -> ChainPreview | None:
        """Check what the CA sent; say what it would give. Nothing is imported."""
        self.import_button.setEnabled(False)
        self.preview = None
        try:
            seen = await self.requests.preview(chain_file)
        except (TrustNXTError, OSError) as e:
            self.chain_result.setText(f"✗ {e}")
            return None
        lines = [f"Certificate for “{seen.subject}”, issued by “{seen.issuer}”, valid until {seen.not_after}.",
                 ("✓ " if seen.official else "• ") + seen.verdict()]
        lines += [f"✗ {p}" for p in seen.problems] + [f"Note: {n}" for n in seen.notes]
        self.chain_result.setText("\n".join(lines))
        self.preview = seen
        self.import_button.setEnabled(seen.usable)
        return seen

    async def import_async(self) -> None:
        try:
            info = await self.requests.import_chain(Path(self.chain_file.text()), replace=True)
        except (TrustNXTError, OSError) as e:
            self._say(str(e))
            return
        self.import_button.setEnabled(False)
        self._say(f"Now signing as “{info.display_name}”, issued by {info.issuer}. The previous identity was retired "
                  "(files it signed stay trusted here).")
        await self.refresh_async()
        self.imported.emit()

    # -- plain slots ----------------------------------------------------------------------------
    def _create_clicked(self) -> None:
        name, _ = QFileDialog.getSaveFileName(self, "Save the certificate request", "certificate-request.csr",
                                              "Certificate request (*.csr *.pem)")
        if name:
            self._tasks.spawn(self.create_async(Path(name)))

    def _save_again_clicked(self) -> None:
        name, _ = QFileDialog.getSaveFileName(self, "Save the certificate request", "certificate-request.csr",
                                              "Certificate request (*.csr *.pem)")
        if name:
            self._tasks.spawn(self.save_again_async(Path(name)))

    def _browse_chain(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, "The certificate your CA issued", "",
                                              "Certificates (*.pem *.crt *.cer *.p7b *.p7c);;All files (*)")
        if name:
            self.chain_file.setText(name)
            self._tasks.spawn(self.check_async(Path(name)))

    def _say(self, text: str) -> None:
        self.message.setText(text)
