"""Typed user settings, stored as JSON under the data root. Never holds a secret.

The file carries a `schema` number (SCHEMA). A file from an older version (no `schema`: version 0) is
brought up to date by MIGRATIONS, one step per version, when it is read. A file from a newer version is
read as far as this version understands it (keys it does not know are kept as they are in
`Settings.extra`; a known key whose value has a shape it does not expect keeps its default), said in a
StoreNotice, and never replaced silently: before this version saves over it, the newer file is kept
beside it (`settings.json.newer-schema-<n>-<time>`) and that is said too. A damaged file is set aside
and said (services/store_health.py).
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ...domain.privacy import DEFAULT_LOCATION, LocationChoice
from ...domain.protect import (
    DEFAULT_CONTENT_SOURCE,
    DEFAULT_THUMBNAIL_EDGE,
    THUMBNAIL_EDGES,
    ContentSource,
    ProtectOptions,
)
from ...domain.timestamps import DEFAULT_TSA_URL
from ...runtime.atomic import link_no_replace, write_atomic
from ..backends.registry import DEFAULT_KIND, KIND_NAMES
from ..store_health import StoreNotice, announce, read_index, stamp

FILE_NAME = "settings.json"
TSA_URL_VARIABLE = "TRUSTNXT_TSA_URL"  # replaces the default timestamp authority for one process
SCHEMA = 1  # the settings file's format, written as its "schema" key; raise it with a step in MIGRATIONS
STORE = "settings file"


@dataclass
class Settings:
    display_name: str = ""  # signing identity name; empty: the OS account's name
    organisation: str = ""
    author: str = ""  # written into protected files when set
    do_not_train: bool = True
    thumbnail_edge: int = DEFAULT_THUMBNAIL_EDGE
    output_dir: str = ""  # empty: next to the original
    tsa_url: str = ""  # the timestamp authority; empty: domain.timestamps.DEFAULT_TSA_URL
    timestamps: bool = True  # timestamp every protected copy (offline: later, see domain.timestamps)
    revocation_check: bool = False  # ask certificate issuers online (OCSP, CRL) whether a signer was revoked
    identity_assertion: bool = True  # name the person in a CAWG identity assertion (when the identity names one)
    protect_source: str = DEFAULT_CONTENT_SOURCE.value  # what protected copies claim by default (ContentSource)
    privacy_location: str = DEFAULT_LOCATION.value  # the privacy check's last choice (LocationChoice)
    privacy_strip_serials: bool = False  # the privacy check's last choice: remove serial numbers and owner names
    remote_manifest_fetch: bool = False
    cross_check: bool = True  # a second, independent validator checks every file inspected here
    trust_mirror_url: str = ""  # fetch every trust list from this base URL instead of where it is published
    trust_auto_update: bool = True  # the app checks for new trust lists at most weekly
    backend: str = DEFAULT_KIND.value  # a BackendKind value (services/backends/registry.py)
    api_url: str = ""
    jobs: int = 2
    welcome_done: bool = False  # the first-run welcome was finished or skipped (Help › Welcome… reopens it)
    export_dir: str = ""  # the folder of the last export (reports, the log); empty: the Documents folder
    watch_folders: list[dict[str, Any]] = field(default_factory=list)  # services/watch/folders.py, as JSON
    card_import_dir: str = ""  # where camera cards are imported (dated folders); empty: services/watch/card.py
    # Recovery also asks these manifest repositories (Soft Binding Resolution API); off: nothing leaves the computer.
    remote_repositories: bool = False
    remote_repository_urls: list[str] = field(default_factory=list)  # each one's API key is in the OS keyring
    # Inspected pictures whose own credentials are intact are kept in this computer's manifest repository, so that
    # a stripped copy of a received file can be recovered too (services/repository/recovery_service.py).
    keep_inspected: bool = False
    extra: dict[str, Any] = field(default_factory=dict)  # keys written by newer versions, kept as they are

    def validate(self) -> None:
        if self.thumbnail_edge not in THUMBNAIL_EDGES:
            self.thumbnail_edge = DEFAULT_THUMBNAIL_EDGE
        if self.backend not in KIND_NAMES:
            self.backend = DEFAULT_KIND.value
        if self.protect_source not in {s.value for s in ContentSource}:
            self.protect_source = DEFAULT_CONTENT_SOURCE.value
        if self.privacy_location not in {c.value for c in LocationChoice}:
            self.privacy_location = DEFAULT_LOCATION.value
        self.jobs = max(1, min(int(self.jobs), 16))
        self.watch_folders = [f for f in self.watch_folders if isinstance(f, dict)]
        self.remote_repository_urls = [u for u in self.remote_repository_urls if isinstance(u, str) and u.strip()]

    def timestamp_authority(self) -> str | None:
        """The timestamp authority protected copies ask: the chosen one, the default when none was chosen, None
        when timestamps are off.

        The environment variable TRUSTNXT_TSA_URL, when set, replaces the default for this process (a URL, or
        empty for none): for machines with their own authority, and for test runs that must not reach a public one.
        """
        if not self.timestamps:
            return None
        default = os.environ.get(TSA_URL_VARIABLE, DEFAULT_TSA_URL).strip()
        return self.tsa_url.strip() or default or None

    def protect_options(self, out_dir: Path | None = None) -> ProtectOptions:
        chosen = out_dir or (Path(self.output_dir).expanduser() if self.output_dir else None)
        return ProtectOptions(
            out_dir=chosen,
            thumbnail_edge=self.thumbnail_edge,
            author=self.author or None,
            do_not_train=self.do_not_train,
            tsa_url=self.timestamp_authority(),
            timestamp_later=self.timestamps,
            content_source=ContentSource(self.protect_source),
            identity_assertion=self.identity_assertion,
            location=LocationChoice(self.privacy_location),
            strip_serials=self.privacy_strip_serials,
        )


Migration = Callable[[dict[str, Any]], dict[str, Any]]


def _from_unversioned(values: dict[str, Any]) -> dict[str, Any]:
    """Version 0 -> 1: files written before the `schema` key have exactly version 1's keys and values."""
    return values


