"""Published trust lists: the official C2PA list, the C2PA TSA list and the interim list of the Verify site.

The app ships a dated snapshot of every list (trustnxt_desktop/resources/trust/, with provenance.json
recording each file's published address, the snapshot date and sha256; made by
packaging/make_trust_snapshot.py), so a fresh offline machine trusts the signers on them.

Downloads are kept as snapshots under <data root>/trust/lists/<list>/<snapshot>/: the files exactly as
downloaded plus snapshot.json (source URL, download time, sha256 and size of every file). The file
`current` next to them names the snapshot in use and is replaced atomically. A download replaces
nothing until every file of the list has been checked (PEM certificates that parse, or lines of OIDs;
not a web page; within size limits; not much smaller than the list in use). The newer of the shipped
snapshot and the downloaded one is used; offline, the last good snapshot stays in use. A snapshot older
than STALE_AFTER_DAYS carries a note saying so wherever the list is named.

Nothing here touches the network unless `update` is awaited; `due()` says whether the weekly
automatic check should run. See docs/trust-lists.md for where the URLs come from.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import hashlib
import importlib
import json
import os
import re
import shutil
import tempfile
import threading
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from cryptography import x509

from ... import __version__
from ...domain.display import plural
from ...domain.errors import ConfigurationError
from ...engine.trust import TSA_KIND, ListProvenance, TrustSource
from ...runtime.atomic import replace_folder, write_atomic
from ..account.settings import Settings
from ..store_health import read_index

if TYPE_CHECKING:  # the HTTP client loads for a download only: inspecting and signing never need it
    import httpx

BASE_URL_ENV = "TRUSTNXT_TRUST_BASE_URL"
UPDATE_INTERVAL = dt.timedelta(days=7)
RETRY_AFTER_FAILURE = dt.timedelta(hours=1)  # an offline machine does not retry at every start
KEEP_SNAPSHOTS = 3
SHRINK_LIMIT = 0.5  # a new list with fewer than half the certificates of the one in use needs --force

_CONFORMANCE = "https://raw.githubusercontent.com/c2pa-org/conformance-public/main/trust-list"
_VERIFY_SITE = "https://raw.githubusercontent.com/contentauth/verify-site/main/static/trust"
# The CAI's trust-list documentation names this address for the interim list's accepted EKUs; the
# Verify site's repository (above) does not carry the file.
_INTERIM_CONFIG = "https://contentcredentials.org/trust/store.cfg"
_PEM_BLOCK = re.compile(rb"-----BEGIN CERTIFICATE-----\r?\n.*?-----END CERTIFICATE-----", re.DOTALL)
_OID = re.compile(r"^[0-2](\.\d+)+$")
_SNAPSHOT_FILE = "snapshot.json"
_INSTALL_LOCK = threading.Lock()
_STATE_FILE = "state.json"
# The snapshot shipped inside the package (setuptools package data, and the PyInstaller bundle's datas).
BUNDLED_DIR = Path(__file__).resolve().parents[2] / "resources" / "trust"
PROVENANCE_FILE = "provenance.json"
STALE_AFTER_DAYS = 90


class TrustListError(Exception):
    """A download that must not replace a list: says why, in words for a person. `reason`: the cause alone,
    without the file's name ("127.0.0.1: the connection was refused"), for a one-line summary."""

    def __init__(self, message: str, reason: str = "") -> None:
        super().__init__(message)
        self.reason = reason or message


@dataclass(frozen=True)
class ListFile:
    name: str  # name inside a snapshot and on a mirror (the names used in ../shared/trust)
    url: str  # where the file is published
    role: str  # "anchors" | "allowed" | "config"
    max_bytes: int = 8 * 1024 * 1024

    @property
    def is_pem(self) -> bool:
        return self.role != "config"


@dataclass(frozen=True)
class ListSpec:
    key: str  # folder name
    title: str  # shown to people, followed by the snapshot date
    kind: str  # "signer" | "tsa"
    files: tuple[ListFile, ...]
    note: str = ""
    frozen_since: str = ""  # YYYY-MM-DD after which the publisher no longer changes the list


