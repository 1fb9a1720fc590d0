"""A secret store in memory, for tests that need some store but are not about the OS keyring.

The app itself only ever uses the OS keyring (services/account/keyring_store.py); tests of that, and of what
other processes read from it (the CLI, the session tests), use the real Secret Service fixture `secret_store`.
"""

from __future__ import annotations

from trustnxt_desktop.domain.secrets import SecretStore
from trustnxt_desktop.services.redact import remember_secrets


class MemorySecretStore:
    """Secrets by name in a dict, gone with the object. Like the keyring store, every value it hands out or
    takes in is remembered for redaction, so logs and reports of the test process never show it."""

    def __init__(self) -> None:
        self._values: dict[str, str] = {}

    def get(self, name: str) -> str | None:
        value = self._values.get(name)
        remember_secrets(value)
        return value

    def set(self, name: str, value: str) -> None:
        remember_secrets(value)
        self._values[name] = value

    def delete(self, name: str) -> None:
        """Deleting a name that is not stored is no error, as with the keyring."""
        self._values.pop(name, None)

    def names(self) -> list[str]:
        """The stored names, sorted (what a test may check was written)."""
        return sorted(self._values)


def _satisfies_the_protocol(store: MemorySecretStore) -> SecretStore:
    return store  # mypy checks that MemorySecretStore is a SecretStore
