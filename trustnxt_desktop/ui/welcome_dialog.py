"""The first-run welcome: your name for the signing identity, what Protect claims, local or cloud, trust lists.

Skippable (Skip, Esc or closing it) and reachable again from Help › Welcome…; everything it sets stays
changeable in Settings. The composition root opens it on first run, never the window's constructor.
Identity and keyring work runs off the GUI thread (IdentityService); "Update now" uses TrustService.
"""

from __future__ import annotations

import asyncio
import dataclasses
import html
from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from .. import APP_NAME
from ..domain.errors import TrustNXTError
from ..services.account.identity import IdentityInfo, given_organisation
from ..services.app_context import AppContext
from ..services.backends.local import default_display_name
from ..services.trust.lists import UpdateReport
from .icons import app_icon
from .layout import button_row
from .settings_dialog import SettingsDialog
from .tasks import TaskOwner, delete_when_idle
from .timestamp_choice import TimestampChoice
from .trust_page import update_text

_WARN_STYLE = "background: #fff3e0; color: #8a4b00; padding: 6px; border-radius: 6px;"


def _label(text: str, *, plain: bool = False, name: str = "") -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    if plain:
        label.setTextFormat(Qt.TextFormat.PlainText)  # quotes certificate names and server messages
    if name:
        label.setAccessibleName(name)
    return label


def _page(title: str, subtitle: str) -> tuple[QWizardPage, QVBoxLayout]:
    page = QWizardPage()
    page.setTitle(title)
    page.setSubTitle(subtitle)
    return page, QVBoxLayout(page)