CATALOGUE: tuple[ListSpec, ...] = (
    ListSpec("c2pa", "C2PA trust list", "signer",
             (ListFile("C2PA-TRUST-LIST.pem", f"{_CONFORMANCE}/C2PA-TRUST-LIST.pem", "anchors"),),
             "official list of the C2PA conformance programme"),
    ListSpec("interim", "Interim trust list", "signer",
             (ListFile("ITL-anchors.pem", f"{_VERIFY_SITE}/anchors.pem", "anchors"),
              ListFile("ITL-allowed.pem", f"{_VERIFY_SITE}/allowed.pem", "allowed"),
              ListFile("ITL-store.cfg", _INTERIM_CONFIG, "config", max_bytes=64 * 1024)),
             "the Verify site's list, frozen since 2026-01-01; still signs much existing content",
             frozen_since="2026-01-01"),
    ListSpec("c2pa-tsa", "C2PA TSA trust list", "tsa",
             (ListFile("C2PA-TSA-TRUST-LIST.pem", f"{_CONFORMANCE}/C2PA-TSA-TRUST-LIST.pem", "anchors"),),
             "time-stamp authorities"),
)


@dataclass
class FileRecord:
    name: str
    url: str
    sha256: str
    size: int
    certificates: int  # PEM files: certificates; store.cfg: OIDs
    last_modified: str | None = None  # the server's Last-Modified header, when it sent one


@dataclass
class Snapshot:
    list_key: str
    id: str  # folder name
    date: str  # YYYY-MM-DD (UTC) of the download that first brought this content
    downloaded_at: str  # ISO 8601, UTC
    sha256: str  # single file: its sha256; several: sha256 of their `sha256sum` lines
    files: list[FileRecord]
    origin: str = "downloaded"  # "downloaded" | "bundled" (shipped with the app; downloaded_at: its as-of date)
    path: Path = field(default=Path(), compare=False)

    def source_name(self, spec: ListSpec) -> str:
        return f"{spec.title} ({self.date})"

    @property
    def bundled(self) -> bool:
        return self.origin == "bundled"

    def origin_text(self) -> str:
        return f"shipped with TrustNXT Desktop {__version__}" if self.bundled else "downloaded"

    def sources(self) -> str:
        """The published addresses of its files (or the mirror's, when it came from one)."""
        return ", ".join(dict.fromkeys(f.url for f in self.files))

    def taken_at(self) -> dt.datetime:
        return dt.datetime.fromisoformat(self.downloaded_at)

    def certificates(self) -> int:
        return sum(f.certificates for f in self.files if f.name.endswith(".pem"))

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("path")
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any], path: Path) -> Snapshot:
        files = [FileRecord(**f) for f in data["files"]]
        return cls(list_key=data["list_key"], id=data["id"], date=data["date"], downloaded_at=data["downloaded_at"],
                   sha256=data["sha256"], files=files, origin=data.get("origin", "downloaded"), path=path)


def stale_note(spec: ListSpec, snap: Snapshot, now: dt.datetime, checked_at: str | None = None) -> str | None:
    """A plain sentence when the snapshot is older than STALE_AFTER_DAYS, else None.

    `checked_at`: when a download last found this (downloaded) content still current; that counts as fresh.
    """
    latest = snap.taken_at()
    if checked_at and not snap.bundled:
        latest = max(latest, dt.datetime.fromisoformat(checked_at))
    age = (now - latest).days
    if age <= STALE_AFTER_DAYS:
        return None
    text = f"{snap.source_name(spec)} is {plural(age, 'day')} old (more than {STALE_AFTER_DAYS})."
    if spec.frozen_since and snap.date < spec.frozen_since:
        return (f"{text} The list was frozen on {spec.frozen_since}; this copy is from before that and may lack "
                "its last changes: update the lists when online to get its final version.")
    if spec.frozen_since:
        return f"{text} The list is frozen since {spec.frozen_since}, so there is no newer version."
    if spec.kind == "tsa":
        return f"{text} Time-stamp authorities added since then are not recognised: update the lists when online."
    return (f"{text} Signers added since then show as valid, not trusted, and a signer removed since may still "
            "show as trusted: update the lists when online.")


@dataclass
class ListStatus:
    spec: ListSpec
    snapshot: Snapshot | None
    problem: str | None = None  # why there is no usable snapshot, or what went wrong with the newest
    checked_at: str | None = None  # when a download last found the downloaded snapshot still current

    @property
    def source_name(self) -> str | None:
        return self.snapshot.source_name(self.spec) if self.snapshot else None

    def age_days(self, now: dt.datetime) -> int | None:
        if self.snapshot is None:
            return None
        return (now - self.snapshot.taken_at()).days

    def note(self, now: dt.datetime) -> str | None:
        """That the snapshot in use is older than STALE_AFTER_DAYS, in words; else None."""
        return stale_note(self.spec, self.snapshot, now, self.checked_at) if self.snapshot else None


