"""Scrubbing secrets out of text before it reaches a log, a crash report or a dialog."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable

# Anything shaped like a TrustNXT key or secret, whether or not we know its value.
_TOKEN = re.compile(r"tnxt_(?:live|test|secret)_[A-Za-z0-9_\-]+")
# The value of a credential header, with its scheme word ("Bearer …"): the scheme alone would hide nothing.
_HEADER = re.compile(r"(?i)(x-api-key|x-api-secret|authorization)(['\"]?\s*[:=]\s*['\"]?)"
                     r"(?:(?:bearer|basic|token|digest)\s+)?[^\s'\",}]+")
# A credential passed in a URL's query (`?token=…`, `&api_key=…`).
_QUERY = re.compile(r"(?i)([?&](?:token|access_token|api[_-]?key|secret|password|passwd|sig|signature)=)[^\s&#'\"]+")


# Environment variables whose names say they hold a credential: their values are secrets too.
SECRET_NAME = re.compile(r"(?i)key|secret|token|passw|auth|credential|cookie")
_MIN_LENGTH = 6  # shorter values would blank out ordinary words
_remembered: set[str] = set()
_remembered_lock = threading.Lock()


def remember_secrets(*values: str | None) -> None:
    """Values this process has read from or written to the keyring (API key and secret, a signing key's
    passphrase): every later redact() takes them out, whatever their shape. Kept in memory only."""
    with _remembered_lock:
        _remembered.update(v for v in values if v and len(v) >= _MIN_LENGTH)


def remembered_secrets() -> list[str]:
    """The remembered values, longest first (so no value is left half-replaced)."""
    with _remembered_lock:
        return sorted(_remembered, key=len, reverse=True)


def redact(text: str, known: Iterable[str] = ()) -> str:
    """`text` without any value in `known` or remembered_secrets(), nor anything shaped like a TrustNXT key,
    a credential header or a credential in a URL query."""
    for value in sorted({*known, *remembered_secrets()}, key=len, reverse=True):  # longest first: none half-replaced
        if value and len(value) >= _MIN_LENGTH:
            text = text.replace(value, "[redacted]")
    text = _TOKEN.sub(lambda m: m.group(0)[:10] + "…[redacted]", text)
    text = _QUERY.sub(lambda m: m.group(1) + "[redacted]", text)
    return _HEADER.sub(lambda m: m.group(1) + m.group(2) + "[redacted]", text)
