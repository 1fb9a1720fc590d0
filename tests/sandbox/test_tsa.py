"""A protect request's tsa_url: only authorities the server allows, never a private address, no redirect."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.c2pa_signing import local_tsa
from tests.certs import TestCA
from tests.sandbox.process import SandboxProcess
from tests.sandbox.test_server import error_code, post
from trustnxt_desktop.cloud import contract
from trustnxt_desktop.sandbox.tsa import DEFAULT_TSA_URLS, TsaPolicy, TsaRefused, normalise


@contextmanager
def listener() -> Iterator[tuple[str, list[bytes]]]:
    """A TCP port on 127.0.0.1 that records what each connection sent (its first bytes) and closes it."""
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(0.1)
    seen: list[bytes] = []
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except TimeoutError:
                continue
            with conn:
                conn.settimeout(2)
                try:
                    seen.append(conn.recv(4096))
                except OSError:
                    seen.append(b"")

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.getsockname()[1]}/tsa", seen
    finally:
        stop.set()
        thread.join(5)
        server.close()


@contextmanager
def redirecting_to(target: str) -> Iterator[str]:
    """An 'authority' that answers every POST with 302 to `target`."""
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802
            self.rfile.read(int(self.headers.get("Content-Length", "0")))
            self.send_response(302)
            self.send_header("Location", target)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/tsa"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def test_a_tsa_url_off_the_allow_list_is_refused_before_any_work(sandbox: SandboxProcess) -> None:
    before = sandbox.stats()["billable"].get("protect", 0)
    messages = []
    with listener() as (inside, seen):
        for url in ("http://169.254.169.254/latest/meta-data/", inside, "file:///etc/passwd", "gopher://x/"):
            response = post(sandbox, contract.PROTECT_PATH, options={"tsa_url": url})
            assert response.status_code == 400 and error_code(response) == contract.ERR_BAD_REQUEST, url
            messages.append(contract.parse_error_body(response.content)[1] or "")
            assert "time-stamp authorit" in messages[-1] and repr(url) in messages[-1], messages[-1]
        assert seen == [], "the sandbox never connected to the address it was given"
    assert sandbox.stats()["billable"].get("protect", 0) == before, "a refused request is not billed"
    assert "is not one of the time-stamp authorities this service uses" in messages[0]
    assert all(normalise(u) in messages[0] for u in DEFAULT_TSA_URLS), "the answer names what is allowed"


def test_an_allowed_authority_on_a_private_address_is_refused_without_the_test_flag(sandbox_factory) -> None:
    with listener() as (url, seen):
        server = sandbox_factory("--tsa-allow", url)
        response = post(server, contract.PROTECT_PATH, options={"tsa_url": url})
        assert response.status_code == 400
        message = contract.parse_error_body(response.content)[1] or ""
        assert "resolves to a loopback, private or otherwise non-public address (127.0.0.1)" in message
        assert seen == []


def test_with_the_test_flag_the_timestamp_comes_through_the_relay(sandbox_factory, tmp_path: Path) -> None:
    with local_tsa(TestCA()) as tsa:
        server = sandbox_factory("--tsa-allow", tsa, "--allow-private-tsa")
        protected = post(server, contract.PROTECT_PATH, options={"tsa_url": tsa})
        assert protected.status_code == 200, protected.text
    copy = tmp_path / "stamped.jpg"
    copy.write_bytes(protected.content)
    report = post(server, contract.INSPECT_PATH, copy).json()
    (timestamp,) = [c for c in report["checks"] if c["id"] == "timestamp"]
    assert report["signed_at"] and "A timestamp from Verdict Test TSA" in timestamp["detail"]


def test_a_redirect_from_the_authority_is_not_followed(sandbox_factory) -> None:
    with listener() as (inside, seen), redirecting_to(inside) as tsa:
        server = sandbox_factory("--tsa-allow", tsa, "--allow-private-tsa")
        response = post(server, contract.PROTECT_PATH, options={"tsa_url": tsa})
        assert response.status_code == 422 and error_code(response) == contract.ERR_PROTECT_FAILED
        message = contract.parse_error_body(response.content)[1] or ""
        assert f"The time-stamp authority {tsa} could not be used" in message
        assert "answered with a redirect (HTTP 302), which this service does not follow" in message
        assert seen == [], "the redirect's target was never contacted"


@pytest.mark.parametrize(("url", "normal"), [("HTTP://TimeStamp.DigiCert.com", "http://timestamp.digicert.com/"),
                                             ("https://ts.example:443/a", "https://ts.example/a"),
                                             ("http://ts.example:8080", "http://ts.example:8080/"),
                                             ("http://[::1]:80/x", "http://[::1]/x")])
def test_urls_are_compared_normalised(url: str, normal: str) -> None:
    assert normalise(url) == normal


@pytest.mark.parametrize("url", ["ftp://ts.example/", "http://user:pw@ts.example/", "http://ts.example/?q=1",
                                 "http://[::1", "http://ts.example:99999/", "http:///path"])
def test_malformed_tsa_urls_are_refused(url: str) -> None:
    with pytest.raises(TsaRefused):
        normalise(url)


@pytest.mark.parametrize("address", ["127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254",
                                     "100.64.0.1", "0.0.0.0", "224.0.0.1", "::1", "fe80::1", "fc00::1",
                                     "::ffff:127.0.0.1", "::ffff:10.0.0.1"])
def test_every_kind_of_non_public_address_is_refused(address: str) -> None:
    host = f"[{address}]" if ":" in address else address
    url = f"http://{host}/tsa"
    with pytest.raises(TsaRefused, match="non-public address"):
        TsaPolicy.of([url]).check(url)
    assert TsaPolicy.of([url], allow_private=True).check(url) == normalise(url), "the test flag allows it"


def test_a_public_address_on_the_list_is_accepted() -> None:
    assert TsaPolicy.of(["http://8.8.8.8/tsa"]).check("http://8.8.8.8/tsa") == "http://8.8.8.8/tsa"
