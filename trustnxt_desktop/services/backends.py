"""Choose the engine: the offline LocalBackend or the TrustNXT service's CloudBackend."""

from __future__ import annotations

from pathlib import Path

from ..domain.errors import ConfigurationError
from ..domain.secrets import SecretStore
from .backend import Backend, LocalBackend
from .cloud_backend import CloudBackend
from .credentials import DEFAULT_PROFILE, CredentialStore
from .settings import BACKENDS, Settings


def make_backend(root: Path, settings: Settings, secrets: SecretStore, kind: str | None = None, *,
                 profile: str = DEFAULT_PROFILE) -> Backend:
    """`kind` is "local" or "cloud"; None uses the settings' choice."""
    chosen = kind or settings.backend
    if chosen == "local":
        return LocalBackend(root, secrets, settings)
    if chosen == "cloud":
        return CloudBackend(root, settings, CredentialStore(secrets, profile))
    raise ConfigurationError(f"Unknown backend {chosen!r}; choose one of {', '.join(BACKENDS)}.")
