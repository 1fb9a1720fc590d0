"""Our model of the TrustNXT REST API: the ONLY module that knows its paths, header names and fields.

TrustNXT's public docs confirm only the `X-API-Key` header, the key/secret formats, billing per
Protect and per Inspect call, and monthly cycles. Everything else here is modelled by us and
documented line by line in docs/cloud-api.md. The client and the sandbox both read this module, so
changing the model means editing this file and nothing else.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ..domain.protect import ContentSource, ProtectOptions
from ..domain.usage import DailyUsage, UsageSnapshot

if TYPE_CHECKING:  # the report model loads when a report arrives: the command line's --help reads this module
    from ..domain.report import InspectionReport

# -- where -------------------------------------------------------------------------------------
DEFAULT_API_URL = "https://api.trustnxt.com"
API_URL_ENV = "TRUSTNXT_API_URL"  # overrides the api_url setting (automation, the sandbox)

PROTECT_PATH = "/v1/protect"
INSPECT_PATH = "/v1/inspect"
USAGE_PATH = "/v1/usage"
# Served by the sandbox only; no real TrustNXT endpoint.
SANDBOX_ROOT_PATH = "/v1/sandbox/root.pem"
SANDBOX_STATS_PATH = "/v1/sandbox/stats"

# -- headers -----------------------------------------------------------------------------------
API_KEY_HEADER = "X-API-Key"  # confirmed by TrustNXT public docs
API_SECRET_HEADER = "X-API-Secret"
IDEMPOTENCY_HEADER = "Idempotency-Key"
ASSET_ID_HEADER = "X-TrustNXT-Asset-Id"
REPLAYED_HEADER = "Idempotent-Replayed"  # "true" on a stored response served again
RETRY_AFTER_HEADER = "Retry-After"

# Key formats (confirmed): keys are shown as tnxt_live_…, secrets as tnxt_secret_…; tnxt_test_ is our
# assumption for test-mode keys, as is common for such APIs.
KEY_PREFIXES = ("tnxt_live_", "tnxt_test_")
SECRET_PREFIX = "tnxt_secret_"
IDEMPOTENCY_KEY_MAX = 255
_IDEMPOTENCY_KEY = re.compile(r"^[A-Za-z0-9_.:-]{1,255}$")

# -- multipart fields ----------------------------------------------------------------------------
FILE_FIELD = "file"
OPTIONS_FIELD = "options"
OPTIONS_MAX_BYTES = 64 * 1024
# The claim the protected copy makes about where the file came from: one of ContentSource's values
# (camera, edited, ai, screen, other), written as its IPTC digitalSourceType. Absent: camera.
SOURCE_FIELD = "source"

# -- error codes (the `code` in {"error": {"code", "message"}}) -----------------------------------
ERR_UNAUTHORIZED = "unauthorized"  # 401: missing or wrong key/secret
ERR_FORBIDDEN = "forbidden"  # 403: key valid but not allowed
ERR_QUOTA = "quota_exhausted"  # 402, or 429 with this code: the month's calls are used up
ERR_RATE_LIMITED = "rate_limited"  # 429: slow down, see Retry-After
ERR_TOO_LARGE = "file_too_large"  # 413
ERR_UNSUPPORTED = "unsupported_media"  # 415
ERR_BAD_REQUEST = "bad_request"  # 400
ERR_TIMEOUT = "request_timeout"  # 408: the request body did not arrive in time
ERR_NOT_FOUND = "not_found"  # 404
ERR_PROTECT_FAILED = "protect_failed"  # 422: the file could not be signed
ERR_UNAVAILABLE = "unavailable"  # 503
ERR_INTERNAL = "internal"  # 500


def resolve_base_url(configured: str | None, environ: Mapping[str, str]) -> str:
    """Environment beats the setting, the setting beats the default. No trailing slash."""
    chosen = environ.get(API_URL_ENV) or configured or DEFAULT_API_URL
    return chosen.strip().rstrip("/")


def valid_idempotency_key(value: str) -> bool:
    return bool(_IDEMPOTENCY_KEY.match(value))


# -- bodies --------------------------------------------------------------------------------------

def error_body(code: str, message: str) -> dict[str, Any]:
    return {"error": {"code": code, "message": message}}


def parse_error_body(data: bytes) -> tuple[str | None, str | None]:
    """(code, message) from an error response; (None, None) when it is not our JSON shape."""
    try:
        parsed = json.loads(data)
        err = parsed["error"]
        code, message = err.get("code"), err.get("message")
    except (ValueError, TypeError, KeyError, AttributeError):
        return None, None
    return (code if isinstance(code, str) else None), (message if isinstance(message, str) else None)


def protect_options_to_wire(options: ProtectOptions, title: str) -> dict[str, Any]:
    """The JSON `options` field. Local-only choices (the output folder) never leave the machine."""
    return {
        "title": options.title or title,
        "author": options.author,
        "do_not_train": options.do_not_train,
        "thumbnail_edge": options.thumbnail_edge,
        "tsa_url": options.tsa_url,
        "capture_device": options.capture_device,
    }


def protect_form_fields(options: ProtectOptions, title: str) -> tuple[tuple[str, bytes, str], ...]:
    """The multipart parts sent before the file: (field name, bytes, content type)."""
    wire = json.dumps(protect_options_to_wire(options, title)).encode()
    return ((OPTIONS_FIELD, wire, "application/json"),
            (SOURCE_FIELD, options.content_source.value.encode("ascii"), "text/plain"))


def protect_options_from_form(fields: Mapping[str, bytes]) -> ProtectOptions:
    """The service's side of protect_form_fields. Raises ValueError for a malformed part (answered 400)."""
    raw = fields.get(OPTIONS_FIELD)
    wire = json.loads(raw) if raw else {}
    if not isinstance(wire, dict):
        raise ValueError("options must be a JSON object")
    options = protect_options_from_wire(wire)
    source = fields.get(SOURCE_FIELD)
    if source is None:
        return options
    try:
        claim = ContentSource(source.decode("ascii").strip())
    except (UnicodeDecodeError, ValueError):
        allowed = ", ".join(s.value for s in ContentSource)
        raise ValueError(f"{SOURCE_FIELD} must be one of {allowed}") from None
    return dataclasses.replace(options, content_source=claim)


