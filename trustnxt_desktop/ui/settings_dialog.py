"""Settings: engine and account, signing identity, protect defaults, privacy.

Secrets go to the OS keyring on Save, and only there, and are never shown back: the key field stays
empty and says which key is stored (masked); an empty field keeps what is stored. Test connection
tries the typed values and stores nothing. Every keyring, network and crypto call runs off the GUI thread.
"""

from __future__ import annotations

import asyncio
import dataclasses
import html
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ..domain.display import plural
from ..domain.errors import TrustNXTError
from ..domain.protect import THUMBNAIL_EDGES
from ..domain.report import CheckStatus
from ..domain.timestamps import REVOCATION_EXPLAINED
from ..services.account.connection_check import ConnectionCheck, Failure, check_connection
from ..services.account.credentials import CredentialStore
from ..services.account.identity import person_name
from ..services.account.keyring_store import fix_hint
from ..services.account.settings import Settings
from ..services.app_context import AppContext
from ..services.backends.local import default_display_name
from ..services.backends.registry import BACKENDS, DEFAULT_KIND, BackendKind, backend_info
from .certificate_request_dialog import CertificateRequestDialog
from .layout import button_row
from .tasks import TaskOwner, delete_when_idle
from .theme import text_colour
from .timestamp_choice import TimestampChoice
from .trust_page import TrustPage

_THUMB_NAMES = {0: "Off", 256: "Small (256 px)", 512: "Medium (512 px)", 1024: "Large (1024 px)"}
_FAILURES = {  # what failed, in a few words, before the full sentence
    Failure.ADDRESS: "the service address cannot be used",
    Failure.NO_KEY: "no API key",
    Failure.DNS: "name not found (DNS)",
    Failure.REFUSED: "connection refused",
    Failure.TIMEOUT: "no answer in time",
    Failure.TLS: "certificate problem (TLS)",
    Failure.NETWORK: "the connection failed",
    Failure.AUTH: "key refused",
    Failure.NOT_TRUSTNXT: "not a TrustNXT service",
    Failure.QUOTA: "plan used up",
    Failure.SERVICE: "the service failed",
}
# Failures after which the usage panel shows the calls counted on this computer (AppContext.usage); with no
# key it says that instead.
_COUNTED_HERE = set(Failure) - {Failure.NO_KEY}


def connection_text(check: ConnectionCheck) -> str:
    """The Test connection result as the dialog shows it: never "Connected" unless the key was accepted."""
    if check.failure is None:  # check.ok, said so the type checker knows the failure below
        usage = check.usage
        figures = (f" This month: {plural(usage.protect_calls, 'protect call')} and "
                   f"{plural(usage.inspect_calls, 'inspect call')}." if usage else "")
        return f"✓ {check.message}{figures}\nNothing was stored: Save to use these settings."
    text = f"✗ Not connected — {_FAILURES[check.failure]}.\n{check.message}\nNothing was stored."
    if check.failure in _COUNTED_HERE:
        text += " With these settings, usage is counted on this computer until the service answers."
    return text


