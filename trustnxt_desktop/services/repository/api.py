"""A manifest repository served over the C2PA Soft Binding Resolution API (cloud/sbr_contract.py): supported
algorithms, matches by binding (GET and POST), matches by content (the picture uploaded as the request body) and
the manifest store by id. `trustnxt repository serve` runs it; the sandbox mounts the same routes.

Access: every operation but the algorithm list needs an accepted key in `X-API-Key` (ApiKeys keeps only their
SHA-256 digests). Keys and query values are never logged; a refused key is answered 401 without saying why.
Uploaded pictures are untrusted: the `fingerprint` callable given to `sbr_routes` must decode them in isolated
workers (engine.untrusted), and the upload is capped and removed after the answer.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import shutil
import tempfile
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.types import Receive, Scope, Send

from ...cloud import contract, sbr_contract
from ...cloud.sbr_contract import ContractError, Match
from ...domain.soft_binding import BITS, ISCC_IMAGE, PDQ, SEARCH_RADIUS, FingerprintResult, PictureFingerprints
from .protocol import ManifestRepository
from .soft_binding_match import ContentMatch, match_picture

DEFAULT_MAX_UPLOAD = 64 * 1024 * 1024
# How far a single binding is matched when the client does not say (ours: `maxDistance`): the match rule for one
# fingerprint alone (domain.soft_binding.is_match). Our own client asks up to SEARCH_RADIUS to apply the full rule.
SINGLE_BINDING_RADIUS = {PDQ: 48, ISCC_IMAGE: 5}
MAX_DISTANCE_PARAM = "maxDistance"  # ours

Fingerprinter = Callable[[Path], FingerprintResult]


class ApiKeys:
    """The accepted API keys, held as SHA-256 digests only. `None` entries are ignored."""

    def __init__(self, keys: Iterable[str]) -> None:
        self._digests = [hashlib.sha256(k.strip().encode()).digest() for k in keys if k and k.strip()]
        if not self._digests:
            raise ValueError("no API key given")

    @classmethod
    def from_digests(cls, digests: Iterable[str]) -> ApiKeys:
        """Keys known only by their SHA-256 digests (hex), as the sandbox keeps its accounts."""
        keys = cls.__new__(cls)
        keys._digests = [bytes.fromhex(d) for d in digests]
        return keys

    @classmethod
    def from_file(cls, path: Path) -> ApiKeys:
        """One key per line; blank lines and lines starting with # are skipped. Raises OSError, ValueError."""
        lines = path.read_text("utf-8").splitlines()
        return cls(line for line in lines if not line.strip().startswith("#"))

    def accepts(self, key: str | None) -> bool:
        if not key:
            return False
        digest = hashlib.sha256(key.strip().encode()).digest()
        return any(hmac.compare_digest(digest, d) for d in self._digests)  # no early exit on the first match

    def __repr__(self) -> str:
        return f"ApiKeys({len(self._digests)} keys)"


@dataclass
class RepositoryService:
    """What the routes need: the repository, who may use it, how uploads are fingerprinted."""

    repository: ManifestRepository
    keys: ApiKeys | None  # None: an open repository (said when it starts)
    fingerprint: Fingerprinter
    max_upload_bytes: int = DEFAULT_MAX_UPLOAD


