"""Typed errors. Every message is written for the person using the app, never contains a secret."""

from __future__ import annotations


class TrustNXTError(Exception):
    """Base of every error the app reports to a person."""


class ConfigurationError(TrustNXTError):
    """The machine or the settings stop us from working (CLI exit code 3)."""


class KeyringUnavailableError(ConfigurationError):
    """No working OS keyring: secrets cannot be stored safely, so we refuse to continue."""


class IdentityError(TrustNXTError):
    """The signing identity is missing, unreadable or does not match its key."""


class UnsupportedMediaError(TrustNXTError):
    """The file type cannot carry Content Credentials with this engine."""


class ProtectError(TrustNXTError):
    """Signing one file failed; the message says why."""


class OutputExistsError(TrustNXTError):
    """We refuse to overwrite a file that is already there."""
