"""Everything the GUI needs, built once at start-up: settings, keyring, ledger, the active backend, and the
job queues (the Protect panel's queue, capture's store and protector) that views show and drive."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from pathlib import Path

from ..cloud.errors import CloudError
from ..domain.privacy import PrivacyChoices
from ..domain.protect import ContentSource, ProtectOptions
from ..domain.secrets import SecretStore
from ..domain.usage import UsageSnapshot
from ..runtime.private_files import make_private
from .account.identity import IdentityService
from .account.keyring_store import KeyringSecretStore, backend_problem
from .account.settings import Settings, SettingsStore
from .backends.active import ActiveBackend
from .backends.registry import backend_info, make_backend
from .derive import DerivedCopies
from .jobs.capture_queue import CaptureProtector
from .jobs.capture_store import CaptureStore
from .jobs.protect_queue import ProtectQueue
from .jobs.store import JobStore
from .later_timestamps import LaterTimestamps
from .paths import captures_dir, data_root
from .records.exports import ExportFolder
from .records.ledger import UsageLedger
from .records.verification_log import VerificationLog
from .repository.recovery_service import RecoveryService
from .store_health import StoreNotice, take_notices
from .trust.service import TrustService
from .watch.card import imports_dir
from .watch.folders import WatchFolder, parse_folders
from .watch.service import WatchService


@dataclass
class AppContext:
    root: Path
    settings_store: SettingsStore
    settings: Settings
    secrets: SecretStore
    ledger: UsageLedger
    backend: ActiveBackend  # one object for the app's life; Save swaps the engine inside it
    identity: IdentityService
    jobs: JobStore
    trust: TrustService = field(init=False)
    export_folder: ExportFolder = field(init=False)  # where export dialogs start, remembered in the settings
    protect_queue: ProtectQueue = field(init=False)  # the Protect panel's jobs (origin "gui")
    capture: CaptureProtector = field(init=False)  # captures and their protection (origin "capture")
    copies: DerivedCopies = field(init=False)  # web exports and caption edits, signed with the local identity
    timestamps: LaterTimestamps = field(init=False)  # timestamps added later to copies protected offline
    recovery: RecoveryService = field(init=False)  # credentials of received pictures looked up by fingerprint
    watch: WatchService = field(init=False)  # watch folders and card imports (origin "watch"), started by app.py
    keyring_problem: str | None = None  # why secrets cannot be kept safe; known once check_keyring() answered
    notices: list[StoreNotice] = field(default_factory=list)  # damaged stores found while starting: say so once
    _keyring_check: asyncio.Future[str | None] | None = field(default=None, init=False, repr=False)

    @classmethod
    def create(cls, root: Path | None = None) -> AppContext:
        """Raises StoreUnavailableError when a store cannot be opened for a reason other than damage."""
        root = make_private(root) if root else data_root()
        take_notices()  # only what this start finds
        store = SettingsStore(root)
        settings = store.load()
        secrets = KeyringSecretStore()
        context = cls(root=root, settings_store=store, settings=settings, secrets=secrets, ledger=UsageLedger(root),
                      backend=ActiveBackend(make_backend(root, settings, secrets)),
                      identity=IdentityService(root, secrets), jobs=JobStore(root))
        context.notices = take_notices()
        return context

    async def check_keyring(self) -> str | None:
        """Why the OS keyring cannot keep secrets safe (keyring_store.backend_problem), or None; asked once, in a
        worker thread, and kept in `keyring_problem`. Loading keyring and choosing its backend takes 50-100 ms
        that the window's first paint does not wait for."""
        if self._keyring_check is None:
            self._keyring_check = asyncio.ensure_future(asyncio.to_thread(backend_problem))
        self.keyring_problem = await asyncio.shield(self._keyring_check)
        return self.keyring_problem

    def take_notices(self) -> list[StoreNotice]:
        """Damaged stores found since the last call (at start-up, or later: a log volume set aside when its
        anchor is updated), each returned once."""
        found, self.notices = [*self.notices, *take_notices()], []
        return found

    def __post_init__(self) -> None:
        self.trust = TrustService(self.root, lambda: self.settings)
        self.export_folder = ExportFolder(lambda: self.settings, self.settings_store.save)
        # Persistent: work left by a crash or a quit resumes when the views open (they ask the queues).
        self.protect_queue = ProtectQueue(lambda: self.backend, self.protect_options, self.settings.jobs,
                                          store=self.jobs, origin="gui")
        self.copies = DerivedCopies(self.root, self.secrets, lambda: self.settings)
        self.timestamps = LaterTimestamps(self.root, self.secrets, lambda: self.settings, self.jobs)
        self.recovery = RecoveryService(self.root, lambda: self.settings, self.secrets, self.backend.trust)
        self.capture = CaptureProtector(CaptureStore(captures_dir()), self.jobs, lambda: self.backend,
                                        self.protect_options)
        self.watch = WatchService(self.jobs, lambda: self.backend, self.protect_options, self.settings.jobs)

    def verification_log(self) -> VerificationLog:
        """The log every inspection is written to (a new reader; the backend keeps its own writer)."""
        return VerificationLog(self.root, self.secrets)

    def trust_changed(self) -> None:
        """New lists or anchors: the local engine rebuilds its trust settings before its next inspection."""
        self.backend.reload_trust()

    def engine_label(self) -> str:
        return backend_info(self.backend.kind).status

    def protect_options(self) -> ProtectOptions:
        return self.settings.protect_options()

    def remember_content_source(self, source: ContentSource) -> None:
        """The Protect panel's latest claim becomes the default for the next start (the backend stays)."""
        if self.settings.protect_source != source.value:
            self.settings.protect_source = source.value
            self.settings_store.save(self.settings)

    def remember_privacy(self, choices: PrivacyChoices) -> None:
        """The privacy panel's latest choices become the defaults for the next files and the next start."""
        if (self.settings.privacy_location, self.settings.privacy_strip_serials) != \
                (choices.location.value, choices.strip_serials):
            self.settings.privacy_location = choices.location.value
            self.settings.privacy_strip_serials = choices.strip_serials
            self.settings_store.save(self.settings)

    def watch_folders(self) -> list[WatchFolder]:
        return parse_folders(self.settings.watch_folders)

    async def save_watch_folders(self, folders: list[WatchFolder]) -> None:
        """Remember these watch folders and watch exactly them from now on. Raises OSError (not saved)."""
        self.settings.watch_folders = [f.to_json() for f in folders]
        await asyncio.to_thread(self.settings_store.save, self.settings)
        await self.watch.set_folders(folders)

    def card_import_dir(self) -> Path:
        """Where camera cards are imported (a dated folder per day inside it)."""
        return Path(self.settings.card_import_dir).expanduser() if self.settings.card_import_dir else imports_dir()

    def set_card_import_dir(self, folder: Path) -> None:
        """Cards are imported into this folder from now on (remembered). Raises OSError (not remembered)."""
        self.settings.card_import_dir = str(folder)
        self.settings_store.save(self.settings)

    def apply_settings(self, settings: Settings) -> None:
        """Save settings and swap a backend built on them into the active one: the next call uses them
        (engine, address, parallel inspections); calls under way finish on the old engine, which is then
        closed."""
        self.settings_store.save(settings)
        self.settings = settings
        self.protect_queue.workers = settings.jobs
        self.watch.queue.workers = settings.jobs
        self.backend.swap(make_backend(self.root, settings, self.secrets))

    async def usage(self) -> UsageSnapshot:
        """This month's calls for the usage panel. When the service refuses or fails (key refused, not a
        TrustNXT answer, …) the calls counted on this computer, with `note` saying what failed; the CLI's
        `trustnxt usage` stays strict instead. No key or no keyring still raises: nothing to count with."""
        try:
            return await self.backend.usage()
        except CloudError as e:
            snapshot = await asyncio.to_thread(self.ledger.snapshot, None, self.backend.kind.value)
            snapshot.note = str(e)
            return snapshot

    async def aclose(self) -> None:
        """Once, at quit: the queues suspend their jobs (kept in the store for the next start), then the
        backend and the store close."""
        await self.watch.aclose()
        await self.protect_queue.aclose()
        await self.capture.aclose()
        await self.backend.aclose()
        await asyncio.to_thread(self.recovery.close)
        self.jobs.close()
