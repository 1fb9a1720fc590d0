"""Which time-stamp authorities the sandbox calls for a client, and the relay through which it calls them.

A protect request's `tsa_url` makes the server open a connection (RFC 3161 over HTTP) to that address.
Without a rule, anyone with a key could make the sandbox reach what only it can reach — its own loopback
services, the private network, a cloud's metadata service at 169.254.169.254 — and read the answers in
the error text: server-side request forgery. So:

- the URL must be on the server's allow-list (`--tsa-allow`, by default DEFAULT_TSA_URLS), compared
  after normalising scheme, host and port;
- its host must resolve, and every address it resolves to must be a public one (not loopback, private,
  link-local, shared, multicast, reserved or unspecified; IPv4-mapped IPv6 judged as IPv4), unless the
  server runs with `--allow-private-tsa` (tests with a TSA on 127.0.0.1);
- c2pa itself, whose HTTP client would follow redirects and resolve the name again, never gets the URL.
  It gets a one-time address of TsaRelay on 127.0.0.1 in this process; the relay makes the one POST,
  connects only to addresses checked at that moment, follows no redirect, and bounds time and size.
"""

from __future__ import annotations

import contextlib
import ipaddress
import secrets
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

import httpcore

from ..cloud.client import tls_context

# The C2PA TSA trust list shipped with the app (resources/trust/C2PA-TSA-TRUST-LIST.pem) holds the
# authorities' certificates, not their service addresses: there is no URL in it to allow. The default is
# therefore this list of well-known public RFC 3161 services run by operators whose time-stamping CAs are
# on that list (DigiCert, SSL.com). Whether a given service's timestamps chain to the list is the
# operator's business; a server that needs others names them with --tsa-allow.
DEFAULT_TSA_URLS: tuple[str, ...] = (
    "http://timestamp.digicert.com",
    "http://ts.ssl.com",
)
RELAY_TIMEOUT = 20.0  # seconds for the authority to connect and answer
MAX_QUERY_BYTES = 64 * 1024  # an RFC 3161 TimeStampReq is a few hundred bytes
MAX_REPLY_BYTES = 1024 * 1024  # a TimeStampResp with its certificates: a few kilobytes


class TsaRefused(Exception):
    """A tsa_url the server will not call; the message says why, in one sentence, for the client."""


def normalise(url: str) -> str:
    """`HTTP://TS.Example.com:80/` -> `http://ts.example.com/`: scheme and host in lower case (IDNA for
    international names), the scheme's default port dropped, an empty path as "/". Raises TsaRefused for
    anything but an http(s) URL with a host and without user name, query or fragment."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
        host = (parts.hostname or "").encode("idna").decode("ascii")
    except (ValueError, UnicodeError):
        raise TsaRefused(f"tsa_url {url!r} is not a web address.") from None
    if parts.scheme not in ("http", "https") or not host or parts.username or parts.password \
            or parts.query or parts.fragment:
        raise TsaRefused(f"tsa_url {url!r} is not an http:// or https:// address of a time-stamp authority.")
    shown = f"[{host}]" if ":" in host else host
    if port is not None and port != {"http": 80, "https": 443}[parts.scheme]:
        shown += f":{port}"
    return f"{parts.scheme}://{shown}{parts.path or '/'}"


def _public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])  # an IPv6 zone index is not part of the address
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


@dataclass(frozen=True)
class TsaPolicy:
    """The server's rule for tsa_url: an allow-list of URLs and whether private addresses may be called."""

    allowed: frozenset[str] = field(default_factory=lambda: frozenset(normalise(u) for u in DEFAULT_TSA_URLS))
    allow_private: bool = False

    @classmethod
    def of(cls, urls: list[str] | tuple[str, ...] | None, allow_private: bool = False) -> TsaPolicy:
        """From --tsa-allow values (None or empty: DEFAULT_TSA_URLS). Raises TsaRefused for a malformed one."""
        return cls(frozenset(normalise(u) for u in (urls or DEFAULT_TSA_URLS)), allow_private)

    def check(self, url: str) -> str:
        """The normalised URL, when the server may call it now: on the allow-list, and its host resolving
        only to public addresses (or private ones allowed). Raises TsaRefused. Resolves the name: call it
        off the event loop."""
        normal = normalise(url)
        if normal not in self.allowed:
            raise TsaRefused(f"tsa_url {url!r} is not one of the time-stamp authorities this service uses "
                             f"({', '.join(sorted(self.allowed))}).")
        parts = urlsplit(normal)
        self.addresses(parts.hostname or "", parts.port or {"http": 80, "https": 443}[parts.scheme])
        return normal

    def addresses(self, host: str, port: int) -> list[str]:
        """Every address `host` resolves to, all checked. Raises TsaRefused when the name does not resolve
        or any address is not public (a name that resolves to one public and one private address could be
        answered with either)."""
        try:
            found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (OSError, UnicodeError):
            raise TsaRefused(f"The time-stamp authority's name {host!r} could not be resolved.") from None
        addresses = list(dict.fromkeys(str(info[4][0]) for info in found))
        private = [a for a in addresses if not _public(a)]
        if private and not self.allow_private:
            raise TsaRefused(f"The time-stamp authority {host!r} resolves to a loopback, private or otherwise "
                             f"non-public address ({', '.join(private)}), which this service does not call.")
        return addresses


