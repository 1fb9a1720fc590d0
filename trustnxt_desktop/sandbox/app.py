"""The sandbox's Starlette app: exactly the modelled contract of cloud/contract.py, on the local engine."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import functools
import hashlib
import hmac
import json
import random
import secrets
import shutil
import time
from collections import defaultdict, deque
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect, Request
from starlette.responses import FileResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

from ..cloud import contract, sbr_contract
from ..domain.protect import ProtectOptions, ProtectResult, ProtectStatus
from ..engine.parent import ParentCredentials
from ..engine.protect import protect_file
from ..engine.untrusted import (
    fingerprint_isolated,
    inspect_isolated,
    parent_isolated,
    shared_pool,
    thumbnail_isolated,
)
from ..runtime.isolation import IsolatedPool
from ..services.repository.api import SBR_EXCEPTION_HANDLERS, ApiKeys, RepositoryService, sbr_routes
from ..services.repository.recovery import keep_protected
from ..services.repository.sqlite import SqliteRepository
from .billing import Billing
from .config import Account, SandboxConfig
from .faults import FaultInjector, FaultPlan, Stats
from .idempotency import IdempotencyStore, StoredAnswer
from .signer import SandboxSigner, create_signer
from .tsa import TsaRefused, TsaRelay
from .uploads import Upload, UploadError, receive_upload


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.headers = status, code, message, headers or {}

    def response(self) -> JSONResponse:
        return JSONResponse(contract.error_body(self.code, self.message), status_code=self.status, headers=self.headers)


class RateLimiter:
    """At most `per_second` requests per key in any one-second window."""

    def __init__(self, per_second: float) -> None:
        self.per_second = per_second
        self._seen: defaultdict[str, deque[float]] = defaultdict(deque)

    def check(self, account: str) -> None:
        if self.per_second <= 0:
            return
        now = time.monotonic()
        seen = self._seen[account]
        while seen and now - seen[0] >= 1.0:
            seen.popleft()
        if len(seen) >= self.per_second:
            raise ApiError(429, contract.ERR_RATE_LIMITED, "Too many requests for this key; slow down.",
                           {contract.RETRY_AFTER_HEADER: "1"})
        seen.append(now)


class Sandbox:
    """Everything a request handler needs, built when the server starts."""

    def __init__(self, config: SandboxConfig, stats: Stats) -> None:
        self.config = config
        self.stats = stats
        data = config.data_dir
        self.uploads_dir = data / "uploads"
        self.results_dir = data / "results"
        for folder in (self.uploads_dir, self.results_dir):  # whatever a killed run left behind
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir(parents=True)
        self.signer: SandboxSigner = create_signer(data / "signer")
        self.billing = Billing(data / "usage.sqlite3")
        self.answers = IdempotencyStore(data / "idempotency")
        self.answers.prune()
        self.limiter = RateLimiter(config.rate_limit)
        # Uploads are untrusted: they are parsed in isolated worker processes, so a file that crashes,
        # hangs or exhausts a parser costs that request an `error` verdict, never the server.
        self.pool: IsolatedPool = shared_pool()
        # c2pa's signer reaches a client's time-stamp authority only through this relay (sandbox/tsa.py).
        self.tsa = TsaRelay(config.tsa)
        # The modelled cloud's manifest repository: what the sandbox protects is kept, and served over the C2PA Soft
        # Binding Resolution API under /v1 to the same keys (services/repository/api.py).
        self.repository = SqliteRepository(data / "repository")
        self.sbr = RepositoryService(self.repository, ApiKeys.from_digests(config.accounts),
                                     lambda path: fingerprint_isolated(self.pool, path, all_orientations=True),
                                     max_upload_bytes=config.max_upload_bytes)

    def thumbnail(self, src: Path, media_type: str, edge: int) -> bytes | None:
        return thumbnail_isolated(self.pool, src, edge, media_type)

    def parent(self, src: Path, media_type: str, title: str) -> ParentCredentials:
        return parent_isolated(self.pool, src, media_type, title, self.signer.trust)

    def close(self) -> None:
        self.billing.close()
        self.tsa.close()
        self.repository.close()

    # -- checks in the order a real service would make them ----------------------------------

    def authenticate(self, request: Request) -> Account:
        key = request.headers.get(contract.API_KEY_HEADER)
        if not key:
            raise ApiError(401, contract.ERR_UNAUTHORIZED, f"Missing {contract.API_KEY_HEADER} header.")
        account = self.config.accounts.get(hashlib.sha256(key.encode()).hexdigest())
        if account is None:
            raise ApiError(401, contract.ERR_UNAUTHORIZED, "Unknown API key.")
        if account.secret_digest is not None:
            secret = request.headers.get(contract.API_SECRET_HEADER, "")
            if not hmac.compare_digest(hashlib.sha256(secret.encode()).hexdigest(), account.secret_digest):
                raise ApiError(401, contract.ERR_UNAUTHORIZED, "Wrong or missing API secret for this key.")
        return account

    def check_quota(self, account: Account, kind: str) -> None:
        limit = self.config.protect_limit if kind == "protect" else self.config.inspect_limit
        if limit is not None and self.billing.used(account.id, kind) >= limit:
            raise ApiError(402, contract.ERR_QUOTA, f"This key has used all {limit} {kind} calls of this month.")

    def bill(self, account: Account, kind: str) -> None:
        self.billing.bill(account.id, kind)
        self.stats.billable[kind] += 1


def _idempotency_key(request: Request) -> str | None:
    key = request.headers.get(contract.IDEMPOTENCY_HEADER)
    if key is not None and not contract.valid_idempotency_key(key):
        raise ApiError(400, contract.ERR_BAD_REQUEST,
                       f"{contract.IDEMPOTENCY_HEADER} must be 1 to {contract.IDEMPOTENCY_KEY_MAX} "
                       "letters, digits or -_.:")
    return key


def _replay(answer: StoredAnswer) -> FileResponse:
    return FileResponse(answer.body, media_type=answer.media_type,
                        headers={**answer.headers, contract.REPLAYED_HEADER: "true"})


Work = Callable[[Sandbox, Account, Upload, Path], Awaitable[tuple[Path, str, dict[str, str]]]]


async def _billable(request: Request, kind: str, work: Work) -> Response:
    """Auth, rate limit, idempotent replay, quota, upload, work, bill: shared by protect and inspect."""
    sandbox: Sandbox = request.app.state.sandbox
    account = sandbox.authenticate(request)
    sandbox.limiter.check(account.id)
    key = _idempotency_key(request)
    async with contextlib.AsyncExitStack() as stack:
        slot = await stack.enter_async_context(sandbox.answers.hold(account.id, kind, key)) if key else None
        if slot and (stored := sandbox.answers.get(slot)):
            sandbox.stats.replays[kind] += 1
            return _replay(stored)
        sandbox.check_quota(account, kind)
        try:
            upload = await receive_upload(request, sandbox.uploads_dir, sandbox.config.max_upload_bytes,
                                          pause_limit=sandbox.config.body_pause_limit,
                                          time_limit=sandbox.config.body_time_limit)
        except UploadError as e:  # a 408 leaves the body unread: the connection cannot carry another request
            raise ApiError(e.status, e.code, e.message, {"Connection": "close"} if e.status == 408 else None) from e
        out_dir = sandbox.results_dir / secrets.token_hex(8)
        out_dir.mkdir()
        cleanup = BackgroundTask(shutil.rmtree, out_dir, ignore_errors=True)
        try:
            body, media_type, headers = await work(sandbox, account, upload, out_dir)
            sandbox.bill(account, kind)
            if slot:
                stored = sandbox.answers.put(slot, body, media_type, headers)
                return FileResponse(stored.body, media_type=stored.media_type, headers=stored.headers,
                                    background=cleanup)
            return FileResponse(body, media_type=media_type, headers=headers, background=cleanup)
        except BaseException:
            shutil.rmtree(out_dir, ignore_errors=True)
            raise
        finally:
            upload.discard()
    raise AssertionError("unreachable")  # AsyncExitStack does not swallow exceptions


async def _protect_work(sandbox: Sandbox, account: Account, upload: Upload,
                        out_dir: Path) -> tuple[Path, str, dict[str, str]]:
    try:
        options = dataclasses.replace(contract.protect_options_from_form(upload.fields), out_dir=out_dir)
    except ValueError as e:
        raise ApiError(400, contract.ERR_BAD_REQUEST, f"Bad options: {e}") from e
    assert upload.path is not None
    sign = functools.partial(protect_file, upload.path, sandbox.signer.identity, thumbnailer=sandbox.thumbnail,
                             parent_reader=sandbox.parent)
    if options.tsa_url:
        result = await _sign_with_timestamp(sandbox, sign, options)
    else:
        result = await run_in_threadpool(sign, options)
    if result.status is ProtectStatus.SKIPPED:
        raise ApiError(415, contract.ERR_UNSUPPORTED,
                       result.error or "This file type cannot carry Content Credentials.")
    if result.status is not ProtectStatus.DONE or result.output is None:
        raise ApiError(422, contract.ERR_PROTECT_FAILED, result.error or "The file could not be protected.")
    await run_in_threadpool(keep_protected, sandbox.repository, result, options)
    asset_id = f"ast_{secrets.token_hex(12)}"
    return result.output, result.media_type or "application/octet-stream", {contract.ASSET_ID_HEADER: asset_id}


async def _sign_with_timestamp(sandbox: Sandbox, sign: Callable[[ProtectOptions], ProtectResult],
                               options: ProtectOptions) -> ProtectResult:
    """Sign with a timestamp from the authority the client named in tsa_url: one the server allows, on
    public addresses, or ApiError 400 before any work (sandbox/tsa.py). c2pa reaches it through the relay;
    what the answer says names the client's authority, never the relay."""
    assert options.tsa_url
    try:
        authority = await run_in_threadpool(sandbox.tsa.policy.check, options.tsa_url)  # resolves a name
    except TsaRefused as e:
        raise ApiError(400, contract.ERR_BAD_REQUEST, str(e)) from e
    with sandbox.tsa.route(authority) as (relay_url, route):
        result = await run_in_threadpool(sign, dataclasses.replace(options, tsa_url=relay_url))
    if result.status is not ProtectStatus.DONE and route.failure:
        result.error = (f"The time-stamp authority {options.tsa_url} could not be used: {route.failure}. "
                        "The file was not protected.")
    elif result.error:
        result.error = result.error.replace(relay_url, options.tsa_url)
    return result


