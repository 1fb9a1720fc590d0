"""The manifest repository in a real PostgreSQL server (Debian's package, a fresh cluster on 127.0.0.1)."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Iterator

import psycopg
import pytest

from tests.postgres_server import PostgresServer, running_postgres
from trustnxt_desktop.domain.soft_binding import ISCC_IMAGE, PDQ, Fingerprint
from trustnxt_desktop.services.repository.hamming_bands import LAYOUTS
from trustnxt_desktop.services.repository.postgres import SCHEMA, PostgresRepository, public_address
from trustnxt_desktop.services.repository.protocol import ManifestRepository, RepositoryError, RepositoryRecord


@pytest.fixture(scope="module")
def server() -> Iterator[PostgresServer]:
    with running_postgres() as s:  # raises PostgresUnavailable with the reason: never skipped
        yield s


@pytest.fixture
def database(server: PostgresServer) -> str:
    name = f"t{random.getrandbits(40):x}"
    with psycopg.connect(server.url(), autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    return server.url(name)


def _record(n: int, pdq: bytes, iscc: bytes) -> RepositoryRecord:
    return RepositoryRecord(f"urn:c2pa:{n:08x}-0000-4000-8000-000000000000", f"store {n}".encode() * 20,
                            (Fingerprint(ISCC_IMAGE, iscc), Fingerprint(PDQ, pdq)), "image/jpeg", "protect",
                            "2026-11-29T12:00:00Z", title=f"picture {n}.jpg", thumbnail=b"\xff\xd8thumb",
                            thumbnail_type="image/jpeg")


def _flip(code: bytes, bits: list[int]) -> bytes:
    value = int.from_bytes(code, "big")
    for b in bits:
        value ^= 1 << b
    return value.to_bytes(len(code), "big")


def test_records_round_trip_and_are_found_by_distance(database: str) -> None:
    rng = random.Random(7)
    repo = PostgresRepository(database)
    try:
        assert isinstance(repo, ManifestRepository)
        records = [_record(n, rng.randbytes(32), rng.randbytes(8)) for n in range(300)]
        assert all(repo.add(r) for r in records)
        assert repo.add(records[0]) is False  # kept as it was
        assert repo.count() == 300
        target = records[123]
        pdq, iscc = target.fingerprints[1].bits, target.fingerprints[0].bits
        # Within the guaranteed distance (16 bands probed 1 bit deep: 31 bits), wherever the flips fall.
        for trial in range(20):
            flipped = _flip(pdq, rng.sample(range(256), 31))
            found = repo.nearest(PDQ, flipped, 48, limit=5)
            assert found and found[0].manifest_id == target.manifest_id and found[0].distance == 31, trial
        near_iscc = _flip(iscc, rng.sample(range(64), 10))
        assert [m.manifest_id for m in repo.nearest(ISCC_IMAGE, near_iscc, 10)] == [target.manifest_id]
        assert repo.nearest(ISCC_IMAGE, near_iscc, 9) == []  # the exact distance decides, not the bands
        assert repo.nearest("org.example.unknown", iscc, 10) == []
        stored = repo.manifest(target.manifest_id)
        assert stored is not None
        assert (stored.manifest_store, stored.title, stored.thumbnail) == (target.manifest_store, target.title,
                                                                            target.thumbnail)
        assert set(stored.fingerprints) == set(target.fingerprints)
        assert repo.manifest("urn:c2pa:absent") is None
        assert repo.schema() == SCHEMA
    finally:
        repo.close()


def test_unrelated_codes_are_not_matched(database: str) -> None:
    rng = random.Random(11)
    repo = PostgresRepository(database)
    try:
        for n in range(500):
            repo.add(_record(n, rng.randbytes(32), rng.randbytes(8)))
        # Random 256-bit codes lie ~128 bits apart: nothing within the match rule's 48.
        assert all(repo.nearest(PDQ, rng.randbytes(32), 48) == [] for _ in range(50))
    finally:
        repo.close()


def test_reopening_migrates_once_and_a_newer_schema_is_left_alone(database: str) -> None:
    PostgresRepository(database).close()
    PostgresRepository(database).close()
    with psycopg.connect(database, autocommit=True) as conn:
        assert conn.execute("SELECT count(*) FROM trustnxt_schema").fetchone() == (SCHEMA,)
        conn.execute("INSERT INTO trustnxt_schema (version) VALUES (%s)", (SCHEMA + 1,))
    with pytest.raises(RepositoryError, match="newer version"):
        PostgresRepository(database)


def test_a_wrong_password_is_said_without_the_password(server: PostgresServer) -> None:
    url = server.url().replace(server.password, "not-the-password-xyz")
    with pytest.raises(RepositoryError) as caught:
        PostgresRepository(url, timeout=1)
    assert "not-the-password-xyz" not in str(caught.value)
    assert public_address(url) in str(caught.value)


def test_every_band_index_is_used_by_a_lookup(database: str) -> None:
    PostgresRepository(database).close()
    with psycopg.connect(database) as conn:
        indexes = {row[0] for row in conn.execute("SELECT indexname FROM pg_indexes WHERE tablename LIKE 'codes_%'")}
    expected = sum(layout.bands for layout in LAYOUTS.values())
    assert len([i for i in indexes if "_b" in i]) == expected


_WRITER = """
import random, sys
from trustnxt_desktop.domain.soft_binding import ISCC_IMAGE, PDQ, Fingerprint
from trustnxt_desktop.services.repository.protocol import RepositoryRecord
from trustnxt_desktop.services.repository.postgres import PostgresRepository
repo = PostgresRepository(sys.argv[1])
rng = random.Random(int(sys.argv[2]))
print("ready", flush=True)
n = 0
while True:
    n += 1
    repo.add(RepositoryRecord(f"urn:c2pa:{sys.argv[2]}-{n}", rng.randbytes(40000), (Fingerprint(ISCC_IMAGE,
             rng.randbytes(8)), Fingerprint(PDQ, rng.randbytes(32))), "image/jpeg", "protect", "2026-11-29T12:00:00Z"))
"""


def test_a_client_killed_mid_insert_leaves_no_half_record(database: str) -> None:
    PostgresRepository(database).close()
    for seed in range(3):
        writer = subprocess.Popen([sys.executable, "-c", _WRITER, database, str(seed)], stdout=subprocess.PIPE,
                                  text=True, env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})
        assert writer.stdout is not None and writer.stdout.readline().strip() == "ready"
        time.sleep(0.3 + 0.1 * seed)
        writer.send_signal(signal.SIGKILL)
        writer.wait(10)
    time.sleep(0.5)  # the server notices the dropped connections and rolls their transactions back
    with psycopg.connect(database) as conn:
        manifests = conn.execute("SELECT count(*) FROM manifests").fetchone()
        assert manifests is not None and manifests[0] > 0
        for table in ("codes_0", "codes_1"):
            orphans = conn.execute(f"SELECT count(*) FROM {table} c LEFT JOIN manifests m USING (manifest_id) "
                                   "WHERE m.manifest_id IS NULL").fetchone()
            missing = conn.execute(f"SELECT count(*) FROM manifests m LEFT JOIN {table} c USING (manifest_id) "
                                   "WHERE c.manifest_id IS NULL").fetchone()
            assert orphans == (0,) and missing == (0,), table
    repo = PostgresRepository(database)
    try:
        assert repo.count() == manifests[0]
    finally:
        repo.close()
