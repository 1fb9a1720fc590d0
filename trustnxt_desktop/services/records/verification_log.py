"""Verification log: every inspection, in an append-only, hash-chained sqlite file under the data root,
whose head is anchored outside the file.

Each entry stores its canonical JSON body {seq, time, sha256, file, verdict, engine, trust_lists} (and, for a
file the second validator also checked, `cross_check`: {engine, ran, verdict, agrees, primary_verdict}, and
`differs_on`, the compared fields on which they differed, when they did),
the hash of the entry before it and its own hash = sha256(previous hash + body). The `head` row holds
the newest hash. `verify()` recomputes the chain and names the first entry that was edited, removed or
moved.

A chain alone cannot show that its newest entries were removed, or that the whole file was replaced by
a freshly computed chain. So the head (entry count + hash of the newest entry, with the volume's random
id) is anchored outside the file (services/records/log_anchor.py): in the OS keyring, and as a checkpoint
signed with the signing identity when there is one. Anchoring runs in a background thread, at most
once every `anchor_interval` seconds while inspections land and once more when the log is closed, so
it never holds up an inspection (docs/benchmarks.md). `verify()` checks the log against both.

Volumes. The log is `verification-log.sqlite3`; should it ever be found damaged when it is opened, or
not to match its anchor when the anchor is updated, that file is left exactly where it is, as evidence,
and a new volume `verification-log.<n>.sqlite3` is started whose first entry (verdict "incident")
records what was found, the old file's sha256 and the anchor it failed. Inspections go on in the new
volume; `verify()` fails (the CLI: exit 4, "damaged") as long as an earlier volume is still in the data
folder, and afterwards still lists the incident.

What this detects and what it cannot is said in README.md and docs/security.md.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import hashlib
import io
import json
import logging
import os
import re
import sqlite3
import tempfile
import threading
import uuid
from collections.abc import Iterator, Sequence
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ... import __version__
from ...domain.cross_check import FIELDS as cross_check_fields
from ...domain.display import visible
from ...domain.errors import IdentityError, KeyringUnavailableError, TrustNXTError
from ...domain.report import InspectionReport
from ...domain.secrets import SecretStore
from ...engine.identity import IdentityStore, SigningIdentity
from ...runtime.atomic import link_no_replace
from ...runtime.private_files import create_private_file
from ..store_health import StoreNotice, announce, damage
from .log_anchor import AnchorError, KeyringAnchor, LogHead, check_checkpoint, read_checkpoint_json, write_checkpoint

log = logging.getLogger(__name__)

FILE_NAME = "verification-log.sqlite3"
GENESIS = "0" * 64  # the "previous hash" of the first entry
FIELDS = ("seq", "time", "sha256", "file", "verdict", "engine", "trust_lists")
INCIDENT = "incident"  # the verdict of the entry that opens a new volume and says why
_VOLUME = re.compile(r"^verification-log(?:\.([2-9]|[1-9][0-9]+))?\.sqlite3$")  # volume 1 has no number
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
CREATE TABLE IF NOT EXISTS meta (
    key TEXT PRIMARY KEY,     -- 'log_id': random, made with the volume; anchors name it
    value TEXT NOT NULL
);
"""


def canonical(body: dict[str, Any]) -> str:
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def chain_hash(prev_hash: str, body: str) -> str:
    return hashlib.sha256(f"{prev_hash}\n{body}".encode()).hexdigest()


def volume_path(root: Path, number: int) -> Path:
    return root / (FILE_NAME if number == 1 else f"verification-log.{number}.sqlite3")


def volumes(root: Path) -> list[int]:
    """Numbers of the log volumes present in `root` (whatever they are: a damaged one counts), ascending."""
    try:
        names = os.listdir(root)
    except OSError:
        return []
    return sorted(int(m.group(1) or 1) for m in map(_VOLUME.match, names) if m)


