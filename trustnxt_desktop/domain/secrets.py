"""The port through which lower layers reach the OS keyring without importing it."""

from __future__ import annotations

from typing import Protocol


class SecretStore(Protocol):
    """Stores small secrets (passphrases, API keys) by name. Implementations must be real keyrings."""

    def get(self, name: str) -> str | None: ...

    def set(self, name: str, value: str) -> None: ...

    def delete(self, name: str) -> None: ...