@dataclass
class TrustListsStatus:
    lists: list[ListStatus]
    last_attempt: str | None
    last_success: str | None
    last_error: str | None
    due: bool
    mirror: str | None  # base URL used instead of the published locations, when set
    now: dt.datetime = field(default_factory=lambda: _now())

    def summary(self) -> str:
        """What is in force, in a sentence or three: the lists with their dates and origin, old ones named."""
        loaded = [s for s in self.lists if s.snapshot]
        if not loaded:
            why = f" (last attempt to download them failed: {self.last_error})" if self.last_error else ""
            return ("No trust list is available: none has been downloaded and the lists shipped with the app are "
                    "missing or damaged, so signers are shown as valid, not trusted, unless you trust them "
                    f"yourself{why}.")
        names = [snap.source_name(s.spec) + (", shipped with the app" if snap.bundled else "")
                 for s in loaded if (snap := s.snapshot) is not None]
        text = "Trust lists in use: " + "; ".join(names) + "."
        old = [f"{s.spec.title} ({plural(s.age_days(self.now) or 0, 'day')}"
               + (f"; frozen since {s.spec.frozen_since})" if s.spec.frozen_since else ")")
               for s in loaded if s.note(self.now)]
        if old:
            text += f" Older than {STALE_AFTER_DAYS} days: {', '.join(old)}. Update the lists when online."
        return text


@dataclass
class ListUpdate:
    spec: ListSpec
    outcome: str  # "updated" | "unchanged" | "failed"
    snapshot: Snapshot | None  # the snapshot in use afterwards
    detail: str = ""
    reason: str = ""  # a failure's cause in a few words, without the file name or what stays in use

    def describe(self) -> str:
        """What the update did to this list, in words: "updated, snapshot of 2026-11-27"."""
        date = self.snapshot.date if self.snapshot else "?"
        if self.snapshot is not None and self.snapshot.bundled:
            date += " shipped with the app"
        return {"updated": f"updated, snapshot of {date}", "unchanged": f"unchanged, snapshot of {date}"}.get(
            self.outcome, f"failed: {self.detail}")


@dataclass
class UpdateReport:
    results: list[ListUpdate]

    @property
    def ok(self) -> bool:
        return all(r.outcome != "failed" for r in self.results)

    @property
    def changed(self) -> bool:
        return any(r.outcome == "updated" for r in self.results)


# -- validation -------------------------------------------------------------------------------------

def validate_file(spec: ListFile, data: bytes) -> int:
    """Raises TrustListError unless `data` is a plausible copy of that file; returns its entry count."""
    if not data.strip():
        raise TrustListError(f"{spec.name} is empty")
    if len(data) > spec.max_bytes:
        raise TrustListError(f"{spec.name} is {len(data)} bytes, more than the {spec.max_bytes} a trust list may be")
    head = data[:2048].lstrip().lower()
    if head.startswith((b"<!doctype", b"<html", b"<?xml")) or b"<html" in head or b"<body" in head:
        raise TrustListError(f"{spec.name} is a web page, not a trust list (a portal or error page?)")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise TrustListError(f"{spec.name} is not text") from e
    return _count_certificates(spec, data) if spec.is_pem else _count_oids(spec, text)


def _count_certificates(spec: ListFile, data: bytes) -> int:
    blocks = _PEM_BLOCK.findall(data)
    begins = data.count(b"-----BEGIN CERTIFICATE-----")
    if begins != len(blocks) or data.count(b"-----END CERTIFICATE-----") != begins:
        raise TrustListError(f"{spec.name} is truncated: a certificate has no end")
    if not blocks:
        raise TrustListError(f"{spec.name} holds no PEM certificate")
    for i, block in enumerate(blocks, 1):
        try:
            x509.load_pem_x509_certificate(block)
        except ValueError as e:
            raise TrustListError(f"{spec.name}: certificate {i} does not parse ({e})") from e
    return len(blocks)


def _count_oids(spec: ListFile, text: str) -> int:
    oids = 0
    for n, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith(("//", "#")):
            continue
        if not _OID.match(line):
            raise TrustListError(f"{spec.name} line {n} is neither an OID nor a comment: {line[:40]!r}")
        oids += 1
    if not oids:
        raise TrustListError(f"{spec.name} lists no OID")
    return oids


