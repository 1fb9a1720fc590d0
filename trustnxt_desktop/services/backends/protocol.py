"""The Backend protocol: everything the GUI, capture, the job runner and the CLI ask of an engine.

LocalBackend (c2pa on this machine), CloudBackend (the TrustNXT service), the RecordingBackend that logs
every inspection, and the app's ActiveBackend all implement it, so callers never ask which one they hold:
what differs between engines is said by `kind` and `capabilities` (kinds.py, registry.py).
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from ...domain.protect import ProtectOptions, ProtectResult
from ...domain.report import InspectionReport
from ...domain.usage import UsageSnapshot
from .kinds import BackendKind, Capabilities

if TYPE_CHECKING:
    from ...engine.trust import TrustConfig, TrustSource
    from ..account.settings import Settings

# Receives each group of reports of a batch on the backend's worker thread, before the group is yielded.
GroupHook = Callable[[list[InspectionReport]], None]
# A batch's reports as they land: groups of (index into the paths, report).
ReportStream = AsyncGenerator[list[tuple[int, InspectionReport]], None]


class Backend(Protocol):
    @property
    def kind(self) -> BackendKind: ...

    @property
    def title(self) -> str:
        """The engine for people: "local (offline)", "TrustNXT cloud at https://api.trustnxt.com"."""
        ...

    @property
    def label(self) -> str:
        """Shown in reports and the window: "engine: local" / "engine: TrustNXT Inspect API"."""
        ...

    @property
    def settings(self) -> Settings: ...

    @property
    def capabilities(self) -> Capabilities: ...

    async def ready(self, purpose: str) -> str | None:
        """Fail fast, before a batch touches any file, when the backend cannot work ("protect" or
        "inspect"); may return a notice for the person (e.g. that an identity was just created)."""
        ...

    def protect_soon(self, src: Path, options: ProtectOptions) -> None:
        """A hint that protect(src, options) comes soon (the next file of a batch); cheap, may do nothing."""
        ...

    async def protect(self, src: Path, options: ProtectOptions, *,
                      idempotency_key: str | None = None) -> ProtectResult:
        """`idempotency_key`: the same key on a repeated call (a retry, a resumed batch) must never
        cost a second billed call; a backend that bills nothing may ignore it."""
        ...

    async def inspect(self, src: Path) -> InspectionReport: ...

    def inspect_stream(self, paths: Sequence[Path], jobs: int | None = None, *,
                       also: GroupHook | None = None) -> ReportStream:
        """Inspect a batch (at most `jobs` at once; None: settings.jobs): yields groups of (index into paths,
        report) as they land, in no set order. `also` sees each group off the event loop before it is
        yielded. Closing the iterator early sends no more files."""
        ...

    def trust(self) -> TrustConfig | None:
        """The trust configuration inspections use here; None where the service uses its own."""
        ...

    def reload_trust(self) -> None:
        """New lists or anchors were saved: the next inspection reads them again (no-op for the service)."""
        ...

    def use_trust_anchors(self, extra: Sequence[TrustSource], *, defaults: bool = True) -> None:
        """Trust these anchors too for this backend's lifetime; `defaults` False: trust only these.
        Raises ConfigurationError where `capabilities.custom_trust` is False."""
        ...

    async def usage(self) -> UsageSnapshot: ...

    async def aclose(self) -> None: ...


__all__ = ["Backend", "BackendKind", "Capabilities", "GroupHook", "ReportStream"]
