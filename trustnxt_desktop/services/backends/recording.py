"""A Backend that writes every inspection into the verification log, whichever engine did it.

It wraps any Backend (local or cloud): inspect() calls through, then appends to the log in a worker
thread; everything else is the inner backend's own. A failure to write the log is logged and does not
cost the person their report.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Sequence
from pathlib import Path
from typing import Any

from ...domain.protect import ProtectOptions, ProtectResult
from ...domain.report import InspectionReport
from ...domain.usage import UsageSnapshot
from ..account.settings import Settings
from ..records.verification_log import VerificationLog
from .local import Backend

log = logging.getLogger(__name__)


class RecordingBackend:
    def __init__(self, inner: Backend, verification_log: VerificationLog) -> None:
        self.inner = inner
        self.log = verification_log

    @property
    def label(self) -> str:
        return self.inner.label

    @property
    def settings(self) -> Settings:
        return self.inner.settings

    def __getattr__(self, name: str) -> Any:
        # Only called for attributes not found here: the inner backend's extras (trust(), identities, ...).
        return getattr(self.inner, name)

    async def ready(self, purpose: str) -> str | None:
        if purpose == "inspect":
            self.log.check_ahead()  # its keyring round trips overlap the first file's inspection
        return await self.inner.ready(purpose)

    async def protect(self, src: Path, options: ProtectOptions, **kwargs: Any) -> ProtectResult:
        return await self.inner.protect(src, options, **kwargs)

    async def inspect(self, src: Path) -> InspectionReport:
        report = await self.inner.inspect(src)
        try:
            await asyncio.get_running_loop().run_in_executor(None, self.log.append, report)
        except Exception:  # noqa: BLE001 - the report matters more than its log line; say so loudly
            log.exception("could not write %s to the verification log", src.name)
        return report

    async def inspect_stream(self, paths: Sequence[Path], jobs: int | None = None
                             ) -> AsyncIterator[list[tuple[int, InspectionReport]]]:
        """The inner backend's batch inspection; each group of reports is logged in one transaction
        (on the inner backend's worker thread) before it is yielded."""
        async for group in self.inner.inspect_stream(paths, jobs, also=self._log_group):
            yield group

    def _log_group(self, reports: list[InspectionReport]) -> None:
        try:
            self.log.append_many(reports)
        except Exception:  # noqa: BLE001 - as in inspect()
            log.exception("could not write %d reports to the verification log", len(reports))

    async def usage(self) -> UsageSnapshot:
        return await self.inner.usage()

    async def aclose(self) -> None:
        try:
            await self.inner.aclose()
        finally:
            await asyncio.to_thread(self.log.close)  # its last anchor update is keyring and signing work


def unwrap(backend: Any) -> Any:
    """The engine behind any recording wrapper (for isinstance checks on LocalBackend/CloudBackend)."""
    while isinstance(backend, RecordingBackend):
        backend = backend.inner
    return backend
