"""Request statistics and injected faults: 503s before any work, drops after it, never on the sandbox's own
helper paths."""

from __future__ import annotations

import asyncio
import random

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from trustnxt_desktop.cloud import contract
from trustnxt_desktop.sandbox.faults import FaultInjector, FaultPlan, Stats


def _app(worked: list[str]) -> Starlette:
    async def endpoint(request: Request) -> JSONResponse:
        worked.append(request.url.path)
        return JSONResponse({"ok": True})

    paths = (contract.PROTECT_PATH, contract.INSPECT_PATH, contract.USAGE_PATH, contract.SANDBOX_STATS_PATH)
    return Starlette(routes=[Route(p, endpoint, methods=["GET", "POST"]) for p in paths])


async def _get(injector: FaultInjector, *paths: str) -> list[httpx.Response]:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=injector), base_url="http://sandbox") as client:
        return [await client.get(p) for p in paths]


def test_every_api_call_fails_at_rate_one_but_the_helpers_still_answer() -> None:
    worked: list[str] = []
    stats = Stats()
    injector = FaultInjector(_app(worked), FaultPlan(error_rate=1.0), stats, random.Random(1))
    usage, own = asyncio.run(_get(injector, contract.USAGE_PATH, contract.SANDBOX_STATS_PATH))
    assert usage.status_code == 503
    assert contract.parse_error_body(usage.content)[0] == contract.ERR_UNAVAILABLE
    assert own.status_code == 200 and worked == [contract.SANDBOX_STATS_PATH], "a 503 is answered before any work"
    assert stats.to_dict() == {"requests": {f"GET {contract.USAGE_PATH}": {"503": 1},
                                            f"GET {contract.SANDBOX_STATS_PATH}": {"200": 1}},
                               "faults": {"injected_503": 1}, "billable": {}, "replays": {}}


def test_a_seeded_plan_fails_about_its_share_and_counts_each_answer() -> None:
    stats = Stats()
    injector = FaultInjector(_app([]), FaultPlan(error_rate=0.3), stats, random.Random(7))
    answers = asyncio.run(_get(injector, *[contract.INSPECT_PATH] * 200))
    failed = sum(r.status_code == 503 for r in answers)
    assert 30 <= failed <= 90
    assert stats.requests[f"GET {contract.INSPECT_PATH}"] == {"503": failed, "200": 200 - failed}
    assert stats.faults["injected_503"] == failed


def test_a_drop_happens_after_the_work() -> None:
    worked: list[str] = []
    stats = Stats()
    injector = FaultInjector(_app(worked), FaultPlan(drop_rate=1.0), stats, random.Random(3))
    with pytest.raises(ConnectionAbortedError):
        asyncio.run(_get(injector, contract.PROTECT_PATH))
    assert worked == [contract.PROTECT_PATH], "the call was done (and would be billed) before the answer was lost"
    assert stats.requests[f"GET {contract.PROTECT_PATH}"]["error"] == 1
