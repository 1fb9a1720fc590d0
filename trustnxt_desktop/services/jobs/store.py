"""The persistent job queue (sqlite, `<data root>/jobs.sqlite3`): batches of protect jobs that survive a
crash, `kill -9` or a power cut.

A job row records everything a restart needs: the source and its fingerprint when it was queued, the
output folder, its state, the cloud Idempotency-Key it keeps for life (a repeat is never billed
twice), and the publishing journal — the staged output, its sha256 and the final name we are about to
link it to — written durably *before* the link, so a crash between publishing and "done" is recognised
on restart instead of producing a second copy (see services/jobs/runner.py).

Every commit is durable when it returns (WAL + synchronous=FULL). A batch is worked on by one process
at a time: `lock_batch` takes an OS file lock that dies with its process, so after a crash the next
process may take over the batch and knows that any job still marked running was interrupted.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import sqlite3
import sys
import threading
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any, BinaryIO

from ...domain.jobs import UNFINISHED, JobState
from ...domain.protect import ProtectOptions
from ...runtime.private_files import create_private_file
from ..store_health import check_sqlite

DB_NAME = "jobs.sqlite3"
LOCK_DIR = "jobs.locks"


_SCHEMA = """
CREATE TABLE IF NOT EXISTS batches (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,              -- 'protect' (later also 'capture')
    origin TEXT NOT NULL,            -- who runs it: 'cli' or 'gui'
    created_at TEXT NOT NULL,
    backend TEXT,                    -- 'local' / 'cloud'; NULL: whichever is active
    profile TEXT,
    options TEXT NOT NULL DEFAULT '{}'
);
CREATE TABLE IF NOT EXISTS jobs (
    id INTEGER PRIMARY KEY,
    batch_id INTEGER NOT NULL REFERENCES batches (id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    source TEXT NOT NULL,
    out_dir TEXT,                    -- NULL: next to the source
    state TEXT NOT NULL,
    source_size INTEGER,             -- fingerprint when queued; NULL when the source was missing then
    source_mtime_ns INTEGER,
    idempotency_key TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    staging TEXT,                    -- private folder inside the output folder for the current attempt
    staged TEXT,                     -- the finished, fsynced output inside it
    staged_sha256 TEXT,
    intended TEXT,                   -- the final name we are linking it to (written before the link)
    output TEXT,
    error TEXT,
    warnings TEXT NOT NULL DEFAULT '[]',
    media_type TEXT,
    engine TEXT,
    seconds REAL,
    updated_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS jobs_batch ON jobs (batch_id, seq);
CREATE INDEX IF NOT EXISTS jobs_state ON jobs (state);
"""


@dataclass(frozen=True)
class Fingerprint:
    size: int
    mtime_ns: int

    @classmethod
    def of(cls, path: Path) -> Fingerprint | None:
        try:
            st = path.stat()
        except OSError:
            return None
        return cls(st.st_size, st.st_mtime_ns)


@dataclass(frozen=True)
class BatchRecord:
    id: int
    kind: str
    origin: str
    created_at: str
    backend: str | None
    profile: str | None
    options: dict[str, Any]


@dataclass(frozen=True)
class JobRecord:
    id: int
    batch_id: int
    seq: int
    source: Path
    out_dir: Path | None
    state: JobState
    fingerprint: Fingerprint | None
    idempotency_key: str
    attempts: int
    staging: Path | None
    staged: Path | None
    staged_sha256: str | None
    intended: Path | None
    output: Path | None
    error: str | None
    warnings: list[str]
    media_type: str | None
    engine: str | None
    seconds: float | None
    updated_at: str


@dataclass(frozen=True)
class BatchSummary:
    batch: BatchRecord
    counts: dict[JobState, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def unfinished(self) -> int:
        return sum(self.counts.get(s, 0) for s in UNFINISHED)


def new_idempotency_key() -> str:
    return f"tnxt-job-{uuid.uuid4().hex}"


def options_to_json(options: ProtectOptions) -> dict[str, Any]:
    """Everything but out_dir (which is per job)."""
    return {f.name: getattr(options, f.name) for f in fields(options) if f.name != "out_dir"}


def options_from_json(data: dict[str, Any], base: ProtectOptions | None = None) -> ProtectOptions:
    known = {f.name for f in fields(ProtectOptions)} - {"out_dir"}
    base = base or ProtectOptions()
    # JSON has no tuples: a field whose value is a tuple (e.g. `edits`, pairs of field and text) comes back as
    # nested lists and is turned back into tuples, so a stored job's options equal the ones it was given.
    values = {k: _as_tuples(v) if isinstance(getattr(base, k), tuple) else v for k, v in data.items() if k in known}
    return ProtectOptions(**{**{f.name: getattr(base, f.name) for f in fields(base)}, **values})


def _as_tuples(value: Any) -> Any:
    """Lists (at any depth) as tuples: the JSON form of a tuple field back to its type."""
    return tuple(_as_tuples(v) for v in value) if isinstance(value, list) else value


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds")


def _path(value: str | None) -> Path | None:
    return Path(value) if value else None


class BatchLock:
    """An exclusive OS lock on one batch, released when closed or when the process dies."""

    def __init__(self, path: Path, handle: BinaryIO) -> None:
        self.path, self._handle = path, handle

    def close(self) -> None:
        if not self._handle.closed:
            self._handle.close()  # closing the descriptor drops the lock

    def __enter__(self) -> BatchLock:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


def _try_lock(handle: BinaryIO) -> bool:
    if sys.platform == "win32":
        import msvcrt

        try:
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    import fcntl

    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


class JobStore:
    def __init__(self, root: Path) -> None:
        root.mkdir(parents=True, exist_ok=True)
        self.root = root
        self.path = root / DB_NAME
        self._lock = threading.RLock()
        check_sqlite(self.path, "job queue", "Batches that were unfinished in it cannot be resumed; copies "
                     "already protected are where they were written.")
        self._db = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
        self._db.row_factory = sqlite3.Row
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")  # a commit is on disk before we act on it
        self._db.execute("PRAGMA foreign_keys=ON")
        self._db.executescript(_SCHEMA)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    @contextlib.contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def _query(self, sql: str, args: Iterable[Any] = ()) -> list[sqlite3.Row]:
        with self._lock:
            return self._db.execute(sql, tuple(args)).fetchall()

    # -- batches ----------------------------------------------------------------------------------
    def create_batch(self, kind: str = "protect", origin: str = "cli", *, backend: str | None = None,
                     profile: str | None = None, options: dict[str, Any] | None = None) -> BatchRecord:
        with self._tx() as db:
            cur = db.execute("INSERT INTO batches (kind, origin, created_at, backend, profile, options) "
                             "VALUES (?, ?, ?, ?, ?, ?)",
                             (kind, origin, _now(), backend, profile, json.dumps(options or {})))
            batch_id = int(cur.lastrowid or 0)
        created = self.batch(batch_id)
        if created is None:  # only if another process deleted it in the instant since the commit
            raise LookupError(f"batch {batch_id} is no longer in the job store")
        return created

    def batch(self, batch_id: int) -> BatchRecord | None:
        rows = self._query("SELECT * FROM batches WHERE id = ?", (batch_id,))
        return _batch(rows[0]) if rows else None

    def batches(self, *, kind: str | None = None, origin: str | None = None) -> list[BatchSummary]:
        """Newest first, with job counts by state."""
        where, args = _where(kind=kind, origin=origin)
        out = []
        for row in self._query(f"SELECT * FROM batches {where} ORDER BY id DESC", args):
            counts = {JobState(s): n for s, n in self._query(
                "SELECT state, COUNT(*) FROM jobs WHERE batch_id = ? GROUP BY state", (row["id"],))}
            out.append(BatchSummary(_batch(row), counts))
        return out

    def last_unfinished_batch(self, kind: str = "protect", origin: str = "cli") -> BatchRecord | None:
        rows = self._query(
            "SELECT b.* FROM batches b WHERE b.kind = ? AND b.origin = ? AND EXISTS (SELECT 1 FROM jobs j "
            "WHERE j.batch_id = b.id AND j.state IN (?, ?)) ORDER BY b.id DESC LIMIT 1",
            (kind, origin, *(s.value for s in UNFINISHED)))
        return _batch(rows[0]) if rows else None

    def lock_batch(self, batch_id: int) -> BatchLock | None:
        """The batch's lock, or None when another living process holds it."""
        folder = self.root / LOCK_DIR
        folder.mkdir(exist_ok=True)
        path = folder / f"batch-{batch_id}.lock"
        create_private_file(path)
        handle = open(path, "a+b")  # noqa: SIM115 - owned by the BatchLock
        if not _try_lock(handle):
            handle.close()
            return None
        return BatchLock(path, handle)

    def delete_batch(self, batch_id: int) -> None:
        with self._tx() as db:
            db.execute("DELETE FROM jobs WHERE batch_id = ?", (batch_id,))
            db.execute("DELETE FROM batches WHERE id = ?", (batch_id,))
        with contextlib.suppress(OSError):
            (self.root / LOCK_DIR / f"batch-{batch_id}.lock").unlink()

    # -- jobs -------------------------------------------------------------------------------------
    def add_jobs(self, batch_id: int, items: Iterable[tuple[Path, Path | None]]) -> list[JobRecord]:
        """(source, output folder or None) pairs, queued in order with their fingerprints and keys."""
        now = _now()
        ids = []
        with self._tx() as db:
            (start,) = db.execute("SELECT COALESCE(MAX(seq), 0) FROM jobs WHERE batch_id = ?", (batch_id,)).fetchone()
            for n, (source, out_dir) in enumerate(items, start + 1):
                fp = Fingerprint.of(source)
                cur = db.execute(
                    "INSERT INTO jobs (batch_id, seq, source, out_dir, state, source_size, source_mtime_ns, "
                    "idempotency_key, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (batch_id, n, str(source), str(out_dir) if out_dir else None, JobState.WAITING.value,
                     fp.size if fp else None, fp.mtime_ns if fp else None, new_idempotency_key(), now))
                ids.append(int(cur.lastrowid or 0))
        return self.jobs_by_id(ids)

    def job(self, job_id: int) -> JobRecord | None:
        rows = self._query("SELECT * FROM jobs WHERE id = ?", (job_id,))
        return _job(rows[0]) if rows else None

    def jobs_by_id(self, ids: list[int]) -> list[JobRecord]:
        found = {j.id: j for j in (_job(r) for r in self._query(
            f"SELECT * FROM jobs WHERE id IN ({','.join('?' * len(ids))})", ids))} if ids else {}
        return [found[i] for i in ids if i in found]

    def jobs(self, batch_id: int | None = None, states: Iterable[JobState] | None = None) -> list[JobRecord]:
        clauses: list[str] = []
        args: list[Any] = []
        if batch_id is not None:
            clauses.append("batch_id = ?")
            args.append(batch_id)
        if states is not None:
            states = list(states)
            clauses.append(f"state IN ({','.join('?' * len(states))})")
            args.extend(s.value for s in states)
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        return [_job(r) for r in self._query(f"SELECT * FROM jobs {where} ORDER BY batch_id, seq", args)]

    def start(self, job_id: int) -> JobRecord:
        """Mark a job as being worked on (one more attempt). Raises LookupError when the job is no longer
        stored (removed meanwhile, e.g. by `trustnxt jobs clear`)."""
        with self._tx() as db:
            db.execute("UPDATE jobs SET state = ?, attempts = attempts + 1, updated_at = ? WHERE id = ?",
                       (JobState.PROTECTING.value, _now(), job_id))
        started = self.job(job_id)
        if started is None:
            raise LookupError(f"job {job_id} is no longer in the job store")
        return started

    def set_staging(self, job_id: int, staging: Path | None) -> None:
        self._update(job_id, staging=str(staging) if staging else None, staged=None, staged_sha256=None,
                     intended=None)

    def set_staged(self, job_id: int, staged: Path, sha256: str, *, media_type: str | None, engine: str,
                   warnings: list[str]) -> None:
        self._update(job_id, staged=str(staged), staged_sha256=sha256, media_type=media_type, engine=engine,
                     warnings=json.dumps(warnings))

    def set_intended(self, job_id: int, final: Path) -> None:
        self._update(job_id, intended=str(final))

    def finish(self, job_id: int, state: JobState, *, output: Path | None = None, error: str | None = None,
               warnings: list[str] | None = None, media_type: str | None = None, engine: str | None = None,
               seconds: float | None = None) -> None:
        values: dict[str, Any] = {"state": state.value, "output": str(output) if output else None, "error": error,
                                  "staging": None, "staged": None, "staged_sha256": None, "intended": None}
        for name, value in (("media_type", media_type), ("engine", engine), ("seconds", seconds)):
            if value is not None:
                values[name] = value
        if warnings is not None:
            values["warnings"] = json.dumps(warnings)
        self._update(job_id, **values)

    def set_warnings(self, job_id: int, warnings: list[str]) -> None:
        """A finished job's warnings now (e.g. "no timestamp yet" dropped once a timestamp was added later)."""
        self._update(job_id, warnings=json.dumps(warnings))

    def set_waiting(self, job_ids: Iterable[int]) -> None:
        """Back to the queue as they are (an interrupted attempt; nothing was published)."""
        with self._tx() as db:
            for job_id in job_ids:
                db.execute("UPDATE jobs SET state = ?, staging = NULL, staged = NULL, staged_sha256 = NULL, "
                           "intended = NULL, updated_at = ? WHERE id = ? AND state = ?",
                           (JobState.WAITING.value, _now(), job_id, JobState.PROTECTING.value))

    def requeue(self, job_ids: Iterable[int]) -> list[JobRecord]:
        """Failed or cancelled jobs wait again, for the source as it is now. A source that changed gets a
        new Idempotency-Key (the old one would replay the protected copy of the old content)."""
        requeued = []
        with self._tx() as db:
            for job_id in job_ids:
                row = db.execute("SELECT * FROM jobs WHERE id = ?", (job_id,)).fetchone()
                if row is None or JobState(row["state"]) not in (JobState.FAILED, JobState.CANCELLED):
                    continue
                fp = Fingerprint.of(Path(row["source"]))
                key = row["idempotency_key"]
                if fp is not None and (fp.size, fp.mtime_ns) != (row["source_size"], row["source_mtime_ns"]):
                    key = new_idempotency_key()
                db.execute("UPDATE jobs SET state = ?, error = NULL, output = NULL, warnings = '[]', source_size = ?, "
                           "source_mtime_ns = ?, idempotency_key = ?, staging = NULL, staged = NULL, "
                           "staged_sha256 = NULL, intended = NULL, updated_at = ? WHERE id = ?",
                           (JobState.WAITING.value, fp.size if fp else None, fp.mtime_ns if fp else None, key,
                            _now(), job_id))
                requeued.append(job_id)
        return self.jobs_by_id(requeued)

    def delete_jobs(self, job_ids: Iterable[int]) -> None:
        with self._tx() as db:
            for job_id in job_ids:
                db.execute("DELETE FROM jobs WHERE id = ?", (job_id,))

    def _update(self, job_id: int, **values: Any) -> None:
        values["updated_at"] = _now()
        columns = ", ".join(f"{k} = ?" for k in values)
        with self._tx() as db:
            db.execute(f"UPDATE jobs SET {columns} WHERE id = ?", (*values.values(), job_id))


def _where(**conditions: Any) -> tuple[str, list[Any]]:
    pairs = [(k, v) for k, v in conditions.items() if v is not None]
    if not pairs:
        return "", []
    return "WHERE " + " AND ".join(f"{k} = ?" for k, _ in pairs), [v for _, v in pairs]


def _batch(row: sqlite3.Row) -> BatchRecord:
    return BatchRecord(id=row["id"], kind=row["kind"], origin=row["origin"], created_at=row["created_at"],
                       backend=row["backend"], profile=row["profile"], options=json.loads(row["options"] or "{}"))


def _job(row: sqlite3.Row) -> JobRecord:
    size, mtime = row["source_size"], row["source_mtime_ns"]
    return JobRecord(
        id=row["id"], batch_id=row["batch_id"], seq=row["seq"], source=Path(row["source"]),
        out_dir=_path(row["out_dir"]), state=JobState(row["state"]),
        fingerprint=Fingerprint(size, mtime) if size is not None and mtime is not None else None,
        idempotency_key=row["idempotency_key"], attempts=row["attempts"], staging=_path(row["staging"]),
        staged=_path(row["staged"]), staged_sha256=row["staged_sha256"], intended=_path(row["intended"]),
        output=_path(row["output"]), error=row["error"], warnings=json.loads(row["warnings"] or "[]"),
        media_type=row["media_type"], engine=row["engine"], seconds=row["seconds"], updated_at=row["updated_at"])


__all__ = ["BatchLock", "BatchRecord", "BatchSummary", "DB_NAME", "Fingerprint", "JobRecord", "JobState", "JobStore",
           "UNFINISHED", "new_idempotency_key", "options_from_json", "options_to_json"]
