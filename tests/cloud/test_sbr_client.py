"""cloud/sbr_client.py against the real `trustnxt repository serve` process: algorithms, matches by binding and by
content, a manifest store by id; a bare address gets /v1; a refused key, an unreachable address, a server that is
not the Soft Binding Resolution API and one that fails each raise their own error, never showing the key."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image

from tests.cloud.failing_servers import Handler, closed_port_url, html_page, serving
from tests.services.repository.test_api import KEY, RECORDS, _serve, jpeg, picture
from trustnxt_desktop.cloud.auth import ApiCredentials
from trustnxt_desktop.cloud.errors import (
    CloudAuthError,
    CloudConfigError,
    CloudError,
    CloudNetworkError,
    CloudServerError,
)
from trustnxt_desktop.cloud.sbr_client import SbrClient
from trustnxt_desktop.cloud.sbr_contract import Match
from trustnxt_desktop.domain.soft_binding import ISCC_IMAGE, PDQ
from trustnxt_desktop.services.repository.sqlite import SqliteRepository

WRONG = "tnxt_live_sbr_client_wrong_key_000000"


@pytest.fixture
def served(home: Path, tmp_path: Path) -> Iterator[str]:
    repo = SqliteRepository(home)
    for r in RECORDS:
        repo.add(r)
    repo.close()
    keys = tmp_path / "keys.txt"
    keys.write_text(f"{KEY}\n")
    yield from _serve("--api-key-file", str(keys))


def test_the_client_searches_and_fetches_from_a_served_repository(served: str) -> None:
    assert served.endswith("/v1")
    client = SbrClient(served.removesuffix("/v1"), ApiCredentials(KEY))
    try:
        assert client.base_url == served, "a bare address gets the API's base path"
        assert client.supported_algorithms() == (ISCC_IMAGE, PDQ)
        target = RECORDS[3]
        found = client.by_binding(PDQ, target.fingerprints[1].bits)
        assert found[0] == Match(target.manifest_id, 100, None, 0)
        assert len(client.by_binding(ISCC_IMAGE, target.fingerprints[0].bits, max_results=1)) == 1
        far = bytes(b ^ 0xFF for b in target.fingerprints[1].bits)
        assert client.by_binding(PDQ, far, max_distance=10) == []

        copy = picture(3).resize((320, 240)).transpose(Image.Transpose.ROTATE_270)
        by_content = client.by_content(jpeg(copy, 55), "image/jpeg")
        assert [m.manifest_id for m in by_content] == [target.manifest_id]
        assert client.manifest(target.manifest_id) == target.manifest_store
        assert client.manifest("urn:c2pa:none") is None
        with pytest.raises(CloudError, match=r"refused the request \(4\d\d\)"):
            client.by_binding("org.example.unknown", b"\x00")
    finally:
        client.close()


def test_a_refused_key_is_said_without_the_key(served: str) -> None:
    client = SbrClient(served, ApiCredentials(WRONG))
    try:
        assert client.supported_algorithms() == (ISCC_IMAGE, PDQ), "the algorithm list is public"
        with pytest.raises(CloudAuthError, match="refused the API key") as caught:
            client.by_binding(PDQ, RECORDS[0].fingerprints[1].bits)
        assert WRONG not in str(caught.value) and WRONG not in repr(client)
    finally:
        client.close()
    anonymous = SbrClient(served, None)
    try:
        with pytest.raises(CloudAuthError):
            anonymous.manifest(RECORDS[0].manifest_id)
    finally:
        anonymous.close()


def test_addresses_that_cannot_be_used_or_reached() -> None:
    with pytest.raises(CloudConfigError):
        SbrClient("http://repository.example/v1", None)  # plain http beyond this computer
    client = SbrClient(closed_port_url() + "/v1", None, timeout=5)
    try:
        with pytest.raises(CloudNetworkError, match="could not be reached"):
            client.supported_algorithms()
    finally:
        client.close()


def _answer(status: str, body: bytes) -> Handler:
    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        writer.write(f"HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n"
                     "Connection: close\r\n\r\n".encode() + body)
        await writer.drain()
        writer.close()

    return answer


def test_a_server_that_is_not_the_api_or_fails_is_said_plainly() -> None:
    with serving(html_page()) as port:
        client = SbrClient(f"http://127.0.0.1:{port}/v1", ApiCredentials(KEY))
        try:
            with pytest.raises(CloudError, match="not the Soft Binding Resolution API"):
                client.supported_algorithms()
        finally:
            client.close()
    with serving(_answer("200 OK", b'{"matches": "none"}')) as port:
        client = SbrClient(f"http://127.0.0.1:{port}/v1", ApiCredentials(KEY))
        try:
            with pytest.raises(CloudError, match="not the Soft Binding Resolution API"):
                client.by_binding(PDQ, bytes(32))
        finally:
            client.close()
    with serving(html_page("503 Service Unavailable")) as port:
        client = SbrClient(f"http://127.0.0.1:{port}/v1", ApiCredentials(KEY))
        try:
            with pytest.raises(CloudServerError, match=r"failed \(503\)"):
                client.by_binding(PDQ, bytes(32))
        finally:
            client.close()
    echo = _answer("400 Bad Request", f'{{"error": "bad key {KEY}"}}'.encode())
    with serving(echo) as port:
        client = SbrClient(f"http://127.0.0.1:{port}/v1", ApiCredentials(KEY))
        try:
            with pytest.raises(CloudError, match=r"refused the request \(400\)") as caught:
                client.by_binding(PDQ, bytes(32))
            assert KEY not in str(caught.value), "a key the service echoes back is scrubbed"
        finally:
            client.close()