# -- storage ----------------------------------------------------------------------------------------

def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _iso(when: dt.datetime) -> str:
    return when.astimezone(dt.UTC).isoformat(timespec="seconds")



def combined_sha256(records: list[FileRecord]) -> str:
    if len(records) == 1:
        return records[0].sha256
    lines = "".join(f"{r.sha256}  {r.name}\n" for r in sorted(records, key=lambda r: r.name))
    return hashlib.sha256(lines.encode()).hexdigest()


def _parse_state(data: bytes) -> dict[str, Any]:
    """state.json as SnapshotStore.save_state writes it; ValueError for anything else."""
    state = json.loads(data)
    if not isinstance(state, dict):
        raise ValueError("not a JSON object")
    checked = state.get("checked", {})
    if not isinstance(checked, dict):
        raise ValueError("'checked' is not a table of times")
    for value in [state.get("last_attempt"), state.get("last_success"), *checked.values()]:
        if value is not None and dt.datetime.fromisoformat(value).tzinfo is None:  # TypeError for a non-text
            raise ValueError(f"{value!r} is not a time with its zone")
    if state.get("last_error") is not None and not isinstance(state["last_error"], str):
        raise ValueError("'last_error' is not text")
    return state


def read_provenance(folder: Path) -> list[Snapshot]:
    """The snapshots described by folder/provenance.json (the shipped lists), unchecked; [] when absent."""
    try:
        data = json.loads((folder / PROVENANCE_FILE).read_text("utf-8"))
        found = [Snapshot.from_json(entry, folder) for entry in data["lists"]]
    except (OSError, ValueError, KeyError, TypeError):
        return []
    for snap in found:
        snap.origin = "bundled"
    return found


