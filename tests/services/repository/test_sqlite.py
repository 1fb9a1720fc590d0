"""The manifest repository on this computer: records kept and found by fingerprint distance, duplicates refused,
records another process added found too, a lookup among 100,000 codes fast, and a writer killed with SIGKILL
leaves a sound file holding every add that returned."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from trustnxt_desktop.domain.soft_binding import ISCC_IMAGE, PDQ, Fingerprint
from trustnxt_desktop.services.repository.protocol import ManifestRepository, RepositoryRecord
from trustnxt_desktop.services.repository.sqlite import SqliteRepository


def _flip(bits: bytes, count: int, rng: random.Random) -> bytes:
    value = int.from_bytes(bits, "big")
    for position in rng.sample(range(len(bits) * 8), count):
        value ^= 1 << position
    return value.to_bytes(len(bits), "big")


def _record(label: str, pdq: bytes, iscc: bytes | None = None) -> RepositoryRecord:
    prints = (Fingerprint(PDQ, pdq),) + ((Fingerprint(ISCC_IMAGE, iscc),) if iscc else ())
    return RepositoryRecord(manifest_id=f"urn:c2pa:{label}", manifest_store=b"JUMBF " + label.encode(),
                            fingerprints=prints, media_type="image/jpeg", origin="protect",
                            added_at="2026-11-30T10:00:00+00:00", title=f"{label}.jpg", thumbnail=b"\xff\xd8thumb",
                            thumbnail_type="image/jpeg")


def test_records_are_found_by_distance_nearest_first(tmp_path: Path) -> None:
    rng = random.Random(7)
    repo = SqliteRepository(tmp_path)
    assert isinstance(repo, ManifestRepository)
    base = rng.randbytes(32)
    assert repo.add(_record("near", _flip(base, 10, rng), rng.randbytes(8)))
    assert repo.add(_record("further", _flip(base, 40, rng)))
    assert repo.add(_record("far", _flip(base, 120, rng)))
    assert not repo.add(_record("near", rng.randbytes(32))), "a manifest is kept once"
    found = repo.nearest(PDQ, base, 48)
    assert [(m.manifest_id, m.distance) for m in found] == [("urn:c2pa:near", 10), ("urn:c2pa:further", 40)]
    assert repo.nearest(PDQ, base, 48, limit=1)[0].manifest_id == "urn:c2pa:near"
    assert repo.nearest("com.example.unknown", base, 48) == []
    assert repo.nearest(PDQ, base[:8], 48) == [], "a code of the wrong length matches nothing"
    stored = repo.manifest("urn:c2pa:near")
    assert stored is not None and stored.manifest_store == b"JUMBF near" and stored.thumbnail == b"\xff\xd8thumb"
    assert {f.algorithm for f in stored.fingerprints} == {PDQ, ISCC_IMAGE}
    assert repo.manifest("urn:c2pa:none") is None and repo.count() == 3
    repo.close()
    reopened = SqliteRepository(tmp_path)
    assert [m.manifest_id for m in reopened.nearest(PDQ, base, 48)] == ["urn:c2pa:near", "urn:c2pa:further"]
    reopened.close()


def test_records_another_process_added_are_found(tmp_path: Path) -> None:
    rng = random.Random(3)
    reader, writer = SqliteRepository(tmp_path), SqliteRepository(tmp_path)
    code = rng.randbytes(32)
    assert reader.nearest(PDQ, code, 10) == []
    writer.add(_record("later", code))
    assert [m.manifest_id for m in reader.nearest(PDQ, code, 10)] == ["urn:c2pa:later"]
    reader.close()
    writer.close()


def test_a_lookup_among_100000_codes_takes_under_50_ms(tmp_path: Path) -> None:
    rng = random.Random(11)
    repo = SqliteRepository(tmp_path)
    repo._db.execute("BEGIN")  # filled in one transaction: the test measures lookups, not 100,000 fsyncs
    for i in range(100_000):
        cursor = repo._db.execute("INSERT INTO records (manifest_id, media_type, origin, added_at, manifest_store) "
                                  "VALUES (?, 'image/jpeg', 'import', '2026-11-30', x'00')", (f"urn:c2pa:{i}",))
        repo._db.execute("INSERT INTO codes (record_id, algorithm, bits) VALUES (?, ?, ?), (?, ?, ?)",
                         (cursor.lastrowid, PDQ, rng.randbytes(32), cursor.lastrowid, ISCC_IMAGE, rng.randbytes(8)))
    repo._db.execute("COMMIT")
    target = rng.randbytes(32)
    repo.add(_record("wanted", _flip(target, 30, rng)))
    repo.nearest(PDQ, target, 90)  # the first lookup reads the codes into memory
    times = []
    for _ in range(5):
        started = time.perf_counter()
        found = repo.nearest(PDQ, target, 90)
        times.append(time.perf_counter() - started)
        assert [m.manifest_id for m in found] == ["urn:c2pa:wanted"], "random codes lie ~128 bits away"
    assert min(times) <= 0.050, times
    repo.close()


WRITER = """
import random, sys
from pathlib import Path
from trustnxt_desktop.domain.soft_binding import PDQ, Fingerprint
from trustnxt_desktop.services.repository.protocol import RepositoryRecord
from trustnxt_desktop.services.repository.sqlite import SqliteRepository
repo = SqliteRepository(Path(sys.argv[1]))
rng = random.Random(5)
i = 0
while True:
    repo.add(RepositoryRecord(f"urn:c2pa:{i}", rng.randbytes(20000), (Fingerprint(PDQ, rng.randbytes(32)),),
                              "image/jpeg", "protect", "2026-11-30T10:00:00+00:00", thumbnail=rng.randbytes(30000)))
    print(i, flush=True)
    i += 1
"""


def test_a_writer_killed_during_inserts_leaves_every_returned_add(tmp_path: Path) -> None:
    for _attempt in range(3):
        proc = subprocess.Popen([sys.executable, "-c", WRITER, str(tmp_path)], stdout=subprocess.PIPE, text=True,
                                cwd=Path(__file__).resolve().parents[3])
        assert proc.stdout is not None
        done = -1
        started = time.monotonic()
        while done < 40 + 20 * _attempt and time.monotonic() - started < 60:
            done = int(proc.stdout.readline())
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        repo = SqliteRepository(tmp_path)
        assert repo.integrity() == "ok"
        # Each attempt starts from 0 again: the first records are already there, later ones are new.
        assert repo.count() >= done + 1
        for i in range(done + 1):
            stored = repo.manifest(f"urn:c2pa:{i}")
            assert stored is not None and len(stored.manifest_store) == 20000 and len(stored.fingerprints) == 1
        repo.close()
