"""Real damage done to real store files, as a failing disk, a crash mid-copy or a careless tool leaves it."""

from __future__ import annotations

import json
import os
import random
import shutil
import sqlite3
from pathlib import Path

from trustnxt_desktop.domain.secrets import SecretStore

# Every kind a sqlite store is tested with. "zero length" is an empty database to sqlite, not damage.
SQLITE_DAMAGE = ("truncated", "random bytes", "corrupted pages", "zero length", "directory")
JSON_DAMAGE = ("truncated", "random bytes", "wrong shape", "zero length", "directory")


def checkpoint(path: Path) -> None:
    """Fold the write-ahead log into the database file, so damage to the file is damage to the data."""
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    for side in ("-wal", "-shm"):
        Path(f"{path}{side}").unlink(missing_ok=True)


def filled_stores(home: Path, secrets: SecretStore) -> None:
    """The job queue, usage ledger and an anchored verification log of a data root, each several pages
    long, closed: what a used install has."""
    from trustnxt_desktop.domain.report import EngineInfo, FileInfo, InspectionReport, Verdict
    from trustnxt_desktop.services.jobs.store import JobStore
    from trustnxt_desktop.services.records.ledger import UsageLedger
    from trustnxt_desktop.services.records.verification_log import VerificationLog

    jobs = JobStore(home)
    jobs.add_jobs(jobs.create_batch().id, [(home / f"p{i}.jpg", None) for i in range(400)])
    jobs.close()
    ledger = UsageLedger(home)
    ledger.record_many("inspect", "local", [True] * 3000)
    ledger.close()
    log = VerificationLog(home, secrets)
    log.append_many([InspectionReport(
        file=FileInfo(path=f"/in/{i}.jpg", name=f"{i}.jpg", size=i, sha256=f"{i:064x}", media_type="image/jpeg"),
        verdict=Verdict.VALID, summary="", engine=EngineInfo("Test engine", "1.0", [])) for i in range(1, 301)])
    log.close()


def damage_sqlite(path: Path, kind: str, seed: int = 14) -> None:
    """Damage a store's database in place. The store must be closed and hold several pages of data."""
    rng = random.Random(seed)
    if kind != "directory" and kind != "zero length":
        checkpoint(path)
    size = path.stat().st_size if path.is_file() else 0
    if kind == "truncated":
        assert size >= 3 * 4096, "too small a database to truncate meaningfully"
        os.truncate(path, size // 2 + 100)  # ends in the middle of a page
    elif kind == "random bytes":
        path.write_bytes(rng.randbytes(64 * 1024))
    elif kind == "corrupted pages":
        data = bytearray(path.read_bytes())
        page = int.from_bytes(data[16:18], "big") or 65536
        assert data[:16] == b"SQLite format 3\x00" and len(data) > 2 * page
        data[page:] = rng.randbytes(len(data) - page)  # page 1 (the header and schema) stays valid
        path.write_bytes(bytes(data))
    elif kind == "zero length":
        path.write_bytes(b"")
        for side in ("-wal", "-shm"):
            Path(f"{path}{side}").unlink(missing_ok=True)
    elif kind == "directory":
        if path.exists():
            path.unlink()
        for side in ("-wal", "-shm"):
            Path(f"{path}{side}").unlink(missing_ok=True)
        path.mkdir()
        (path / "stray.txt").write_text("a folder where the database should be")
    else:
        raise ValueError(kind)


def damage_json(path: Path, kind: str, seed: int = 14) -> None:
    rng = random.Random(seed)
    if kind == "truncated":
        text = path.read_text("utf-8")
        path.write_text(text[: len(text) // 2], "utf-8")
    elif kind == "random bytes":
        path.write_bytes(rng.randbytes(4096))
    elif kind == "wrong shape":
        path.write_text(json.dumps(["last_success", 7]), "utf-8")
    elif kind == "zero length":
        path.write_bytes(b"")
    elif kind == "directory":
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink()
        path.mkdir()
    else:
        raise ValueError(kind)


def set_aside_copies(path: Path) -> list[Path]:
    """The `<name>.damaged-<time>` files a store left next to `path` (not their -wal/-shm companions)."""
    return sorted(p for p in path.parent.glob(f"{path.name}.damaged-*") if not p.name.endswith(("-wal", "-shm")))
