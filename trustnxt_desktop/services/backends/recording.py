"""A Backend that writes every inspection into the verification log, whichever engine did it.

It wraps any Backend (local or cloud): inspect() calls through, then appends to the log in a worker
thread; everything else is the inner backend's own, forwarded explicitly. A failure to write the log
is logged and does not cost the person their report.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ...domain.protect import ProtectOptions, ProtectResult
from ...domain.report import InspectionReport
from ...domain.usage import UsageSnapshot
from ..account.settings import Settings
from ..records.verification_log import VerificationLog
from .kinds import BackendKind, Capabilities
from .protocol import Backend, GroupHook, ReportStream

if TYPE_CHECKING:
    from ...engine.trust import TrustConfig, TrustSource

log = logging.getLogger(__name__)


class RecordingBackend:
    """The Backend protocol on `inner`, with every inspection appended to `verification_log`."""

    def __init__(self, inner: Backend, verification_log: VerificationLog) -> None:
        self.inner = inner
        self.log = verification_log

    def __repr__(self) -> str:
        return f"RecordingBackend({self.inner!r})"

    @property
    def kind(self) -> BackendKind:
        return self.inner.kind

    @property
    def title(self) -> str:
        return self.inner.title

    @property
    def label(self) -> str:
        return self.inner.label

    @property
    def settings(self) -> Settings:
        return self.inner.settings

    @property
    def capabilities(self) -> Capabilities:
        return self.inner.capabilities

    def trust(self) -> TrustConfig | None:
        return self.inner.trust()

    def reload_trust(self) -> None:
        self.inner.reload_trust()

    def use_trust_anchors(self, extra: Sequence[TrustSource], *, defaults: bool = True) -> None:
        self.inner.use_trust_anchors(extra, defaults=defaults)

    def protect_soon(self, src: Path, options: ProtectOptions) -> None:
        self.inner.protect_soon(src, options)

    async def ready(self, purpose: str) -> str | None:
        if purpose == "inspect":
            self.log.check_ahead()  # its keyring round trips overlap the first file's inspection
        return await self.inner.ready(purpose)

    async def protect(self, src: Path, options: ProtectOptions, *,
                      idempotency_key: str | None = None) -> ProtectResult:
        return await self.inner.protect(src, options, idempotency_key=idempotency_key)

    async def inspect(self, src: Path) -> InspectionReport:
        report = await self.inner.inspect(src)
        try:
            await asyncio.get_running_loop().run_in_executor(None, self.log.append, report)
        except Exception:  # noqa: BLE001 - the report matters more than its log line; say so loudly
            log.exception("could not write %s to the verification log", src.name)
        return report

    def inspect_stream(self, paths: Sequence[Path], jobs: int | None = None, *,
                       also: GroupHook | None = None) -> ReportStream:
        """The inner backend's batch inspection; each group of reports is logged in one transaction
        (on the inner backend's worker thread), then handed to `also`, before it is yielded."""
        def log_group(reports: list[InspectionReport]) -> None:
            try:
                self.log.append_many(reports)
            except Exception:  # noqa: BLE001 - as in inspect()
                log.exception("could not write %d reports to the verification log", len(reports))
            if also is not None:
                also(reports)

        return self.inner.inspect_stream(paths, jobs, also=log_group)

    async def usage(self) -> UsageSnapshot:
        return await self.inner.usage()

    async def aclose(self) -> None:
        try:
            await self.inner.aclose()
        finally:
            await asyncio.to_thread(self.log.close)  # its last anchor update is keyring and signing work

