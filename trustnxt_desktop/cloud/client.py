"""The TrustNXT REST client: one shared httpx.AsyncClient, streamed transfers, bounded retries.

- TLS is always verified against the OS trust store (truststore); plain http only to this machine.
- Uploads stream from disk and downloads stream into a file object the caller owns, so memory stays
  flat for files of any size.
- Connect errors, 502/503/504 and 429 are retried with backoff; a protect or inspect keeps the same
  Idempotency-Key on every attempt, so a retry after a lost answer is never billed twice.
- Cancelling the calling task closes the connection at once and stops the transfer.
- The API key and secret travel only in request headers: never in logs, repr or error text.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import ipaddress
import json
import logging
import re
import socket
import ssl
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, TypeVar
from urllib.parse import SplitResult, urlsplit

import httpx
import truststore

from .. import __version__
from ..domain.protect import ProtectOptions
from ..domain.report import InspectionReport
from ..domain.usage import UsageSnapshot
from . import contract
from .auth import ApiCredentials
from .errors import (
    CloudAuthError,
    CloudConfigError,
    CloudError,
    CloudNameNotFoundError,
    CloudNetworkError,
    CloudNotTrustNXTError,
    CloudQuotaError,
    CloudRateLimitedError,
    CloudRefusedError,
    CloudRequestError,
    CloudServerError,
    CloudTimeoutError,
    CloudTLSError,
    CloudTooLargeError,
    CloudUnavailableError,
    CloudUnsupportedError,
)
from .multipart import CHUNK_SIZE, MultipartUpload, ProgressCallback
from .network_words import network_failure
from .retry import RetryPolicy, parse_retry_after

log = logging.getLogger(__name__)
T = TypeVar("T")

USAGE_SOURCE = "TrustNXT usage API"
_MAX_ERROR_BODY = 64 * 1024
_MAX_JSON_BODY = 64 * 1024 * 1024  # a report with a large manifest store; a hostile server gets no more
_MAX_MESSAGE = 300
# getaddrinfo's "this name does not exist" answers; others (EAI_AGAIN, EAI_FAIL) mean no resolver answered.
_NAME_UNKNOWN = {getattr(socket, n) for n in ("EAI_NONAME", "EAI_NODATA", "EAI_ADDRFAMILY") if hasattr(socket, n)}


@dataclass(frozen=True)
class Timeouts:
    """Seconds. read/write are per network operation (silence), not per transfer."""

    connect: float = 10.0
    read: float = 120.0  # generous: the service signs a whole video before it answers
    write: float = 120.0
    pool: float = 30.0

    def to_httpx(self) -> httpx.Timeout:
        return httpx.Timeout(connect=self.connect, read=self.read, write=self.write, pool=self.pool)


@dataclass(frozen=True)
class ProtectResponse:
    media_type: str
    asset_id: str | None
    size: int
    replayed: bool  # the service served a stored answer to an earlier attempt


def is_loopback(host: str) -> bool:
    """True for a literal loopback address only: 127.0.0.0/8 or ::1 (RFC 6890). A name is never taken on
    trust, not even `localhost` or `*.localhost`: it is resolved by whatever DNS the machine uses, and a
    resolver that answers otherwise would receive the API key and the files in clear text."""
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


# A DNS host name (RFC 1123 labels) once internationalised names are in their ASCII (IDNA) form.
_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
_NOT_IN_URL = re.compile(r"[\x00-\x20\x7f-\x9f\\]")


def _host_problem(host: str) -> str | None:
    """Why `host` (as urlsplit gives it: lower case, no brackets) is not an IP address or a DNS name."""
    with contextlib.suppress(ValueError):
        ipaddress.ip_address(host)
        return None
    try:
        ascii_host = host.encode("idna").decode("ascii")
    except UnicodeError:
        return f"the host name {host!r} is not valid"
    labels = ascii_host.removesuffix(".").split(".")
    if len(ascii_host) > 253 or not all(_LABEL.match(label) for label in labels) or labels[-1].isdigit():
        return f"the host name {host!r} is not valid"
    return None


def check_base_url(url: str) -> str:
    """The base URL without a trailing slash. Raises CloudConfigError (a configuration error: the CLI's
    exit code 3), in one sentence, for anything but an https:// address of a valid host (RFC 3986 URI,
    RFC 1123 host names), or http:// to a literal loopback address (a test server on this computer)."""
    text = url.strip()
    where = f"The TrustNXT service address {text!r}"
    parts: SplitResult | None
    try:
        parts = urlsplit(text)
        httpx.URL(text)  # the parser that will use it
        if parts.port == 0:
            parts = None
    except (ValueError, httpx.InvalidURL):  # a bracket without its pair, a port that is not a number up to 65535
        parts = None
    if parts is None:
        raise CloudConfigError(f"{where} is not a web address: its host or port cannot be read.")
    host = parts.hostname or ""
    if parts.scheme not in ("https", "http") or not host:
        raise CloudConfigError(f"{where} is not a web address (https://…).")
    if _NOT_IN_URL.search(text):
        raise CloudConfigError(f"{where} is not a web address: it contains spaces, backslashes or control characters.")
    if problem := _host_problem(host):
        raise CloudConfigError(f"{where} is not a web address: {problem}.")
    if parts.query or parts.fragment or text.endswith(("?", "#")):
        raise CloudConfigError(f"{where} must not contain a query (?…) or a fragment (#…).")
    if parts.username or parts.password:
        raise CloudConfigError("The TrustNXT service address must not contain a user name or password.")
    if parts.scheme == "http" and not is_loopback(host):
        raise CloudConfigError(
            f"Refusing to send your files and API key unencrypted to {host}: use an https:// address "
            "(plain http is allowed only to a test server on this computer, by a loopback address such as "
            "127.0.0.1, not by name).")
    return text.rstrip("/")


