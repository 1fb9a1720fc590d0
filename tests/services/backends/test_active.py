"""ActiveBackend: one stable object; a swap sends later calls to the new engine, lets calls under way finish
on the old one, then closes the old one exactly once."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from pathlib import Path

import pytest

from tests.conftest import CORPUS
from trustnxt_desktop.domain.protect import ProtectOptions, ProtectResult, ProtectStatus
from trustnxt_desktop.domain.report import EngineInfo, FileInfo, InspectionReport, Verdict
from trustnxt_desktop.domain.usage import UsageSnapshot
from trustnxt_desktop.engine.trust import TrustConfig, TrustSource
from trustnxt_desktop.services.account.settings import Settings
from trustnxt_desktop.services.backends.active import ActiveBackend
from trustnxt_desktop.services.backends.batch import inspect_each
from trustnxt_desktop.services.backends.protocol import Backend, GroupHook, ReportStream
from trustnxt_desktop.services.backends.registry import BackendKind, backend_info, make_backend


class Engine:
    """A backend whose inspections wait for `gate`, recording who answered and how often it was closed."""

    kind = BackendKind.LOCAL
    label = "engine: test"
    capabilities = backend_info(BackendKind.LOCAL).capabilities

    def __init__(self, name: str, jobs: int = 2, close_error: Exception | None = None) -> None:
        self.title = name
        self.settings = Settings(jobs=jobs)
        self.gate = asyncio.Event()
        self.gate.set()
        self.started = asyncio.Event()
        self.closes = 0
        self.close_error = close_error
        self.reloads = 0

    def _report(self, src: Path) -> InspectionReport:
        assert self.closes == 0, f"{self.title} answered after it was closed"
        return InspectionReport(file=FileInfo(path=str(src), name=src.name, size=0, sha256="", media_type=None),
                                verdict=Verdict.NONE, summary=self.title,
                                engine=EngineInfo(name=self.title, version=""))

    async def ready(self, purpose: str) -> str | None:
        return None

    def protect_soon(self, src: Path, options: ProtectOptions) -> None:
        pass

    async def protect(self, src: Path, options: ProtectOptions, *,
                      idempotency_key: str | None = None) -> ProtectResult:
        return ProtectResult(source=src, status=ProtectStatus.DONE, engine=self.title)

    async def inspect(self, src: Path) -> InspectionReport:
        self.started.set()
        await self.gate.wait()
        return self._report(src)

    def inspect_stream(self, paths: Sequence[Path], jobs: int | None = None, *,
                       also: GroupHook | None = None) -> ReportStream:
        return inspect_each(self.inspect, paths, jobs or self.settings.jobs, also)

    def trust(self) -> TrustConfig | None:
        return None

    def reload_trust(self) -> None:
        self.reloads += 1

    def use_trust_anchors(self, extra: Sequence[TrustSource], *, defaults: bool = True) -> None:
        pass

    async def usage(self) -> UsageSnapshot:
        return UsageSnapshot(period_start="2026-01-01", period_end="2026-01-31", protect_calls=0, inspect_calls=0,
                             source=self.title)

    async def aclose(self) -> None:
        self.closes += 1
        if self.close_error is not None:
            raise self.close_error


def _as_backend(engine: Engine) -> Backend:
    return engine  # the protocol is satisfied structurally (checked by mypy here)


async def _settled() -> None:
    for _ in range(5):  # the close task the swap started runs on a later turn of the loop
        await asyncio.sleep(0)


async def test_a_call_in_flight_finishes_on_the_old_engine_which_is_then_closed_once() -> None:
    old, new = Engine("old"), Engine("new")
    active = ActiveBackend(_as_backend(old))
    old.gate.clear()
    slow = asyncio.ensure_future(active.inspect(Path("slow.jpg")))
    await old.started.wait()

    active.swap(new)
    assert active.current is new and active.title == "new"
    quick = await active.inspect(Path("quick.jpg"))
    assert quick.summary == "new", "a call that starts after the swap goes to the new engine"
    await _settled()
    assert old.closes == 0, "the old engine stays open while its call runs"

    old.gate.set()
    assert (await slow).summary == "old", "the call under way finished on the engine it started on"
    await _settled()
    assert old.closes == 1 and new.closes == 0
    await active.aclose()
    assert (old.closes, new.closes) == (1, 1), "closed exactly once each, the old one not again on quit"


async def test_an_idle_engine_is_closed_at_once_and_a_stream_holds_its_engine_until_it_ends() -> None:
    first, second, third = Engine("first"), Engine("second"), Engine("third")
    active = ActiveBackend(first)
    active.swap(second)
    await _settled()
    assert first.closes == 1, "nothing was running on it"

    second.gate.clear()
    stream = active.inspect_stream([Path("a.jpg"), Path("b.jpg")], 1)
    pending = asyncio.ensure_future(stream.__anext__())
    await second.started.wait()
    active.swap(third)
    await _settled()
    assert second.closes == 0, "a batch under way keeps its engine open"
    second.gate.set()
    group = await pending
    assert [r.summary for _, r in group] == ["second"]
    await stream.aclose()  # stopped early: the engine is free
    await _settled()
    assert second.closes == 1 and third.closes == 0
    await active.aclose()
    assert (first.closes, second.closes, third.closes) == (1, 1, 1)


def test_a_swap_without_an_event_loop_leaves_the_close_to_aclose() -> None:
    old, new = Engine("old"), Engine("new")
    active = ActiveBackend(old)
    active.swap(new)
    assert old.closes == 0
    asyncio.run(active.aclose())
    assert (old.closes, new.closes) == (1, 1)


async def test_the_protocol_follows_the_current_engine_and_listeners_hear_of_swaps() -> None:
    old, new = Engine("old", jobs=2), Engine("new", jobs=6)
    active = ActiveBackend(old)
    heard: list[Backend] = []
    unsubscribe = active.subscribe(heard.append)
    assert active.settings.jobs == 2
    active.swap(new)
    assert active.settings.jobs == 6, "a new number of parallel inspections applies without a restart"
    assert heard == [new]
    active.reload_trust()
    assert (old.reloads, new.reloads) == (0, 1)
    assert (await active.usage()).source == "new"
    assert (await active.protect(Path("x.jpg"), ProtectOptions())).engine == "new"
    unsubscribe()
    active.swap(old)
    assert heard == [new], "unsubscribed"
    await active.aclose()


async def test_an_old_engine_that_fails_to_close_is_logged_not_raised(caplog: pytest.LogCaptureFixture) -> None:
    old = Engine("old", close_error=OSError("disk gone"))
    active = ActiveBackend(old)
    active.swap(Engine("new"))
    await _settled()
    assert old.closes == 1
    assert any("could not close the engine that was replaced" in r.getMessage() for r in caplog.records)
    await active.aclose()
    assert old.closes == 1


async def test_real_engines_swap_while_an_inspection_runs(home: Path, secret_store) -> None:
    """The composition root's case with the real local engine: Save during an inspection."""
    active = ActiveBackend(make_backend(home, Settings(jobs=1), secret_store))
    try:
        running = asyncio.ensure_future(active.inspect(CORPUS / "c2pa" / "adobe-20220124-C.jpg"))
        await asyncio.sleep(0)  # the call has started on the first engine
        active.swap(make_backend(home, Settings(jobs=3), secret_store))
        first = await running
        second = await active.inspect(CORPUS / "c2pa" / "adobe-20220124-A.jpg")
        assert (first.verdict, second.verdict) == (Verdict.VALID, Verdict.NONE)
        assert active.settings.jobs == 3
    finally:
        await active.aclose()