class WelcomeWizard(QWizard):
    """Finish saves the name, organisation and automatic trust-list check, and makes a signing identity
    with that name when there is none or the name changed; Skip changes nothing but remembers the welcome
    was seen. Either way Settings.welcome_done becomes true."""

    settings_changed = Signal()  # saved settings the window shows (engine label, trust hint)
    trust_changed = Signal()  # new trust lists are in use

    def __init__(self, context: AppContext, open_settings: Callable[[], SettingsDialog],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self._open_settings = open_settings
        self._tasks = TaskOwner(self._say)
        self._finishing: asyncio.Future[object] | None = None
        self._updating: asyncio.Future[object] | None = None
        self.identity: IdentityInfo | None = None
        self.identity_trusted_by: str | None = None  # the trust source under which its copies show as trusted
        self.setWindowTitle(f"Welcome to {APP_NAME}")
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setPixmap(QWizard.WizardPixmap.LogoPixmap, app_icon().pixmap(48, 48))
        self.setOption(QWizard.WizardOption.HaveFinishButtonOnEarlyPages, True)
        self.setButtonText(QWizard.WizardButton.CancelButton, "&Skip")
        self.button(QWizard.WizardButton.CancelButton).setToolTip("Close the welcome; everything stays as it is "
                                                                  "and can be set in Settings")
        self.setMinimumSize(640, 480)
        self.addPage(self._claims_page())
        self.identity_page_id = self.addPage(self._identity_page())
        self.addPage(self._engine_page())
        self.addPage(self._trust_page())
        self.addPage(self._timestamp_page())
        for page_id in self.pageIds()[1:]:
            self.page(page_id).setFinalPage(True)  # Finish from any page once the name could be given
        # Work still running when the welcome closes must not touch its deleted widgets.
        self.finished.connect(lambda _result: delete_when_idle(self, self._tasks))
        self._tasks.spawn(self.refresh_async())

    # -- pages --------------------------------------------------------------------------------
    def _claims_page(self) -> QWizardPage:
        page, layout = _page(f"Welcome to {APP_NAME}",
                             "A minute to set things up. You can skip it: everything here can be changed later "
                             "in Settings, and Help › Welcome… brings it back.")
        layout.addWidget(_label(
            "<p><b>Protect</b> gives your photos, audio, video and documents a signed <i>Trust Label</i> "
            "(C2PA Content Credentials). A protected copy says:</p>"
            "<ul><li><b>who signed it</b> — the name you give on the next page (with a TrustNXT account, the "
            "TrustNXT service signs instead);</li>"
            "<li><b>when</b> it was signed;</li>"
            "<li><b>what kind of file it is</b> — captured by a device (a camera or recorder), edited, "
            "AI-generated, a screen capture or something else, as you say when you protect it;</li>"
            "<li>if you wish, the author's name and a request that AI companies do not train on it "
            "(Settings › Protect).</li></ul>"
            "<p>Your <b>original is never changed</b>: the protected copy is saved beside it as "
            "<i>photo.protected.jpg</i>. Anyone can check the label, and if the copy is altered afterwards, "
            "<b>Inspect</b> shows that it was tampered with.</p>"))
        layout.addStretch(1)
        return page

    def _identity_page(self) -> QWizardPage:
        s = self.context.settings
        page, layout = _page("Your name on what you sign",
                             "Protected copies name the person who signed them. Without a name they would say "
                             f"“{default_display_name()}”, the name of your computer account.")
        self.name = QLineEdit(s.display_name)
        self.name.setPlaceholderText("e.g. Ana Lima")
        self.name.setAccessibleName("Your name")
        self.organisation = QLineEdit(s.organisation)
        self.organisation.setPlaceholderText("optional, e.g. Diário do Sul")
        self.organisation.setAccessibleName("Organisation")
        form = QFormLayout()
        form.addRow("&Name", self.name)
        form.addRow("&Organisation", self.organisation)
        self.name.textChanged.connect(self._show_identity)
        self.organisation.textChanged.connect(self._show_identity)
        self.identity_note = _label("Looking up your signing identity…", plain=True, name="Signing identity")
        layout.addLayout(form)
        layout.addWidget(self.identity_note)
        if self.context.keyring_problem:
            warning = _label(f"No secure keyring: {self.context.keyring_problem} Your name is saved now and used "
                             "when a keyring is available (see Settings).", plain=True)
            warning.setStyleSheet(_WARN_STYLE)
            layout.addWidget(warning)
        layout.addStretch(1)
        layout.addWidget(_note("Change it later in Settings › Signing identity, where you can also use a "
                               "certificate issued to you by your organisation or a certificate authority."))
        return page

    def _engine_page(self) -> QWizardPage:
        page, layout = _page("On this computer, or with a TrustNXT account",
                             "Where protecting and inspecting happen.")
        layout.addWidget(_label(
            "<p><b>Local</b> (the default): everything happens on this computer, offline and free. Files are "
            "signed with your own identity and checked by the built-in validator.</p>"
            "<p><b>TrustNXT account</b>: Protect and Inspect use the TrustNXT cloud APIs, which are billed per "
            "call. Protected copies are then signed with the TrustNXT service's certificate, not with your own "
            "identity. You need an API key from TrustNXT; it is kept only in your OS keyring.</p>"))
        self.engine_now = _label("", plain=True, name="Engine in use")
        layout.addWidget(self.engine_now)
        self.engine_button = QPushButton("Open Settings › &Engine and account…")
        self.engine_button.clicked.connect(self.open_engine_settings)
        layout.addLayout(button_row(self.engine_button))
        layout.addStretch(1)
        self._show_engine()
        return page

    def _trust_page(self) -> QWizardPage:
        page, layout = _page("Trust lists",
                             "Who stands behind a signed file is judged against published lists.")
        layout.addWidget(_label(
            "<p>A file can be intact and still be signed by someone you have never heard of. To say whether a "
            "signer is <b>trusted</b>, the app compares its certificate with the official C2PA trust lists. "
            "A copy of the lists comes with the app; <b>Update now</b> fetches the newest ones, and the app can "
            "look for new ones once a week.</p>"))
        self.trust_summary = _label("Reading the trust lists…", plain=True, name="Trust lists in use")
        self.update_button = QPushButton("&Update now")
        self.update_button.clicked.connect(self.start_update)
        self.update_status = _label("", plain=True, name="Trust list update status")
        self.auto_update = QCheckBox("Check for new lists automatically (at most once a &week, when online)")
        self.auto_update.setChecked(self.context.settings.trust_auto_update)
        layout.addWidget(self.trust_summary)
        layout.addLayout(button_row(self.update_button))
        layout.addWidget(self.update_status)
        layout.addWidget(self.auto_update)
        layout.addStretch(1)
        layout.addWidget(_note("Settings › Trust shows every list with its age and fingerprint, and the "
                               "certificates you trust yourself, such as your newsroom's own."))
        return page

    def _timestamp_page(self) -> QWizardPage:
        page, layout = _page("Timestamps",
                             "So that what you sign stays valid after your certificate expires.")
        s = self.context.settings
        self.timestamps = TimestampChoice(s.timestamps, s.tsa_url)
        layout.addWidget(self.timestamps)
        layout.addStretch(1)
        layout.addWidget(_note("Change it later in Settings › Protect."))
        return page

    # -- showing ------------------------------------------------------------------------------
    async def refresh_async(self) -> None:
        self.identity = await self.context.identity.info()
        self.identity_trusted_by = await self.context.identity.trusted_by()
        if self.identity is not None and not self.name.text() and self.identity.display_name != default_display_name():
            self.name.setText(self.identity.display_name)
            self.organisation.setText(given_organisation(self.identity) or "")
        self._show_identity()
        overview = await self.context.trust.overview()
        self.trust_summary.setText(overview.lists.summary())

    def _show_identity(self) -> None:
        info = self.identity
        imported = info is not None and info.kind == "imported"
        self.identity_note.setStyleSheet("")
        self.name.setEnabled(not imported)
        self.organisation.setEnabled(not imported)
        if info is None:
            self.identity_note.setText("You have no signing identity yet. Finish makes one with this name: a "
                                       "certificate on this computer whose key is kept encrypted, with its "
                                       "passphrase in your OS keyring.")
        elif imported:
            trusted = (f" Copies you sign show as trusted on this computer ({self.identity_trusted_by})."
                       if self.identity_trusted_by else
                       " Copies you sign show as trusted on this computer only once its CA is among the certificates "
                       "you trust (Settings › Trust) or on a published list.")
            self.identity_note.setText(f"You sign with a certificate issued to you: “{info.display_name}”, by "
                                       f"{info.issuer}.{trusted} Change it in Settings › Signing identity.")
        elif self._needs_new_identity():
            self.identity_note.setText(f"You sign as “{_who(info.display_name, given_organisation(info))}” now. "
                                       "Finish makes "
                                       f"a new identity named “{_who(*self._typed())}”; files you signed before "
                                       "stay trusted on this computer.")
        else:
            self.identity_note.setText(f"You sign as “{_who(info.display_name, given_organisation(info))}”.")
        if not self.context.backend.capabilities.signs_with_identity:  # the service signs, whatever the identity here
            self.identity_note.setText(
                f"{self.identity_note.text()}\n\nThe TrustNXT cloud engine is selected: it signs protected copies "
                "with the TrustNXT service's certificate, not with this identity, which signs when you choose the "
                "local engine.")

    def _show_engine(self) -> None:
        self.engine_now.setText(f"Now: {self.context.engine_label().removeprefix('Engine: ')}.")

    def _say(self, text: str) -> None:
        """A problem, shown on the name page (Finish and the identity are what can fail)."""
        while self.currentId() > self.identity_page_id and self.currentId() != -1:
            self.back()
        self.identity_note.setText(text)
        self.identity_note.setStyleSheet(_WARN_STYLE)

    # -- actions ------------------------------------------------------------------------------
    def open_engine_settings(self) -> SettingsDialog:
        dialog = self._open_settings()
        dialog.tabs.setCurrentIndex(0)  # Engine and account
        dialog.finished.connect(self._settings_closed)
        return dialog

    def _settings_closed(self, _result: int) -> None:
        self._show_engine()
        self._show_identity()

    def start_update(self) -> None:
        if self._updating is None or self._updating.done():
            self._updating = self._tasks.spawn(self.update_async())

    async def update_async(self) -> UpdateReport | None:
        self.update_button.setEnabled(False)
        self.update_status.setText("Downloading the trust lists…")
        try:
            report = await self.context.trust.update()
        except TrustNXTError as e:
            self.update_status.setText(f"✗ {e}")
            return None
        except BaseException:
            # A list that had finished downloading may be in use already: the engine must reload.
            self.context.trust_changed()
            self.trust_changed.emit()
            raise
        finally:
            self.update_button.setEnabled(True)
        if report.changed:
            self.context.trust_changed()
            self.trust_changed.emit()
        self.update_status.setText(update_text(report))
        self.trust_summary.setText((await self.context.trust.overview()).lists.summary())
        return report

    def _typed(self) -> tuple[str, str | None]:
        """The identity Finish would ask for: the typed name (else the current one, else the account's)."""
        current = self.identity.display_name if self.identity is not None else default_display_name()
        return self.name.text().strip() or current, self.organisation.text().strip() or None

    def _needs_new_identity(self) -> bool:
        info = self.identity
        if info is None:
            return bool(self.name.text().strip() or self.organisation.text().strip())
        return info.kind == "local" and self._typed() != (info.display_name, given_organisation(info))

    def accept(self) -> None:  # Finish
        if self._finishing is None or self._finishing.done():
            self._finishing = self._tasks.spawn(self.finish_async())

    async def finish_async(self) -> IdentityInfo | None:
        """Save the choices, make the identity if needed, close. On a keyring failure the choices are
        still saved (a later identity uses the name) and the welcome stays open saying why."""
        finish, skip = self.button(QWizard.WizardButton.FinishButton), self.button(QWizard.WizardButton.CancelButton)
        finish.setEnabled(False)
        skip.setEnabled(False)
        made: IdentityInfo | None = None
        try:
            self.identity = await self.context.identity.info()  # Settings may have changed it meanwhile
            if self._needs_new_identity():
                name, organisation = self._typed()
                made = await self.context.identity.create(name, organisation or "", replace=self.identity is not None)
        except TrustNXTError as e:
            self._say(f"Your name is saved, but no signing identity could be made: {e}")
            return None
        finally:
            finish.setEnabled(True)
            skip.setEnabled(True)
            self._save_settings()
        super().accept()
        return made

    def _save_settings(self) -> None:
        imported = self.identity is not None and self.identity.kind == "imported"
        current = self.context.settings
        self.context.apply_settings(dataclasses.replace(
            current,
            display_name=current.display_name if imported else self.name.text().strip(),
            organisation=current.organisation if imported else self.organisation.text().strip(),
            trust_auto_update=self.auto_update.isChecked(),
            timestamps=self.timestamps.value()[0],
            tsa_url=self.timestamps.value()[1],
            welcome_done=True,
        ))
        self.settings_changed.emit()

    def reject(self) -> None:  # Skip, Esc, or the window's close button
        if self._finishing is not None and not self._finishing.done():
            return  # the identity is being made: let Finish end first
        if not self.context.settings.welcome_done:
            self.context.settings.welcome_done = True  # nothing else changes: no need to rebuild the engine
            self.context.settings_store.save(self.context.settings)
        super().reject()


def _who(name: str, organisation: str | None) -> str:
    return f"{name}, {organisation}" if organisation else name


def _note(text: str) -> QLabel:
    return _label(f"<small>{html.escape(text)}</small>")