async def _inspect_work(sandbox: Sandbox, account: Account, upload: Upload,
                        out_dir: Path) -> tuple[Path, str, dict[str, str]]:
    assert upload.path is not None
    report = await run_in_threadpool(inspect_isolated, sandbox.pool, upload.path, sandbox.signer.trust)
    # The service never reveals its own paths: the file is named as the client named it.
    report.file.path = report.file.name = upload.filename
    body = out_dir / "report.json"
    await run_in_threadpool(body.write_text, json.dumps(report.to_dict(), ensure_ascii=False), "utf-8")
    return body, "application/json", {}


async def protect(request: Request) -> Response:
    return await _billable(request, "protect", _protect_work)


async def inspect(request: Request) -> Response:
    return await _billable(request, "inspect", _inspect_work)


async def usage(request: Request) -> Response:
    sandbox: Sandbox = request.app.state.sandbox
    account = sandbox.authenticate(request)
    sandbox.limiter.check(account.id)
    snapshot = sandbox.billing.snapshot(account.id, sandbox.config.protect_limit, sandbox.config.inspect_limit)
    return JSONResponse(contract.usage_to_wire(snapshot))


async def sandbox_root_pem(request: Request) -> Response:
    return PlainTextResponse(request.app.state.sandbox.signer.root_pem, media_type="application/x-pem-file")