class SnapshotStore:
    """The snapshots on disk. Thread-safe enough for one writer per list at a time (atomic renames).

    `bundled`: the folder of the snapshot shipped with the app (BUNDLED_DIR unless given).
    """

    def __init__(self, root: Path, bundled: Path | None = None) -> None:
        self.dir = root / "trust" / "lists"
        self.bundled_dir = bundled if bundled is not None else BUNDLED_DIR

    def _list_dir(self, spec: ListSpec) -> Path:
        return self.dir / spec.key

    def snapshots(self, spec: ListSpec) -> list[Snapshot]:
        """Newest first; unreadable folders are skipped."""
        folder = self._list_dir(spec)
        found = []
        for meta in folder.glob(f"*/{_SNAPSHOT_FILE}") if folder.is_dir() else ():
            with contextlib.suppress(OSError, ValueError, KeyError, TypeError):
                found.append(Snapshot.from_json(json.loads(meta.read_text("utf-8")), meta.parent))
        return sorted(found, key=lambda s: (s.downloaded_at, s.id), reverse=True)

    def bundled(self, spec: ListSpec) -> Snapshot | None:
        """The snapshot of this list shipped with the app, when present and intact."""
        snap = next((s for s in read_provenance(self.bundled_dir) if s.list_key == spec.key), None)
        return snap if snap is not None and self.intact(snap) else None

    def current(self, spec: ListSpec) -> tuple[Snapshot | None, str | None]:
        """The snapshot in use: the newer of the downloaded one and the one shipped with the app."""
        downloaded, problem = self.downloaded(spec)
        shipped = self.bundled(spec)
        if shipped is None:
            if downloaded is None:
                problem = f"{problem}; the copy shipped with the app is missing or damaged"
            return downloaded, problem
        if downloaded is None or shipped.taken_at() > downloaded.taken_at():
            kept = problem if downloaded is not None or problem != "not downloaded yet" else None
            return shipped, kept
        return downloaded, problem

    def downloaded(self, spec: ListSpec) -> tuple[Snapshot | None, str | None]:
        """The downloaded snapshot in use, its files checked against their recorded hashes; else the newest
        intact one; (None, why) when there is none."""
        pointer = self._list_dir(spec) / "current"
        wanted = read_index(pointer, f"pointer to the {spec.title} in use",
                            lambda data: data.decode("utf-8").strip(),
                            "The newest intact snapshot of the list is used.") or ""
        candidates = self.snapshots(spec)
        candidates.sort(key=lambda s: s.id != wanted)  # the pointed-to snapshot first, then newest first
        problem = None
        for snap in candidates:
            if self.intact(snap):
                if wanted and snap.id != wanted:
                    problem = f"snapshot {wanted} is damaged; using {snap.id}"
                return snap, problem
            problem = f"snapshot {snap.id} is damaged"
        return None, problem or "not downloaded yet"

    def intact(self, snap: Snapshot) -> bool:
        try:
            return all(hashlib.sha256((snap.path / f.name).read_bytes()).hexdigest() == f.sha256 for f in snap.files)
        except OSError:
            return False

    def read(self, snap: Snapshot, role: str, spec: ListSpec) -> str:
        names = [f.name for f in spec.files if f.role == role]
        return "".join((snap.path / n).read_text("utf-8") for n in names)

    def install(self, spec: ListSpec, contents: dict[str, bytes], records: list[FileRecord],
                when: dt.datetime) -> tuple[Snapshot, bool]:
        """Store a validated download; returns (snapshot in use, whether it is new content).

        One install at a time in this process: the window's weekly check and "Update now" may run
        together, and the second must find the first's snapshot rather than race it."""
        with _INSTALL_LOCK:
            return self._install(spec, contents, records, when)

    def _install(self, spec: ListSpec, contents: dict[str, bytes], records: list[FileRecord],
                 when: dt.datetime) -> tuple[Snapshot, bool]:
        digest = combined_sha256(records)
        current, _ = self.downloaded(spec)  # the shipped copy is not replaced: a download of it is stored
        if current is not None and current.sha256 == digest:
            return current, False
        existing = next((s for s in self.snapshots(spec) if s.sha256 == digest and self.intact(s)), None)
        if existing is None:
            snap_id = f"{when.strftime('%Y%m%dT%H%M%SZ')}-{digest[:12]}"
            final = self._list_dir(spec) / snap_id
            staging = Path(tempfile.mkdtemp(dir=self._ensure_dir(spec), prefix=".incoming-"))
            try:
                for name, data in contents.items():
                    (staging / name).write_bytes(data)
                existing = Snapshot(spec.key, snap_id, when.date().isoformat(), _iso(when), digest, records, path=final)
                (staging / _SNAPSHOT_FILE).write_text(json.dumps(existing.to_json(), indent=2), "utf-8")
                replace_folder(staging, final)
            except BaseException:
                shutil.rmtree(staging, ignore_errors=True)
                raise
        write_atomic(self._list_dir(spec) / "current", existing.id, private=True)
        self._prune(spec, keep=existing.id)
        return existing, True

    def _ensure_dir(self, spec: ListSpec) -> Path:
        folder = self._list_dir(spec)
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    def _prune(self, spec: ListSpec, keep: str) -> None:
        old = [s for s in self.snapshots(spec) if s.id != keep][KEEP_SNAPSHOTS - 1:]
        for snap in old:
            shutil.rmtree(snap.path, ignore_errors=True)

    def state(self) -> dict[str, Any]:
        """When lists were last checked; a damaged state file is set aside and said (services/store_health.py)."""
        return read_index(self.dir / _STATE_FILE, "trust list update record", _parse_state,
                          "The lists in use are unchanged.") or {}

    def save_state(self, state: dict[str, Any]) -> None:
        write_atomic(self.dir / _STATE_FILE, json.dumps(state, indent=2, sort_keys=True), private=True)


def list_sources(store: SnapshotStore, now: dt.datetime | None = None) -> list[TrustSource]:
    """TrustSources for the engine, named with their snapshot dates and carrying their provenance (date,
    sha256, addresses, shipped or downloaded, a note when old); lists with no usable snapshot are left out."""
    now = now or _now()
    checked = store.state().get("checked", {})
    found = []
    for spec in CATALOGUE:
        snap, _ = store.current(spec)
        if snap is None:
            continue
        provenance = ListProvenance(date=snap.date, sha256=snap.sha256, source=snap.sources(), origin=snap.origin,
                                    note=stale_note(spec, snap, now, checked.get(spec.key)) or "")
        try:
            found.append(TrustSource(
                snap.source_name(spec),
                anchors_pem=store.read(snap, "anchors", spec),
                allowed_pem=store.read(snap, "allowed", spec),
                trust_config=store.read(snap, "config", spec),
                kind=TSA_KIND if spec.kind == "tsa" else "trust-list",
                provenance=provenance,
            ))
        except (OSError, UnicodeDecodeError):
            continue  # removed or damaged since the hash check: the list is simply not loaded
    return found