def _volume_of(path: Path) -> int:
    """The volume number in a log file's name (verification-log.3.sqlite3: 3; volume 1 has none)."""
    match = _VOLUME.match(path.name)
    if match is None:
        raise ValueError(f"{path.name} is not a volume of the verification log")
    return int(match.group(1) or 1)


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
    incident: dict[str, Any] | None = None  # only on an entry whose verdict is INCIDENT
    cross_check: dict[str, Any] | None = None  # the second validator's verdict and whether it agreed

    def body(self) -> dict[str, Any]:
        body = {k: getattr(self, k) for k in FIELDS}
        if self.incident is not None:
            body["incident"] = self.incident
        if self.cross_check is not None:
            body["cross_check"] = self.cross_check
        return body


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    entries: int
    head: str | None
    first_bad: int | None = None  # number (seq) of the first entry that fails, when one does
    problem: str = ""  # every failure, in sentences
    notes: tuple[str, ...] = field(default=())  # what the person should know although nothing failed


class VerificationLog:
    """The log of one data root. `secrets`: the OS keyring, for the anchor and the signing identity's
    checkpoint; without it the log is only hash-chained (tests of the chain alone, and readers that do
    not need the anchor).

    Raises StoreUnavailableError (a ConfigurationError) when the log file cannot be opened for a reason
    other than damage (permissions, a lock held too long).
    """

    def __init__(self, root: Path, secrets: SecretStore | None = None, *, anchor_interval: float = 1.0) -> None:
        root.mkdir(parents=True, exist_ok=True)
        self.root = root
        self._lock = threading.Lock()  # the writer connection and the volume in use
        self._writer: sqlite3.Connection | None = None  # one connection for appends, used under the lock
        self._keyring = KeyringAnchor(root, secrets) if secrets is not None else None
        self._identities = IdentityStore(root, secrets) if secrets is not None else None
        self._signing: SigningIdentity | None = None
        self._anchor_interval = anchor_interval
        self._anchor_lock = threading.Lock()  # one anchor update at a time
        self._pending = False  # entries appended since the last anchor update started
        self._checked = False  # the anchor was checked before this object's first append
        self._check_ahead: threading.Thread | None = None  # that check, started early (check_ahead())
        self._wake = threading.Event()  # entries were appended
        self._stop = threading.Event()  # close() was called
        self._closing = False
        self._anchorer: threading.Thread | None = None
        self.volume = 1
        self.path = volume_path(root, 1)
        with self._lock:
            self._open_newest()

    # -- volumes

    def _open_newest(self) -> None:
        """Use the newest volume; start a new one when it is damaged (it stays, as evidence). Lock held."""
        newest = max(volumes(self.root), default=1)
        self._close_writer()
        self.volume, self.path = newest, volume_path(self.root, newest)
        problem = damage(self.path)
        if problem is not None:
            self._roll(problem, "damaged")
            return
        create_private_file(self.path)
        with closing(self._connect()) as db:
            # WAL: a commit is an append to the journal, not an fsync of the database; after a power
            # cut the newest entries may be missing (they are after the anchor, which lags by up to
            # anchor_interval), but the chain is never half-written.
            db.execute("PRAGMA journal_mode=WAL")
            db.executescript(_SCHEMA)
            db.execute("INSERT OR IGNORE INTO meta (key, value) VALUES ('log_id', ?)", (uuid.uuid4().hex,))

    def _follow_newest(self) -> None:
        """Another process may have started a new volume: continue there. Lock held."""
        if max(volumes(self.root), default=1) != self.volume or not self.path.exists():
            self._open_newest()

    def _roll(self, problem: str, kind: str, expected: LogHead | None = None, found: LogHead | None = None) -> None:
        """Leave the volume in use where it is and continue in a new one whose first entry records why.
        Lock held. `kind`: "damaged" or "anchor"; `expected`: the anchor it failed; `found`: its head."""
        old_path, old_volume = self.path, self.volume
        self._close_writer()
        number = max([*volumes(self.root), old_volume, expected.volume if expected else 0]) + 1
        new_path = volume_path(self.root, number)
        now = dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds")  # as append_many writes it
        body = {"seq": 1, "time": now, "sha256": _sha256_of(old_path), "file": old_path.name, "verdict": INCIDENT,
                "engine": f"TrustNXT Desktop {__version__}", "trust_lists": [],
                "incident": {"kind": kind, "volume": old_volume, "problem": problem,
                             "anchor": expected.to_json() if expected else None,
                             "found": found.to_json() if found else None}}
        text = canonical(body)
        # Built complete under a temporary name and linked into place: a new volume is never seen
        # without its incident entry, and two processes finding the same damage start only one.
        fd, tmp = tempfile.mkstemp(dir=self.root, prefix=".verification-log.", suffix=".new")
        os.close(fd)
        try:
            with closing(sqlite3.connect(tmp, isolation_level=None)) as db:
                db.executescript(_SCHEMA)
                db.execute("BEGIN")
                db.execute("INSERT INTO meta (key, value) VALUES ('log_id', ?)", (uuid.uuid4().hex,))
                digest = chain_hash(GENESIS, text)
                db.execute("INSERT INTO entries (seq, body, prev_hash, hash) VALUES (1, ?, ?, ?)",
                           (text, GENESIS, digest))
                db.execute("INSERT INTO head (id, seq, hash) VALUES (1, 1, ?)", (digest,))
                db.execute("COMMIT")
            with open(tmp, "rb") as f:
                os.fsync(f.fileno())
            # False: another process started this volume at the same moment, and said so.
            started = link_no_replace(Path(tmp), new_path)
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
        self.volume, self.path = number, new_path
        with closing(self._connect()) as db:
            db.execute("PRAGMA journal_mode=WAL")
        if not started:
            return
        what = ("is damaged" if kind == "damaged" else "does not match its anchor, so it may have been shortened, "
                "replaced or rewritten")
        announce(StoreNotice("verification log", old_path, new_path, problem,
                             f"The verification log {old_path} {what} ({problem}). It was left where it is, as "
                             f"evidence; inspections are now logged in {new_path}, whose first entry records this. "
                             f"Checking the verification log reports this until you move {old_path.name} out of "
                             f"{self.root}."))

    def _connect(self, path: Path | None = None, *, read_only: bool = False) -> sqlite3.Connection:
        target = path or self.path
        if read_only:
            db = sqlite3.connect(f"{target.resolve().as_uri()}?mode=ro", uri=True, timeout=30, isolation_level=None,
                                 check_same_thread=False)
        else:
            db = sqlite3.connect(target, timeout=30, isolation_level=None, check_same_thread=False)
        db.execute("PRAGMA synchronous=NORMAL")
        return db

    def _close_writer(self) -> None:
        if self._writer is not None:
            self._writer.close()
            self._writer = None

    def close(self) -> None:
        """Anchor what was appended since the last update (blocking keyring and signing work: call it off
        the GUI thread) and release the files."""
        self._closing = True
        self._stop.set()
        self._wake.set()
        if self._check_ahead is not None:
            self._check_ahead.join()
        if self._anchorer is not None:
            self._anchorer.join()
            self._anchorer = None
        if self._pending:
            self._anchor_quietly()
        with self._lock:
            self._close_writer()

    # -- appending

    def append(self, report: InspectionReport, at: dt.datetime | None = None) -> LogEntry:
        """Blocking (sqlite): call it from a worker thread. Safe across threads and processes."""
        return self.append_many([report], at)[0]

    def append_many(self, reports: Sequence[InspectionReport], at: dt.datetime | None = None) -> list[LogEntry]:
        """Append several reports, in order, in one transaction (one commit for a group of results that
        landed together): all of them are in the log afterwards, or, after a crash, none of them."""
        when = (at or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).isoformat(timespec="milliseconds")
        added: list[LogEntry] = []
        if not reports:
            return added
        if not self._checked and self._keyring is not None:
            # Before the first entry goes in: a log that no longer matches its anchor is set aside now, so no
            # new inspection is written into it.
            self._checked = True
            if self._check_ahead is not None:
                self._check_ahead.join()
            else:
                self._anchor_quietly(write=False)
        with self._lock:
            self._follow_newest()
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
                    body: dict[str, Any] = {
                        "seq": seq, "time": when, "sha256": report.file.sha256,
                        # the name as people see it: one that is not UTF-8 cannot be stored as text
                        "file": visible(report.file.name),
                        "verdict": report.verdict.value,
                        "engine": " ".join(p for p in (report.engine.name, report.engine.version) if p),
                        "trust_lists": list(report.engine.trust_lists)}
                    if (second := _cross_check(report)) is not None:
                        body["cross_check"] = second
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
        self._schedule_anchor()
        return added

    # -- anchoring

    def check_ahead(self) -> None:
        """Start the check against the anchor that precedes this object's first entry now, in a thread of
        its own, so that its keyring and signature work overlaps the inspection it will log; the first
        append waits for it. Call it before the first append, from the thread that appends."""
        if self._keyring is None or self._checked or self._check_ahead is not None:
            return
        self._check_ahead = threading.Thread(target=self._check_first, name="trustnxt-log-check", daemon=True)
        self._check_ahead.start()

    def _check_first(self) -> None:
        self._anchor_quietly(write=False)
        try:  # the key that signs the checkpoint after the first entries, loaded meanwhile too
            if self._identities is not None and self._identities.exists():
                self._signing = self._identities.load()
        except (IdentityError, TrustNXTError, OSError, ValueError):
            pass  # the checkpoint's own attempt loads it again and says what is wrong

    def _schedule_anchor(self) -> None:
        if self._keyring is None:
            return
        self._pending = True
        self._wake.set()
        if self._anchorer is None and not self._closing:
            self._anchorer = threading.Thread(target=self._anchor_loop, name="trustnxt-log-anchor", daemon=True)
            self._anchorer.start()

    def _anchor_loop(self) -> None:
        """Coalesces appends: the first entry of a burst is anchored at once, then at most one update per
        `anchor_interval` while inspections land; close() anchors the rest."""
        while True:
            self._wake.wait()
            if self._closing:
                return
            self._wake.clear()
            self._anchor_quietly()
            if self._stop.wait(self._anchor_interval):  # only close() ends the pause early
                return

    def _anchor_quietly(self, *, write: bool = True) -> None:
        try:
            self.anchor_now(write=write)
        except KeyringUnavailableError as e:
            log.info("verification log not anchored: %s", e)
        except Exception as e:  # noqa: BLE001 - a failed anchor update must not cost an inspection; it is retried
            # One line, never a traceback in a command's output; verify() says what is not anchored.
            log.warning("could not anchor the verification log: %s", e, exc_info=log.isEnabledFor(logging.DEBUG))

    def anchor_now(self, *, write: bool = True) -> LogHead | None:
        """Check the log against its anchors and move them to its head; blocking (keyring, signing, disk).

        A log that does not continue what was anchored (shortened, replaced, rewritten, a volume missing)
        is left where it is and a new volume started (see the module docstring) before anchoring.
        `write=False` only checks (and starts a new volume when needed). Returns the log's head; None
        without a keyring. Raises KeyringUnavailableError.
        """
        if self._keyring is None:
            return None
        with self._anchor_lock:
            if write:
                self._pending = False  # before the head is read: what lands after it is anchored next time
            try:
                expected, unreadable = self._keyring.read(), None
            except AnchorError as e:
                expected, unreadable = None, str(e)
            try:
                checkpoint, bad_checkpoint = self._checkpoint_head(), None
            except AnchorError as e:
                checkpoint, bad_checkpoint = None, str(e)
            with self._lock:
                self._follow_newest()
                found = self._state()
                problem = unreadable or bad_checkpoint
                if problem is None and expected is not None:
                    problem = self._anchor_problem(expected)
                if problem is None and checkpoint is not None:
                    problem = self._anchor_problem(checkpoint)
                if problem is not None:
                    self._roll(problem, "anchor", expected or checkpoint, found)
                    found = self._state()
            if not write:
                return found
            if not _same_point(expected, found):
                self._keyring.write(found)
            if not _same_point(checkpoint, found):
                self._sign_checkpoint(found)
            return found

    def _state(self, path: Path | None = None) -> LogHead:
        with closing(self._connect(path, read_only=True)) as db:
            row = db.execute("SELECT value FROM meta WHERE key = 'log_id'").fetchone()
            head = db.execute("SELECT seq, hash FROM head WHERE id = 1").fetchone()
        seq, digest = head if head else (0, GENESIS)
        number = self.volume if path is None else _volume_of(path)
        return LogHead(number, row[0] if row else "", seq, digest, _now())

    def _anchor_problem(self, expected: LogHead) -> str | None:
        """Why the log does not continue the anchored head `expected`, in words; None when it does."""
        when = f"anchored {expected.at}" if expected.at else "anchored"
        if expected.volume > self.volume:
            name = volume_path(self.root, expected.volume).name
            return f"{name}, the newest part of the log ({when}, {expected.entries} entries), is missing"
        old = volume_path(self.root, expected.volume)
        differs = self._differs(old, expected, when)
        if expected.volume == self.volume:
            return f"{old.name} {differs}" if differs else None
        # The log moved on to a later volume since this anchor: right only when the anchored volume could
        # not be continued (it is damaged or does not match), and it must still be there as evidence.
        if not os.path.lexists(old):
            return f"{old.name}, the part of the log its anchor names ({when}), is missing"
        if differs is None:
            return (f"a new log volume {self.path.name} was started although {old.name} matches its anchor "
                    f"({when})")
        return None

    def _differs(self, path: Path, expected: LogHead, when: str) -> str | None:
        if not os.path.lexists(path):
            return "is missing"
        try:
            problem = damage(path)
        except TrustNXTError as e:
            return f"cannot be read ({e})"
        if problem is not None:
            return f"is damaged ({problem})"
        try:
            state = self._state(path)
            with closing(self._connect(path, read_only=True)) as db:
                row = db.execute("SELECT hash FROM entries WHERE seq = ?", (expected.entries,)).fetchone()
        except sqlite3.Error as e:
            return f"cannot be read ({e})"
        if state.log_id != expected.log_id:
            return "was replaced by another log file (its id is not the anchored one)"
        if state.entries < expected.entries:
            return (f"ends at entry {state.entries}, but {expected.entries} entries were {when}: entries "
                    f"{state.entries + 1} to {expected.entries} were removed")
        if expected.entries and (row is None or row[0] != expected.head):
            return f"has an entry {expected.entries} that is not the one {when}: the log was rewritten"
        return None

    def _checkpoint_head(self) -> LogHead | None:
        """The head the signed checkpoint vouches for; None when there is none (or no identity to check it
        with yet). Raises AnchorError for a checkpoint that is unreadable or does not verify."""
        data = read_checkpoint_json(self.root)
        if data is None or self._identities is None:
            return None
        return check_checkpoint(data, self._identities.certificate_fingerprints()).head

    def _sign_checkpoint(self, head: LogHead) -> None:
        if self._identities is None or not self._identities.exists():
            return
        try:
            info = self._identities.info()
            if self._signing is None or info is None or self._signing.info.fingerprint != info.fingerprint:
                self._signing = self._identities.load()
            write_checkpoint(self.root, head, self._signing)
        except (IdentityError, TrustNXTError, OSError, ValueError) as e:
            log.info("verification log checkpoint not signed: %s", e)  # verify() notes the missing checkpoint

    # -- reading

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
        """Every entry of the volume in use as stored (whether or not the chain is intact: run verify())."""
        out = []
        for seq, body, prev, digest in self._rows():
            data = json.loads(body)
            data["seq"] = seq
            incident = data.get("incident") if isinstance(data.get("incident"), dict) else None
            second = data.get("cross_check") if isinstance(data.get("cross_check"), dict) else None
            out.append(LogEntry(prev_hash=prev, hash=digest, incident=incident, cross_check=second,
                                **{k: data.get(k) for k in FIELDS}))
        return out

    def verify(self) -> VerifyResult:
        """The chain of the volume in use, earlier volumes left as evidence, and the anchors. Blocking
        (sqlite, keyring, signature checks): call it from a worker thread."""
        chain = self._verify_chain()
        failures = [chain.problem] if chain.problem else []
        notes: list[str] = []
        for number in volumes(self.root):
            if number != self.volume:
                failures.append(self._earlier_volume(number))
        incident = self._incident(self.path)
        if incident is not None and incident["incident"].get("volume") not in volumes(self.root):
            notes.append(_incident_sentence(incident, self.path.name))  # while its evidence is there, it fails
        if self._keyring is None:
            notes.append("Not checked against the log's anchor (no keyring given).")
        else:
            self._verify_anchors(self._keyring, chain, failures, notes)
        problem = " ".join(f if f.endswith(".") else f + "." for f in failures)
        return VerifyResult(not failures, chain.entries, chain.head if chain.ok else None, chain.first_bad,
                            problem, tuple(notes))

    def _verify_anchors(self, keyring: KeyringAnchor, chain: VerifyResult, failures: list[str],
                        notes: list[str]) -> None:
        try:
            anchor = keyring.read()
        except KeyringUnavailableError as e:
            notes.append(f"Not checked against its anchor in the OS keyring: {e}")
            anchor = None
        except AnchorError as e:
            failures.append(str(e))
            anchor = None
        else:
            if anchor is None and chain.entries:
                notes.append("The log has no anchor in the OS keyring yet (it gets one with the next inspection); "
                             "until then removed newest entries cannot be detected.")
        if anchor is not None:
            problem = self._anchor_problem(anchor)
            if problem:
                failures.append(f"It does not match its anchor in the OS keyring: {problem}")
            elif anchor.volume == self.volume and chain.entries > anchor.entries:
                notes.append(f"The newest {chain.entries - anchor.entries} entries are not anchored yet "
                             "(anchoring follows within seconds of an inspection).")
        try:
            checkpoint = self._checkpoint_head()
        except AnchorError as e:
            failures.append(str(e))
            return
        if checkpoint is None:
            if self._identities is not None and self._identities.exists() and chain.entries:
                notes.append("No signed checkpoint yet (it is written with the next anchor update).")
            return
        problem = self._anchor_problem(checkpoint)
        if problem:
            failures.append(f"It does not match its signed checkpoint: {problem}")

    def _verify_chain(self) -> VerifyResult:
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

    def _earlier_volume(self, number: int) -> str:
        path = volume_path(self.root, number)
        later = [volume_path(self.root, n) for n in volumes(self.root) if n > number]
        incident = next((i for p in later
                         if (i := self._incident(p)) and i.get("incident", {}).get("volume") == number), None)
        kind = incident["incident"].get("kind") if incident else None
        why = ("is damaged" if kind == "damaged" else "did not match its anchor" if kind == "anchor"
               else "is an earlier part of the log")
        detail = f" ({incident['incident'].get('problem')})" if incident else ""
        return (f"{path} {why}{detail}. It was set aside, not used again, and is kept as evidence; move it out "
                f"of {self.root} once you have kept it elsewhere")

    def _incident(self, path: Path) -> dict[str, Any] | None:
        """The incident entry that opens volume `path`, if it is one (read-only; None when unreadable)."""
        if not path.is_file():
            return None
        try:
            with closing(self._connect(path, read_only=True)) as db:
                row = db.execute("SELECT body FROM entries WHERE seq = 1").fetchone()
            data = json.loads(row[0]) if row else None
        except (sqlite3.Error, ValueError):
            return None
        if isinstance(data, dict) and data.get("verdict") == INCIDENT and isinstance(data.get("incident"), dict):
            return data
        return None

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
            owner = data.get("seq") if isinstance(data, dict) else "?"
            return seq, f"entry {seq} was moved: its content belongs to entry {owner}"
        if prev_hash != prev:
            return seq, f"entry {seq} does not follow entry {seq - 1}: one of them was altered or replaced"
        if canonical(data) != body or chain_hash(prev_hash, body) != digest:
            return seq, f"entry {seq} was edited after it was written"
        return None

    # -- export

    def export_json(self) -> str:
        """The volume in use with its hashes, and the signed checkpoint (services/records/log_anchor.py) when there is
        one, so that whoever receives the export can check its head against your certificate."""
        head = self.head()
        try:
            checkpoint = read_checkpoint_json(self.root)
        except AnchorError:
            checkpoint = None
        return json.dumps({
            "schema": "trustnxt.verification-log/1",
            "volume": {"number": self.volume, "file": self.path.name, "log_id": self._state().log_id},
            "head": {"seq": head[0], "hash": head[1]} if head else None,
            "checkpoint": checkpoint,
            "entries": [{**e.body(), "prev_hash": e.prev_hash, "hash": e.hash} for e in self.entries()],
        }, indent=2, ensure_ascii=False)

    def export_csv(self) -> str:
        buf = io.StringIO()
        writer = csv.writer(buf)
        writer.writerow([*FIELDS, "prev_hash", "hash", "second_validator"])
        for e in self.entries():
            writer.writerow([e.seq, e.time, e.sha256, e.file, e.verdict, e.engine, "; ".join(e.trust_lists),
                             e.prev_hash, e.hash, _second_cell(e.cross_check)])
        return buf.getvalue()


