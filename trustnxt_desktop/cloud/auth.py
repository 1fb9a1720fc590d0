"""API credentials as the client holds them: never printed, never logged, scrubbed from what we show."""

from __future__ import annotations

from typing import NoReturn

from . import contract

_KNOWN_PREFIXES = (*contract.KEY_PREFIXES, contract.SECRET_PREFIX)
_TAIL = 4
_MIN_HIDDEN = 12  # show a tail only when at least this many characters stay hidden


def mask(value: str | None) -> str:
    """`tnxt_live_…9f3a`: the format prefix and the last four characters, never more."""
    if not value:
        return "(none)"
    prefix = next((p for p in _KNOWN_PREFIXES if value.startswith(p)), "")
    rest = value[len(prefix):]
    tail = rest[-_TAIL:] if len(rest) - _TAIL >= _MIN_HIDDEN else ""
    return f"{prefix}…{tail}"


class ApiCredentials:
    """Key and optional secret. repr/str show only the masked key, so a stray log line is harmless."""

    __slots__ = ("_key", "_secret")

    def __init__(self, key: str, secret: str | None = None) -> None:
        if not key or not key.strip():
            raise ValueError("an API key is required")
        self._key = key.strip()
        self._secret = secret.strip() if secret and secret.strip() else None

    @property
    def key(self) -> str:
        return self._key

    @property
    def secret(self) -> str | None:
        return self._secret

    def masked_key(self) -> str:
        return mask(self._key)

    def headers(self) -> dict[str, str]:
        headers = {contract.API_KEY_HEADER: self._key}
        if self._secret:
            headers[contract.API_SECRET_HEADER] = self._secret
        return headers

    def scrub(self, text: str) -> str:
        """Remove the key and secret from text that came from elsewhere (a service echoing them back)."""
        for value in (self._key, self._secret):
            if value:
                text = text.replace(value, mask(value))
        return text

    def __repr__(self) -> str:
        return f"ApiCredentials(key={self.masked_key()}, secret={'set' if self._secret else 'none'})"

    __str__ = __repr__

    def __reduce__(self) -> NoReturn:  # keep secrets out of pickles (crash reports, multiprocessing)
        raise TypeError("ApiCredentials cannot be pickled")
