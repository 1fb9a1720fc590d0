"""The one list of backends: the offline LocalBackend and the TrustNXT service's CloudBackend.

Settings validation (services/account/settings.py), the CLI's `--backend` choices and help, the Settings
page's engine choices and the window's status label are all built from BACKENDS; adding a third backend
means one entry here and its module beside this one. make_backend() builds the chosen one, wrapped in a
RecordingBackend so every inspection lands in the verification log.

Importing this module loads no engine: each entry's factory imports its backend when it is first built.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ...domain.errors import ConfigurationError
from ..account.credentials import DEFAULT_PROFILE
from .kinds import BackendKind, Capabilities

if TYPE_CHECKING:
    from ...domain.secrets import SecretStore
    from ..account.settings import Settings
    from .protocol import Backend


@dataclass(frozen=True)
class BackendInfo:
    """One backend as people and the command line see it."""

    kind: BackendKind
    choice: str  # the Settings page's radio button (with its & mnemonic)
    status: str  # the window's status bar
    cli_help: str  # one phrase in `--backend`'s help
    capabilities: Capabilities
    build: Callable[[Path, Settings, SecretStore, str], Backend]  # (data root, settings, secrets, key profile)


def _local(root: Path, settings: Settings, secrets: SecretStore, profile: str) -> Backend:
    from .local import LocalBackend

    return LocalBackend(root, secrets, settings)


def _cloud(root: Path, settings: Settings, secrets: SecretStore, profile: str) -> Backend:
    from ..account.credentials import CredentialStore
    from .cloud import CloudBackend  # the HTTP client stack loads only for the cloud engine

    return CloudBackend(root, settings, CredentialStore(secrets, profile))


BACKENDS: tuple[BackendInfo, ...] = (
    BackendInfo(BackendKind.LOCAL, "&Local — offline, signed with your own identity", "Engine: local (offline)",
                "this computer, offline",
                Capabilities(custom_trust=True, signs_with_identity=True, billed=False, grouped_inspection=True),
                _local),
    BackendInfo(BackendKind.CLOUD, "TrustNXT &cloud — Protect and Inspect APIs (billed per call)",
                "Engine: TrustNXT cloud", "the TrustNXT service",
                Capabilities(custom_trust=False, signs_with_identity=False, billed=True, grouped_inspection=False),
                _cloud),
)
DEFAULT_KIND = BackendKind.LOCAL
KIND_NAMES: tuple[str, ...] = tuple(b.kind.value for b in BACKENDS)


def backend_info(kind: BackendKind | str) -> BackendInfo:
    """The entry for `kind` ("local", BackendKind.CLOUD, …). Raises ConfigurationError for an unknown kind."""
    for info in BACKENDS:
        if info.kind == kind:
            return info
    raise ConfigurationError(f"Unknown backend {kind!r}; choose one of {', '.join(KIND_NAMES)}.")


def make_backend(root: Path, settings: Settings, secrets: SecretStore, kind: BackendKind | str | None = None, *,
                 profile: str = DEFAULT_PROFILE, record: bool = True) -> Backend:
    """`kind`: one of KIND_NAMES; None uses the settings' choice. `record`: log every inspection.

    Raises ConfigurationError for an unknown kind."""
    inner = backend_info(kind or settings.backend).build(root, settings, secrets, profile)
    if not record:
        return inner
    from ..records.verification_log import VerificationLog
    from .recording import RecordingBackend

    return RecordingBackend(inner, VerificationLog(root, secrets))


def describe_engine(backend: Backend) -> str:
    """Which engine does the work, for people: "local (offline)" or "TrustNXT cloud at <url> — calls are
    billed" (the service bills every Protect and Inspect call)."""
    return f"{backend.title} — calls are billed" if backend.capabilities.billed else backend.title

__all__ = ["BACKENDS", "DEFAULT_KIND", "KIND_NAMES", "BackendInfo", "BackendKind", "backend_info", "describe_engine",
           "make_backend"]