def _cross_check(report: InspectionReport) -> dict[str, Any] | None:
    """What the log keeps of the second validator's result: who, what it said, whether it agreed, and the
    main validator's own verdict (the entry's `verdict` is the headline one, which may differ)."""
    check = report.cross_check
    if check is None:
        return None
    kept: dict[str, Any] = {
        "engine": f"{check.engine} {check.version}".strip(), "ran": check.ran,
        "verdict": check.verdict.value if check.verdict else None, "agrees": check.agrees,
        "primary_verdict": check.primary_verdict.value if check.primary_verdict else None}
    if check.differences:  # field names only (domain.cross_check.FIELDS): the log stays small
        kept["differs_on"] = [d.field for d in check.differences]
    return kept


def _second_cell(second: dict[str, Any] | None) -> str:
    if not second:
        return ""
    if not second.get("ran"):
        return f"{second.get('engine')}: did not run"
    return f"{second.get('engine')}: {second.get('verdict')}, {'agrees' if second.get('agrees') else 'differs'}"


def validators_cell(second: dict[str, Any] | None) -> str:
    """An entry's stored cross-check as a table cell: 'agree', 'differ', 'one only' (the second validator could
    not run) or '' (checked by the main validator alone: the cross-check was off, or the entry predates it).
    The same words as the Inspect table (domain.cross_check.agreement_label)."""
    if not second:
        return ""
    if not second.get("ran"):
        return "one only"
    return "agree" if second.get("agrees") else "differ"