async def sandbox_stats(request: Request) -> Response:
    return JSONResponse(request.app.state.sandbox.stats.to_dict())


async def _api_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    return exc.response()


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    code = {404: contract.ERR_NOT_FOUND, 405: contract.ERR_BAD_REQUEST}.get(exc.status_code, contract.ERR_BAD_REQUEST)
    return JSONResponse(contract.error_body(code, str(exc.detail)), status_code=exc.status_code, headers=exc.headers)


async def _disconnected(request: Request, exc: Exception) -> Response:
    return Response(status_code=499)  # nobody is listening; uvicorn drops it


def create_app(config: SandboxConfig, on_ready: Callable[[], None] | None = None) -> FaultInjector:
    stats = Stats()

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        sandbox = await asyncio.to_thread(Sandbox, config, stats)
        app.state.sandbox = sandbox
        app.state.sbr_service = sandbox.sbr
        if on_ready is not None:
            on_ready()
        try:
            yield
        finally:
            sandbox.close()

    routes: list[BaseRoute] = [
        Route(contract.PROTECT_PATH, protect, methods=["POST"]),
        Route(contract.INSPECT_PATH, inspect, methods=["POST"]),
        Route(contract.SANDBOX_ROOT_PATH, sandbox_root_pem, methods=["GET"]),
        Route(contract.SANDBOX_STATS_PATH, sandbox_stats, methods=["GET"]),
    ]
    if config.usage_endpoint:
        routes.append(Route(contract.USAGE_PATH, usage, methods=["GET"]))
    routes += sbr_routes(sbr_contract.BASE_PATH)  # the manifest repository (services/repository/api.py)
    handlers: dict[Any, Callable[[Request, Exception], Awaitable[Response]]] = {
        ApiError: _api_error, HTTPException: _http_error, ClientDisconnect: _disconnected, **SBR_EXCEPTION_HANDLERS}
    app = Starlette(routes=routes, lifespan=lifespan, exception_handlers=handlers)
    plan = FaultPlan(error_rate=config.error_rate, latency_ms=config.latency_ms, drop_rate=config.drop_rate)
    return FaultInjector(app, plan, stats, random.Random(config.seed))
