"""How long a client may hold one of the sandbox's connections without making progress.

uvicorn's HTTP/1.1 protocol (h11) times out an idle keep-alive connection (--timeout-keep-alive) and
caps a request head's size (h11's max incomplete event size), but sets no deadline for a head that
arrives a byte at a time: a "slowloris" client that trickles headers keeps a connection, and with
enough of them every connection, forever. guarded_h11 adds that deadline. The body has its own limits
in the upload reader (sandbox/uploads.py), and the number of open connections is capped by uvicorn's
limit_concurrency (server.py).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

# What a client whose head did not arrive in time is told, written raw: h11 cannot answer a request it
# has not yet parsed.
_TIMEOUT_TEXT = b"The request head did not arrive in time."
_TIMEOUT_ANSWER = (b"HTTP/1.1 408 Request Timeout\r\ncontent-type: text/plain; charset=utf-8\r\nconnection: close\r\n"
                   b"content-length: %d\r\n\r\n%s" % (len(_TIMEOUT_TEXT), _TIMEOUT_TEXT))


def guarded_h11(head_timeout: float, linger: float = 30.0) -> type[H11Protocol]:
    """uvicorn's h11 protocol in which a request head (request line and headers) must be complete within
    `head_timeout` seconds of the connection opening or the previous response ending; otherwise the
    connection is answered 408 (when part of a head came) and closed.

    A request answered before its body was read (an error: 401, 413, 400) has the rest of its body read
    and dropped for at most `linger` seconds, then the connection is closed: closing at once would reset
    it under a client that is still sending, which then loses the answer; waiting for ever would let the
    rest of that body, trickled, hold the connection (the lingering close of RFC 9112, section 9.6)."""

    class GuardedH11Protocol(H11Protocol):
        _deadline: asyncio.TimerHandle | None = None
        _heard = False
        _lingering = False

        # H11Protocol itself narrows BaseProtocol's BaseTransport to Transport; this override keeps its signature.
        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]  # as uvicorn
            super().connection_made(transport)
            self._wait_for_head()

        def data_received(self, data: bytes) -> None:
            self._heard = True
            super().data_received(data)
            if self._lingering:
                if self.conn.their_state is not h11.SEND_BODY:  # the rest of an answered body is read
                    self._lingering = False
                    self._wait_for_head()
            elif self.conn.their_state is not h11.IDLE:  # a whole head came: the request is the app's now
                self._disarm()

        def on_response_complete(self) -> None:
            super().on_response_complete()
            if self.transport.is_closing():
                return
            if self.conn.their_state is h11.SEND_BODY:
                self._lingering = True
                self._arm(linger, self.transport.close)
            elif self.conn.their_state is h11.IDLE:
                self._wait_for_head()  # the next request's head has the same time

        def connection_lost(self, exc: Exception | None) -> None:
            self._disarm()
            super().connection_lost(exc)

        def _wait_for_head(self) -> None:
            self._heard = False
            self._arm(head_timeout, self._too_slow)

        def _arm(self, seconds: float, then: Callable[[], object]) -> None:
            self._disarm()
            self._deadline = self.loop.call_later(seconds, then)

        def _disarm(self) -> None:
            if self._deadline is not None:
                self._deadline.cancel()
                self._deadline = None

        def _too_slow(self) -> None:
            self._deadline = None
            if self.conn.their_state is h11.IDLE and not self.transport.is_closing():
                if self._heard:
                    self.transport.write(_TIMEOUT_ANSWER)
                self.transport.close()

    return GuardedH11Protocol
