"""Recovery for the app: which reports are looked up by themselves, the repositories a look-up asks, and the
look-up itself off the GUI thread (services/repository/recovery.py does the searching); and, when the person allows it
(Settings › Privacy), received pictures with intact credentials kept in this computer's repository.

When a look-up happens (decided here, shown by the Inspect view):
- automatically, for a picture that carries no Content Credentials at all (verdict NONE): the manifest repository on
  this computer is searched, and the remote repositories too when the person turned them on in the settings (that
  switch is the consent to send fingerprints, never files);
- on request ("Look up"), for a picture whose credentials are there but could not be read or were not fetched
  (verdict ERROR or UNVERIFIED): a broken manifest may be a tampered file, and the person decides whether to look.
"""

from __future__ import annotations

import asyncio
import copy
import datetime as dt
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ...domain.errors import ProtectError
from ...domain.report import InspectionReport, RecoveredCredentials, Verdict
from ...domain.secrets import SecretStore
from ..account.settings import Settings
from .protocol import ManifestRepository, RepositoryRecord
from .recovery import Recovery, how_found, local_recovery, wants_recovery

if TYPE_CHECKING:
    from ...engine.trust import TrustConfig
    from ..derive import DerivedCopies
    from .sqlite import SqliteRepository

TrustGetter = Callable[[], "TrustConfig | None"]
log = logging.getLogger(__name__)
KEPT = (Verdict.TRUSTED, Verdict.VALID)  # inspected files whose credentials are kept, when the setting is on
THUMBNAIL_EDGE = 512  # the signed thumbnail kept with a received file's record, re-encoded upright, pixels


@dataclass(frozen=True)
class RecoveryOutcome:
    """A look-up's result: `report` (a copy of the one given, with `recovered` filled when something matched) and
    what was searched, in a sentence for people (`searched`), or why nothing could be (`refused`)."""

    report: InspectionReport
    searched: str
    refused: str | None = None


