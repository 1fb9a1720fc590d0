"""Scrubbing secrets out of text before it reaches a log, a crash report or a dialog."""

from __future__ import annotations

import re
from collections.abc import Iterable

# Anything shaped like a TrustNXT key or secret, whether or not we know its value.
_TOKEN = re.compile(r"tnxt_(?:live|test|secret)_[A-Za-z0-9_\-]+")
# The value of a credential header, with its scheme word ("Bearer …"): the scheme alone would hide nothing.
_HEADER = re.compile(r"(?i)(x-api-key|x-api-secret|authorization)(['\"]?\s*[:=]\s*['\"]?)"
                     r"(?:(?:bearer|basic|token|digest)\s+)?[^\s'\",}]+")
# A credential passed in a URL's query (`?token=…`, `&api_key=…`).
_QUERY = re.compile(r"(?i)([?&](?:token|access_token|api[_-]?key|secret|password|passwd|sig|signature)=)[^\s&#'\"]+")


def redact(text: str, known: Iterable[str] = ()) -> str:
    for value in known:
        if value and len(value) >= 6:
            text = text.replace(value, "[redacted]")
    text = _TOKEN.sub(lambda m: m.group(0)[:10] + "…[redacted]", text)
    text = _QUERY.sub(lambda m: m.group(1) + "[redacted]", text)
    return _HEADER.sub(lambda m: m.group(1) + m.group(2) + "[redacted]", text)
