"""The TrustNXT API key and secret: in the OS keyring per profile, or in the environment for automation.

Nothing is ever written anywhere else: no settings file, no plaintext fallback. When the keyring has
no working backend, KeyringSecretStore raises KeyringUnavailableError and we let it surface.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from ...cloud import contract
from ...cloud.auth import ApiCredentials, mask
from ...domain.errors import ConfigurationError
from ...domain.secrets import SecretStore

DEFAULT_PROFILE = "default"
KEY_ENV = "TRUSTNXT_API_KEY"
SECRET_ENV = "TRUSTNXT_API_SECRET"
FROM_KEYRING = "keyring"
FROM_ENVIRONMENT = "environment"
_PROFILE = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")

masked = mask  # `tnxt_live_…9f3a`


class CredentialsMissingError(ConfigurationError):
    """No API key is configured for the profile in use."""


def format_warnings(key: str | None, secret: str | None = None) -> list[str]:
    """Hints, not errors: TrustNXT may issue other formats one day, so we warn and still accept."""
    warnings: list[str] = []
    if key is not None and not key.startswith(contract.KEY_PREFIXES):
        warnings.append("The API key does not start with " + " or ".join(contract.KEY_PREFIXES)
                        + "; check that you copied the key, not the secret or an account id.")
    if key is not None and any(ch.isspace() for ch in key):
        warnings.append("The API key contains spaces or line breaks; it was probably copied with extra text.")
    if secret and not secret.startswith(contract.SECRET_PREFIX):
        warnings.append(f"The API secret does not start with {contract.SECRET_PREFIX}; check that you copied the "
                        "secret shown next to the key.")
    if secret and key and secret.strip() == key.strip():
        warnings.append("The API secret is the same as the key; paste the secret into the second prompt.")
    return warnings


@dataclass(frozen=True)
class CredentialStatus:
    profile: str
    key_masked: str | None  # None: no key configured
    key_source: str | None  # FROM_KEYRING or FROM_ENVIRONMENT
    secret_set: bool
    secret_source: str | None
    warnings: list[str] = field(default_factory=list)

    @property
    def configured(self) -> bool:
        return self.key_masked is not None


class CredentialStore:
    def __init__(self, secrets: SecretStore, profile: str = DEFAULT_PROFILE,
                 environ: Mapping[str, str] | None = None) -> None:
        if not _PROFILE.match(profile):
            raise ConfigurationError("A profile name uses letters, digits, '.', '_' or '-' (at most 64).")
        self._secrets = secrets
        self.profile = profile
        self._environ = os.environ if environ is None else environ

    def __repr__(self) -> str:
        return f"CredentialStore(profile={self.profile!r})"

    @property
    def key_name(self) -> str:
        return f"api-key:{self.profile}"

    @property
    def secret_name(self) -> str:
        return f"api-secret:{self.profile}"

    def _from_environment(self) -> tuple[str, str | None] | None:
        key = self._environ.get(KEY_ENV, "").strip()
        if not key:
            return None
        # The environment supplies both or only a key: never mixed with a keyring secret of another key.
        return key, self._environ.get(SECRET_ENV, "").strip() or None

    def set(self, key: str, secret: str | None = None) -> list[str]:
        """Store key and secret as a pair: no secret removes a stored one (`trustnxt credentials set` asks
        for both). Returns format warnings. Raises ConfigurationError for an empty key."""
        key = key.strip()
        secret = secret.strip() if secret else None
        if not key:
            raise ConfigurationError("The API key is empty.")
        warnings = format_warnings(key, secret)
        self._secrets.set(self.key_name, key)
        if secret:
            self._secrets.set(self.secret_name, secret)
        else:
            self._secrets.delete(self.secret_name)
        return warnings

    def update(self, key: str | None, secret: str | None) -> list[str]:
        """Settings' Save: store what was typed; an empty field keeps what is stored (an empty secret field
        never erases a stored secret). A secret alone joins the stored key. Returns format warnings.

        Raises ConfigurationError when only a secret is typed and no key is stored."""
        key = (key or "").strip()
        secret = (secret or "").strip() or None
        if not key:
            if not secret:
                return []
            stored = self._secrets.get(self.key_name)
            if not stored:
                raise ConfigurationError("Type the API key too: a secret is stored together with its key.")
            self._secrets.set(self.secret_name, secret)
            return format_warnings(None, secret)
        self._secrets.set(self.key_name, key)
        if secret:
            self._secrets.set(self.secret_name, secret)
        return format_warnings(key, secret)

    def candidate(self, key: str | None, secret: str | None) -> ApiCredentials | None:
        """The credentials the app would use after update(key, secret), without storing anything (for
        Settings' Test connection). None: no key typed and none configured."""
        key = (key or "").strip()
        secret = (secret or "").strip() or None
        if not key:
            current = self.load()
            if current is None:
                return None
            return ApiCredentials(current.key, secret or current.secret)
        return ApiCredentials(key, secret or self._secrets.get(self.secret_name))

    def clear(self) -> None:
        self._secrets.delete(self.key_name)
        self._secrets.delete(self.secret_name)

    def load(self) -> ApiCredentials | None:
        if env := self._from_environment():
            return ApiCredentials(*env)
        key = self._secrets.get(self.key_name)
        if not key:
            return None
        return ApiCredentials(key, self._secrets.get(self.secret_name))

    def require(self) -> ApiCredentials:
        credentials = self.load()
        if credentials is None:
            raise CredentialsMissingError(
                f"No TrustNXT API key for profile “{self.profile}”. Run `trustnxt credentials set` (or enter it in "
                f"Settings), or set {KEY_ENV} for automation.")
        return credentials

    def status(self) -> CredentialStatus:
        key: str | None
        if env := self._from_environment():
            key, secret = env
            source = FROM_ENVIRONMENT
        else:
            key = self._secrets.get(self.key_name)
            secret = self._secrets.get(self.secret_name) if key else None
            source = FROM_KEYRING
        if not key:
            warnings = [f"{SECRET_ENV} is set but {KEY_ENV} is not; the secret is ignored."] \
                if self._environ.get(SECRET_ENV) else []
            return CredentialStatus(self.profile, None, None, False, None, warnings)
        return CredentialStatus(self.profile, mask(key), source, bool(secret), source if secret else None,
                                format_warnings(key, secret))
