"""Manifest repository: where signed manifest stores are kept so that a copy stripped of them can be matched
back by its fingerprints (C2PA 2.2 §9.3 soft bindings; the Soft Binding Resolution API of C2PA 2.2 §B).

`ManifestRepository` is the one interface every store implements: the embedded sqlite store on this computer
(services/repository/sqlite.py), a PostgreSQL store, and the client of a remote repository speaking the
Soft Binding Resolution API. Recovery at inspect (services/repository/recovery.py) only talks to this interface.

Calls are synchronous and may block (disk, network): call them from a worker thread, never the GUI thread.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from ...domain.soft_binding import Fingerprint

ORIGINS = ("protect", "capture", "inspect", "import")  # how a record came into the repository


@dataclass(frozen=True)
class RepositoryRecord:
    """One manifest store to keep, with what finds it again.

    `manifest_id`: the active manifest's label (a `urn:c2pa:` URN, C2PA 2.2 §8.3), the repository's key.
    `manifest_store`: the whole C2PA manifest store, `application/c2pa` bytes (JUMBF), as signed.
    `fingerprints`: of the picture as published (upright), one per algorithm at most.
    `thumbnail`: the signed thumbnail's bytes (`thumbnail_type` its media type), when the manifest has one.
    `origin`: one of ORIGINS; `added_at` ISO 8601 UTC; `title`/`media_type` of the signed file, for people.
    """

    manifest_id: str
    manifest_store: bytes
    fingerprints: tuple[Fingerprint, ...]
    media_type: str
    origin: str
    added_at: str
    title: str | None = None
    thumbnail: bytes | None = None
    thumbnail_type: str | None = None


@dataclass(frozen=True)
class RepositoryMatch:
    """A record whose fingerprint of `algorithm` lies `distance` bits (Hamming) from the queried code."""

    manifest_id: str
    algorithm: str
    distance: int


@dataclass(frozen=True)
class StoredManifest:
    """A record read back: the manifest store bytes and what was kept with it (see RepositoryRecord)."""

    manifest_id: str
    manifest_store: bytes
    media_type: str
    origin: str
    added_at: str
    title: str | None = None
    thumbnail: bytes | None = None
    thumbnail_type: str | None = None
    fingerprints: tuple[Fingerprint, ...] = field(default=())


@runtime_checkable
class ManifestRepository(Protocol):
    """A store of manifests searchable by fingerprint. Errors: OSError / sqlite3.Error for a local store,
    services.repository.protocol.RepositoryError for one that answered but refused or was unreachable."""

    @property
    def name(self) -> str:
        """Where the records come from, for people: "this computer" or a remote repository's address."""
        ...

    def algorithms(self) -> tuple[str, ...]:
        """The soft binding algorithms this repository can search (domain.soft_binding.ALGORITHMS or fewer)."""
        ...

    def add(self, record: RepositoryRecord) -> bool:
        """Keep a record; False when a record with its manifest_id was already there (it is left as it was)."""
        ...

    def nearest(self, algorithm: str, code: bytes, max_distance: int, limit: int = 10) -> list[RepositoryMatch]:
        """Records whose `algorithm` fingerprint is within `max_distance` bits of `code`, nearest first, at
        most `limit`. An algorithm the repository does not index gives []."""
        ...

    def manifest(self, manifest_id: str) -> StoredManifest | None:
        """The record kept under `manifest_id`, or None."""
        ...

    def count(self) -> int:
        """Number of records."""
        ...

    def close(self) -> None: ...


class RepositoryError(Exception):
    """A repository could not be used (unreachable, refused the key, answered something unreadable). The
    message is plain language and never contains a secret."""
