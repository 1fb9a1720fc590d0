"""Transport security and secret hygiene: verified TLS, http only to loopback, no redirects, no leaks."""

from __future__ import annotations

import io
import json
import socket
import ssl
import threading
import traceback
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import truststore

from tests.certs import self_signed_loopback
from tests.conftest import CORPUS
from tests.sandbox.process import SandboxProcess
from trustnxt_desktop.cloud import contract
from trustnxt_desktop.cloud.auth import ApiCredentials
from trustnxt_desktop.cloud.client import CloudClient, check_base_url
from trustnxt_desktop.cloud.errors import (
    CloudAuthError,
    CloudConfigError,
    CloudError,
    CloudRequestError,
    CloudServerError,
    CloudTLSError,
)
from trustnxt_desktop.cloud.retry import RetryPolicy
from trustnxt_desktop.domain.errors import ConfigurationError

KEY = "tnxt_live_5ecre7k3y5ecre7k3y5ecre7k3y9f3a"
SECRET = "tnxt_secret_5up3r5ecre75up3r5ecre75up3r5"
RETRYING = RetryPolicy(max_attempts=5, base_delay=0.01, max_delay=0.02, total_seconds=5)


@pytest.mark.parametrize("url", ["https://api.trustnxt.com", "https://10.1.2.3:8443/base/", "http://127.0.0.1:8787",
                                 "http://127.9.9.9", "http://[::1]:9000", "https://bücher.example/v",
                                 "https://api.trustnxt.com.", "  https://api.trustnxt.com/  "])
def test_allowed_addresses(url: str) -> None:
    assert check_base_url(url) == url.strip().rstrip("/")


@pytest.mark.parametrize("url", ["http://api.trustnxt.com", "http://10.0.0.5", "http://127.0.0.1.evil.example",
                                 "http://[::ffff:10.0.0.1]", "ftp://127.0.0.1", "api.trustnxt.com", "https://",
                                 "https://user:pw@api.trustnxt.com",
                                 # http only to a literal loopback address: names go through DNS
                                 "http://localhost:1", "HTTP://LOCALHOST", "http://api.localhost:8787",
                                 # malformed: each a configuration error, never a traceback later
                                 "ht!tp://", "http://", "https://exa mple.com", "http://[::1", "https://[::1]x/",
                                 "https://api.trustnxt.com:99999", "https://api.trustnxt.com:0",
                                 "https://api.trustnxt.com:port", "https://exa\tmple.com", "https://a..b",
                                 "https://-api.example", "https://api_x.example", "https://1.2.3",
                                 "https://api.trustnxt.com/?key=1", "https://api.trustnxt.com#x",
                                 "https://api.trustnxt.com\\@evil.example"])
def test_refused_addresses(url: str) -> None:
    with pytest.raises(CloudConfigError) as caught:
        CloudClient(url, ApiCredentials(KEY))
    assert isinstance(caught.value, ConfigurationError)
    message = str(caught.value)
    assert message.count(". ") == 0 and message.endswith("."), "one sentence"


def test_tls_uses_the_os_trust_store() -> None:
    client = CloudClient("https://api.trustnxt.com", ApiCredentials(KEY))
    assert isinstance(client.ssl_context, truststore.SSLContext)
    assert client.ssl_context.verify_mode is ssl.CERT_REQUIRED and client.ssl_context.check_hostname


async def test_an_unverifiable_certificate_is_refused_without_retry(tmp_path: Path) -> None:
    cert, key = self_signed_loopback(tmp_path)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.05)
    port = listener.getsockname()[1]
    handshakes: list[str] = []
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            conn.settimeout(5)
            try:
                with context.wrap_socket(conn, server_side=True) as tls:
                    tls.recv(1)
                handshakes.append("completed")
            except (ssl.SSLError, OSError):
                handshakes.append("refused by client")

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        async with CloudClient(f"https://127.0.0.1:{port}", ApiCredentials(KEY, SECRET), retry=RETRYING) as client:
            with pytest.raises(CloudTLSError) as caught:
                await client.usage()
    finally:
        stop.set()
        thread.join(2)
        listener.close()
    assert handshakes == ["refused by client"], "one attempt, and the client itself refused the certificate"
    assert "could not be verified" in str(caught.value) and "Nothing was sent" in str(caught.value)


class _Echo(BaseHTTPRequestHandler):
    """A careless service: it echoes the credentials back in its error messages and redirects elsewhere."""

    requests: list[str] = []

    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:  # noqa: N802
        self.requests.append(self.path)
        if self.path.startswith("/redirect"):
            self.send_response(307)
            self.send_header("Location", "http://127.0.0.2:9/steal" + contract.USAGE_PATH)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        status = 401 if self.path.startswith("/auth") else 500
        echoed = f"bad key {self.headers.get(contract.API_KEY_HEADER)} / {self.headers.get(contract.API_SECRET_HEADER)}"
        body = json.dumps(contract.error_body("oops", echoed)).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def echo_server() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Echo)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _leaks(text: str) -> bool:
    return KEY in text or SECRET in text or KEY[10:-4] in text or SECRET[12:-4] in text


async def test_secrets_never_reach_error_text_or_repr(echo_server: str, sandbox: SandboxProcess) -> None:
    errors: list[CloudError] = []
    for base in (echo_server + "/auth", echo_server + "/server"):
        async with CloudClient(base, ApiCredentials(KEY, SECRET), retry=RETRYING) as client:
            assert not _leaks(repr(client)) and not _leaks(str(client))
            with pytest.raises(CloudError) as caught:
                await client.usage()
            errors.append(caught.value)
    assert isinstance(errors[0], CloudAuthError) and isinstance(errors[1], CloudServerError)
    assert "tnxt_live_…9f3a" in str(errors[0]), "the echoed key is shown masked"
    async with CloudClient(sandbox.url, ApiCredentials(KEY, SECRET), retry=RETRYING) as client:
        with pytest.raises(CloudAuthError) as caught:
            await client.protect(CORPUS / "media" / "trustnxt-icon.jpg", io.BytesIO())
        errors.append(caught.value)
    for error in errors:
        text = "".join(traceback.format_exception(error))  # with every chained cause, as a crash report would
        assert not _leaks(str(error)) and not _leaks(repr(error)) and not _leaks(text), text


async def test_redirects_are_not_followed(echo_server: str) -> None:
    _Echo.requests.clear()
    async with CloudClient(echo_server + "/redirect", ApiCredentials(KEY), retry=RETRYING) as client:
        with pytest.raises(CloudRequestError) as caught:
            await client.usage()
    assert caught.value.status == 307 and "redirect" in str(caught.value)
    assert _Echo.requests == ["/redirect" + contract.USAGE_PATH]