class _Refused(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def _service(request: Request) -> RepositoryService:
    """The service sbr_app handed in, or the one an app holding sbr_routes keeps in `app.state.sbr_service`."""
    service: RepositoryService = request.scope.get("trustnxt.repository") or request.app.state.sbr_service
    return service


def _authorise(request: Request) -> RepositoryService:
    service = _service(request)
    if service.keys is not None and not service.keys.accepts(request.headers.get(contract.API_KEY_HEADER)):
        raise _Refused(401, contract.ERR_UNAUTHORIZED, f"A valid {contract.API_KEY_HEADER} header is required.")
    return service


def _code(alg: str | None, value: str | None, service: RepositoryService) -> tuple[str, bytes]:
    if not alg or value is None:
        raise ContractError(f"{sbr_contract.ALG_PARAM} and {sbr_contract.VALUE_PARAM} are required")
    if alg not in service.repository.algorithms() or alg not in BITS:
        raise ContractError(f"this repository does not index {alg!r}; see {sbr_contract.SUPPORTED_ALGORITHMS_PATH}")
    bits = sbr_contract.decode_value(value)
    if alg == ISCC_IMAGE and bits.startswith(b"ISCC:"):
        from ...engine.fingerprints import iscc_bits

        try:
            bits = iscc_bits(bits.decode("ascii"))
        except (ValueError, UnicodeDecodeError) as e:
            raise ContractError("the value is not an ISCC image code") from e
    if len(bits) * 8 != BITS[alg]:
        raise ContractError(f"a {alg} value has {BITS[alg]} bits, not {len(bits) * 8}")
    return alg, bits


def _radius(alg: str, text: str | None) -> int:
    if text is None:
        return SINGLE_BINDING_RADIUS.get(alg, 0)
    try:
        radius = int(text)
    except ValueError:
        raise ContractError(f"{MAX_DISTANCE_PARAM} must be a whole number") from None
    if not 0 <= radius <= SEARCH_RADIUS.get(alg, 0):
        raise ContractError(f"{MAX_DISTANCE_PARAM} for {alg} is between 0 and {SEARCH_RADIUS.get(alg, 0)}")
    return radius


async def _by_binding(request: Request) -> Response:
    service = _authorise(request)
    query = request.query_params
    if request.method == "POST":
        try:
            body = json.loads(await request.body())
        except ValueError:
            raise ContractError("the body is not a JSON soft binding query") from None
        if not isinstance(body, dict):
            raise ContractError("the body is not a JSON soft binding query")
        alg, value = body.get(sbr_contract.ALG_PARAM), body.get(sbr_contract.VALUE_PARAM)
        if not isinstance(alg, str) or not isinstance(value, str):
            raise ContractError(f"{sbr_contract.ALG_PARAM} and {sbr_contract.VALUE_PARAM} must be strings")
    else:
        alg, value = query.get(sbr_contract.ALG_PARAM), query.get(sbr_contract.VALUE_PARAM)
    alg, bits = _code(alg, value, service)
    limit = sbr_contract.max_results(query.get(sbr_contract.MAX_RESULTS_PARAM))
    radius = _radius(alg, query.get(MAX_DISTANCE_PARAM))
    found = await run_in_threadpool(service.repository.nearest, alg, bits, radius, limit)
    matches = [Match(m.manifest_id, sbr_contract.similarity_score(m.distance, BITS[alg]), distance=m.distance)
               for m in found]
    return JSONResponse(sbr_contract.query_result(matches))


async def _receive(request: Request, folder: Path, limit: int) -> Path:
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise _Refused(413, contract.ERR_TOO_LARGE, f"The upload is larger than {limit // (1024 * 1024)} MB.")
    path, size = folder / "asset", 0
    with path.open("wb") as out:
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                raise _Refused(413, contract.ERR_TOO_LARGE, f"The upload is larger than {limit // (1024 * 1024)} MB.")
            out.write(chunk)
    if size == 0:
        raise ContractError("the request body holds no asset")
    return path


async def _by_content(request: Request) -> Response:
    service = _authorise(request)
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if not media_type.startswith("image/"):
        raise _Refused(415, contract.ERR_UNSUPPORTED, "This repository matches pictures only (image/*).")
    query = request.query_params
    alg = query.get(sbr_contract.ALG_PARAM)
    if alg is not None and alg not in service.repository.algorithms():
        raise ContractError(f"this repository does not index {alg!r}")
    limit = sbr_contract.max_results(query.get(sbr_contract.MAX_RESULTS_PARAM))
    folder = Path(tempfile.mkdtemp(prefix="trustnxt-sbr-"))
    try:
        path = await _receive(request, folder, service.max_upload_bytes)
        try:
            result = await run_in_threadpool(service.fingerprint, path)
        except Exception as e:  # the isolated decoder's failure: the upload is not a picture we can read
            raise _Refused(415, contract.ERR_UNSUPPORTED, "The upload could not be read as a picture.") from e
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    prints: tuple[PictureFingerprints, ...] = result.prints
    only = (alg,) if alg else None
    found: list[ContentMatch] = await run_in_threadpool(match_picture, service.repository, prints, limit, only)
    matches = [Match(m.manifest_id, m.similarity, distance=m.distance) for m in found]
    return JSONResponse(sbr_contract.query_result(matches))


async def _manifest(request: Request) -> Response:
    service = _authorise(request)
    manifest_id = request.path_params["manifest_id"]
    stored = await run_in_threadpool(service.repository.manifest, manifest_id)
    if stored is None:
        raise _Refused(404, contract.ERR_NOT_FOUND, "No manifest with this id in this repository.")
    # The whole manifest store is returned, also for returnActiveManifest=true: the active manifest is its last.
    return Response(stored.manifest_store, media_type=sbr_contract.MANIFEST_MEDIA_TYPE,
                    headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(manifest_id)}.c2pa"})


async def _algorithms(request: Request) -> Response:
    return JSONResponse(sbr_contract.algorithm_list(_service(request).repository.algorithms()))


def _error(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse(contract.error_body(code, message), status_code=status)


class _Scoped:
    """ASGI wrapper that hands the routes their service and turns refusals into the error body."""

    def __init__(self, app: Starlette, service: RepositoryService | Callable[[Scope], RepositoryService]) -> None:
        self.app, self.service = app, service

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        service = self.service
        scope["trustnxt.repository"] = service if isinstance(service, RepositoryService) else service(scope)
        await self.app(scope, receive, send)


async def _refused(request: Request, exc: Exception) -> Response:
    if isinstance(exc, _Refused):
        return _error(exc.status, exc.code, exc.message)
    if isinstance(exc, ContractError):
        return _error(400, contract.ERR_BAD_REQUEST, str(exc))
    if isinstance(exc, ClientDisconnect):
        return Response(status_code=499)
    assert isinstance(exc, HTTPException)
    code = contract.ERR_NOT_FOUND if exc.status_code == 404 else contract.ERR_BAD_REQUEST
    return JSONResponse(contract.error_body(code, str(exc.detail)), status_code=exc.status_code, headers=exc.headers)


def sbr_routes(prefix: str = "") -> list[Route]:
    """The API's routes under `prefix`, for an app that keeps its RepositoryService in `app.state.sbr_service`
    and has SBR_EXCEPTION_HANDLERS among its exception handlers (the sandbox)."""
    return [
        Route(prefix + sbr_contract.SUPPORTED_ALGORITHMS_PATH, _algorithms, methods=["GET"]),
        Route(prefix + sbr_contract.BY_BINDING_PATH, _by_binding, methods=["GET", "POST"]),
        Route(prefix + sbr_contract.BY_CONTENT_PATH, _by_content, methods=["POST"]),
        Route(prefix + sbr_contract.MANIFEST_PATH, _manifest, methods=["GET"]),
    ]


SBR_EXCEPTION_HANDLERS: dict[type[Exception], Callable[[Request, Exception], Awaitable[Response]]] = {
    _Refused: _refused, ContractError: _refused}


def sbr_app(service: RepositoryService | Callable[[Scope], RepositoryService]) -> _Scoped:
    """The Soft Binding Resolution API at the root of the returned ASGI app (mount it at sbr_contract.BASE_PATH).
    `service` may be a callable that finds it from the request's scope (an app that builds it on start-up)."""
    handlers = {**SBR_EXCEPTION_HANDLERS, ClientDisconnect: _refused, HTTPException: _refused}
    return _Scoped(Starlette(routes=sbr_routes(), exception_handlers=handlers), service)


def create_app(service: RepositoryService) -> Starlette:
    """The server of `trustnxt repository serve`: the API under sbr_contract.BASE_PATH."""
    return Starlette(routes=[Mount(sbr_contract.BASE_PATH, app=sbr_app(service))])