def protect_options_from_wire(data: Mapping[str, Any]) -> ProtectOptions:
    """Raises ValueError for a malformed field (the service answers 400)."""
    def text(name: str) -> str | None:
        value = data.get(name)
        if value is not None and not isinstance(value, str):
            raise ValueError(f"options.{name} must be a string")
        return value or None

    do_not_train = data.get("do_not_train", True)
    edge = data.get("thumbnail_edge", ProtectOptions().thumbnail_edge)
    if not isinstance(do_not_train, bool):
        raise ValueError("options.do_not_train must be true or false")
    if not isinstance(edge, int) or isinstance(edge, bool):
        raise ValueError("options.thumbnail_edge must be a number")
    return ProtectOptions(
        title=text("title"), author=text("author"), do_not_train=do_not_train, thumbnail_edge=edge,
        tsa_url=text("tsa_url"), capture_device=text("capture_device"),
    )


def report_from_wire(data: Any) -> InspectionReport:
    """Raises ValueError when the JSON is not a trustnxt.inspection/1 or /2 report."""
    from ..domain.report import InspectionReport

    if not isinstance(data, dict):
        raise ValueError("the report is not a JSON object")
    try:
        return InspectionReport.from_dict(data)
    except (KeyError, TypeError) as e:
        raise ValueError(f"malformed report ({type(e).__name__}: {e})") from e


def usage_to_wire(snapshot: UsageSnapshot) -> dict[str, Any]:
    return {
        "cycle": {"start": snapshot.period_start, "end": snapshot.period_end},
        "protect": {"calls": snapshot.protect_calls, "limit": snapshot.protect_limit},
        "inspect": {"calls": snapshot.inspect_calls, "limit": snapshot.inspect_limit},
        "days": [{"date": d.day, "protect": d.protect, "inspect": d.inspect} for d in snapshot.per_day],
    }


def usage_from_wire(data: Any, source: str) -> UsageSnapshot:
    """Raises ValueError when the JSON does not have the usage shape."""
    try:
        cycle, protect, inspect = data["cycle"], data["protect"], data["inspect"]
        snapshot = UsageSnapshot(
            period_start=str(cycle["start"]), period_end=str(cycle["end"]),
            protect_calls=int(protect["calls"]), inspect_calls=int(inspect["calls"]), source=source,
            protect_limit=_optional_int(protect.get("limit")), inspect_limit=_optional_int(inspect.get("limit")),
            per_day=[DailyUsage(day=str(d["date"]), protect=int(d.get("protect", 0)), inspect=int(d.get("inspect", 0)))
                     for d in data.get("days", [])],
        )
    except (KeyError, TypeError, AttributeError) as e:
        raise ValueError(f"malformed usage ({type(e).__name__})") from e
    return snapshot


def _optional_int(value: Any) -> int | None:
    return None if value is None else int(value)
