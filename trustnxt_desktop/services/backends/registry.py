"""Choose the engine: the offline LocalBackend or the TrustNXT service's CloudBackend.

Either one is wrapped in a RecordingBackend, so every inspection lands in the verification log.
"""

from __future__ import annotations

import sys
from pathlib import Path

from ...domain.errors import ConfigurationError
from ...domain.secrets import SecretStore
from ..account.credentials import DEFAULT_PROFILE, CredentialStore
from ..account.settings import BACKENDS, Settings
from ..records.verification_log import VerificationLog
from .local import Backend, LocalBackend
from .recording import RecordingBackend, unwrap


def make_backend(root: Path, settings: Settings, secrets: SecretStore, kind: str | None = None, *,
                 profile: str = DEFAULT_PROFILE, record: bool = True) -> Backend:
    """`kind` is "local" or "cloud"; None uses the settings' choice. `record`: log every inspection."""
    chosen = kind or settings.backend
    inner: Backend
    if chosen == "local":
        inner = LocalBackend(root, secrets, settings)
    elif chosen == "cloud":
        from .cloud import CloudBackend  # the HTTP client stack loads only for the cloud engine

        inner = CloudBackend(root, settings, CredentialStore(secrets, profile))
    else:
        raise ConfigurationError(f"Unknown backend {chosen!r}; choose one of {', '.join(BACKENDS)}.")
    return RecordingBackend(inner, VerificationLog(root, secrets)) if record else inner


def describe_engine(backend: Backend) -> str:
    """Which engine does the work, for people: "local (offline)" or "TrustNXT cloud at <url> — calls are
    billed" (the service bills every Protect and Inspect call)."""
    inner = unwrap(backend)
    cloud = sys.modules.get(f"{__package__}.cloud_backend")  # not imported: no CloudBackend exists
    if cloud is not None and isinstance(inner, cloud.CloudBackend):
        return f"TrustNXT cloud at {inner.base_url} — calls are billed"
    return "local (offline)"