def tls_context() -> ssl.SSLContext:
    """Certificates are checked against the operating system's trust store, as the browser does."""
    return truststore.SSLContext(ssl.PROTOCOL_TLS_CLIENT)


class CloudClient:
    def __init__(self, base_url: str, credentials: ApiCredentials, *, retry: RetryPolicy | None = None,
                 timeouts: Timeouts | None = None, max_connections: int = 16) -> None:
        self.base_url = check_base_url(base_url)
        self.retry = retry or RetryPolicy()
        self.timeouts = timeouts or Timeouts()
        self.ssl_context = tls_context()
        self._credentials = credentials
        self._http = httpx.AsyncClient(
            base_url=self.base_url,
            verify=self.ssl_context,
            timeout=self.timeouts.to_httpx(),
            limits=httpx.Limits(max_connections=max_connections, max_keepalive_connections=max_connections),
            headers={"User-Agent": f"TrustNXT-Desktop/{__version__}"},
            follow_redirects=False,  # a redirect could carry the key's headers to another host
            trust_env=not is_loopback(urlsplit(self.base_url).hostname or ""),  # no proxy for this machine
        )
        # Usage is informational and unbilled: fail over to the local ledger quickly rather than wait.
        self.usage_retry = dataclasses.replace(self.retry, max_attempts=min(2, self.retry.max_attempts),
                                               max_rate_limited=min(2, self.retry.max_rate_limited),
                                               total_seconds=min(5.0, self.retry.total_seconds))

    def __repr__(self) -> str:
        return f"CloudClient({self.base_url!r}, {self._credentials!r})"

    async def aclose(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> CloudClient:
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.aclose()

    # -- the three calls ---------------------------------------------------------------------

    async def protect(self, src: Path, sink: IO[bytes], options: ProtectOptions | None = None, *,
                      idempotency_key: str | None = None, progress: ProgressCallback | None = None) -> ProtectResponse:
        """Upload src, stream the protected copy into sink (seekable: a retry starts it over)."""
        upload = MultipartUpload(contract.FILE_FIELD, src, progress=progress,
                                 fields=contract.protect_form_fields(options or ProtectOptions(), src.name))

        async def receive(response: httpx.Response) -> ProtectResponse:
            media_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
            if not media_type or media_type.startswith(("application/json", "text/")):
                raise CloudServerError("The TrustNXT service answered without the protected file.")
            sink.seek(0)
            sink.truncate()
            size = 0
            async for chunk in response.aiter_bytes(CHUNK_SIZE):
                await asyncio.to_thread(sink.write, chunk)
                size += len(chunk)
            if size == 0:
                raise CloudServerError("The TrustNXT service sent back an empty file.")
            return ProtectResponse(media_type=media_type, asset_id=response.headers.get(contract.ASSET_ID_HEADER),
                                   size=size, replayed=response.headers.get(contract.REPLAYED_HEADER) == "true")

        return await self._call("POST", contract.PROTECT_PATH, receive, upload=upload,
                                headers={contract.IDEMPOTENCY_HEADER: idempotency_key or _new_idempotency_key(),
                                         "Accept": "*/*"})

    async def inspect(self, src: Path, *, idempotency_key: str | None = None,
                      progress: ProgressCallback | None = None) -> InspectionReport:
        upload = MultipartUpload(contract.FILE_FIELD, src, progress=progress)

        async def receive(response: httpx.Response) -> InspectionReport:
            try:
                return contract.report_from_wire(json.loads(await _read_limited(response, _MAX_JSON_BODY)))
            except ValueError as e:
                raise CloudServerError("The TrustNXT service sent an inspection report we could not read.") from e

        return await self._call("POST", contract.INSPECT_PATH, receive, upload=upload,
                                headers={contract.IDEMPOTENCY_HEADER: idempotency_key or _new_idempotency_key(),
                                         "Accept": "application/json"})

    async def usage(self) -> UsageSnapshot:
        async def receive(response: httpx.Response) -> UsageSnapshot:
            try:
                return contract.usage_from_wire(json.loads(await _read_limited(response, _MAX_ERROR_BODY)),
                                                USAGE_SOURCE)
            except ValueError as e:
                raise CloudNotTrustNXTError(
                    f"The server at {self.base_url} answered, but not with TrustNXT usage figures: it is probably "
                    "not a TrustNXT service. Check the service address.") from e

        return await self._call("GET", contract.USAGE_PATH, receive, headers={"Accept": "application/json"},
                                retry=self.usage_retry)

    # -- retries -----------------------------------------------------------------------------

    async def _call(self, method: str, path: str, receive: Callable[[httpx.Response], Awaitable[T]], *,
                    upload: MultipartUpload | None = None, headers: dict[str, str] | None = None,
                    retry: RetryPolicy | None = None) -> T:
        policy = retry or self.retry
        loop = asyncio.get_running_loop()
        deadline = loop.time() + policy.total_seconds
        failures = throttled = 0
        while True:
            try:
                return await self._attempt(method, path, receive, upload, headers or {})
            except CloudError as e:
                error = e
            # A 429 is the service pacing us, not a failure: it has its own cap and does not use up
            # the attempts meant for outages. Both are also bounded by the time budget.
            if isinstance(error, CloudRateLimitedError):
                throttled += 1
                exhausted = throttled > policy.max_rate_limited
            else:
                failures += 1
                exhausted = failures >= policy.max_attempts
            if not error.retryable or exhausted:
                # At INFO: the app's log (services/records/app_log.py) keeps it; the CLI prints the error itself.
                log.info("%s %s failed: %s", method, path, error)
                raise error
            wait = policy.delay(max(failures, 1), error.retry_after)
            if loop.time() + wait > deadline:
                log.info("%s %s: %s; giving up, the retry time budget is spent", method, path, _brief(error))
                raise error
            log.info("%s %s: %s; retrying in %.2fs (%d failed, %d paced)", method, path, _brief(error), wait,
                     failures, throttled)
            await asyncio.sleep(wait)

    async def _attempt(self, method: str, path: str, receive: Callable[[httpx.Response], Awaitable[T]],
                       upload: MultipartUpload | None, headers: dict[str, str]) -> T:
        headers = {**headers, **self._credentials.headers()}
        body = None
        if upload is not None:
            headers["Content-Type"] = upload.content_type
            headers["Content-Length"] = str(upload.content_length)
            body = upload.stream()
        try:
            async with self._http.stream(method, path, headers=headers, content=body) as response:
                if 200 <= response.status_code < 300:
                    return await receive(response)
                raise await self._error(response, path)
        except httpx.TimeoutException as e:
            raise self._timeout(e) from e
        except httpx.ConnectError as e:
            raise self._connect_error(e) from e
        except (httpx.NetworkError, httpx.RemoteProtocolError) as e:
            # The connection broke, possibly after the service did the work: safe to retry only
            # because every billed call carries an Idempotency-Key (and GET is harmless).
            raise CloudNetworkError("The connection to the TrustNXT service broke off"
                                    + (", or its answer was not HTTP." if isinstance(e, httpx.RemoteProtocolError)
                                       else ".")) from e
        except httpx.HTTPError as e:
            error = CloudNetworkError(f"The request to the TrustNXT service failed ({network_failure(e)}).")
            error.retryable = False
            raise error from e
        finally:
            if body is not None:
                await body.aclose()

    def _timeout(self, e: httpx.TimeoutException) -> CloudError:
        if isinstance(e, (httpx.ConnectTimeout, httpx.PoolTimeout)):
            error = CloudTimeoutError(f"The TrustNXT service at {self.base_url} could not be reached in time (no "
                                      f"connection within {self.timeouts.connect:g} s). Check your internet "
                                      "connection.")
            error.retryable = True  # nothing was sent yet
            return error
        seconds = self.timeouts.read if isinstance(e, httpx.ReadTimeout) else self.timeouts.write
        return CloudTimeoutError(f"The TrustNXT service at {self.base_url} stopped responding (nothing for "
                                 f"{seconds:g} s); try again later.")

    def _connect_error(self, e: httpx.ConnectError) -> CloudError:
        """The first cause that names what failed: TLS verification, DNS, or a refused connection."""
        host = urlsplit(self.base_url).hostname or self.base_url
        cause: BaseException | None = e
        while cause is not None:
            if isinstance(cause, ssl.SSLError):
                return CloudTLSError(
                    f"The secure connection to {self.base_url} could not be verified ({_tls_reason(cause)}). "
                    "Nothing was sent. If you are behind a company proxy, ask IT to install its certificate "
                    "in your operating system.")
            if isinstance(cause, socket.gaierror):
                if cause.errno in _NAME_UNKNOWN:
                    unknown = CloudNameNotFoundError(f"The TrustNXT service at {self.base_url} could not be reached: "
                                                     f"the name {host} was not found (DNS). Check the service address.")
                    unknown.retryable = False  # the name does not exist: asking again gives the same answer
                    return unknown
                return CloudNameNotFoundError(f"The TrustNXT service at {self.base_url} could not be reached: the "
                                              f"name {host} could not be looked up (DNS). Check your internet "
                                              "connection.")
            if isinstance(cause, ConnectionRefusedError):
                return CloudRefusedError(f"The TrustNXT service at {self.base_url} could not be reached: the "
                                         "connection was refused (nothing accepts connections at that address "
                                         "and port). Check the service address.")
            cause = cause.__cause__ or cause.__context__
        return CloudNetworkError(f"The TrustNXT service at {self.base_url} could not be reached. "
                                 "Check your internet connection.")

    async def _error(self, response: httpx.Response, path: str) -> CloudError:
        status = response.status_code
        try:
            code, message = contract.parse_error_body(await _read_limited(response, _MAX_ERROR_BODY))
        except (httpx.HTTPError, ValueError):
            code, message = None, None
        said = f" (The service said: {self._clean(message)})" if message else ""
        retry_after = parse_retry_after(response.headers.get(contract.RETRY_AFTER_HEADER))
        kw: dict[str, Any] = {"status": status, "code": code, "retry_after": retry_after}
        if status == 401:
            return CloudAuthError("The TrustNXT service did not accept your API key or secret. Check them in your "
                                  f"TrustNXT account and enter them again.{said}", **kw)
        if status == 403:
            return CloudAuthError(f"Your API key is not allowed to use this TrustNXT service.{said}", **kw)
        if status == 402 or (status == 429 and code == contract.ERR_QUOTA):
            return CloudQuotaError("This month's Protect or Inspect calls in your TrustNXT plan are used up. "
                                   f"Upgrade the plan or wait for the next monthly cycle.{said}", **kw)
        if status == 429:
            return CloudRateLimitedError("The TrustNXT service is receiving too many requests from your account; "
                                         f"try again in a moment.{said}", **kw)
        if status == 413:
            return CloudTooLargeError(f"This file is larger than the TrustNXT service accepts.{said}", **kw)
        if status == 415:
            return CloudUnsupportedError(f"The TrustNXT service cannot handle this type of file.{said}", **kw)
        if status in (502, 503, 504):
            return CloudUnavailableError(f"The TrustNXT service is temporarily unavailable.{said}", **kw)
        if status >= 500:
            return CloudServerError(f"The TrustNXT service had an internal problem.{said}", **kw)
        if status == 404:
            return CloudRequestError(f"The TrustNXT service at {self.base_url} does not offer {path}; check the "
                                     f"service address in the settings.{said}", **kw)
        if 300 <= status < 400:
            return CloudRequestError(f"The TrustNXT service redirected the request; redirects are not followed "
                                     f"so your API key stays with {self.base_url}. Check the service address.", **kw)
        return CloudRequestError(f"The TrustNXT service rejected the request (HTTP {status}).{said}", **kw)

    def _clean(self, message: str) -> str:
        text = "".join(ch if ch.isprintable() else " " for ch in self._credentials.scrub(message)).strip()
        return text if len(text) <= _MAX_MESSAGE else text[:_MAX_MESSAGE - 1] + "…"


def _new_idempotency_key() -> str:
    return f"tnxt-{uuid.uuid4().hex}"


async def _read_limited(response: httpx.Response, limit: int) -> bytes:
    data = bytearray()
    async for chunk in response.aiter_bytes():
        data += chunk
        if len(data) > limit:
            raise ValueError(f"response larger than {limit} bytes")
    return bytes(data)


def _tls_reason(e: ssl.SSLError) -> str:
    return getattr(e, "verify_message", None) or getattr(e, "reason", None) or type(e).__name__


def _brief(error: CloudError) -> str:
    return f"HTTP {error.status}" + (f" {error.code}" if error.code else "") if error.status else type(error).__name__
