"""Slow and greedy clients against the real sandbox process: a head trickled byte by byte, a body that
stalls or trickles, more connections than the server serves. Raw sockets, so nothing is hidden by a
client library's own timeouts."""

from __future__ import annotations

import socket
import threading
import time
from urllib.parse import urlsplit

import httpx

from tests.sandbox.process import KEY, SandboxProcess
from trustnxt_desktop.cloud import contract

BOUNDARY = "sandboxtestboundary"


def connect(server: SandboxProcess) -> socket.socket:
    parts = urlsplit(server.url)
    conn = socket.create_connection((parts.hostname, parts.port), timeout=10)
    return conn


def read_until_closed(conn: socket.socket, limit: float) -> tuple[bytes, float]:
    """Everything the server sends until it closes the connection, and when it closed (monotonic)."""
    conn.settimeout(limit)
    data = b""
    while True:
        try:
            chunk = conn.recv(65536)
        except (ConnectionResetError, BrokenPipeError):
            break
        except TimeoutError:
            raise AssertionError(f"the server kept the connection open for {limit} s; it sent {data!r}") from None
        if not chunk:
            break
        data += chunk
    return data, time.monotonic()


def trickle(conn: socket.socket, data: bytes, every: float) -> threading.Thread:
    """Send `data` one byte every `every` seconds, until done or the server closes the connection."""
    def run() -> None:
        for i in range(len(data)):
            try:
                conn.sendall(data[i:i + 1])
            except OSError:
                return
            time.sleep(every)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def upload_head(length: int, key: str | None = KEY) -> bytes:
    lines = [f"POST {contract.INSPECT_PATH} HTTP/1.1", "Host: sandbox",
             f"Content-Type: multipart/form-data; boundary={BOUNDARY}", f"Content-Length: {length}"]
    if key:
        lines.append(f"{contract.API_KEY_HEADER}: {key}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def body_start() -> bytes:
    return (f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{contract.FILE_FIELD}\"; filename=\"a.jpg\"\r\n"
            "Content-Type: image/jpeg\r\n\r\n\xff\xd8").encode("latin-1")


def test_a_head_sent_byte_by_byte_is_cut_off_at_the_header_timeout(sandbox_factory) -> None:
    server = sandbox_factory("--header-timeout", "1.5")
    head = f"GET {contract.SANDBOX_STATS_PATH} HTTP/1.1\r\nHost: sandbox\r\nX-Padding: {'a' * 200}\r\n\r\n".encode()
    with connect(server) as conn:
        opened = time.monotonic()
        sender = trickle(conn, head, 0.1)  # 250 bytes at 10 a second would take 25 s
        answer, closed = read_until_closed(conn, 10)
        sender.join(5)
    assert answer.startswith(b"HTTP/1.1 408 Request Timeout") and b"connection: close" in answer
    assert 1.4 <= closed - opened <= 3.5, closed - opened

    with connect(server) as idle:  # a connection that never says anything
        opened = time.monotonic()
        answer, closed = read_until_closed(idle, 10)
    assert answer == b"" and closed - opened <= 3.5
    assert httpx.get(server.url + contract.SANDBOX_STATS_PATH, timeout=10).status_code == 200, "others are served"


def test_a_stalled_body_is_answered_408_and_closed(sandbox_factory) -> None:
    server = sandbox_factory("--body-pause-limit", "1", "--body-time-limit", "4")
    with connect(server) as conn:
        conn.sendall(upload_head(100_000) + body_start())
        sent = time.monotonic()
        answer, closed = read_until_closed(conn, 10)
    assert answer.startswith(b"HTTP/1.1 408 ") and b"connection: close" in answer.lower()
    assert contract.ERR_TIMEOUT.encode() in answer and 0.9 <= closed - sent <= 3.5, closed - sent

    with connect(server) as conn:  # a body that never stalls for long, but would take hours
        conn.sendall(upload_head(100_000) + body_start())
        sent = time.monotonic()
        sender = trickle(conn, b"x" * 1000, 0.2)
        answer, closed = read_until_closed(conn, 10)
        sender.join(5)
    assert answer.startswith(b"HTTP/1.1 408 ") and 3.9 <= closed - sent <= 6.5, closed - sent
    assert not any((server.data_dir / "uploads").iterdir()), "nothing of the half-received files is kept"


def test_the_rest_of_a_body_answered_early_cannot_hold_the_connection(sandbox_factory) -> None:
    server = sandbox_factory("--linger", "1.5")
    with connect(server) as conn:
        conn.sendall(upload_head(100_000, key=None) + body_start())  # no key: answered 401 at once
        sent = time.monotonic()
        sender = trickle(conn, b"x" * 1000, 0.2)
        answer, closed = read_until_closed(conn, 10)
        sender.join(5)
    assert answer.startswith(b"HTTP/1.1 401 ") and 1.4 <= closed - sent <= 3.5, closed - sent

    # A client that sends its whole body before it reads the answer still gets the answer.
    response = httpx.post(server.url + contract.INSPECT_PATH, files={contract.FILE_FIELD: ("a.jpg", b"x" * 3_000_000)},
                          timeout=10)
    assert response.status_code == 401


def test_a_request_beyond_the_connection_cap_is_answered_503(sandbox_factory) -> None:
    server = sandbox_factory("--max-connections", "3")
    stats = server.url + contract.SANDBOX_STATS_PATH
    held = [connect(server) for _ in range(3)]
    try:
        time.sleep(0.5)  # the server has accepted them
        refused = httpx.get(stats, timeout=10)
        assert refused.status_code == 503
    finally:
        for conn in held:
            conn.close()
    deadline = time.monotonic() + 10
    while (status := httpx.get(stats, timeout=10).status_code) == 503 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert status == 200, "served again once connections are free"

    with httpx.Client(timeout=10) as one:  # within the cap: a keep-alive connection and two more are served
        extra = [connect(server), connect(server)]
        try:
            time.sleep(0.5)
            assert one.get(stats).status_code == 200
        finally:
            for conn in extra:
                conn.close()