# -- downloading ------------------------------------------------------------------------------------

def mirror_base(settings: Settings, environ: Mapping[str, str] = os.environ) -> str | None:
    """The base URL every list is fetched from instead of its published location, if one is set."""
    raw = environ.get(BASE_URL_ENV, "").strip() or settings.trust_mirror_url.strip()
    if not raw:
        return None
    parts = urlsplit(raw)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise ConfigurationError(f"The trust list mirror {raw!r} is not a web address (https://…).")
    from ...cloud.client import is_loopback

    if parts.scheme == "http" and not is_loopback(parts.hostname):
        raise ConfigurationError(f"Refusing to fetch trust lists over plain http from {parts.hostname}: "
                                 "use https (http is allowed only for a server on this computer).")
    return raw.rstrip("/")


def _timeouts() -> httpx.Timeout:
    import httpx

    return httpx.Timeout(connect=10.0, read=30.0, write=30.0, pool=10.0)


def _check_scheme(url: httpx.URL) -> None:
    from ...cloud.client import is_loopback

    if url.scheme != "https" and not (url.scheme == "http" and is_loopback(url.host)):
        raise TrustListError(f"refusing an unencrypted download from {url.host}")


async def _fetch(client: httpx.AsyncClient, spec: ListFile, url: str) -> tuple[bytes, str | None]:
    import httpx

    try:
        async with client.stream("GET", url) as response:
            _check_scheme(response.url)  # also after redirects
            if response.status_code != 200:
                raise TrustListError(f"{spec.name}: the server answered {response.status_code}")
            chunks, size = [], 0
            async for chunk in response.aiter_bytes():
                size += len(chunk)
                if size > spec.max_bytes:
                    raise TrustListError(f"{spec.name} is larger than {spec.max_bytes} bytes")
                chunks.append(chunk)
            return b"".join(chunks), response.headers.get("last-modified")
    except httpx.TimeoutException as e:
        host = httpx.URL(url).host
        raise TrustListError(f"{spec.name}: no answer from {host} in time", f"no answer from {host} in time") from e
    except httpx.HTTPError as e:
        from ...cloud.network_words import network_failure

        host, words = httpx.URL(url).host, network_failure(e)
        raise TrustListError(f"{spec.name}: could not reach {host}: {words}", f"{host}: {words}") from e


def new_client(base: str | None = None) -> httpx.AsyncClient:
    """Built in a worker thread: loading the system's CA certificates and httpx's lazy imports (the
    asyncio backend is imported at the first request) would otherwise stall the app's event loop."""
    import httpx

    from ...cloud.client import is_loopback, tls_context

    with contextlib.suppress(ImportError):
        importlib.import_module("anyio._backends._asyncio")
    loopback = base is not None and is_loopback(urlsplit(base).hostname or "")
    return httpx.AsyncClient(verify=tls_context(), timeout=_timeouts(), follow_redirects=True,
                             trust_env=not loopback, headers={"User-Agent": f"TrustNXT-Desktop/{__version__}"})


async def download_list(client: httpx.AsyncClient, spec: ListSpec,
                        url_for: Callable[[ListFile], str]) -> tuple[dict[str, bytes], list[FileRecord]]:
    """Every file of one list, fetched and checked (validate_file); raises TrustListError naming the first
    that fails. Used by "Update now", the weekly check and packaging/make_trust_snapshot.py."""
    contents: dict[str, bytes] = {}
    records: list[FileRecord] = []
    for f in spec.files:
        url = url_for(f)
        data, modified = await _fetch(client, f, url)
        count = await asyncio.to_thread(validate_file, f, data)
        contents[f.name] = data
        records.append(FileRecord(f.name, url, hashlib.sha256(data).hexdigest(), len(data), count, modified))
    return contents, records


