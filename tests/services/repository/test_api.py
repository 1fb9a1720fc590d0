"""`trustnxt repository serve` as a real process: the C2PA Soft Binding Resolution API over this computer's
repository and over PostgreSQL, its API key, its answers' shapes, and the remote-repository client against it."""

from __future__ import annotations

import io
import os
import random
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from PIL import Image, ImageDraw

from tests.postgres_server import running_postgres
from trustnxt_desktop.domain.soft_binding import ISCC_IMAGE, PDQ
from trustnxt_desktop.engine.fingerprints import fingerprint_file, iscc_code
from trustnxt_desktop.services.repository.postgres import PostgresRepository
from trustnxt_desktop.services.repository.protocol import RepositoryError, RepositoryRecord
from trustnxt_desktop.services.repository.remote import RemoteRepository
from trustnxt_desktop.services.repository.sqlite import SqliteRepository

KEY = "tnxt_live_repository_test_key_0123456789"


def picture(seed: int) -> Image.Image:
    """A picture with enough detail to fingerprint: random shapes on a random background."""
    rng = random.Random(seed)
    im = Image.new("RGB", (640, 480), tuple(rng.randrange(256) for _ in range(3)))
    draw = ImageDraw.Draw(im)
    for _ in range(60):
        x, y = rng.randrange(640), rng.randrange(480)
        box = (x, y, x + rng.randrange(20, 200), y + rng.randrange(20, 200))
        colour = tuple(rng.randrange(256) for _ in range(3))
        (draw.ellipse if rng.random() < 0.5 else draw.rectangle)(box, fill=colour)
    return im


def jpeg(im: Image.Image, quality: int = 92) -> bytes:
    buf = io.BytesIO()
    im.save(buf, "JPEG", quality=quality)
    return buf.getvalue()


def record(n: int) -> RepositoryRecord:
    result = fingerprint_file(io.BytesIO(jpeg(picture(n))))
    assert result.upright is not None, result.refused
    return RepositoryRecord(f"urn:c2pa:{n:08x}-1111-4000-8000-000000000000", f"manifest store {n}".encode() * 50,
                            (result.upright.iscc, result.upright.pdq), "image/jpeg", "protect",
                            "2026-11-29T12:00:00Z", title=f"picture {n}.jpg")


RECORDS = [record(n) for n in range(6)]


def _check_query_result(data: Any) -> list[dict[str, Any]]:
    """The specification's c2pa.softBindingQueryResult: matches[], each with a manifestId string, an optional
    endpoint string and an optional integer similarityScore 0–100."""
    assert isinstance(data, dict) and isinstance(data["matches"], list)
    for m in data["matches"]:
        assert isinstance(m["manifestId"], str) and m["manifestId"]
        assert isinstance(m.get("endpoint", ""), str)
        score = m.get("similarityScore", 0)
        assert isinstance(score, int) and not isinstance(score, bool) and 0 <= score <= 100
    matches: list[dict[str, Any]] = data["matches"]
    return matches


def _serve(*extra: str) -> Iterator[str]:
    server = subprocess.Popen([sys.executable, "-m", "trustnxt_desktop.cli", "repository", "serve",
                               "--address", "127.0.0.1:0", *extra], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True, env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})
    try:
        assert server.stdout is not None and server.stderr is not None
        line = server.stdout.readline()
        assert "listening on" in line, (line, server.stderr.read() if server.poll() is not None else "")
        yield line.split("listening on ")[1].split()[0]
    finally:
        server.terminate()
        server.wait(15)


@pytest.fixture
def served(home: Path, tmp_path: Path) -> Iterator[str]:
    repo = SqliteRepository(home)
    for r in RECORDS:
        repo.add(r)
    repo.close()
    keys = tmp_path / "keys.txt"
    keys.write_text(f"# newsroom keys\n{KEY}\n")
    yield from _serve("--api-key-file", str(keys))


def test_a_missing_or_wrong_key_is_refused_and_the_algorithm_list_is_public(served: str) -> None:
    value = RECORDS[0].fingerprints[1].base64()
    for headers in ({}, {"X-API-Key": "tnxt_live_wrong"}):
        answer = httpx.get(f"{served}/matches/byBinding", params={"alg": PDQ, "value": value}, headers=headers)
        assert answer.status_code == 401 and "tnxt_live_wrong" not in answer.text
        assert httpx.get(f"{served}/manifests/{RECORDS[0].manifest_id}", headers=headers).status_code == 401
        assert httpx.post(f"{served}/matches/byContent", content=jpeg(picture(0)),
                          headers={**headers, "Content-Type": "image/jpeg"}).status_code == 401
    algorithms = httpx.get(f"{served}/services/supportedAlgorithms").json()
    assert algorithms == {"watermarks": [], "fingerprints": [{"alg": ISCC_IMAGE}, {"alg": PDQ}]}