class _CheckedBackend(httpcore.NetworkBackend):
    """httpcore's own sockets, connected only to addresses the policy accepts at connect time (so a name
    that resolved to a public address a moment ago cannot now point somewhere else)."""

    def __init__(self, policy: TsaPolicy) -> None:
        self.policy, self.inner = policy, httpcore.SyncBackend()

    def connect_tcp(self, host: str, port: int, timeout: float | None = None, local_address: str | None = None,
                    socket_options: Any = None) -> httpcore.NetworkStream:
        try:
            addresses = self.policy.addresses(host, port)
        except TsaRefused as e:
            raise httpcore.ConnectError(str(e)) from e
        failure: Exception = httpcore.ConnectError(f"no address of {host}")
        for address in addresses:
            try:
                return self.inner.connect_tcp(address, port, timeout, local_address, socket_options)
            except httpcore.ConnectError as e:
                failure = e
        raise failure

    def connect_unix_socket(self, path: str, timeout: float | None = None,
                            socket_options: Any = None) -> httpcore.NetworkStream:
        raise httpcore.ConnectError("a time-stamp authority is reached over TCP only")

    def sleep(self, seconds: float) -> None:
        self.inner.sleep(seconds)


def forward(policy: TsaPolicy, url: str, query: bytes, content_type: str) -> bytes:
    """POST an RFC 3161 query to `url` and return the reply body. Raises TsaRefused with the reason when
    the authority cannot be reached, answers with a redirect (never followed) or an error status, or sends
    more than MAX_REPLY_BYTES."""
    timeouts = {"connect": RELAY_TIMEOUT, "read": RELAY_TIMEOUT, "write": RELAY_TIMEOUT, "pool": RELAY_TIMEOUT}
    host = urlsplit(url).hostname
    with httpcore.ConnectionPool(ssl_context=tls_context(), network_backend=_CheckedBackend(policy),
                                 max_connections=1, keepalive_expiry=0) as pool:
        try:
            with pool.stream("POST", url, headers=[(b"Content-Type", content_type.encode("latin-1")),
                                                   (b"Accept", b"application/timestamp-reply")],
                             content=query, extensions={"timeout": timeouts}) as response:
                if 300 <= response.status < 400:
                    raise TsaRefused(f"the authority at {host} answered with a redirect (HTTP {response.status}), "
                                     "which this service does not follow")
                if response.status != 200:
                    raise TsaRefused(f"the authority at {host} answered HTTP {response.status}")
                body = bytearray()
                for chunk in response.iter_stream():
                    body += chunk
                    if len(body) > MAX_REPLY_BYTES:
                        raise TsaRefused(f"the authority at {host} sent more than {MAX_REPLY_BYTES} bytes")
                return bytes(body)
        except httpcore.TimeoutException:
            raise TsaRefused(f"the authority at {host} did not answer within {RELAY_TIMEOUT:g} seconds") from None
        except httpcore.ConnectError as e:
            raise TsaRefused(str(e) or f"the authority at {host} could not be reached") from None
        except httpcore.NetworkError:
            raise TsaRefused(f"the connection to the authority at {host} failed") from None


@dataclass
class _Route:
    url: str
    failure: str | None = None


class TsaRelay:
    """An HTTP server on 127.0.0.1 in this process that c2pa's signer posts its time-stamp query to. Each
    protect request gets its own unguessable path (`route`), valid while it signs; anything else is 404."""

    def __init__(self, policy: TsaPolicy) -> None:
        self.policy = policy
        self._routes: dict[str, _Route] = {}
        self._lock = threading.Lock()
        relay = self

        class Handler(BaseHTTPRequestHandler):
            timeout = RELAY_TIMEOUT  # a client (c2pa) that stops sending is dropped

            def do_POST(self) -> None:  # noqa: N802 - the base class's name
                relay._answer(self)

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, name="tsa-relay", daemon=True)
        self._thread.start()

    @contextlib.contextmanager
    def route(self, url: str) -> Iterator[tuple[str, _Route]]:
        """(the relay address to give c2pa, the route: its `failure` says why a relayed call failed)."""
        token = secrets.token_urlsafe(24)
        entry = _Route(url)
        with self._lock:
            self._routes[token] = entry
        try:
            yield f"http://127.0.0.1:{self._server.server_address[1]}/{token}", entry
        finally:
            with self._lock:
                self._routes.pop(token, None)

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)

    def _answer(self, request: BaseHTTPRequestHandler) -> None:
        with self._lock:
            entry = self._routes.get(request.path.lstrip("/"))
        length = request.headers.get("Content-Length", "")
        if entry is None or not length.isdigit() or int(length) > MAX_QUERY_BYTES:
            _reply(request, 404 if entry is None else 413, b"")
            return
        query = request.rfile.read(int(length))
        try:
            body = forward(self.policy, entry.url, query,
                           request.headers.get("Content-Type", "application/timestamp-query"))
        except TsaRefused as e:
            entry.failure = str(e)
            _reply(request, 502, str(e).encode())
            return
        _reply(request, 200, body, "application/timestamp-reply")


def _reply(request: BaseHTTPRequestHandler, status: int, body: bytes, media_type: str = "text/plain") -> None:
    request.send_response(status)
    request.send_header("Content-Type", media_type)
    request.send_header("Content-Length", str(len(body)))
    request.send_header("Connection", "close")
    request.end_headers()
    request.wfile.write(body)
    request.close_connection = True