class TrustLists:
    """The GUI and the CLI use this facade. Every method but `update` is fast local file work.

    `update`/`update_if_due` are coroutines: network I/O on the event loop (httpx), validation and
    disk writes in a worker thread, so the GUI thread never blocks.
    """

    def __init__(self, root: Path, settings: Settings, *, environ: Mapping[str, str] = os.environ,
                 clock: Callable[[], dt.datetime] = _now) -> None:
        self.store = SnapshotStore(root)
        self.settings = settings
        self.environ = environ
        self.clock = clock

    def url_for(self, spec: ListSpec, f: ListFile) -> str:
        base = mirror_base(self.settings, self.environ)
        return f"{base}/{f.name}" if base else f.url

    # -- reading

    def status(self) -> TrustListsStatus:
        state = self.store.state()
        checked = state.get("checked", {})
        lists = [ListStatus(spec, *self.store.current(spec), checked_at=checked.get(spec.key)) for spec in CATALOGUE]
        try:
            mirror = mirror_base(self.settings, self.environ)
        except ConfigurationError as e:
            mirror, state["last_error"] = None, str(e)
        return TrustListsStatus(lists=lists, last_attempt=state.get("last_attempt"),
                                last_success=state.get("last_success"), last_error=state.get("last_error"),
                                due=self.due(), mirror=mirror, now=self.clock())

    def due(self) -> bool:
        """Whether the weekly automatic update should run now (a failed attempt waits an hour)."""
        state = self.store.state()
        now = self.clock()
        attempt, success = state.get("last_attempt"), state.get("last_success")
        if attempt and now - dt.datetime.fromisoformat(attempt) < RETRY_AFTER_FAILURE and attempt != success:
            return False
        return success is None or now - dt.datetime.fromisoformat(success) >= UPDATE_INTERVAL

    def sources(self) -> list[TrustSource]:
        return list_sources(self.store, self.clock())

    # -- updating

    async def update(self, *, force: bool = False, client: httpx.AsyncClient | None = None) -> UpdateReport:
        """Download every list now. `force`: accept a list that shrank by more than half.

        A list whose download fails in any way keeps its current snapshot; the others still update.
        """
        started = self.clock()
        base = mirror_base(self.settings, self.environ)  # a bad mirror setting is a ConfigurationError
        own = client is None
        if client is None:
            client = await asyncio.to_thread(new_client, base)
        try:
            results = [await self._update_one(spec, client, force) for spec in CATALOGUE]
        finally:
            if own:
                await client.aclose()
        report = UpdateReport(results)
        await asyncio.to_thread(self._record_attempt, started, report)
        return report

    async def update_if_due(self, *, client: httpx.AsyncClient | None = None) -> UpdateReport | None:
        return await self.update(client=client) if self.due() else None

    async def _update_one(self, spec: ListSpec, client: httpx.AsyncClient, force: bool) -> ListUpdate:
        try:
            contents, records = await download_list(client, spec, lambda f: self.url_for(spec, f))
            snap, new = await asyncio.to_thread(self._install, spec, contents, records, force)
        except TrustListError as e:
            current, _ = await asyncio.to_thread(self.store.current, spec)
            shipped = " (shipped with the app)" if current is not None and current.bundled else ""
            kept = f"; still using {current.source_name(spec)}{shipped}" if current else ""
            return ListUpdate(spec, "failed", current, f"{e}{kept}", reason=e.reason)
        in_use, _ = await asyncio.to_thread(self.store.current, spec)
        if in_use is not None and in_use.bundled:  # the download is older than the copy shipped with the app
            return ListUpdate(spec, "unchanged", in_use,
                              "the download is older than the snapshot shipped with the app")
        return ListUpdate(spec, "updated" if new else "unchanged", snap)

    def _install(self, spec: ListSpec, contents: dict[str, bytes], records: list[FileRecord],
                 force: bool) -> tuple[Snapshot, bool]:
        current, _ = self.store.current(spec)
        if current is not None and not force:
            before, after = current.certificates(), sum(r.certificates for r in records if r.name.endswith(".pem"))
            if after < before * SHRINK_LIMIT:
                raise TrustListError(f"the new {spec.title} has {after} certificates, the one in use {before}: "
                                     "refused as a likely truncated download (use --force to accept it)")
        return self.store.install(spec, contents, records, self.clock())

    def _record_attempt(self, started: dt.datetime, report: UpdateReport) -> None:
        state = self.store.state()
        state["last_attempt"] = _iso(started)
        checked = state.setdefault("checked", {})  # per list: when a download last confirmed what is in use
        for r in report.results:
            if r.outcome != "failed":
                checked[r.spec.key] = state["last_attempt"]
        if report.ok:
            state["last_success"] = state["last_attempt"]
            state.pop("last_error", None)
        else:
            state["last_error"] = "; ".join(f"{r.spec.title}: {r.detail}" for r in report.results
                                            if r.outcome == "failed")
        self.store.save_state(state)
