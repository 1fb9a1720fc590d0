"""services/repository/remote.py: a remote repository as a ManifestRepository, against another service speaking the
Soft Binding Resolution API on loopback (one that sends scores, not distances): only the algorithms both sides know
are searched, matches naming another endpoint are left out, a score stands for its distance, a manifest fetched is
marked remote; the repository is searched only; the configured remotes take their keys from the real keyring."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from tests.cloud.failing_servers import Handler, closed_port_url, serving
from trustnxt_desktop.cloud.sbr_contract import distance_from_score
from trustnxt_desktop.domain.secrets import SecretStore
from trustnxt_desktop.domain.soft_binding import ISCC_IMAGE, PDQ
from trustnxt_desktop.services.account.settings import Settings
from trustnxt_desktop.services.repository.protocol import ManifestRepository, RepositoryError, RepositoryRecord
from trustnxt_desktop.services.repository.remote import (
    REMOTE_ORIGIN,
    RemoteRepository,
    configured_remotes,
    key_name,
)

KEY = "tnxt_live_remote_repository_key_00000"
STORE = b"\x00\x00\x00\x20jumb manifest store of urn:c2pa:exact"
MATCHES = [
    {"manifestId": "urn:c2pa:elsewhere", "endpoint": "https://other.example/v1", "similarityScore": 100},
    {"manifestId": "urn:c2pa:no-score"},
    {"manifestId": "urn:c2pa:score-far", "similarityScore": 50},
    {"manifestId": "urn:c2pa:score-only", "similarityScore": 95},
    {"manifestId": "urn:c2pa:exact", "distance": 1},
]


class OtherService:
    """A repository service that is not ours: ISCC only (plus a watermark), scores instead of distances."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, dict[str, list[str]], str | None]] = []

    def handler(self) -> Handler:
        async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
            target = urlsplit(head[0].split(" ")[1])
            headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in head[1:] if line)}
            self.requests.append((target.path, parse_qs(target.query), headers.get("x-api-key")))
            status, body = "404 Not Found", b'{"error": "none"}'
            if target.path == "/v1/services/supportedAlgorithms":
                status, body = "200 OK", json.dumps({"fingerprints": [{"alg": ISCC_IMAGE}, {"alg": "org.x.other"}],
                                                     "watermarks": [{"alg": "org.x.mark"}]}).encode()
            elif target.path == "/v1/matches/byBinding":
                status, body = "200 OK", json.dumps({"matches": MATCHES}).encode()
            elif unquote(target.path) == "/v1/manifests/urn:c2pa:exact":
                status, body = "200 OK", STORE
            writer.write(f"HTTP/1.1 {status}\r\nContent-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode()
                         + body)
            await writer.drain()
            writer.close()

        return answer


@pytest.fixture
def other() -> Iterator[tuple[str, OtherService]]:
    service = OtherService()
    with serving(service.handler()) as port:
        yield f"http://127.0.0.1:{port}", service


def test_matches_from_another_service_are_judged_by_score_and_endpoint(other: tuple[str, OtherService]) -> None:
    url, service = other
    remote = RemoteRepository(url, KEY)
    try:
        assert isinstance(remote, ManifestRepository)
        assert remote.name == f"{url}/v1"
        assert remote.algorithms() == (ISCC_IMAGE,)
        assert remote.algorithms() == (ISCC_IMAGE,) and len(service.requests) == 1, "asked once"
        assert remote.nearest(PDQ, bytes(32), 90) == [], "an algorithm the service does not offer is not asked"
        assert remote.nearest("org.x.other", b"\x00", 10) == []
        assert len(service.requests) == 1
        found = remote.nearest(ISCC_IMAGE, bytes(8), 10)
        assert [(m.manifest_id, m.algorithm, m.distance) for m in found] == [
            ("urn:c2pa:exact", ISCC_IMAGE, 1), ("urn:c2pa:score-only", ISCC_IMAGE, distance_from_score(95, 64)),
            ("urn:c2pa:no-score", ISCC_IMAGE, 10)]
        path, query, key = service.requests[-1]
        assert path == "/v1/matches/byBinding" and key == KEY
        assert query["alg"] == [ISCC_IMAGE] and query["maxDistance"] == ["10"] and query["maxResults"] == ["10"]
        assert [m.manifest_id for m in remote.nearest(ISCC_IMAGE, bytes(8), 10, limit=2)] == [
            "urn:c2pa:exact", "urn:c2pa:score-only"]

        stored = remote.manifest("urn:c2pa:exact")
        assert stored is not None and stored.manifest_store == STORE
        assert (stored.origin, stored.media_type) == (REMOTE_ORIGIN, "application/c2pa")
        assert remote.manifest("urn:c2pa:unknown") is None
    finally:
        remote.close()


def test_a_remote_repository_is_searched_only_and_its_errors_are_repository_errors() -> None:
    remote = RemoteRepository(closed_port_url(), None, timeout=5)
    try:
        record = RepositoryRecord("urn:c2pa:x", b"store", (), "image/jpeg", "protect", "2026-11-30T10:00:00Z")
        with pytest.raises(RepositoryError, match="searched only"):
            remote.add(record)
        with pytest.raises(RepositoryError, match="does not say how many"):
            remote.count()
        with pytest.raises(RepositoryError, match="could not be reached"):
            remote.algorithms()
    finally:
        remote.close()
    assert KEY not in repr(RemoteRepository("https://repository.example/v1", KEY))


def test_configured_remotes_take_their_keys_from_the_keyring(secret_store: SecretStore) -> None:
    urls = ["https://repository.example/v1/", "http://127.0.0.1:8765"]
    assert key_name(" https://repository.example/v1/ ") == "repository-key:https://repository.example/v1"
    assert configured_remotes(Settings(remote_repository_urls=urls), secret_store) == [], "off by default"
    secret_store.set(key_name(urls[0]), KEY)
    remotes = configured_remotes(Settings(remote_repositories=True, remote_repository_urls=urls), secret_store)
    try:
        assert [r.name for r in remotes] == ["https://repository.example/v1", "http://127.0.0.1:8765/v1"]
        assert "ApiCredentials" in repr(remotes[0]) and KEY not in repr(remotes[0])
        assert repr(remotes[1]).endswith(", None))"), "no key in the keyring: an open repository"
    finally:
        for r in remotes:
            r.close()
