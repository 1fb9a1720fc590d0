"""Client of a remote manifest repository speaking the C2PA Soft Binding Resolution API (cloud/sbr_contract.py).

Synchronous (one httpx.Client): recovery runs it on a worker thread, never on the GUI thread. The same rules as
the TrustNXT client (cloud/client.py): https verified against the OS trust store, plain http only to a loopback
address, no redirects (they could carry the key elsewhere), the key only in the `X-API-Key` header and scrubbed
from any text the service echoes back.
"""

from __future__ import annotations

import json
from urllib.parse import quote, urlsplit

import httpx

from .. import __version__
from . import sbr_contract
from .auth import ApiCredentials
from .client import check_base_url, is_loopback, tls_context
from .errors import CloudAuthError, CloudError, CloudNetworkError, CloudServerError
from .sbr_contract import ContractError, Match

MAX_MANIFEST_BYTES = 64 * 1024 * 1024  # a manifest store larger than this is refused
MAX_JSON_BYTES = 4 * 1024 * 1024


class SbrClient:
    """One remote repository at `base_url` (the API's base, e.g. `https://repo.example/v1`; a bare host gets
    sbr_contract.BASE_PATH). Every call raises CloudError (CloudAuthError for a refused key, CloudNetworkError
    when unreachable) with a plain sentence that names the address and never the key."""

    def __init__(self, base_url: str, credentials: ApiCredentials | None, *, timeout: float = 15.0,
                 transport: httpx.BaseTransport | None = None) -> None:
        url = check_base_url(base_url)
        self.base_url = url if urlsplit(url).path not in ("", "/") else url.rstrip("/") + sbr_contract.BASE_PATH
        self._credentials = credentials
        self._http = httpx.Client(
            base_url=self.base_url, verify=tls_context(), timeout=timeout, transport=transport,
            headers={"User-Agent": f"TrustNXT-Desktop/{__version__}", **(credentials.headers() if credentials else {})},
            follow_redirects=False, trust_env=not is_loopback(urlsplit(self.base_url).hostname or ""))

    def __repr__(self) -> str:
        return f"SbrClient({self.base_url!r}, {self._credentials!r})"

    def close(self) -> None:
        self._http.close()

    def supported_algorithms(self) -> tuple[str, ...]:
        data = self._json("GET", sbr_contract.SUPPORTED_ALGORITHMS_PATH)
        try:
            return sbr_contract.parse_algorithm_list(data)
        except ContractError as e:
            raise self._unreadable(e) from e

    def by_binding(self, algorithm: str, bits: bytes, max_results: int = sbr_contract.DEFAULT_MAX_RESULTS,
                   max_distance: int | None = None) -> list[Match]:
        """Matches of one soft binding value. `max_distance` is our servers' extension; others ignore it."""
        params: dict[str, str | int] = {sbr_contract.ALG_PARAM: algorithm,
                                        sbr_contract.VALUE_PARAM: sbr_contract.encode_value(bits),
                                        sbr_contract.MAX_RESULTS_PARAM: max_results}
        if max_distance is not None:
            params["maxDistance"] = max_distance
        return self._matches(self._json("GET", sbr_contract.BY_BINDING_PATH, params=params))

    def by_content(self, content: bytes, media_type: str,
                   max_results: int = sbr_contract.DEFAULT_MAX_RESULTS) -> list[Match]:
        """Matches of a picture sent as it is (the service fingerprints it)."""
        return self._matches(self._json("POST", sbr_contract.BY_CONTENT_PATH, content=content,
                                        params={sbr_contract.MAX_RESULTS_PARAM: max_results},
                                        headers={"Content-Type": media_type}))

    def manifest(self, manifest_id: str) -> bytes | None:
        """The manifest store (application/c2pa bytes) kept under `manifest_id`; None when the service has none."""
        path = sbr_contract.MANIFEST_PATH.format(manifest_id=quote(manifest_id, safe=""))
        return self._send("GET", path, limit=MAX_MANIFEST_BYTES, allow_404=True)

    # -- plumbing --------------------------------------------------------------------------------------------

    def _matches(self, data: object) -> list[Match]:
        try:
            return sbr_contract.parse_query_result(data)
        except ContractError as e:
            raise self._unreadable(e) from e

    def _json(self, method: str, path: str, *, params: dict[str, str | int] | None = None,
              content: bytes | None = None, headers: dict[str, str] | None = None) -> object:
        body = self._send(method, path, params=params, content=content, headers=headers)
        assert body is not None
        try:
            return json.loads(body)
        except ValueError as e:
            raise self._unreadable(e) from e

    def _send(self, method: str, path: str, *, params: dict[str, str | int] | None = None,
              content: bytes | None = None, headers: dict[str, str] | None = None, limit: int = MAX_JSON_BYTES,
              allow_404: bool = False) -> bytes | None:
        """The answer's body (read up to `limit` bytes); None for a 404 when `allow_404`. Raises CloudError."""
        try:
            with self._http.stream(method, path, params=params, content=content, headers=headers) as response:
                body = bytearray()
                for chunk in response.iter_bytes():
                    body += chunk
                    if len(body) > limit:
                        raise CloudError(f"The repository at {self.base_url} sent an answer larger than "
                                         f"{limit // (1024 * 1024)} MB; it was not read.")
                status = response.status_code
        except httpx.TimeoutException as e:
            raise CloudNetworkError(f"The repository at {self.base_url} did not answer in time.") from e
        except httpx.TransportError as e:
            raise CloudNetworkError(f"The repository at {self.base_url} could not be reached "
                                    f"({type(e).__name__}).") from e
        if status == 404 and allow_404:
            return None
        if status in (401, 403):
            raise CloudAuthError(f"The repository at {self.base_url} refused the API key ({status}).", status=status)
        if status >= 500:
            raise CloudServerError(f"The repository at {self.base_url} failed ({status}).", status=status)
        if status != 200:
            detail = self._scrub(bytes(body[:300]).decode("utf-8", "replace"))
            raise CloudError(f"The repository at {self.base_url} refused the request ({status}): {detail}",
                             status=status)
        return bytes(body)

    def _scrub(self, text: str) -> str:
        return self._credentials.scrub(text) if self._credentials else text

    def _unreadable(self, e: Exception) -> CloudError:
        return CloudError(f"The repository at {self.base_url} answered something that is not the Soft Binding "
                          f"Resolution API ({e}).")
