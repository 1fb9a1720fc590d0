"""CloudBackend: the Backend protocol on the TrustNXT REST API.

Same result types as LocalBackend, same output rules: the original is only read, the protected copy
streams into a hidden temp file in the target folder and is published under a free name
(`<stem>.protected<ext>`), never over an existing file. Every protect and inspect call is recorded
in the local usage ledger as backend "cloud", so usage can be shown when the service cannot.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ...cloud.client import CloudClient, Timeouts
from ...cloud.contract import resolve_base_url
from ...cloud.errors import (
    CloudConfigError,
    CloudError,
    CloudNetworkError,
    CloudQuotaError,
    CloudRequestError,
    CloudUnsupportedError,
)
from ...cloud.retry import RetryPolicy
from ...domain.checks import CHECK_IDS
from ...domain.errors import ConfigurationError
from ...domain.explain import summarise
from ...domain.protect import PROTECTED_SUFFIX, ProtectOptions, ProtectResult, ProtectStatus
from ...domain.regular_files import not_regular, problem_sentence
from ...domain.report import Check, CheckStatus, EngineInfo, FileInfo, InspectionReport, Revocation, Verdict
from ...domain.timestamps import (
    NOT_CHECKED_SERVICE,
    REVOCATION_GOOD,
    REVOCATION_NOT_CHECKED,
    REVOCATION_REVOKED,
    WHY_NOT_CHECKED,
)
from ...domain.usage import UsageSnapshot
from ...engine.media import extension_for, media_type_for_extension
from ...runtime import atomic as output
from ..account.credentials import CredentialStore
from ..account.settings import Settings
from ..records.ledger import UsageLedger
from .batch import inspect_each
from .kinds import BackendKind, Capabilities
from .protocol import GroupHook, ReportStream
from .registry import backend_info

if TYPE_CHECKING:
    from ...engine.trust import TrustConfig, TrustSource

log = logging.getLogger(__name__)
ENGINE_LABEL = "cloud"
SERVICE_NAME = "TrustNXT Inspect API"


class CloudBackend:
    kind = BackendKind.CLOUD
    label = "engine: TrustNXT Inspect API"
    ledger_name = kind.value

    def __init__(self, root: Path, settings: Settings, credentials: CredentialStore, *,
                 ledger: UsageLedger | None = None, retry: RetryPolicy | None = None,
                 timeouts: Timeouts | None = None, environ: Mapping[str, str] | None = None) -> None:
        self.root = root
        self.settings = settings
        self.credentials = credentials
        self.ledger = ledger or UsageLedger(root)
        self.base_url = resolve_base_url(settings.api_url, os.environ if environ is None else environ)
        self._retry = retry
        self._timeouts = timeouts
        self._client: CloudClient | None = None
        self._client_lock = asyncio.Lock()

    def __repr__(self) -> str:
        return f"CloudBackend({self.base_url!r}, profile={self.credentials.profile!r})"

    @property
    def title(self) -> str:
        return f"TrustNXT cloud at {self.base_url}"

    @property
    def capabilities(self) -> Capabilities:
        return backend_info(self.kind).capabilities

    # The service uses its own trust lists and validators: nothing configured here changes its verdicts.
    def trust(self) -> TrustConfig | None:
        return None

    def reload_trust(self) -> None:
        pass

    def use_trust_anchors(self, extra: Sequence[TrustSource], *, defaults: bool = True) -> None:
        raise ConfigurationError("The TrustNXT service uses its own trust lists; anchors can be added only to the "
                                 "local engine.")

    async def prepare(self) -> CloudClient:
        """Load the credentials (a keyring call, so in a worker thread) and open the shared client once.

        Raises CredentialsMissingError / KeyringUnavailableError / CloudConfigError before any file is touched.
        """
        async with self._client_lock:
            if self._client is None:
                credentials = await asyncio.to_thread(self.credentials.require)
                self._client = CloudClient(self.base_url, credentials, retry=self._retry, timeouts=self._timeouts,
                                           max_connections=max(4, self.settings.jobs * 2))
            return self._client

    async def ready(self, purpose: str) -> str | None:
        await self.prepare()  # no key or no keyring: said before any file is touched
        return None

    async def _record(self, kind: str, ok: bool) -> None:
        await asyncio.to_thread(self.ledger.record, kind, self.ledger_name, ok)

    # -- protect -------------------------------------------------------------------------------

    def protect_soon(self, src: Path, options: ProtectOptions) -> None:
        pass  # the service decodes its own thumbnails

    async def protect(self, src: Path, options: ProtectOptions, *,
                      idempotency_key: str | None = None) -> ProtectResult:
        """Problems with one file come back in the result; account problems (key refused, quota used up,
        no credentials) raise, because every other file would fail the same way.

        `idempotency_key`: pass the same key for every attempt at the same job (a persistent job keeps
        its key across restarts), so the service replays instead of billing again; None: a fresh key,
        kept across this call's own retries."""
        client = await self.prepare()
        started = time.perf_counter()
        result = ProtectResult(source=src, status=ProtectStatus.FAILED, engine=ENGINE_LABEL)
        if problem := await asyncio.to_thread(_not_protectable, src):
            result.error = problem  # nothing was sent, so nothing is recorded
            return result
        if options.privacy.changes_anything:  # the file would be uploaded with what was chosen to be removed
            result.error = ("The TrustNXT Protect API signs files as they are, so the privacy choices (location, "
                            "serial numbers) cannot be applied: nothing was sent. Choose to keep them, or protect "
                            "with the local engine.")
            return result
        try:
            await self._protect(client, src, options, result, idempotency_key)
        except (CloudConfigError, CloudQuotaError, ConfigurationError):
            await self._record("protect", False)
            raise
        except CloudUnsupportedError as e:
            result.status, result.error = ProtectStatus.SKIPPED, str(e)
        except CloudError as e:
            result.error = str(e)
        except PermissionError as e:
            result.error = f"Permission denied: {e.filename or src}"
        except FileNotFoundError as e:
            result.error = f"File not found: {e.filename or src}"
        except OSError as e:
            result.error = f"Could not read or write the file: {e.strerror or e}"
        result.seconds = time.perf_counter() - started
        if result.status is not ProtectStatus.SKIPPED:
            # A replayed answer was billed once, when the service first did the work, and is recorded
            # here the first time we receive it (the attempt that was billed may have died with us).
            await self._record("protect", result.status is ProtectStatus.DONE)
        return result

    async def _protect(self, client: CloudClient, src: Path, options: ProtectOptions, result: ProtectResult,
                       idempotency_key: str | None) -> None:
        before = src.stat()
        out_dir = options.out_dir or src.parent
        with output.atomic_output(out_dir, src.name) as (tmp_file, tmp_path):
            answer = await client.protect(src, tmp_file, options, idempotency_key=idempotency_key)
            await asyncio.to_thread(output.finish, tmp_file)
            after = src.stat()
            if (after.st_size, after.st_mtime_ns) != (before.st_size, before.st_mtime_ns):
                result.error = "The file changed while it was being protected; try again once it is saved."
                return
            extension = src.suffix
            result.media_type = answer.media_type
            if media_type_for_extension(src) != answer.media_type:
                extension = extension_for(answer.media_type) or src.suffix
                if extension != src.suffix:
                    result.warnings.append(
                        f"The file is really {answer.media_type}; the protected copy is named {extension}.")
            candidates = output.candidate_paths(src, out_dir, PROTECTED_SUFFIX, extension)
            result.output = await asyncio.to_thread(output.publish, tmp_path, candidates)
        result.status = ProtectStatus.DONE
        if answer.replayed:
            log.info("protect %s: the service replayed its earlier answer (not billed again)", src.name)

    # -- inspect -------------------------------------------------------------------------------

    async def inspect(self, src: Path) -> InspectionReport:
        """The service's report, with the file named by its path on this machine. A file that cannot be
        read here gives an `error` report as the local engine does; service problems raise CloudError."""
        client = await self.prepare()
        if refused := await asyncio.to_thread(not_regular, src):
            return _unreadable(src, refused)  # a FIFO or device: never opened, nothing sent, nothing billed
        try:
            report = await client.inspect(src)
        except OSError as e:  # unreadable here: nothing (or not all) was sent, nothing was billed
            return _unreadable(src, f"could not read the file: {e.strerror or e}")
        except BaseException:
            await self._record("inspect", False)
            raise
        report.file.path, report.file.name = str(src), src.name
        # Say which engine produced the verdict: the service, whatever validator it runs inside.
        inner = " ".join(p for p in (report.engine.name, report.engine.version) if p)
        report.engine.name, report.engine.version = SERVICE_NAME, inner
        _revocation_from_service(report)
        await self._record("inspect", True)  # the service answered with a report: a billed call, whatever the verdict
        return report

    def inspect_stream(self, paths: Sequence[Path], jobs: int | None = None, *,
                       also: GroupHook | None = None) -> ReportStream:
        """One call per file, at most `jobs` at once (None: settings.jobs); each report a group of its own."""
        return inspect_each(self.inspect, paths, jobs or self.settings.jobs, also)

    # -- usage ---------------------------------------------------------------------------------

    async def usage(self) -> UsageSnapshot:
        """The service's figures; the local ledger's when the service has no usage endpoint or cannot be
        reached (DNS, refused, timeout, TLS), with `note` saying why. Other service errors (key refused, an
        answer that is not TrustNXT's) raise CloudError: they need the person to act."""
        client = await self.prepare()
        try:
            return await client.usage()
        except CloudRequestError as e:
            if e.status != 404:
                raise
            log.info("the TrustNXT service has no usage endpoint; showing the local ledger")
            note = f"The TrustNXT service at {self.base_url} does not report usage."
        except CloudNetworkError as e:
            log.info("usage: %s; showing the local ledger", type(e).__name__)
            note = str(e)
        snapshot = await asyncio.to_thread(self.ledger.snapshot, None, self.ledger_name)
        snapshot.note = note
        return snapshot

    async def aclose(self) -> None:
        async with self._client_lock:
            if self._client is not None:
                await self._client.aclose()
                self._client = None


