"""One interface, two engines: LocalBackend (c2pa on this machine) and, elsewhere, CloudBackend.

Every call is async and does its heavy work in an executor, so neither the GUI thread nor the CLI's
event loop blocks on c2pa, Pillow, hashing or the keyring.

Files someone else made are parsed in isolated worker processes (engine.untrusted): inspecting, and
decoding a picture for a thumbnail. Signing our own user's file stays in a thread (it needs the signing
key, which never leaves this process), but its thumbnail decode and the reading of the credentials the
file already carries (its parent ingredient) go through the same isolated pool, so a picture or a
manifest that crashes its parser costs the copy its thumbnail or that record, not the app.
"""

from __future__ import annotations

import asyncio
import functools
import getpass
import os
import threading
from collections.abc import Sequence
from concurrent.futures import Executor, ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ...domain.protect import ProtectOptions, ProtectResult, ProtectStatus
from ...domain.report import InspectionReport, Verdict
from ...domain.secrets import SecretStore
from ...domain.soft_binding import FingerprintResult
from ...domain.usage import UsageSnapshot
from ...engine.certs import UNNAMED
from ...engine.cross_check import SecondValidator
from ...engine.identity import IdentityInfo, IdentityStore, SigningIdentity
from ...engine.revocation import CACHE_FILE as REVOCATION_CACHE
from ...engine.revocation import RevocationChecker, not_asked
from ...engine.trust import TrustConfig, TrustSource
from ...engine.untrusted import (
    fingerprint_isolated,
    inspect_isolated,
    inspect_many_isolated,
    parent_isolated,
    second_check_isolated,
    shared_pool,
    thumbnail_isolated,
)
from ...runtime.isolation import IsolatedPool
from ...runtime.threads import run_to_end
from ..account.settings import Settings
from ..jobs.thumbnails_ahead import ThumbnailsAhead
from ..records.ledger import UsageLedger
from ..repository.recovery import keep_protected
from ..trust.sources import build_trust_config
from .kinds import BackendKind, Capabilities
from .protocol import Backend as Backend  # its old home: callers not yet moved to .protocol
from .protocol import GroupHook, ReportStream
from .registry import backend_info

if TYPE_CHECKING:
    from ...engine.parent import ParentCredentials
    from ..repository.sqlite import SqliteRepository

# A batch's results that land within this long of each other are delivered (and logged) as one group.
GATHER_SECONDS = 0.02


def _protect_file(*args: Any, **kwargs: Any) -> ProtectResult:
    """engine.protect.protect_file, loaded (with c2pa and Pillow) on the worker thread of the first protect: a
    process that only inspects sends files to the parser workers and never needs either."""
    from ...engine.protect import protect_file

    return protect_file(*args, **kwargs)


def default_display_name() -> str:
    """The OS account's full name where the system knows it, else the login name."""
    try:
        import pwd

        full = pwd.getpwuid(os.getuid()).pw_gecos.split(",")[0].strip()
        if full:
            return full
    except (ImportError, KeyError, AttributeError):
        pass
    return getpass.getuser() or UNNAMED


