"""Remote manifest repositories: the ones the user configured (Settings `remote_repositories`, off by default;
their addresses in the settings, each one's API key in the OS keyring), each used through the Soft Binding
Resolution API client (cloud/sbr_client.py) as a services.repository.protocol.ManifestRepository.

A remote repository is searched, never written to: records are added where it is served
(`trustnxt repository serve`). Matches that name another service's endpoint are left out: only manifests the
queried service itself holds are fetched.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from ...cloud.auth import ApiCredentials
from ...cloud.errors import CloudError
from ...cloud.sbr_client import SbrClient
from ...cloud.sbr_contract import distance_from_score
from ...domain.secrets import SecretStore
from ...domain.soft_binding import ALGORITHMS, BITS
from ..account.settings import Settings
from .protocol import RepositoryError, RepositoryMatch, RepositoryRecord, StoredManifest

T = TypeVar("T")
REMOTE_ORIGIN = "remote"  # StoredManifest.origin of a manifest fetched from a remote repository


def key_name(url: str) -> str:
    """The keyring entry holding the API key of the repository at `url`."""
    return f"repository-key:{url.strip().rstrip('/')}"


class RemoteRepository:
    """The repository served at `url`, reached with `api_key` (None: an open repository). Raises CloudConfigError
    for an address that cannot be used (plain http to another computer, not a web address)."""

    def __init__(self, url: str, api_key: str | None, *, timeout: float = 15.0) -> None:
        self._client = SbrClient(url, ApiCredentials(api_key) if api_key else None, timeout=timeout)
        self._algorithms: tuple[str, ...] | None = None

    def __repr__(self) -> str:
        return f"RemoteRepository({self._client!r})"

    @property
    def name(self) -> str:
        return self._client.base_url

    def algorithms(self) -> tuple[str, ...]:
        if self._algorithms is None:
            offered = self._call(self._client.supported_algorithms)
            self._algorithms = tuple(a for a in ALGORITHMS if a in offered)
        return self._algorithms

    def add(self, record: RepositoryRecord) -> bool:
        raise RepositoryError(f"The repository at {self.name} is searched only; records are added where it is "
                              "served.")

    def nearest(self, algorithm: str, code: bytes, max_distance: int, limit: int = 10) -> list[RepositoryMatch]:
        if algorithm not in BITS or algorithm not in self.algorithms():
            return []
        found = self._call(lambda: self._client.by_binding(algorithm, code, limit, max_distance))
        matches = []
        for m in found:
            if m.endpoint is not None:
                continue
            # Our servers send the exact distance; another service's score stands for one within a score step.
            distance = (m.distance if m.distance is not None else
                        distance_from_score(m.similarity, BITS[algorithm]) if m.similarity is not None else
                        max_distance)
            if distance <= max_distance:
                matches.append(RepositoryMatch(m.manifest_id, algorithm, distance))
        return sorted(matches, key=lambda m: (m.distance, m.manifest_id))[:limit]

    def manifest(self, manifest_id: str) -> StoredManifest | None:
        store = self._call(lambda: self._client.manifest(manifest_id))
        if store is None:
            return None
        return StoredManifest(manifest_id=manifest_id, manifest_store=store, media_type="application/c2pa",
                              origin=REMOTE_ORIGIN, added_at="")

    def count(self) -> int:
        raise RepositoryError(f"The repository at {self.name} does not say how many records it holds.")

    def close(self) -> None:
        self._client.close()

    def _call(self, call: Callable[[], T]) -> T:
        try:
            return call()
        except CloudError as e:
            raise RepositoryError(str(e)) from e


def configured_remotes(settings: Settings, secrets: SecretStore) -> list[RemoteRepository]:
    """The remote repositories to search: none unless the user turned remote repositories on. Raises
    CloudConfigError for a configured address that cannot be used; KeyringUnavailableError from the keyring."""
    if not settings.remote_repositories:
        return []
    return [RemoteRepository(url, secrets.get(key_name(url))) for url in settings.remote_repository_urls]