def validators_detail(entry: LogEntry) -> str:
    """What the two validators said about an entry's file, in one or two sentences (the log window's detail):
    each one's verdict, and the fields they differed on. Entries logged before `differs_on` was kept name the
    verdicts only."""
    second = entry.cross_check
    if not second:
        return "Checked by the main validator alone (the second validator was off)."
    engine = str(second.get("engine") or "the second validator")
    if not second.get("ran"):
        return f"Checked by the main validator alone: {engine} could not run on this file."
    primary = second.get("primary_verdict") or entry.verdict
    said = (f"The main validator (c2pa-rs) said “{primary}”; the second validator ({engine}) said "
            f"“{second.get('verdict')}”.")
    if second.get("agrees"):
        return f"Checked by 2 independent validators: they agree. {said}"
    fields = [cross_check_fields.get(str(f), str(f)).lower() for f in second.get("differs_on") or []]
    on = f" They differed on: {', '.join(fields)}." if fields else ""
    shown = "" if primary == entry.verdict else \
        f" The verdict recorded, “{entry.verdict}”, is the one the rule for a disagreement chose."
    return f"Validators disagree. {said}{on}{shown}"


def _same_point(a: LogHead | None, b: LogHead) -> bool:
    return a is not None and (a.volume, a.log_id, a.entries, a.head) == (b.volume, b.log_id, b.entries, b.head)


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _sha256_of(path: Path) -> str:
    """The sha256 of a regular file (the evidence an incident names); "" for anything else."""
    if not path.is_file():
        return ""
    try:
        with open(path, "rb") as f:
            return hashlib.file_digest(f, "sha256").hexdigest()
    except OSError:
        return ""


def _incident_sentence(entry: dict[str, Any], name: str) -> str:
    detail = entry["incident"]
    what = "was damaged" if detail.get("kind") == "damaged" else "did not match its anchor"
    return (f"Earlier incident on record (entry 1 of {name}, {entry.get('time', '')}): the previous part of the "
            f"log, {entry.get('file', '')}, {what}"
            f" ({detail.get('problem', '')}); it was set aside and this part started.")
