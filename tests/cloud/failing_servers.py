"""Real sockets on loopback that fail the way a wrong service address fails, for tests in any folder.

Each server runs its own asyncio loop in a thread, so it answers (or does not) whatever loop the test
runs on (qasync in GUI tests). Nothing here reaches beyond this machine: the only name lookup that is
not a loopback address is `nonexistent.invalid`, answered locally as RFC 6761 §6.4 asks of resolvers.
"""

from __future__ import annotations

import asyncio
import socket
import ssl
import threading
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.certs import self_signed_loopback

Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]
UNRESOLVABLE = "https://nonexistent.invalid"  # .invalid never resolves (RFC 6761 §6.4)


def closed_port_url() -> str:
    """An address on this machine where nothing listens: connecting is refused (TCP RST)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{s.getsockname()[1]}"


@contextmanager
def serving(handler: Handler, tls: ssl.SSLContext | None = None) -> Iterator[int]:
    """Serve `handler` on a free loopback port in a thread of its own; yield the port."""
    ready = threading.Event()
    port: list[int] = []
    stop: list[Callable[[], object]] = []

    async def main() -> None:
        server = await asyncio.start_server(handler, "127.0.0.1", 0, ssl=tls)
        finished = asyncio.get_running_loop().create_future()
        stop.append(lambda: finished.get_loop().call_soon_threadsafe(finished.set_result, None))
        port.append(server.sockets[0].getsockname()[1])
        ready.set()
        async with server:
            await finished

    thread = threading.Thread(target=asyncio.run, args=(main(),), daemon=True)
    thread.start()
    assert ready.wait(10), "the test server did not start"
    try:
        yield port[0]
    finally:
        stop[0]()
        thread.join(10)


async def never_answers(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """Accepts the connection and reads the request, then says nothing until the client gives up."""
    while await reader.read(65536):
        pass
    writer.close()


def html_page(status: str = "200 OK") -> Handler:
    """A web server that is not TrustNXT's: an HTML page for any request."""
    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        body = b"<!doctype html><title>Welcome</title><p>It works!</p>"
        writer.write(f"HTTP/1.1 {status}\r\nContent-Type: text/html\r\nContent-Length: {len(body)}\r\n"
                     "Connection: close\r\n\r\n".encode() + body)
        await writer.drain()
        writer.close()

    return answer


def self_signed_tls(folder: Path) -> ssl.SSLContext:
    """A server TLS context whose certificate chains to nothing the OS trusts."""
    cert, key = self_signed_loopback(folder)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    return context


@pytest.fixture
def invalid_names(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Names under .invalid are answered "not found" here, as RFC 6761 asks of every resolver, so the test
    sends no DNS query off this machine; every other lookup goes to the system resolver. Yields the
    .invalid names that were asked for (the client really did look the name up)."""
    asked: list[str] = []
    real = socket.getaddrinfo

    def getaddrinfo(host, *args, **kwargs):
        name = host.decode() if isinstance(host, bytes) else str(host)
        if name.rstrip(".").lower().endswith(".invalid"):
            asked.append(name)
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return asked
