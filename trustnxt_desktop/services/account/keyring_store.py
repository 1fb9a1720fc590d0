"""The OS keyring as our SecretStore. Refuses to work on a backend that is not a real keyring."""

from __future__ import annotations

import os
import sys
from types import ModuleType

from ... import APP_NAME
from ...domain.errors import KeyringUnavailableError
from ..redact import remember_secrets

SERVICE = APP_NAME
# Portable installs and test runs can keep their secrets apart from the main profile's.
SERVICE_ENV = "TRUSTNXT_KEYRING_SERVICE"
_REFUSED_MODULES = ("keyring.backends.fail", "keyring.backends.null", "keyrings.alt")


def _keyring() -> ModuleType:
    """The keyring package, imported with the first secret asked for: its import and its choice of backend
    take a tenth of a second, which a command that needs no secret should not pay at start-up."""
    if sys.platform != "darwin":
        # keyring imports its macOS backend everywhere to ask whether it is usable, and that import looks up
        # three macOS frameworks with ctypes.util.find_library, which elsewhere runs ldconfig and gcc (40 ms
        # here). Off macOS the backend answers "not usable" before it needs them, so they are not looked up.
        # A None entry makes that import fail at once (the import system's rule); typeshed allows modules only.
        sys.modules.setdefault("keyring.backends.macOS.api", None)  # type: ignore[arg-type]  # None: see above
    import keyring.errors

    return keyring


def fix_hint() -> str:
    if sys.platform.startswith("linux"):
        return ("Install and unlock a Secret Service keyring (GNOME Keyring or KWallet), e.g. "
                "`sudo apt install gnome-keyring`, then log out and in again. On a machine without a desktop "
                "session run inside `dbus-run-session` with `gnome-keyring-daemon --unlock` (see README).")
    if sys.platform == "darwin":
        return "Unlock your login keychain in Keychain Access, then try again."
    return "Make sure Windows Credential Manager is available for your account, then try again."


def backend_problem() -> str | None:
    """Why the active keyring backend cannot be used, or None when it is a real keyring."""
    backend = _keyring().get_keyring()
    backends = getattr(backend, "backends", None)
    chain = list(backends) if backends is not None else [backend]
    if not chain:
        return "No OS keyring was found."
    for b in chain:
        module = type(b).__module__
        if module.startswith("keyrings.alt"):
            return (f"The only keyring available keeps secrets in a plaintext file ({type(b).__name__}), "
                    "which cannot keep them safe.")
        if module.startswith(_REFUSED_MODULES):
            return "No keyring service (such as GNOME Keyring, KWallet or the macOS Keychain) is running."
    return None


def backend_name() -> str:
    backend = _keyring().get_keyring()
    return f"{type(backend).__module__}.{type(backend).__name__}"


class KeyringSecretStore:
    def __init__(self, service: str | None = None) -> None:
        self.service = service or os.environ.get(SERVICE_ENV) or SERVICE
        self._checked = False

    def _check(self) -> None:
        if not self._checked:
            problem = backend_problem()
            if problem:
                raise KeyringUnavailableError(f"{problem} {fix_hint()}")
            self._checked = True

    def get(self, name: str) -> str | None:
        self._check()
        keyring = _keyring()
        try:
            value: str | None = keyring.get_password(self.service, name)
        except keyring.errors.KeyringError as e:
            raise KeyringUnavailableError(_refusal(e)) from None
        remember_secrets(value)  # whatever reads it later, no log or report of this process will show it
        return value

    def set(self, name: str, value: str) -> None:
        self._check()
        remember_secrets(value)
        keyring = _keyring()
        try:
            keyring.set_password(self.service, name, value)
        except keyring.errors.KeyringError as e:
            raise KeyringUnavailableError(_refusal(e)) from None

    def delete(self, name: str) -> None:
        self._check()
        keyring = _keyring()
        try:
            keyring.delete_password(self.service, name)
        except keyring.errors.PasswordDeleteError:
            pass
        except keyring.errors.KeyringError as e:
            raise KeyringUnavailableError(_refusal(e)) from None


def _refusal(e: Exception) -> str:
    # Only the exception type: keyring messages can echo what was being stored.
    if isinstance(e, _keyring().errors.KeyringLocked):
        return f"The OS keyring is locked; unlock it and try again. {fix_hint()}"
    return f"The OS keyring refused the request ({type(e).__name__}). {fix_hint()}"