# MIGRATIONS[n] turns a version-n document into a version n+1 one; len(MIGRATIONS) == SCHEMA.
MIGRATIONS: list[Migration] = [_from_unversioned]


def schema_of(values: dict[str, Any]) -> int:
    """The document's `schema` (0 when absent). Raises ValueError when it is not a whole number ≥ 0."""
    version = values.get("schema", 0)
    if isinstance(version, bool) or not isinstance(version, int) or version < 0:
        raise ValueError(f"its schema {version!r} is not a version number")
    return version


def migrate(values: dict[str, Any]) -> dict[str, Any]:
    """A document of any older schema brought up to SCHEMA, step by step; a newer one is returned as it is.
    The result has no `schema` key. Raises ValueError for a `schema` that is not a version number."""
    version = schema_of(values)
    values = {k: v for k, v in values.items() if k != "schema"}
    for step in MIGRATIONS[version:SCHEMA]:
        values = step(values)
    return values


def _expected(value: Any, default: Any) -> bool:
    if isinstance(default, bool) or isinstance(value, bool):
        return isinstance(value, bool) and isinstance(default, bool)
    return isinstance(value, type(default))


def _parse(data: bytes) -> Settings:
    values = json.loads(data)
    if not isinstance(values, dict):
        raise ValueError("it is not a JSON object")
    newer = schema_of(values) > SCHEMA
    values = migrate(values)
    defaults = asdict(Settings())
    known = set(defaults) - {"extra"}
    usable = {k: v for k, v in values.items() if k in known}
    if newer:  # best effort: a value of a shape this version does not expect is not used
        usable = {k: v for k, v in usable.items() if _expected(v, defaults[k])}
    settings = Settings(**usable)
    settings.extra = {k: v for k, v in values.items() if k not in known}
    settings.validate()  # TypeError / ValueError: a value of the wrong type
    return settings


_announced: set[tuple[str, int, int]] = set()  # (path, inode, mtime): each newer file is said once
_announced_lock = threading.Lock()


def _newer_schema(path: Path) -> int | None:
    """The schema of the file at `path` when it is newer than SCHEMA; None otherwise (or unreadable)."""
    try:
        values = json.loads(path.read_bytes())
        version = schema_of(values) if isinstance(values, dict) else 0
    except (OSError, ValueError):
        return None
    return version if version > SCHEMA else None


class SettingsStore:
    def __init__(self, root: Path) -> None:
        self.path = root / FILE_NAME

    def load(self) -> Settings:
        """The saved settings; defaults when there are none. A damaged file (not JSON, not an object, values
        of the wrong type, a folder) must not stop the app: it is set aside and said (store_health.py). A
        file from a newer version is read best-effort and said once (a StoreNotice)."""
        settings = read_index(self.path, STORE, _parse, "Your settings were reset to the defaults.")
        if settings is not None and (version := _newer_schema(self.path)) is not None:
            self._say_newer(version)
        return settings or Settings()

    def save(self, settings: Settings) -> None:
        """Write the settings (schema SCHEMA) in one atomic replace, owner-only. A file there from a newer
        version is first kept beside it and that is said. Raises OSError (the old file is then unchanged)."""
        settings.validate()
        data = dict(settings.extra)
        data.update((k, v) for k, v in asdict(settings).items() if k != "extra")
        data["schema"] = SCHEMA
        self._keep_newer()
        write_atomic(self.path, json.dumps(data, indent=2, sort_keys=True), private=True)

    def _say_newer(self, version: int) -> None:
        try:
            st = os.stat(self.path)
        except OSError:
            return
        with _announced_lock:
            key = (str(self.path), st.st_ino, st.st_mtime_ns)
            if key in _announced:
                return
            _announced.add(key)
        problem = f"it was written by a newer version of the app (settings schema {version}; this one knows {SCHEMA})"
        announce(StoreNotice(STORE, self.path, self.path, problem,
                             f"The {STORE} ({self.path}) was written by a newer version of TrustNXT Desktop. "
                             "This version uses the settings it understands and keeps the rest as they are; "
                             "before it saves a change, the newer file is kept beside it."))

    def _keep_newer(self) -> None:
        """Give a newer version's file a second name beside it (a hard link, so the replace that follows
        leaves it whole), never over another file; said in a StoreNotice."""
        version = _newer_schema(self.path)
        if version is None:
            return
        base = f"{self.path.name}.newer-schema-{version}-{stamp()}"
        for n in range(1, 1000):
            kept = self.path.with_name(base if n == 1 else f"{base}-{n}")
            if link_no_replace(self.path, kept):
                break
        else:
            raise OSError(f"no free name to keep the newer {STORE} {self.path} beside it")
        announce(StoreNotice(STORE, kept, self.path, f"it was written by a newer version (settings schema {version})",
                             f"The {STORE} ({self.path}) had been written by a newer version of TrustNXT Desktop. "
                             f"It was kept as {kept}; this version saved its settings in its place."))
