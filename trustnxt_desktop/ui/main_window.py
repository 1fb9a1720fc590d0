"""The main window: Protect and Inspect side by side, this month's usage, menus and shortcuts."""

from __future__ import annotations

import asyncio
import html
import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from PySide6.QtCore import QEvent, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from .. import APP_NAME
from ..domain.display import visible
from ..domain.privacy import LocationChoice
from ..domain.protect import ContentSource
from ..domain.report import InspectionReport
from ..services.app_context import AppContext
from ..services.privacy_check import check_files
from ..services.records import diagnostics
from ..services.trust.service import missing_lists_hint
from ..services.watch.service import BatchFinished
from .about_dialog import AboutDialog, qt_versions
from .capture_view import CaptureView
from .icons import app_icon, badge
from .inspect_view import InspectView
from .log_dialog import VerificationLogDialog
from .privacy_panel import PrivacyPanel
from .protect_view import ProtectView
from .settings_dialog import SettingsDialog
from .shortcuts_dialog import ShortcutsDialog, shortcut_rows
from .tasks import TaskOwner
from .theme import VERDICTS
from .tray import Tray
from .trust_page import check_failed_text, update_text
from .usage_widget import UsageWidget
from .user_guide import UserGuideDialog
from .watch_view import WatchView
from .welcome_dialog import WelcomeWizard
from .window_state import WindowState

log = logging.getLogger(__name__)
_Dialog = TypeVar("_Dialog", bound=QDialog)  # the guide or the shortcuts, reused while open
PROTECT_PAGE, INSPECT_PAGE, CAPTURE_PAGE, WATCH_PAGE = 0, 1, 2, 3
TRUST_CHECK_DELAY_MS = 3000  # after the first paint, so start-up never waits for the network
TRUST_RECHECK_MS = 6 * 3600 * 1000  # an app left open for weeks still picks up the weekly update


