"""Verification log: every inspection, in an append-only, hash-chained sqlite file under the data root.

Each entry stores its canonical JSON body {seq, time, sha256, file, verdict, engine, trust_lists},
the hash of the entry before it and its own hash = sha256(previous hash + body). The `head` row holds
the newest hash. `verify()` recomputes the chain and names the first entry that was edited, removed or
moved; removing entries from the end shows as a head that no longer matches.

What this proves: no entry was changed after the fact *by someone who did not also recompute every
later hash*. Anyone who can write the file can rebuild a whole new chain, so a person who needs more
notes the head hash (`trustnxt log export` prints it) somewhere else, e.g. in their case notes.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import sqlite3
import threading
from contextlib import closing
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..domain.report import InspectionReport

FILE_NAME = "verification-log.sqlite3"
GENESIS = "0" * 64  # the "previous hash" of the first entry
FIELDS = ("seq", "time", "sha256", "file", "verdict", "engine", "trust_lists")
_SCHEMA = """
CREATE TABLE IF NOT EXISTS entries (
    seq INTEGER PRIMARY KEY,
    body TEXT NOT NULL,       -- canonical JSON, the hashed form
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS head (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    seq INTEGER NOT NULL,
    hash TEXT NOT NULL
);
"""


def canonical(body: dict[str, Any]) -> str:
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def chain_hash(prev_hash: str, body: str) -> str:
    return hashlib.sha256(f"{prev_hash}\n{body}".encode()).hexdigest()


@dataclass(frozen=True)
class LogEntry:
    seq: int
    time: str
    sha256: str
    file: str
    verdict: str
    engine: str
    trust_lists: list[str]
    prev_hash: str
    hash: str

    def body(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in FIELDS}


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    entries: int
    head: str | None
    first_bad: int | None = None  # number (seq) of the first entry that fails
    problem: str = ""


class VerificationLog:
    def __init__(self, root: Path) -> None:
        root.mkdir(parents=True, exist_ok=True)
        self.path = root / FILE_NAME
        self._lock = threading.Lock()
        self._writer: sqlite3.Connection | None = None  # one connection for appends, used under the lock
        with closing(self._connect()) as db:
            # WAL: a commit is an append to the journal, not an fsync of the database; after a power
            # cut the newest entries may be missing (verify() then passes on the shorter chain), but
            # the chain is never half-written.
            db.execute("PRAGMA journal_mode=WAL")
            db.executescript(_SCHEMA)

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
        db.execute("PRAGMA synchronous=NORMAL")
        return db

    def close(self) -> None:
        with self._lock:
            if self._writer is not None:
                self._writer.close()
                self._writer = None

    def append(self, report: InspectionReport, at: dt.datetime | None = None) -> LogEntry:
        """Blocking (sqlite): call it from a worker thread. Safe across threads and processes."""
        return self.append_many([report], at)[0]

    def append_many(self, reports: Sequence[InspectionReport], at: dt.datetime | None = None) -> list[LogEntry]:
        """Append several reports, in order, in one transaction (one commit for a group of results that
        landed together): all of them are in the log afterwards, or, after a crash, none of them."""
        when = (at or dt.datetime.now(dt.timezone.utc)).astimezone(dt.timezone.utc).isoformat(timespec="milliseconds")
        added: list[LogEntry] = []
        if not reports:
            return added
        with self._lock:
            if self._writer is None:
                self._writer = self._connect()
            db = self._writer
            try:
                db.execute("BEGIN IMMEDIATE")  # one writer at a time, also across processes (CLI + GUI)
                row = db.execute("SELECT seq, hash FROM head WHERE id = 1").fetchone()
                seq, prev = row if row else (0, GENESIS)
                rows = []
                for report in reports:
                    seq += 1
                    body = {"seq": seq, "time": when, "sha256": report.file.sha256, "file": report.file.name,
                            "verdict": report.verdict.value,
                            "engine": " ".join(p for p in (report.engine.name, report.engine.version) if p),
                            "trust_lists": list(report.engine.trust_lists)}
                    text = canonical(body)
                    digest = chain_hash(prev, text)
                    rows.append((seq, text, prev, digest))
                    added.append(LogEntry(prev_hash=prev, hash=digest, **body))
                    prev = digest
                db.executemany("INSERT INTO entries (seq, body, prev_hash, hash) VALUES (?, ?, ?, ?)", rows)
                db.execute("INSERT INTO head (id, seq, hash) VALUES (1, ?, ?) "
                           "ON CONFLICT(id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash", (seq, prev))
                db.execute("COMMIT")
            except BaseException:
                if db.in_transaction:
                    db.execute("ROLLBACK")
                raise
        return added

    def head(self) -> tuple[int, str] | None:
        with closing(self._connect()) as db:
            row = db.execute("SELECT seq, hash FROM head WHERE id = 1").fetchone()
        return (row[0], row[1]) if row else None

    def _rows(self) -> Iterator[tuple[int, str, str, str]]:
        db = self._connect()
        try:
            yield from db.execute("SELECT seq, body, prev_hash, hash FROM entries ORDER BY seq")
        finally:
            db.close()

    def entries(self) -> list[LogEntry]:
        """Every entry as stored (whether or not the chain is intact: run verify() for that)."""
        out = []
        for seq, body, prev, digest in self._rows():
            data = json.loads(body)
            data["seq"] = seq
            out.append(LogEntry(prev_hash=prev, hash=digest, **{k: data.get(k) for k in FIELDS}))  # type: ignore[arg-type]
        return out

    def verify(self) -> VerifyResult:
        expected_seq, prev, count = 1, GENESIS, 0
        for seq, body, prev_hash, digest in self._rows():
            count += 1
            bad = self._check_row(seq, body, prev_hash, digest, expected_seq, prev)
            if bad:
                return VerifyResult(False, count, None, first_bad=bad[0], problem=bad[1])
            expected_seq, prev = seq + 1, digest
        head = self.head()
        if head is None:
            if count:
                return VerifyResult(False, count, None, first_bad=1, problem="the log's head record is missing")
            return VerifyResult(True, 0, None)
        if head != (expected_seq - 1, prev):
            missing = expected_seq
            return VerifyResult(False, count, head[1], first_bad=missing,
                                problem=f"the head says the log ends at entry {head[0]}, but it ends at entry "
                                        f"{expected_seq - 1}: entries from {missing} on were removed or replaced")
        return VerifyResult(True, count, head[1])

    @staticmethod
    def _check_row(seq: int, body: str, prev_hash: str, digest: str, expected_seq: int,
                   prev: str) -> tuple[int, str] | None:
        if seq != expected_seq:
            return expected_seq, f"entry {expected_seq} is missing (the next stored entry is {seq})"
        try:
            data = json.loads(body)
        except ValueError:
            return seq, f"entry {seq} is not valid JSON any more"
        if not isinstance(data, dict) or data.get("seq") != seq:
            return seq, f"entry {seq} was moved: its content belongs to entry {data.get('seq') if isinstance(data, dict) else '?'}"
        if prev_hash != prev:
            return seq, f"entry {seq} does not follow entry {seq - 1}: one of them was altered or replaced"
        if canonical(data) != body or chain_hash(prev_hash, body) != digest:
            return seq, f"entry {seq} was edited after it was written"
        return None

    # -- export

    def export_json(self) -> str:
        head = self.head()
        return json.dumps({
            "schema": "trustnxt.verification-log/1",
            "head": {"seq": head[0], "hash": head[1]} if head else None,
            "entries": [{**e.body(), "prev_hash": e.prev_hash, "hash": e.hash} for e in self.entries()],
        }, indent=2, ensure_ascii=False)

    def export_csv(self) -> str:
        buf = io.StringIO()
        writer = csv.writer(buf)
        writer.writerow([*FIELDS, "prev_hash", "hash"])
        for e in self.entries():
            writer.writerow([e.seq, e.time, e.sha256, e.file, e.verdict, e.engine, "; ".join(e.trust_lists),
                             e.prev_hash, e.hash])
        return buf.getvalue()
