"""The sandbox's own signing identity: made fresh on every start, thrown away on exit.

It uses the engine's IdentityStore like the app does, but with an in-process secret store instead of
the OS keyring. That is acceptable ONLY here: the sandbox is a test and demo server, its identity
is a throwaway chaining to a throwaway root, and the key's passphrase dies with the process. The
app itself never uses this store (import-linter forbids the app to import the sandbox).
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from ..engine.identity import IdentityStore, SigningIdentity
from ..engine.trust import TrustConfig, TrustSource

SANDBOX_SIGNER = "TrustNXT Sandbox Signer"
SANDBOX_ORG = "TrustNXT sandbox (test only, not a real identity)"
SANDBOX_TRUST_SOURCE = "TrustNXT sandbox root"


class InProcessSecretStore:
    """A SecretStore held in memory. Sandbox only: see the module docstring."""

    def __init__(self) -> None:
        self._values: dict[str, str] = {}

    def get(self, name: str) -> str | None:
        return self._values.get(name)

    def set(self, name: str, value: str) -> None:
        self._values[name] = value

    def delete(self, name: str) -> None:
        self._values.pop(name, None)


@dataclass(frozen=True)
class SandboxSigner:
    identity: SigningIdentity
    root_pem: str
    trust: TrustConfig  # the sandbox root as the only anchor: its own outputs inspect as trusted


def create_signer(folder: Path) -> SandboxSigner:
    shutil.rmtree(folder, ignore_errors=True)  # a previous run's identity is useless without its passphrase
    folder.mkdir(parents=True)
    store = IdentityStore(folder, InProcessSecretStore())
    store.create(SANDBOX_SIGNER, SANDBOX_ORG)
    root_pem = store.root_pem()
    assert root_pem is not None  # a locally created identity always has its root
    trust = TrustConfig(sources=(TrustSource(SANDBOX_TRUST_SOURCE, anchors_pem=root_pem, kind="trust-list"),))
    return SandboxSigner(identity=store.load(), root_pem=root_pem, trust=trust)