class LocalBackend:
    kind = BackendKind.LOCAL
    title = "local (offline)"
    label = "engine: local"
    ledger_name = kind.value

    def __init__(self, root: Path, secrets: SecretStore, settings: Settings, ledger: UsageLedger | None = None,
                 executor: Executor | None = None, trust: TrustConfig | None = None,
                 pool: IsolatedPool | None = None) -> None:
        self.root = root
        self.settings = settings
        self.identities = IdentityStore(root, secrets)
        self.ledger = ledger or UsageLedger(root)
        self._own_executor = executor is None
        self._executor = executor or ThreadPoolExecutor(max_workers=settings.jobs, thread_name_prefix="trustnxt-engine")
        self._identity: SigningIdentity | None = None
        self._identity_lock = asyncio.Lock()
        self._trust = trust
        self._pool = pool  # None: the process-wide pool, started on first use
        self._ahead = ThumbnailsAhead(self._decode_thumbnail, settings.jobs)
        self.identity_created: IdentityInfo | None = None  # set when the first protect made an identity
        self._revocation: RevocationChecker | None = None  # made when revocation is first asked about
        self._repository: SqliteRepository | None = None  # the manifest repository, opened by the first protect
        self._repository_lock = threading.Lock()

    @property
    def capabilities(self) -> Capabilities:
        return backend_info(self.kind).capabilities

    @property
    def pool(self) -> IsolatedPool:
        if self._pool is None:
            self._pool = shared_pool()
        return self._pool

    def _thumbnail(self, src: Path, media_type: str, edge: int) -> bytes | None:
        return self._ahead.thumbnail(src, media_type, edge)

    def _decode_thumbnail(self, src: Path, media_type: str, edge: int) -> bytes | None:
        return thumbnail_isolated(self.pool, src, edge, media_type)

    def protect_soon(self, src: Path, options: ProtectOptions) -> None:
        """A hint that protect(src, options) comes soon (the next file of a batch): its thumbnail is decoded
        now, in an isolated worker, while this process signs the file before it (services/jobs/thumbnails_ahead.py).
        Cheap enough for the event loop."""
        self._ahead.start(src, options.thumbnail_edge)

    def _parent(self, src: Path, media_type: str, title: str) -> ParentCredentials:
        return parent_isolated(self.pool, src, media_type, title, self.trust())

    def trust(self) -> TrustConfig:
        if self._trust is None:
            self._trust = build_trust_config(self.root, self.identities,
                                             remote_manifest_fetch=self.settings.remote_manifest_fetch)
        return self._trust

    def second_validator(self) -> SecondValidator | None:
        """The cross-check's settings (engine.cross_check), None when it is switched off. The second
        validator keeps its own preferences (telemetry: off) in a folder of the data root."""
        if not self.settings.cross_check:
            return None
        return SecondValidator(str(self.root / "validators" / "encypher-c2pa"))

    def revocation(self, report: InspectionReport) -> InspectionReport:
        """State in the report whether its signer's certificate was revoked: asked of the issuer online (OCSP, CRL)
        when Settings › Privacy allows it, answers kept in the data root until they expire (engine.revocation);
        otherwise "not checked" and why. Blocks on the network: called on the engine's threads."""
        if not self.settings.revocation_check:
            return not_asked(report)
        if self._revocation is None:
            self._revocation = RevocationChecker(self.root / REVOCATION_CACHE)
        return self._revocation.apply(report)

    def reload_trust(self) -> None:
        self._trust = None

    def set_trust(self, trust: TrustConfig) -> None:
        self._trust = trust

    def use_trust_anchors(self, extra: Sequence[TrustSource], *, defaults: bool = True) -> None:
        """Trust `extra` too (`defaults` False: only `extra`, not the lists, your identity or saved anchors)."""
        self.set_trust(build_trust_config(self.root, self.identities, defaults=defaults,
                                          remote_manifest_fetch=self.settings.remote_manifest_fetch,
                                          extra=tuple(extra)))

    def _ensure_identity(self) -> SigningIdentity:
        if not self.identities.exists():
            self.identity_created = self.identities.create(
                self.settings.display_name or default_display_name(), self.settings.organisation or None
            )
            self.reload_trust()
        return self.identities.load()

    async def identity(self) -> SigningIdentity:
        async with self._identity_lock:
            if self._identity is None:
                loop = asyncio.get_running_loop()
                self._identity = await loop.run_in_executor(self._executor, self._ensure_identity)
            return self._identity

    async def ready(self, purpose: str) -> str | None:
        if purpose != "protect":
            return None
        await self.identity()
        info = self.identity_created
        return (f"Created your signing identity “{info.display_name}” ({info.algorithm}); "
                "see `trustnxt identity show`.") if info else None

    async def protect(self, src: Path, options: ProtectOptions, *,
                      idempotency_key: str | None = None) -> ProtectResult:
        identity = await self.identity()  # nothing is billed locally: the idempotency key is not needed
        loop = asyncio.get_running_loop()
        cancel = threading.Event()
        work = functools.partial(_protect_file, src, identity, options, cancel, thumbnailer=self._thumbnail,
                                 parent_reader=self._parent, fingerprinter=self._fingerprints)
        # A cancel tells the worker thread to stop before it publishes, and takes effect once the thread
        # is done: until then it may still (re)create the output folder and its temp file, and whoever
        # cleans up after the cancel (e.g. a job's hidden staging folder) must not race it.
        result = await run_to_end(work, executor=self._executor, on_cancel=cancel.set)
        second = self.second_validator()
        if result.status is ProtectStatus.DONE and result.output is not None and second is not None:
            # The second validator reads the new copy too (engine.second_check; 4-8 % of a protect, docs/benchmarks.md).
            await loop.run_in_executor(self._executor, self._check_copy, result, second)
        if result.status is not ProtectStatus.SKIPPED:
            await loop.run_in_executor(None, self.ledger.record, "protect", self.ledger_name,
                                       result.status is ProtectStatus.DONE)
        if result.fingerprints:
            await loop.run_in_executor(None, self._keep, result, options)
        return result

    def _check_copy(self, result: ProtectResult, second: SecondValidator) -> None:
        # In an isolated worker: the copy may embed someone else's manifest (its parent ingredient).
        if result.output is not None and (
                warning := second_check_isolated(self.pool, result.output, result.media_type, second)):
            result.warnings.append(warning)

    def _fingerprints(self, src: Path) -> FingerprintResult:
        return fingerprint_isolated(self.pool, src)

    @property
    def repository(self) -> SqliteRepository:
        """The manifest repository on this computer (services/repository/sqlite.py), opened on first use.
        Blocks: not on the event loop's thread."""
        with self._repository_lock:
            if self._repository is None:
                from ..repository.sqlite import SqliteRepository  # with numpy: not before the first protect

                self._repository = SqliteRepository(self.root)
            return self._repository

    def _keep(self, result: ProtectResult, options: ProtectOptions) -> None:
        """The protected copy's manifest into the repository; a repository that cannot be written costs a warning."""
        try:
            keep_protected(self.repository, result, options)
        except Exception as e:  # noqa: BLE001 - sqlite3.Error, OSError: the copy is made all the same
            result.warnings.append(f"The copy's credentials were not kept in the manifest repository ({e}): a "
                                   "stripped copy of it cannot be recovered on this computer.")

    async def inspect(self, src: Path) -> InspectionReport:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, self._inspect_one, src)

    def _inspect_one(self, src: Path) -> InspectionReport:
        # trust() reads anchors and hashes trust-list snapshots when it was reloaded: never on the caller's loop
        report = self.revocation(inspect_isolated(self.pool, src, self.trust(), self.second_validator()))
        self.ledger.record("inspect", self.ledger_name, report.verdict is not Verdict.ERROR)
        return report

    async def inspect_stream(self, paths: Sequence[Path], jobs: int | None = None, *,
                             also: GroupHook | None = None
                             ) -> ReportStream:
        """Inspect a batch: yields groups of (index into paths, report) as they land, in no set order.

        The same reports as inspect() per file, with less overhead per file: calls are queued ahead on
        each isolated worker (at most `jobs` workers at once), results that land within GATHER_SECONDS
        of each other travel as one group, and each group is written to the usage ledger in one
        transaction, then handed to `also` (e.g. the verification log) on the same worker thread, before
        it is yielded. Stopping early (closing the iterator) sends no more files; those already sent
        finish first. Cancelling (Ctrl-C, quitting) sends no more either and drops the files under way at
        once (their workers are killed, IsolatedPool.imap `abandon`): a stalled parser never holds it up.
        """
        loop = asyncio.get_running_loop()
        landed: asyncio.Queue[list[tuple[int, InspectionReport]] | BaseException | None] = asyncio.Queue()
        stop, abandon = threading.Event(), threading.Event()

        def produce() -> None:
            try:
                for group in inspect_many_isolated(self.pool, paths, self.trust(), slots=jobs or self.settings.jobs,
                                                   gather=GATHER_SECONDS, stop=stop, second=self.second_validator(),
                                                   abandon=abandon):
                    group = [(i, self.revocation(r)) for i, r in group]
                    reports = [r for _, r in group]
                    self.ledger.record_many("inspect", self.ledger_name,
                                            [r.verdict is not Verdict.ERROR for r in reports])
                    if also is not None:
                        also(reports)
                    loop.call_soon_threadsafe(landed.put_nowait, group)
                    if stop.is_set():
                        break
                loop.call_soon_threadsafe(landed.put_nowait, None)
            except BaseException as e:  # noqa: BLE001 - handed to the awaiting side
                loop.call_soon_threadsafe(landed.put_nowait, e)

        producer = loop.run_in_executor(self._executor, produce)
        # An executor shut down before produce() started never runs it: end the stream all the same.
        producer.add_done_callback(lambda f: landed.put_nowait(None) if f.cancelled() else None)
        try:
            while (item := await landed.get()) is not None:
                if isinstance(item, BaseException):
                    raise item
                yield item
        except asyncio.CancelledError:
            abandon.set()
            raise
        finally:
            stop.set()
            if not producer.done():
                await asyncio.shield(producer)

    async def usage(self) -> UsageSnapshot:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(None, self.ledger.snapshot)

    async def aclose(self) -> None:
        self._ahead.close()
        with self._repository_lock:
            if self._repository is not None:
                self._repository.close()
                self._repository = None
        if self._own_executor:
            self._executor.shutdown(wait=False, cancel_futures=True)