def _not_protectable(src: Path) -> str | None:
    """The checks the local engine makes first, so a hopeless file is never uploaded (nor a FIFO or
    device opened)."""
    if problem := problem_sentence(src):
        return problem
    if src.stat().st_size == 0:
        return "The file is empty."
    return None


def _revocation_from_service(report: InspectionReport) -> None:
    """A signed file's revocation as the cloud engine knows it: "good" or "revoked" when the service's report says
    so; otherwise not checked, and why (NOT_CHECKED_SERVICE). The TrustNXT API as modelled in docs/cloud-api.md
    documents no revocation result, and this app does not ask issuers about files the service checked."""
    if report.signer is None or (report.revocation is not None
                                 and report.revocation.status in (REVOCATION_GOOD, REVOCATION_REVOKED)):
        return
    detail = f"Revocation was not checked: {WHY_NOT_CHECKED[NOT_CHECKED_SERVICE]}."
    kept = report.revocation
    report.revocation = Revocation(REVOCATION_NOT_CHECKED, detail, why_not=NOT_CHECKED_SERVICE,
                                   certificate=kept.certificate if kept else None,
                                   chain_pem=list(kept.chain_pem) if kept else [])
    report.checks = [Check("revocation", CheckStatus.UNKNOWN, detail) if c.id == "revocation" else c
                     for c in report.checks]


def _unreadable(src: Path, reason: str) -> InspectionReport:
    detail = "The file could not be read."
    return InspectionReport(
        file=FileInfo(path=str(src), name=src.name, size=0, sha256="", media_type=None),
        verdict=Verdict.ERROR, summary=summarise(Verdict.ERROR, reason=reason),
        engine=EngineInfo(name=SERVICE_NAME, version=""),
        checks=[Check(c, CheckStatus.UNKNOWN, detail) for c in CHECK_IDS], error=reason)


__all__ = ["CloudBackend", "ENGINE_LABEL", "SERVICE_NAME"]
