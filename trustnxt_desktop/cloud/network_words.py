"""A failed HTTP transfer in a few plain words ("the connection was refused"), never an exception's class name.

For messages people read: the trust-list download and the TrustNXT client say what went wrong this way.
The cause chain is searched first (a refused connection, a failed name lookup or TLS verification sits
under httpx's ConnectError), then httpx's own exception kinds.
"""

from __future__ import annotations

import socket
import ssl

import httpx

_KINDS: tuple[tuple[type[BaseException], str], ...] = (  # most specific first: isinstance decides
    (httpx.ConnectTimeout, "no connection could be made in time"),
    (httpx.PoolTimeout, "no connection could be made in time"),
    (httpx.ReadTimeout, "the server stopped answering"),
    (httpx.WriteTimeout, "sending to the server took too long"),
    (httpx.TimeoutException, "the server did not answer in time"),
    (httpx.ProxyError, "the proxy refused the connection"),
    (httpx.ConnectError, "could not connect"),
    (httpx.RemoteProtocolError, "the server broke off the connection or did not answer in HTTP"),
    (httpx.NetworkError, "the connection broke off"),
    (httpx.TooManyRedirects, "the server sent too many redirects"),
    (httpx.DecodingError, "the answer could not be decoded"),
    (httpx.UnsupportedProtocol, "the address is not an http or https address"),
)


def network_failure(error: BaseException) -> str:
    """What failed, in words that fit after "could not reach example.org: ". Examples: "the connection was
    refused", "the server name could not be looked up (DNS)", "the secure connection could not be verified
    (TLS: certificate has expired)", "could not connect", "the connection broke off"."""
    cause: BaseException | None = error
    seen: set[int] = set()
    while cause is not None and id(cause) not in seen:
        seen.add(id(cause))
        if isinstance(cause, ssl.SSLError):
            reason = getattr(cause, "verify_message", None) or getattr(cause, "reason", None)
            return "the secure connection could not be verified" + (f" (TLS: {reason})" if reason else " (TLS)")
        if isinstance(cause, socket.gaierror):
            return "the server name could not be looked up (DNS)"
        if isinstance(cause, ConnectionRefusedError):
            return "the connection was refused"
        cause = cause.__cause__ or cause.__context__
    return next((words for kind, words in _KINDS if isinstance(error, kind)), "the request failed")


__all__ = ["network_failure"]