class SettingsDialog(QDialog):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Settings")
        self.setMinimumWidth(720)
        self.resize(780, 700)  # the Trust page's tables need the height
        self.context = context
        self.credentials = CredentialStore(context.secrets)
        self._tasks = TaskOwner(self._say)
        s = context.settings

        self.keyring_warning = QLabel()
        self.keyring_warning.setWordWrap(True)
        self.keyring_warning.setObjectName("keyringWarning")
        self.keyring_warning.setStyleSheet("#keyringWarning { background: #fff3e0; color: #8a4b00; padding: 8px;"
                                           " border-radius: 6px; }")
        if context.keyring_problem:
            self.keyring_warning.setText(f"<b>No secure keyring is available.</b> {context.keyring_problem} "
                                         f"{fix_hint()} Until then nothing secret can be stored.")
        self.keyring_warning.setVisible(bool(context.keyring_problem))

        tabs = QTabWidget()
        tabs.addTab(self._engine_tab(s), "Engine && account")
        tabs.addTab(self._identity_tab(s), "Signing identity")
        tabs.addTab(self._protect_tab(s), "Protect")
        self.trust_page = TrustPage(context.root, s, self._collect, self._say)
        self.trust_page.trust_changed.connect(context.trust_changed)
        tabs.addTab(self.trust_page, "&Trust")
        tabs.addTab(self._privacy_tab(s), "Privacy")
        self.tabs = tabs
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.keyring_warning)
        layout.addWidget(tabs, 1)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setAccessibleName("Settings message")
        self.message.setTextFormat(Qt.TextFormat.PlainText)  # it quotes names from certificates
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        # Work still running when the dialog closes must not touch its deleted widgets.
        self.finished.connect(lambda _result: delete_when_idle(self, self._tasks, self.trust_page.tasks))
        self._tasks.spawn(self.refresh_async())

    # -- tabs ---------------------------------------------------------------------------------
    def _engine_tab(self, s: Settings) -> QWidget:
        page = QWidget()
        group = QButtonGroup(page)
        self.engine_radios: dict[BackendKind, QRadioButton] = {}  # one per backend of the registry
        for info in BACKENDS:
            radio = self.engine_radios[info.kind] = QRadioButton(info.choice)
            group.addButton(radio)
            radio.setChecked(info.kind == s.backend)
        self.local_radio = self.engine_radios[BackendKind.LOCAL]
        self.cloud_radio = self.engine_radios[BackendKind.CLOUD]
        self.api_url = QLineEdit(s.api_url)
        self.api_url.setPlaceholderText("https://api.trustnxt.com (default)")
        self.api_url.setAccessibleName("API URL")
        self.api_key = QLineEdit()
        self.api_key.setEchoMode(QLineEdit.EchoMode.Password)
        self.api_key.setAccessibleName("API key")
        self.api_secret = QLineEdit()
        self.api_secret.setEchoMode(QLineEdit.EchoMode.Password)
        self.api_secret.setAccessibleName("API secret")
        self.key_status = QLabel("Checking the keyring…")
        self.key_status.setWordWrap(True)
        self.forget_key_button = QPushButton("Forget stored key")
        self.test_button = QPushButton("&Test connection")
        self.test_button.setToolTip("Try the address, key and secret typed here. Nothing is stored until you Save.")
        self.test_result = QLabel()
        self.test_result.setWordWrap(True)
        self.test_result.setTextFormat(Qt.TextFormat.PlainText)  # it quotes the service's own words
        self.test_result.setAccessibleName("Connection test result")
        self.forget_key_button.clicked.connect(lambda: self._tasks.spawn(self.forget_key_async()))
        self.test_button.clicked.connect(lambda: self._tasks.spawn(self.test_connection_async()))
        form = QFormLayout()
        form.addRow("API URL", self.api_url)
        form.addRow("API key", self.api_key)
        form.addRow("API secret", self.api_secret)
        form.addRow("", self.key_status)
        keys = button_row(self.forget_key_button, self.test_button)
        account = QGroupBox("TrustNXT account")
        account_layout = QVBoxLayout(account)
        account_layout.addLayout(form)
        account_layout.addLayout(keys)
        account_layout.addWidget(self.test_result)
        self.cross_check = QCheckBox("Check every inspected file with a &second, independent validator")
        self.cross_check.setChecked(s.cross_check)
        self.cross_check.setToolTip("encypher-c2pa checks the same bytes offline; the report says whether the two "
                                    "validators agree and, where they do not, what each says (local engine only).")
        # Who signs with the cloud engine: said while it is chosen, before Save.
        self.cloud_signing = QLabel("With the cloud engine, protected copies are signed with the TrustNXT service's "
                                    "certificate, not with your signing identity: they name the service as the "
                                    "signer, and show as trusted where the service's certificate is trusted.")
        self.cloud_signing.setWordWrap(True)
        self.cloud_signing.setAccessibleName("Who signs with the cloud engine")
        self._show_who_signs()
        group.buttonToggled.connect(lambda _button, _checked: self._show_who_signs())
        layout = QVBoxLayout(page)
        for radio in self.engine_radios.values():
            layout.addWidget(radio)
        layout.addWidget(self.cloud_signing)
        layout.addWidget(self.cross_check)
        layout.addWidget(account)
        layout.addStretch(1)
        return page

    def _chosen_engine(self) -> BackendKind:
        return next((kind for kind, radio in self.engine_radios.items() if radio.isChecked()), DEFAULT_KIND)

    def _show_who_signs(self) -> None:
        self.cloud_signing.setVisible(not backend_info(self._chosen_engine()).capabilities.signs_with_identity)

    def _identity_tab(self, s: Settings) -> QWidget:
        page = QWidget()
        self.identity_details = QLabel("Loading…")
        self.identity_details.setWordWrap(True)
        self.identity_details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.identity_details.setAccessibleName("Current signing identity")
        self.display_name = QLineEdit(s.display_name)
        self.display_name.setPlaceholderText(f"{default_display_name()} (your computer account's name)")
        self.organisation = QLineEdit(s.organisation)
        self.create_button = QPushButton("Create a new identity")
        self.export_button = QPushButton("Export root certificate…")
        self.import_cert = QLineEdit()
        self.import_cert.setPlaceholderText("certificate chain (.pem) or PKCS#12 (.p12/.pfx)")
        self.import_key = QLineEdit()
        self.import_key.setPlaceholderText("private key (.pem), not needed for PKCS#12")
        self.import_password = QLineEdit()
        self.import_password.setEchoMode(QLineEdit.EchoMode.Password)
        self.import_password.setPlaceholderText("password of the file, if any")
        browse_cert, browse_key = QPushButton("Browse…"), QPushButton("Browse…")
        browse_cert.clicked.connect(lambda: self._browse(self.import_cert))
        browse_key.clicked.connect(lambda: self._browse(self.import_key))
        self.import_button = QPushButton("Import identity")
        self.create_button.clicked.connect(lambda: self._tasks.spawn(self.create_identity_async()))
        self.export_button.clicked.connect(self._export_root)
        self.import_button.clicked.connect(lambda: self._tasks.spawn(self.import_identity_async()))
        form = QFormLayout()
        form.addRow("Name on new certificates", self.display_name)
        form.addRow("Organisation", self.organisation)
        create_row = button_row(self.create_button, self.export_button)
        self.request_button = QPushButton("Request a certificate from a CA…")
        self.request_button.setToolTip("Make a certificate signing request for a C2PA signing certificate, then "
                                       "import what the CA issues; see beforehand whether it is on the official "
                                       "C2PA trust list.")
        self.request_button.clicked.connect(self.open_certificate_request)
        imp = QGroupBox("Use a certificate issued to you")
        imp_form = QFormLayout(imp)
        cert_row, key_row = QHBoxLayout(), QHBoxLayout()
        cert_row.addWidget(self.import_cert)
        cert_row.addWidget(browse_cert)
        key_row.addWidget(self.import_key)
        key_row.addWidget(browse_key)
        imp_form.addRow("Certificate", cert_row)
        imp_form.addRow("Key", key_row)
        imp_form.addRow("Password", self.import_password)
        imp_form.addRow("", button_row(self.import_button, self.request_button))
        layout = QVBoxLayout(page)
        layout.addWidget(self.identity_details)
        layout.addLayout(form)
        layout.addLayout(create_row)
        layout.addWidget(imp)
        layout.addStretch(1)
        return page

    def _protect_tab(self, s: Settings) -> QWidget:
        page = QWidget()
        self.thumbnail = QComboBox()
        for edge in THUMBNAIL_EDGES:
            self.thumbnail.addItem(_THUMB_NAMES[edge], edge)
        self.thumbnail.setCurrentIndex(THUMBNAIL_EDGES.index(s.thumbnail_edge))
        self.author = QLineEdit(s.author)
        self.author.setPlaceholderText("not written")
        self.do_not_train = QCheckBox("Ask AI companies &not to train on or mine my media")
        self.do_not_train.setChecked(s.do_not_train)
        self.identity_assertion = QCheckBox("Name &me in a CAWG identity assertion signed with my certificate")
        self.identity_assertion.setChecked(s.identity_assertion)
        self.identity_assertion.setToolTip(
            "Adds a Creator Assertions Working Group identity assertion (cawg.identity) naming you, signed with your "
            "signing identity's certificate, vouching for what the file claims and for its content. Only when your "
            "identity names a person.")
        self.output_dir = QLineEdit(s.output_dir)
        self.output_dir.setPlaceholderText("next to the originals")
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse_output)
        out_row = QHBoxLayout()
        out_row.addWidget(self.output_dir)
        out_row.addWidget(browse)
        self.timestamps = TimestampChoice(s.timestamps, s.tsa_url)
        form = QFormLayout(page)
        form.addRow("Thumbnail in the Trust Label", self.thumbnail)
        form.addRow("Author", self.author)
        form.addRow("", self.do_not_train)
        form.addRow("", self.identity_assertion)
        form.addRow("Save protected copies", out_row)
        form.addRow("Timestamp authority", self.timestamps)
        form.addRow("", QLabel("<small>Copies are named <i>photo.protected.jpg</i>; existing files are never "
                               "overwritten.</small>"))
        return page

    def _privacy_tab(self, s: Settings) -> QWidget:
        page = QWidget()
        self.remote_fetch = QCheckBox("&Fetch Content Credentials stored on other servers")
        self.remote_fetch.setChecked(s.remote_manifest_fetch)
        note = QLabel("Off by default: fetching tells the server which file you opened, and when. "
                      "Files whose credentials are stored remotely show as “Not checked”.")
        note.setWordWrap(True)
        layout = QVBoxLayout(page)
        layout.addWidget(self.remote_fetch)
        layout.addWidget(note)
        self.revocation_check = QCheckBox("Check online whether signers' certificates were &revoked")
        self.revocation_check.setChecked(s.revocation_check)
        revocation_note = QLabel(f"Off by default. {REVOCATION_EXPLAINED} Reports then say “not checked” and why.")
        revocation_note.setWordWrap(True)
        layout.addWidget(self.revocation_check)
        layout.addWidget(revocation_note)
        self.keep_inspected = QCheckBox("&Keep received pictures with valid credentials for recovery")
        self.keep_inspected.setChecked(s.keep_inspected)
        keep_note = QLabel("Off by default. When on, a picture you inspect whose own Content Credentials are intact "
                           "is kept in the manifest repository on this computer (its credentials, signed thumbnail "
                           "and fingerprints, never the picture itself), so a stripped or re-encoded copy of it "
                           "received later can have them recovered. Nothing is sent anywhere.")
        keep_note.setWordWrap(True)
        layout.addWidget(self.keep_inspected)
        layout.addWidget(keep_note)
        layout.addStretch(1)
        return page

    # -- async work ---------------------------------------------------------------------------
    async def refresh_async(self) -> None:
        try:
            status = await asyncio.to_thread(self.credentials.status)
        except TrustNXTError as e:
            self.key_status.setText(str(e))
        else:
            if status.configured:
                where = ("the OS keyring" if status.key_source == "keyring"
                         else "the environment (overrides the keyring)")
                secret = ", with a secret" if status.secret_set else ""
                self.key_status.setText(f"Stored: <b>{status.key_masked}</b>{secret}, in {where}.")
                self.api_key.setPlaceholderText("a key is stored; type a new one to replace it")
            else:
                self.key_status.setText("No API key stored.")
                self.api_key.setPlaceholderText("tnxt_live_…")
            self.api_secret.setPlaceholderText("a secret is stored; leave empty to keep it" if status.secret_set
                                               else "tnxt_secret_… (if your key has one)")
            self.forget_key_button.setEnabled(status.configured and status.key_source == "keyring")
        info = await self.context.identity.info()
        esc = html.escape
        # Nobody gave a name (e.g. the welcome was skipped): say plainly that copies show the OS account's.
        login = esc(default_display_name())
        if info is None:
            unnamed = "" if self.context.settings.display_name else (
                f"<br><b>It will be named after your computer account, “{login}”.</b> To sign with your own name, "
                "type it below.")
            self.identity_details.setText(
                f"No signing identity yet: one is created the first time you protect.{unnamed}")
            self.export_button.setEnabled(False)
            return
        if person_name(info) is None:
            self.identity_assertion.setText("Name me in a CAWG identity assertion (your identity names no person)")
        org = f", {esc(info.organisation)}" if info.organisation else ""
        named_after_account = info.kind == "local" and info.display_name == default_display_name()
        self.identity_details.setText(
            f"<b>{esc(info.display_name)}</b>{org} — "
            f"{'made on this computer' if info.kind == 'local' else 'imported'}<br>"
            f"Issuer: {esc(info.issuer)}<br>Algorithm: {info.algorithm} · valid {info.not_before[:10]} to "
            f"{info.not_after[:10]}<br>Fingerprint: <code>{info.fingerprint[:32]}…</code>"
            + (f"<br><b>Named after your computer account, “{login}”.</b> To sign with your own name, type it below "
               "and create a new identity." if named_after_account else ""))
        self.export_button.setEnabled(info.kind == "local")

    async def store_key_async(self) -> None:
        """Store the typed key and secret (Save does this first). An empty field keeps what is stored."""
        key, secret = self.api_key.text(), self.api_secret.text()
        if not key.strip() and not secret.strip():
            return
        warnings = await asyncio.to_thread(self.credentials.update, key, secret)
        self.api_key.clear()
        self.api_secret.clear()
        self._say("Stored in the OS keyring." + ("".join(f" {w}" for w in warnings)))
        await self.refresh_async()

    async def forget_key_async(self) -> None:
        await asyncio.to_thread(self.credentials.clear)
        self._say("The API key and secret were removed from the keyring.")
        await self.refresh_async()

    async def test_connection_async(self) -> str:
        """Try the address, key and secret as typed (an empty field: what is stored). Stores nothing."""
        self.test_button.setEnabled(False)
        self._show_result("Connecting…", None)
        try:
            check = await check_connection(self.api_url.text().strip(), self.api_key.text(), self.api_secret.text(),
                                           self.credentials)
        except TrustNXTError as e:  # the keyring could not be read
            text, ok = f"✗ Not tested: {e}", False
        else:
            text, ok = connection_text(check), check.ok
        finally:
            self.test_button.setEnabled(True)
        self._show_result(text, ok)
        return text

    def _show_result(self, text: str, ok: bool | None) -> None:
        colour = "" if ok is None else text_colour(CheckStatus.PASS if ok else CheckStatus.FAIL)
        self.test_result.setStyleSheet(f"color: {colour};" if colour else "")
        self.test_result.setText(text)

    async def create_identity_async(self) -> None:
        info = await self.context.identity.create(self.display_name.text().strip(), self.organisation.text().strip(),
                                                  replace=True)
        self._say(f"New signing identity “{info.display_name}” created; the previous one was retired "
                  "(files it signed stay trusted here).")
        self.context.apply_settings(self._collect())
        await self.refresh_async()

    async def import_identity_async(self) -> None:
        cert = self.import_cert.text().strip()
        if not cert:
            self._say("Choose the certificate file to import.")
            return
        key = self.import_key.text().strip()
        info = await self.context.identity.import_file(Path(cert), Path(key) if key else None,
                                                       self.import_password.text() or None, replace=True)
        self.import_password.clear()
        self._say(f"Now signing as “{info.display_name}”, issued by {info.issuer}.")
        self.context.apply_settings(self._collect())
        await self.refresh_async()
        await self.offer_to_trust_issuer_async()

    async def offer_to_trust_issuer_async(self) -> QMessageBox | None:
        """After an import: say whether copies signed with it show as trusted here; when they would not (its CA
        is neither among the certificates you trust nor on a published list), offer to trust that CA."""
        source = await self.context.identity.trusted_by()
        if source is not None:
            self._say(f"{self.message.text()} Copies you sign show as trusted here ({source}).")
            return None
        issuer = await self.context.identity.issuer()
        if issuer is None:
            return None
        name, pem = issuer
        box = QMessageBox(QMessageBox.Icon.Question, "Trust the issuer of your certificate?",
                          f"Copies you sign with this certificate will show as intact but not trusted on this "
                          f"computer: its issuer “{name}” is neither among the certificates you trust nor on a "
                          f"published trust list.\n\nTrust “{name}” here? Do so only if you trust it to vouch for "
                          "everyone it issues certificates to: files they sign will show as trusted too.",
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, self)
        box.setTextFormat(Qt.TextFormat.PlainText)  # names from a certificate are not markup
        box.button(QMessageBox.StandardButton.Yes).setText(f"Trust “{name}”")
        box.button(QMessageBox.StandardButton.No).setText("Not now")
        box.setObjectName("trustIssuerOffer")
        box.finished.connect(lambda result: self._issuer_answered(result, name, pem))
        box.open()  # never exec() from async code
        self._say(f"{self.message.text()} Copies you sign do not show as trusted here yet: its issuer is not trusted.")
        return box

    def _issuer_answered(self, result: int, name: str, pem: bytes) -> None:
        if result == QMessageBox.StandardButton.Yes:
            self._tasks.spawn(self.trust_issuer_async(name, pem))

    async def trust_issuer_async(self, name: str, pem: bytes) -> None:
        await self.context.trust.add_anchor_pem(name, pem)
        self.trust_page.trust_changed.emit()  # the engine reloads its trust; the window's hint follows
        await self.trust_page.refresh_async()
        self._say(f"“{name}” is now among the certificates you trust: copies you sign show as trusted here.")

    # -- plain slots --------------------------------------------------------------------------
    def _browse(self, target: QLineEdit) -> None:
        name, _ = QFileDialog.getOpenFileName(self, "Choose a file")
        if name:
            target.setText(name)

    def _browse_output(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Save protected copies into")
        if folder:
            self.output_dir.setText(folder)

    def open_certificate_request(self) -> CertificateRequestDialog:
        dialog = CertificateRequestDialog(self.context.identity.requests, self.display_name.text().strip()
                                          or default_display_name(), self.organisation.text().strip(), self)
        dialog.imported.connect(lambda: self._tasks.spawn(self.request_imported_async()))
        dialog.open()  # never exec() from async code
        return dialog

    async def request_imported_async(self) -> None:
        """The CA-issued certificate became the signing identity: the engine signs with it from now on."""
        self.context.apply_settings(self._collect())
        await self.refresh_async()
        source = await self.context.identity.trusted_by()
        self._say("Now signing with the certificate your CA issued"
                  + (f"; copies you sign show as trusted here ({source})." if source else "."))

    def _export_root(self) -> None:
        name, _ = QFileDialog.getSaveFileName(self, "Export root certificate", "trustnxt-root.pem",
                                              "PEM certificate (*.pem)")
        if name:
            self._tasks.spawn(self._export(Path(name)))

    async def _export(self, target: Path) -> None:
        if await self.context.identity.export_root(target):
            self._say(f"Saved {target.name}. Give it to people who should trust what you sign.")

    def _collect(self) -> Settings:
        return dataclasses.replace(
            self.context.settings,
            backend=self._chosen_engine().value,
            api_url=self.api_url.text().strip(),
            display_name=self.display_name.text().strip(),
            organisation=self.organisation.text().strip(),
            thumbnail_edge=int(self.thumbnail.currentData()),
            author=self.author.text().strip(),
            do_not_train=self.do_not_train.isChecked(),
            identity_assertion=self.identity_assertion.isChecked(),
            output_dir=self.output_dir.text().strip(),
            timestamps=self.timestamps.value()[0],
            tsa_url=self.timestamps.value()[1],
            revocation_check=self.revocation_check.isChecked(),
            remote_manifest_fetch=self.remote_fetch.isChecked(),
            keep_inspected=self.keep_inspected.isChecked(),
            cross_check=self.cross_check.isChecked(),
            trust_mirror_url=self.trust_page.mirror.text().strip(),
            trust_auto_update=self.trust_page.auto_update.isChecked(),
        )

    def _save(self) -> None:
        if self.api_key.text().strip() or self.api_secret.text().strip():
            self._tasks.spawn(self.save_async())  # the keyring is written off the GUI thread first
            return
        self.context.apply_settings(self._collect())
        self.accept()

    async def save_async(self) -> None:
        """Save: typed credentials go to the keyring (an empty secret field keeps the stored secret), then
        the settings are applied and the dialog closes. If the keyring refuses, the dialog stays open."""
        self.setEnabled(False)
        try:
            await self.store_key_async()
        finally:
            self.setEnabled(True)
        self.context.apply_settings(self._collect())
        self.accept()

    def _say(self, text: str) -> None:
        self.message.setText(text)
