"""ActiveBackend: the backend the app uses now, as one stable object.

The composition root builds it once and hands it to every view and queue. Saving settings swaps the
engine inside it: every call that starts afterwards goes to the new engine, calls already under way
finish on the old one, and the old one is closed (exactly once) when the last of them has ended, so an
HTTP client or a worker pool never outlives its use and never closes under a running call.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ...domain.protect import ProtectOptions, ProtectResult
from ...domain.report import InspectionReport
from ...domain.usage import UsageSnapshot
from .kinds import BackendKind, Capabilities
from .protocol import Backend, GroupHook, ReportStream

if TYPE_CHECKING:
    from ...engine.trust import TrustConfig, TrustSource
    from ..account.settings import Settings

log = logging.getLogger(__name__)


class _Engine:
    """One backend the ActiveBackend has held, with the calls still running on it."""

    def __init__(self, backend: Backend) -> None:
        self.backend = backend
        self.busy = 0  # calls under way (an inspect_stream counts until it is closed)
        self.closed = False  # aclose() was started: never a second time
        self.closing: asyncio.Task[None] | None = None


class ActiveBackend:
    """The Backend protocol on whichever engine is active; swap() changes the engine for later calls."""

    def __init__(self, backend: Backend) -> None:
        self._current = _Engine(backend)
        self._retired: list[_Engine] = []  # replaced and not yet closed
        self._listeners: list[Callable[[Backend], None]] = []

    def __repr__(self) -> str:
        return f"ActiveBackend({self._current.backend!r})"

    @property
    def current(self) -> Backend:
        """The engine that takes the next call."""
        return self._current.backend

    def swap(self, backend: Backend) -> None:
        """Every call from now on goes to `backend`. The engine it replaces is closed once its calls under
        way have ended: at once when none is (on the running event loop; without one, by aclose())."""
        old, self._current = self._current, _Engine(backend)
        self._retired.append(old)
        if old.busy == 0:
            self._close_soon(old)
        for listener in list(self._listeners):
            listener(backend)

    def subscribe(self, listener: Callable[[Backend], None]) -> Callable[[], None]:
        """Call `listener(new backend)` after each swap (e.g. to follow a new `settings.jobs`); returns a
        function that unsubscribes."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener) if listener in self._listeners else None

    # -- closing ------------------------------------------------------------------------------
    def _close_soon(self, engine: _Engine) -> None:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return  # no loop now: aclose() closes it
        engine.closing = loop.create_task(self._close_logged(engine))

    async def _close_logged(self, engine: _Engine) -> None:
        try:
            await self._close(engine)
        except Exception:  # noqa: BLE001 - nobody awaits this task: say it in the app's log
            log.exception("could not close the engine that was replaced (%r)", engine.backend)

    async def _close(self, engine: _Engine) -> None:
        if engine.closed:
            return
        engine.closed = True
        try:
            await engine.backend.aclose()
        finally:
            if engine in self._retired:
                self._retired.remove(engine)

    async def aclose(self) -> None:
        """Close every engine not closed yet (the active one and any replaced one still busy) and wait for
        the closes started by swap(). Owners stop their work first; a call still running fails."""
        started = [e.closing for e in self._retired if e.closing is not None]
        for engine in [*self._retired, self._current]:
            await self._close(engine)
        if started:
            await asyncio.gather(*started)

    @contextlib.contextmanager
    def _using(self) -> Iterator[Backend]:
        engine = self._current
        engine.busy += 1
        try:
            yield engine.backend
        finally:
            engine.busy -= 1
            if engine.busy == 0 and engine is not self._current and engine.closing is None:
                self._close_soon(engine)

    # -- the Backend protocol, on the current engine --------------------------------------------
    @property
    def kind(self) -> BackendKind:
        return self.current.kind

    @property
    def title(self) -> str:
        return self.current.title

    @property
    def label(self) -> str:
        return self.current.label

    @property
    def settings(self) -> Settings:
        return self.current.settings

    @property
    def capabilities(self) -> Capabilities:
        return self.current.capabilities

    def trust(self) -> TrustConfig | None:
        return self.current.trust()

    def reload_trust(self) -> None:
        self.current.reload_trust()

    def use_trust_anchors(self, extra: Sequence[TrustSource], *, defaults: bool = True) -> None:
        self.current.use_trust_anchors(extra, defaults=defaults)

    def protect_soon(self, src: Path, options: ProtectOptions) -> None:
        self.current.protect_soon(src, options)

    async def ready(self, purpose: str) -> str | None:
        with self._using() as backend:
            return await backend.ready(purpose)

    async def protect(self, src: Path, options: ProtectOptions, *,
                      idempotency_key: str | None = None) -> ProtectResult:
        with self._using() as backend:
            return await backend.protect(src, options, idempotency_key=idempotency_key)

    async def inspect(self, src: Path) -> InspectionReport:
        with self._using() as backend:
            return await backend.inspect(src)

    async def inspect_stream(self, paths: Sequence[Path], jobs: int | None = None, *,
                             also: GroupHook | None = None) -> ReportStream:
        """The whole batch runs on the engine that was active when its first group was asked for."""
        with self._using() as backend:
            stream = backend.inspect_stream(paths, jobs, also=also)
            try:
                async for group in stream:
                    yield group
            finally:
                await stream.aclose()

    async def usage(self) -> UsageSnapshot:
        with self._using() as backend:
            return await backend.usage()


__all__ = ["ActiveBackend"]