def test_matches_by_binding_get_and_post(served: str) -> None:
    headers = {"X-API-Key": KEY}
    target = RECORDS[3]
    pdq = target.fingerprints[1]
    found = _check_query_result(httpx.get(f"{served}/matches/byBinding", headers=headers,
                                          params={"alg": PDQ, "value": pdq.base64()}).json())
    assert found[0] == {"manifestId": target.manifest_id, "similarityScore": 100, "distance": 0}
    iscc_text = iscc_code(target.fingerprints[0]).encode()
    import base64

    posted = httpx.post(f"{served}/matches/byBinding", headers=headers, params={"maxResults": 1},
                        json={"alg": ISCC_IMAGE, "value": base64.b64encode(iscc_text).decode()})
    assert [m["manifestId"] for m in _check_query_result(posted.json())] == [target.manifest_id]
    bad = httpx.get(f"{served}/matches/byBinding", headers=headers, params={"alg": PDQ, "value": "AAAA"})
    assert bad.status_code == 400 and "256 bits" in bad.json()["error"]["message"]
    unknown = httpx.get(f"{served}/matches/byBinding", headers=headers, params={"alg": "org.x", "value": "AA=="})
    assert unknown.status_code == 400


def test_matches_by_content_and_manifest_by_id(served: str) -> None:
    headers = {"X-API-Key": KEY}
    target = RECORDS[2]
    copy = picture(2).resize((320, 240)).transpose(Image.Transpose.ROTATE_90)  # resized, turned, re-encoded
    answer = httpx.post(f"{served}/matches/byContent", content=jpeg(copy, 50), timeout=60,
                        headers={**headers, "Content-Type": "image/jpeg"})
    matches = _check_query_result(answer.json())
    assert [m["manifestId"] for m in matches] == [target.manifest_id]
    unrelated = httpx.post(f"{served}/matches/byContent", content=jpeg(picture(999)), timeout=60,
                           headers={**headers, "Content-Type": "image/jpeg"})
    assert _check_query_result(unrelated.json()) == []
    not_a_picture = httpx.post(f"{served}/matches/byContent", content=b"%PDF-1.7 nothing", timeout=60,
                               headers={**headers, "Content-Type": "image/jpeg"})
    assert not_a_picture.status_code == 415
    store = httpx.get(f"{served}/manifests/{target.manifest_id}", headers=headers)
    assert store.status_code == 200 and store.headers["content-type"] == "application/c2pa"
    assert store.content == target.manifest_store
    assert httpx.get(f"{served}/manifests/urn:c2pa:none", headers=headers).status_code == 404


def test_the_remote_repository_client(served: str) -> None:
    remote = RemoteRepository(served, KEY)
    try:
        assert remote.algorithms() == (ISCC_IMAGE, PDQ)
        target = RECORDS[4]
        near = remote.nearest(PDQ, target.fingerprints[1].bits, 90)
        assert near[0].manifest_id == target.manifest_id and near[0].distance == 0
        stored = remote.manifest(target.manifest_id)
        assert stored is not None and stored.manifest_store == target.manifest_store
        assert remote.manifest("urn:c2pa:none") is None
    finally:
        remote.close()
    refused = RemoteRepository(served, "tnxt_live_not_the_key_00000000000")
    try:
        with pytest.raises(RepositoryError, match="refused the API key") as caught:
            refused.algorithms() and refused.nearest(PDQ, RECORDS[0].fingerprints[1].bits, 48)
        assert "not_the_key" not in str(caught.value)
    finally:
        refused.close()


def test_served_from_postgresql(home: Path) -> None:
    with running_postgres() as pg:
        repo = PostgresRepository(pg.url())
        for r in RECORDS:
            repo.add(r)
        repo.close()
        for url in _serve("--no-api-key", "--database", pg.url()):
            copy = jpeg(picture(5), 60)
            matches = httpx.post(f"{url}/matches/byContent", content=copy, timeout=60,
                                 headers={"Content-Type": "image/jpeg"}).json()["matches"]
            assert [m["manifestId"] for m in matches] == [RECORDS[5].manifest_id]
            remote = RemoteRepository(url, None)
            assert remote.manifest(RECORDS[5].manifest_id) is not None
            remote.close()