class MainWindow(QMainWindow):
    closed = Signal()  # the window's work has stopped and the window is gone: the app may end

    def __init__(self, context: AppContext) -> None:
        super().__init__()
        self.context = context
        self.setWindowTitle(APP_NAME)
        self.setWindowIcon(app_icon())
        self._tasks = TaskOwner(self.show_error)
        self._closing = False
        self._stopped = False  # aclose() finished: the next close is accepted
        self._stopping: asyncio.Future[None] | None = None
        self._hint_request = 0
        self._welcome_open = False  # the first automatic trust-list check waits for the welcome

        self.protect = ProtectView(self.context.protect_queue, self.context.protect_options, self.show_error,
                                   remember_source=self.context.remember_content_source)
        self.inspect = InspectView(self.context.backend, self.show_error,
                                   root=self.context.root, export_folder=self.context.export_folder)
        self.inspect.offer_recovery(self.context.recovery, self.context.copies)
        self.protect.offer_copies(self.context.copies)
        self.protect.offer_timestamps(self.context.timestamps)
        self.protect.offer_privacy_check(PrivacyPanel(
            lambda paths: check_files(paths, self.context.settings), self.context.protect_options().privacy,
            self.context.remember_privacy, self.show_error))
        self.inspect.offer_copies(self.context.copies)
        self.capture = CaptureView(self.context.capture, self.show_error)
        self.watch = WatchView(self.context.watch, self.context.watch_folders, self.context.save_watch_folders,
                               self.context.card_import_dir, self.context.set_card_import_dir,
                               self._watch_defaults, self.show_error)
        self.usage = UsageWidget(self.context.usage, self.show_error)
        self.pages = QStackedWidget()
        self.pages.addWidget(self.protect)
        self.pages.addWidget(self.inspect)
        self.pages.addWidget(self.capture)
        self.pages.addWidget(self.watch)

        self.nav = QListWidget()
        self.nav.setAccessibleName("Sections")
        self.nav.setIconSize(QSize(28, 28))
        self.nav.setSpacing(4)
        for icon, text, tip in ((badge("check", "#0b5394", 56, shield=True), "Protect",
                                 "Give your media a Trust Label"),
                                (badge("question", "#2e7d32", 56), "Inspect", "Check media you received"),
                                (badge("camera", "#c62828", 56), "Capture", "Take protected photos and recordings"),
                                (badge("busy", "#6a1b9a", 56), "Watch",
                                 "Protect new files in watch folders; import camera cards")):
            item = QListWidgetItem(icon, text)
            item.setToolTip(tip)
            item.setSizeHint(QSize(150, 44))
            self.nav.addItem(item)
        self.nav.currentRowChanged.connect(self._show_page)
        self.keyring_warning = QLabel()
        self.keyring_warning.setWordWrap(True)
        self.keyring_warning.setObjectName("keyringWarning")
        self.keyring_warning.setStyleSheet("#keyringWarning { background: #fff3e0; color: #8a4b00; padding: 6px;"
                                           " border-radius: 6px; }")
        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.addWidget(self.nav, 1)
        side_layout.addWidget(self.keyring_warning)
        side_layout.addWidget(self.usage)
        splitter = QSplitter()
        splitter.addWidget(side)
        splitter.addWidget(self.pages)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([240, 960])
        self.splitter = splitter
        self.setCentralWidget(splitter)
        # Size, maximised state and splitter positions as the window was last closed (or a default that fits).
        self._window_state = WindowState(context.root)
        self._window_state.restore(self, self._splitters())

        self.engine_status = QLabel()
        self.statusBar().addPermanentWidget(self.engine_status)
        self._build_menus()
        self.protect.call_finished.connect(self._refresh_usage_soon)
        self.inspect.call_finished.connect(self._refresh_usage_soon)
        self.capture.call_finished.connect(self._refresh_usage_soon)
        self.watch.call_finished.connect(self._refresh_usage_soon)
        self.tray = Tray(self, self.close)
        self.context.watch.on_finished(self._watch_finished)
        self.inspect.report_ready.connect(self._announce)
        self.inspect.export_said.connect(lambda said: self.statusBar().showMessage(said, 10000))
        self.inspect.trust_settings_requested.connect(self.open_trust_settings)
        self._usage_timer = QTimer(self)
        self._usage_timer.setSingleShot(True)
        self._usage_timer.setInterval(400)  # a batch finishing 50 files refreshes once, not 50 times
        self._usage_timer.timeout.connect(self.usage.refresh)
        self._trust_timer = QTimer(self)
        self._trust_timer.setInterval(TRUST_CHECK_DELAY_MS)
        self._trust_timer.timeout.connect(lambda: self._tasks.spawn(self.check_trust_lists_async()))
        self.nav.setCurrentRow(PROTECT_PAGE)
        self._show_engine()
        self._tasks.spawn(self._check_keyring_async())
        self.statusBar().showMessage("Ready. Drop files to protect or inspect them.", 5000)
        self.show_store_notices()

    # -- menus and shortcuts ------------------------------------------------------------------
    def _action(self, text: str, shortcut: QKeySequence | str | QKeySequence.StandardKey | None,
                slot: Callable[[], object]) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(shortcut)
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        self.protect_files_action = self._action("&Protect files…", "Ctrl+P", self._protect_files)
        self.protect_folder_action = self._action("Protect a &folder…", "Ctrl+Shift+P", self._protect_folder)
        self.open_action = self._action("&Open files to inspect…", QKeySequence.StandardKey.Open, self._open_files)
        self.settings_action = self._action("&Settings…", "Ctrl+,", self.open_settings)
        self.quit_action = self._action("&Quit", QKeySequence.StandardKey.Quit, self.close)
        for a in (self.protect_files_action, self.protect_folder_action, self.open_action):
            file_menu.addAction(a)
        file_menu.addSeparator()
        file_menu.addAction(self.settings_action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        view = bar.addMenu("&View")
        view.addAction(self._action("&Protect", "Ctrl+1", lambda: self.nav.setCurrentRow(PROTECT_PAGE)))
        view.addAction(self._action("&Inspect", "Ctrl+2", lambda: self.nav.setCurrentRow(INSPECT_PAGE)))
        view.addAction(self._action("&Capture", "Ctrl+3", lambda: self.nav.setCurrentRow(CAPTURE_PAGE)))
        view.addAction(self._action("&Watch folders", "Ctrl+4", lambda: self.nav.setCurrentRow(WATCH_PAGE)))
        view.addSeparator()
        view.addAction(self._action("&Next file", "Ctrl+J", lambda: self.inspect.step(1)))
        view.addAction(self._action("P&revious file", "Ctrl+K", lambda: self.inspect.step(-1)))
        view.addAction(self._action("Refresh &usage", "F5", self.usage.refresh))
        tools = bar.addMenu("&Tools")
        self.log_action = self._action("Verification &log…", "Ctrl+L", self.open_verification_log)
        self.trust_action = self._action("&Trust lists and anchors…", "Ctrl+T", self.open_trust_settings)
        tools.addAction(self.log_action)
        tools.addAction(self.trust_action)
        help_menu = bar.addMenu("&Help")
        self.guide_action = self._action("User &guide", QKeySequence.StandardKey.HelpContents, self.open_user_guide)
        self.shortcuts_action = self._action("&Keyboard shortcuts", "Ctrl+/", self.open_shortcuts)
        self.welcome_action = self._action("&Welcome…", None, self.open_welcome)
        self.diagnostics_action = self._action("Save &diagnostics…", None, self.save_diagnostics)
        for a in (self.guide_action, self.shortcuts_action, self.welcome_action):
            help_menu.addAction(a)
        help_menu.addSeparator()
        help_menu.addAction(self.diagnostics_action)
        help_menu.addSeparator()
        help_menu.addAction(self._action("&About TrustNXT Desktop", None, self.open_about))

    def _splitters(self) -> dict[str, QSplitter]:
        return {"sections": self.splitter, "inspect": self.inspect.splitter}

    def _show_page(self, row: int) -> None:
        self.pages.setCurrentIndex(row)
        # The camera and microphone run only while the Capture view is open.
        if row == CAPTURE_PAGE:
            self.capture.activate()
        else:
            self.capture.deactivate()
        if row == WATCH_PAGE:  # mounted cards are looked for while the Watch page is shown
            self.watch.activate()
        else:
            self.watch.deactivate()

    def _protect_files(self) -> None:
        self.nav.setCurrentRow(PROTECT_PAGE)
        self.protect.pick_files()

    def _protect_folder(self) -> None:
        self.nav.setCurrentRow(PROTECT_PAGE)
        self.protect.pick_folder()

    def _open_files(self) -> None:
        self.nav.setCurrentRow(INSPECT_PAGE)
        self.inspect.pick_files()

    def open_for_inspection(self, paths: list[Path]) -> None:
        self.nav.setCurrentRow(INSPECT_PAGE)
        self.inspect.open_paths(paths)

    # -- dialogs ------------------------------------------------------------------------------
    def open_settings(self) -> SettingsDialog:
        dialog = SettingsDialog(self.context, self)
        dialog.accepted.connect(self._settings_changed)
        dialog.trust_page.trust_changed.connect(self._refresh_trust_hint)
        dialog.open()  # never exec() from async code: open() returns at once
        return dialog

    def open_trust_settings(self) -> SettingsDialog:
        dialog = self.open_settings()
        dialog.tabs.setCurrentWidget(dialog.trust_page)
        return dialog

    def open_verification_log(self) -> VerificationLogDialog:
        dialog = VerificationLogDialog(self.context.verification_log, self, self.context.export_folder)
        dialog.open()
        return dialog

    def open_about(self) -> AboutDialog:
        dialog = AboutDialog(self)
        dialog.open()
        return dialog

    def open_welcome(self) -> WelcomeWizard:
        """Shown by the composition root on first run, and from Help › Welcome…."""
        wizard = WelcomeWizard(self.context, self.open_settings, self)
        wizard.settings_changed.connect(self._settings_changed)
        wizard.trust_changed.connect(self._refresh_trust_hint)
        # The automatic trust-list check waits until the welcome closes: the welcome offers its own update,
        # and nothing should say "could not check" before the person had a chance to choose.
        self._welcome_open = True
        self._trust_timer.stop()
        wizard.finished.connect(lambda _result: self._welcome_closed())
        wizard.open()
        return wizard

    def _welcome_closed(self) -> None:
        self._welcome_open = False
        if not self._closing and self.isVisible() and not self._trust_timer.isActive():
            self._trust_timer.start()

    def _reused(self, kind: type[_Dialog], make: Callable[[], _Dialog]) -> _Dialog:
        """The guide and the shortcuts stay open beside the window (not modal); a second request raises them."""
        dialog = self.findChild(kind) or make()
        dialog.show()
        dialog.raise_()
        dialog.activateWindow()
        return dialog

    def open_user_guide(self) -> UserGuideDialog:
        return self._reused(UserGuideDialog, lambda: UserGuideDialog(self))

    def open_shortcuts(self) -> ShortcutsDialog:
        names = [self.nav.item(i).text() for i in range(self.nav.count())]
        return self._reused(ShortcutsDialog, lambda: ShortcutsDialog(
            lambda: shortcut_rows(self, self.pages, names), self))

    def save_diagnostics(self) -> None:
        name, _ = QFileDialog.getSaveFileName(self, "Save diagnostics", str(Path.home() / diagnostics.default_name()),
                                              "Zip archives (*.zip)")
        if name:
            target = Path(name)
            # The dialog asked before choosing an existing file; a name it never saw is never replaced.
            confirmed = target.exists()
            if target.suffix.lower() != ".zip":
                target, confirmed = target.with_name(target.name + ".zip"), False
            self._tasks.spawn(self.save_diagnostics_async(target, replace=confirmed))

    async def save_diagnostics_async(self, target: Path, *, replace: bool = False) -> Path:
        c = self.context
        members = await asyncio.to_thread(diagnostics.collect, c.root, c.settings, c.secrets,
                                          extra_versions=qt_versions())
        path = await asyncio.to_thread(diagnostics.write_archive, members, target, replace=replace)
        # Says what the zip really holds: "no logs yet" when there are none.
        self.statusBar().showMessage(f"Saved {path} ({diagnostics.contents_text(members)}; no keys or passwords).",
                                     15000)
        return path

    def _settings_changed(self) -> None:
        self._show_engine()
        self.usage.refresh()
        self._refresh_trust_hint()

    def _refresh_trust_hint(self) -> None:
        self._tasks.spawn(self.refresh_trust_hint_async())

    async def refresh_trust_hint_async(self) -> str | None:
        """The Inspect view says why nobody shows as trusted while no trust list is available (local engine)."""
        self._hint_request += 1
        request, hint = self._hint_request, None
        if self.context.backend.capabilities.custom_trust:
            hint = missing_lists_hint(await self.context.trust.overview())
        if request != self._hint_request:
            return hint  # a later refresh (e.g. after a download) started meanwhile: its answer wins
        download = ' <a href="trust">Download the trust lists…</a>'
        self.inspect.set_trust_hint(f"{html.escape(hint)}{download}" if hint else None)
        return hint

    def show_error(self, message: str) -> None:
        message = visible(message, keep_newlines=True)  # it may quote a file name: hidden characters escaped
        log.warning("shown to the user: %s", message)  # the app's log (services/records/app_log.py) redacts secrets
        self.statusBar().showMessage(message, 15000)
        box = QMessageBox(QMessageBox.Icon.Warning, APP_NAME, message, QMessageBox.StandardButton.Ok, self)
        box.setTextFormat(Qt.TextFormat.PlainText)  # messages quote file names: never read them as markup
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()

    # -- status -------------------------------------------------------------------------------
    def _show_engine(self) -> None:
        label = self.context.engine_label()
        self.engine_status.setText(label)
        self.protect.set_engine_label(label, cloud=not self.context.backend.capabilities.signs_with_identity)

    async def _check_keyring_async(self) -> None:
        await self.context.check_keyring()
        self._show_keyring_state()

    def _show_keyring_state(self) -> None:
        problem = self.context.keyring_problem
        self.keyring_warning.setVisible(bool(problem))
        if problem:
            self.keyring_warning.setText(f"<b>No secure keyring.</b> {problem} Signing and API keys need one; "
                                         "see Settings for how to fix it.")

    def show_store_notices(self) -> QMessageBox | None:
        """Damaged local stores found at start-up (or since): said once, in a message and the status bar."""
        notices = self.context.take_notices()
        if not notices:
            return None
        text = "\n\n".join(n.text for n in notices)
        self.statusBar().showMessage(f"Damaged and set aside: {', '.join(n.store for n in notices)}.", 30000)
        box = QMessageBox(QMessageBox.Icon.Warning, APP_NAME, text, QMessageBox.StandardButton.Ok, self)
        box.setObjectName("storeNotice")
        box.setTextFormat(Qt.TextFormat.PlainText)  # paths are not markup
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        return box

    def _refresh_usage_soon(self) -> None:
        self._usage_timer.start()

    async def check_trust_lists_async(self) -> None:
        """The weekly check for new trust lists; a failure only shows in the status bar (and in Settings)."""
        self._trust_timer.setInterval(TRUST_RECHECK_MS)
        if not self.context.settings.trust_auto_update:
            return
        report = await self.context.trust.update_if_due()
        self.show_store_notices()  # a damaged update record was set aside while checking
        if report is None:
            return
        if report.changed:
            self.context.trust_changed()
            self.statusBar().showMessage("Trust lists updated. " + update_text(report).replace("\n", " · "), 15000)
        elif not report.ok:
            self.statusBar().showMessage(check_failed_text(report), 10000)
        await self.refresh_trust_hint_async()

    def _announce(self, report: InspectionReport) -> None:
        self.statusBar().showMessage(f"{visible(report.file.name)}: {VERDICTS[report.verdict].title}", 6000)
        self.show_store_notices()  # updating the log's anchor may have set a log volume aside

    # -- watch folders and the tray -----------------------------------------------------------
    def _watch_defaults(self) -> tuple[ContentSource, LocationChoice, bool]:
        options = self.context.protect_options()
        return options.content_source, options.privacy.location, options.privacy.strip_serials

    def _watch_finished(self, summary: BatchFinished) -> None:
        """Files from watch folders or a card are protected: a desktop notification (the status bar without a
        tray), so it is seen with the window minimised."""
        self.tray.notify(summary.title, summary.text)
        self.statusBar().showMessage(summary.text, 15000)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        # Minimised while folders are watched: into the tray, out of the way (where the desktop has one).
        if event.type() == QEvent.Type.WindowStateChange and self.isMinimized() and not self._closing \
                and any(f.enabled for f in self.context.watch_folders()):
            self.tray.hide_window()

    # -- lifecycle ----------------------------------------------------------------------------
    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        QTimer.singleShot(0, self.usage.refresh)
        QTimer.singleShot(0, self._refresh_trust_hint)
        if not self._trust_timer.isActive() and not self._closing and not self._welcome_open:
            self._trust_timer.start()

    def closeEvent(self, event: QCloseEvent) -> None:
        """Quit, the close button and QApplication.quit() all arrive here. The first close is refused: the
        window stops its work while the event loop still runs (closing a network connection needs the
        loop), then closes for real. The refusal also cancels a QApplication.quit() in progress, so the
        event loop cannot end under that work; the composition root ends it afterwards. The window stays
        visible meanwhile: Qt takes a hidden window for a closed one and would quit at once."""
        self._closing = True
        if self._stopped:
            self._window_state.save(self, self._splitters())
            super().closeEvent(event)
            self.closed.emit()
            return
        event.ignore()
        if self._stopping is None:
            if (content := self.centralWidget()) is not None:
                content.setEnabled(False)
            self.statusBar().showMessage("Closing…")
            self._stopping = asyncio.ensure_future(self._stop_then_close())

    async def _stop_then_close(self) -> None:
        try:
            await self.aclose()
        except Exception as e:  # a bug: logged and explained by the crash handler, and the app still ends
            sys.excepthook(type(e), e, e.__traceback__)
        finally:
            self._stopped = True  # even after a failed clean-up the window must close, or the app never ends
            QTimer.singleShot(0, self.close)  # from the Qt loop, not inside this task (see FIELD-NOTES, qasync)

    async def aclose(self) -> None:
        self._trust_timer.stop()
        self._usage_timer.stop()
        await self._tasks.aclose()  # a cancelled download closes its connection while the loop still runs
        await self.protect.aclose()
        await self.inspect.aclose()
        await self.capture.aclose()
        self.context.watch.on_finished(None)
        await self.watch.aclose()
        await self.usage.aclose()
        self._stopped = True