class RecoveryService:
    """Looks up the credentials of received pictures that carry none. `settings` and `trust` are read at each
    look-up (Save may change them); the repository on this computer is opened once, at the first look-up."""

    def __init__(self, root: Path, settings: Callable[[], Settings], secrets: SecretStore, trust: TrustGetter,
                 recovery: Callable[[list[ManifestRepository], TrustGetter], Recovery] | None = None) -> None:
        self.root = root
        self._settings = settings
        self._secrets = secrets
        self._trust = trust
        self._make = recovery or _isolated_recovery
        self._local: SqliteRepository | None = None
        self._lock = threading.Lock()

    @staticmethod
    def wanted(report: InspectionReport) -> bool:
        """Whether `report` can be looked up (services.repository.recovery.wants_recovery)."""
        return wants_recovery(report)

    @staticmethod
    def automatic(report: InspectionReport) -> bool:
        """Whether `report` is looked up without being asked: a picture with no credentials at all."""
        return report.verdict is Verdict.NONE and wants_recovery(report)

    def remote_on(self) -> bool:
        settings = self._settings()
        return settings.remote_repositories and bool(settings.remote_repository_urls)

    def local(self) -> SqliteRepository:
        """The manifest repository on this computer, opened on first use. Blocks: not on the GUI thread."""
        with self._lock:
            if self._local is None:
                from .sqlite import SqliteRepository  # with numpy: not before the first look-up

                self._local = SqliteRepository(self.root)
            return self._local

    async def recover(self, report: InspectionReport) -> RecoveryOutcome:
        """Look `report`'s picture up; the given report is left as it is. Never raises for the file or a
        repository: what could not be searched is said in the outcome."""
        return await asyncio.to_thread(self.recover_now, report)

    def recover_now(self, report: InspectionReport) -> RecoveryOutcome:
        """recover(), blocking: for worker threads and the CLI."""
        from ...domain.errors import TrustNXTError
        from .remote import configured_remotes

        remotes: list[ManifestRepository] = []
        problem = None
        try:
            remotes += configured_remotes(self._settings(), self._secrets)
        except TrustNXTError as e:  # an unusable address, no keyring: this computer's repository all the same
            problem = f"remote repositories not searched: {e}"
        fresh = copy.copy(report)
        fresh.recovered = list(report.recovered)  # its own list: the given report is left as it is
        try:
            search = self._make([self.local(), *remotes], self._trust).search(fresh)
        finally:
            for remote in remotes:
                remote.close()
        return RecoveryOutcome(search.report, search.sentence(problem), search.refused)

    def stored_manifest(self, candidate: RecoveredCredentials) -> bytes | None:
        """The manifest store of a recovered candidate, read again from the repository it came from (this computer's,
        or a configured remote one); None when it is no longer there. Blocks; raises RepositoryError, OSError."""
        from .remote import configured_remotes

        if candidate.source == self.local().name:
            stored = self.local().manifest(candidate.manifest_id)
            return stored.manifest_store if stored else None
        for remote in configured_remotes(self._settings(), self._secrets):
            try:
                if remote.name == candidate.source:
                    stored = remote.manifest(candidate.manifest_id)
                    return stored.manifest_store if stored else None
            finally:
                remote.close()
        return None

    async def reembed(self, report: InspectionReport, candidate: RecoveredCredentials, copies: DerivedCopies,
                      out_dir: Path | None = None) -> Path:
        """A signed copy of `report`'s file carrying `candidate`'s credentials as re-associated by fingerprint
        (engine.reembed, signed with this computer's identity by `copies`); returns it. Raises ProtectError when
        the credentials are no longer in their repository or the copy cannot be made."""
        store = await asyncio.to_thread(self.stored_manifest, candidate)
        if store is None:
            raise ProtectError(f"The recovered credentials are no longer in the manifest repository of "
                               f"{candidate.source}.")
        return await copies.reassociate(Path(report.file.path), store, how_found(candidate), out_dir)

    def keeps(self, report: InspectionReport) -> bool:
        """Whether `report`'s file is kept in this computer's repository: the setting is on (Settings › Privacy,
        off by default) and it is a picture whose own credentials are intact (trusted or valid)."""
        media_type = report.file.media_type or ""
        return (self._settings().keep_inspected and report.verdict in KEPT
                and media_type.startswith("image/") and media_type != "image/svg+xml")

    async def keep_inspected(self, report: InspectionReport) -> bool:
        return await asyncio.to_thread(self.keep_now, report)

    def keep_now(self, report: InspectionReport) -> bool:
        """Keep the file's embedded manifest store, its signed thumbnail and its picture's fingerprints in this
        computer's repository (origin "inspect"). False when it was not kept (kept already, no embedded store we
        can read, a featureless picture, or it could not be: logged). Never raises; blocks."""
        if not self.keeps(report):
            return False
        from ...engine.untrusted import (
            fingerprint_isolated,
            manifest_store_isolated,
            resource_picture_isolated,
            shared_pool,
        )

        path = Path(report.file.path)
        try:
            pool = shared_pool()
            found = manifest_store_isolated(pool, path)
            prints = fingerprint_isolated(pool, path).upright
            if found is None or prints is None:
                return False
            thumbnail = (resource_picture_isolated(pool, path, report.thumbnail, THUMBNAIL_EDGE, self._trust())
                         if report.thumbnail else None)
            return self.local().add(RepositoryRecord(
                manifest_id=found[1], manifest_store=found[0], fingerprints=(prints.iscc, prints.pdq),
                media_type=report.file.media_type or "application/octet-stream", origin="inspect",
                added_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                title=report.title or report.file.name, thumbnail=thumbnail,
                thumbnail_type="image/jpeg" if thumbnail else None))
        except Exception as e:  # noqa: BLE001 - WorkerFailure, sqlite3.Error, OSError: the inspection stands
            log.warning("%s was not kept in the manifest repository: %s", report.file.name, e)
            return False

    def close(self) -> None:
        with self._lock:
            if self._local is not None:
                self._local.close()
                self._local = None


def _isolated_recovery(repositories: list[ManifestRepository], trust: TrustGetter) -> Recovery:
    from ...engine.trust import TrustConfig
    from ...engine.untrusted import shared_pool

    return local_recovery(repositories, shared_pool(), trust() or TrustConfig())

