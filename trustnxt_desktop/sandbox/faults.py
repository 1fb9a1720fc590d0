"""Request statistics and injected faults (latency, 503s, dropped connections) for tests and demos.

Faults apply to the API endpoints only, never to the sandbox's own /v1/sandbox/* helpers, so a test
can always read the statistics. A 503 is answered before any work; a drop happens after the work
(the call is billed and its answer stored), which is the case an Idempotency-Key exists for.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..cloud import contract

log = logging.getLogger(__name__)
_API_PATHS = (contract.PROTECT_PATH, contract.INSPECT_PATH, contract.USAGE_PATH)


@dataclass
class Stats:
    requests: defaultdict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    faults: Counter[str] = field(default_factory=Counter)
    billable: Counter[str] = field(default_factory=Counter)
    replays: Counter[str] = field(default_factory=Counter)

    def to_dict(self) -> dict[str, Any]:
        return {
            "requests": {route: dict(statuses) for route, statuses in self.requests.items()},
            "faults": dict(self.faults),
            "billable": dict(self.billable),
            "replays": dict(self.replays),
        }


@dataclass(frozen=True)
class FaultPlan:
    error_rate: float = 0.0
    latency_ms: tuple[float, float] = (0.0, 0.0)
    drop_rate: float = 0.0


class FaultInjector:
    """Outermost ASGI layer: counts every request by route and status, and injects the planned faults."""

    def __init__(self, app: ASGIApp, plan: FaultPlan, stats: Stats, rng: random.Random) -> None:
        self.app, self.plan, self.stats, self.rng = app, plan, stats, rng

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        route = f"{scope['method']} {scope['path']}"
        statuses = self.stats.requests[route]
        if scope["path"] not in _API_PATHS:
            await self.app(scope, receive, self._counting(send, statuses))
            return
        low, high = self.plan.latency_ms
        if high > 0:
            await asyncio.sleep(self.rng.uniform(low, high) / 1000)
        if self.rng.random() < self.plan.error_rate:
            self.stats.faults["injected_503"] += 1
            statuses["503"] += 1
            await _send_json(send, 503, contract.error_body(contract.ERR_UNAVAILABLE,
                                                            "Injected failure: the sandbox is pretending to be down."))
            return
        if self.rng.random() < self.plan.drop_rate:
            await self.app(scope, receive, self._dropping(send, statuses))
            return
        await self.app(scope, receive, self._counting(send, statuses))

    def _counting(self, send: Send, statuses: Counter[str]) -> Send:
        async def counting_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                statuses[str(message["status"])] += 1
            await send(message)
        return counting_send

    def _dropping(self, send: Send, statuses: Counter[str]) -> Send:
        dropped = False

        async def dropping_send(message: Message) -> None:
            nonlocal dropped
            if dropped:
                return
            if message["type"] == "http.response.start":
                transport = getattr(getattr(send, "__self__", None), "transport", None)
                if transport is None:  # not uvicorn's h11/httptools cycle: send nothing but headers, then fail
                    statuses["error"] += 1
                    await send(message)
                    raise ConnectionAbortedError("sandbox dropped the connection")
                dropped = True
                statuses["dropped"] += 1
                self.stats.faults["dropped"] += 1
                transport.close()  # the client sees the connection end without any answer
                return
            await send(message)
        return dropping_send


async def _send_json(send: Send, status: int, body: dict[str, Any]) -> None:
    data = json.dumps(body).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(data)).encode())]})
    await send({"type": "http.response.body", "body": data})
