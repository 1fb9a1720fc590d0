"""InspectionReport, schema "trustnxt.inspection/1": what the CLI prints, the GUI shows and exports write.

Both backends produce it; the cloud receives it as JSON, hence from_dict.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import Enum
from typing import Any

SCHEMA = "trustnxt.inspection/1"


class Verdict(str, Enum):
    TRUSTED = "trusted"
    VALID = "valid"
    INVALID = "invalid"
    NONE = "none"
    UNVERIFIED = "unverified"
    UNSUPPORTED = "unsupported"
    ERROR = "error"


class CheckStatus(str, Enum):
    PASS = "pass"
    FAIL = "fail"
    WARN = "warn"
    UNKNOWN = "unknown"
    NOT_APPLICABLE = "not_applicable"


CHECK_IDS = ("integrity", "signature", "signer_trust", "timestamp", "ingredients", "revocation")


@dataclass
class FileInfo:
    path: str
    name: str
    size: int
    sha256: str
    media_type: str | None


@dataclass
class Check:
    id: str
    status: CheckStatus
    detail: str


@dataclass
class SignerInfo:
    common_name: str | None = None
    organisation: str | None = None
    issuer: str | None = None
    algorithm: str | None = None
    serial: str | None = None
    trust_source: str | None = None  # name of the trust list / anchor that accepted it, None if none did


@dataclass
class GeoPoint:
    lat: float
    lon: float
    alt: float | None = None


@dataclass
class Capture:
    """Where, when and with what a picture was taken. `signed` says whether a signature covers it."""

    signed: bool
    make: str | None = None
    model: str | None = None
    gps: GeoPoint | None = None
    taken_at: str | None = None

    def is_empty(self) -> bool:
        return not (self.make or self.model or self.gps or self.taken_at)


@dataclass
class Action:
    action: str
    when: str | None = None
    software_agent: str | None = None
    digital_source_type: str | None = None
    description: str | None = None


@dataclass
class Ingredient:
    title: str | None
    relationship: str | None
    verdict: Verdict
    format: str | None = None
    thumbnail: str | None = None  # resource identifier inside the manifest store
    manifest: str | None = None  # label of the ingredient's own active manifest
    failure_codes: list[str] = field(default_factory=list)
    ingredients: list[Ingredient] = field(default_factory=list)


@dataclass
class ValidationCode:
    code: str
    explanation: str  # plain language, ours
    detail: str = ""  # the validator's own words
    url: str | None = None


@dataclass
class Validation:
    failure: list[ValidationCode] = field(default_factory=list)
    warning: list[ValidationCode] = field(default_factory=list)
    success: list[ValidationCode] = field(default_factory=list)

    def failure_codes(self) -> list[str]:
        return [c.code for c in self.failure]


@dataclass
class EngineInfo:
    name: str
    version: str
    trust_lists: list[str] = field(default_factory=list)


@dataclass
class InspectionReport:
    file: FileInfo
    verdict: Verdict
    summary: str
    engine: EngineInfo
    checks: list[Check] = field(default_factory=list)
    signer: SignerInfo | None = None
    signed_at: str | None = None
    claim_generator: str | None = None
    title: str | None = None
    capture: Capture | None = None  # from signed assertions
    capture_unsigned: Capture | None = None  # from the file's own EXIF: anyone could have written it
    actions: list[Action] = field(default_factory=list)
    ai_generated: bool | None = None
    ingredients: list[Ingredient] = field(default_factory=list)
    validation: Validation = field(default_factory=Validation)
    manifests: int = 0
    thumbnail: str | None = None  # the active manifest's thumbnail identifier
    remote_url: str | None = None
    error: str | None = None
    raw: dict[str, Any] | None = None
    schema: str = SCHEMA

    def check(self, check_id: str) -> Check | None:
        return next((c for c in self.checks if c.id == check_id), None)

    def to_dict(self) -> dict[str, Any]:
        return _plain(asdict(self))

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> InspectionReport:
        """Rebuild a report from its JSON form (as the Inspect API returns it)."""
        if data.get("schema", SCHEMA) != SCHEMA:
            raise ValueError(f"unknown report schema {data.get('schema')!r}")
        sig = data.get("signer")
        validation = data.get("validation") or {}
        return cls(
            file=FileInfo(**data["file"]),
            verdict=Verdict(data["verdict"]),
            summary=data.get("summary", ""),
            engine=EngineInfo(**data["engine"]),
            checks=[Check(c["id"], CheckStatus(c["status"]), c.get("detail", "")) for c in data.get("checks", [])],
            signer=SignerInfo(**sig) if sig else None,
            signed_at=data.get("signed_at"),
            claim_generator=data.get("claim_generator"),
            title=data.get("title"),
            capture=_capture(data.get("capture")),
            capture_unsigned=_capture(data.get("capture_unsigned")),
            actions=[Action(**a) for a in data.get("actions", [])],
            ai_generated=data.get("ai_generated"),
            ingredients=[_ingredient(i) for i in data.get("ingredients", [])],
            validation=Validation(
                **{k: [ValidationCode(**c) for c in validation.get(k, [])] for k in ("failure", "warning", "success")}
            ),
            manifests=data.get("manifests", 0),
            thumbnail=data.get("thumbnail"),
            remote_url=data.get("remote_url"),
            error=data.get("error"),
            raw=data.get("raw"),
        )


def _capture(data: dict[str, Any] | None) -> Capture | None:
    if not data:
        return None
    gps = data.get("gps")
    return Capture(
        signed=data["signed"],
        make=data.get("make"),
        model=data.get("model"),
        gps=GeoPoint(**gps) if gps else None,
        taken_at=data.get("taken_at"),
    )


def _ingredient(data: dict[str, Any]) -> Ingredient:
    return Ingredient(
        title=data.get("title"),
        relationship=data.get("relationship"),
        verdict=Verdict(data["verdict"]),
        format=data.get("format"),
        thumbnail=data.get("thumbnail"),
        manifest=data.get("manifest"),
        failure_codes=list(data.get("failure_codes", [])),
        ingredients=[_ingredient(i) for i in data.get("ingredients", [])],
    )


def _plain(value: Any) -> Any:
    """asdict keeps Enum members; JSON wants their values."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value
