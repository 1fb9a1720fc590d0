"""InspectionReport, schema "trustnxt.inspection/2": what the CLI prints, the GUI shows and exports write.

Both backends produce it; the cloud receives it as JSON, hence from_dict. Schema 2 added `cross_check`
(a second, independent validator's result and where it differs); schema 1 reports still read, without it.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, is_dataclass
from enum import Enum
from typing import Any

SCHEMA = "trustnxt.inspection/2"
READABLE_SCHEMAS = ("trustnxt.inspection/1", SCHEMA)


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
    signer: SignerInfo | None = None  # who signed the ingredient's own manifest
    ai_disclosure: str | None = None  # domain.ai.AiKind value for it and what it was made from


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
    # Each published list among trust_lists: {name, date, sha256, source (its published addresses),
    # origin ("bundled" with the app | "downloaded"), note (e.g. older than 90 days)}.
    trust_snapshots: list[dict[str, str]] = field(default_factory=list)


@dataclass
class Author:
    """A person or organisation the signer names as the author (schema.org CreativeWork `author`, or
    `dc:creator` of a c2pa.metadata / cawg.metadata / stds.iptc assertion). A claim of the signer, not
    a verified identity: that is what `identity` holds."""

    name: str
    assertion: str  # label of the assertion it was read from
    identifier: str | None = None  # a URL or other identifier given for the author


@dataclass
class TrainingChoice:
    """One entry of a c2pa.training-mining / cawg.training-mining assertion (C2PA 2.1 §18.14, CAWG
    training-and-data-mining assertion 1.1): whether the file may be used for `entry`."""

    entry: str  # e.g. "c2pa.ai_generative_training", "cawg.data_mining"
    use: str  # "allowed" | "notAllowed" | "constrained", as written
    constraint_info: str | None = None  # the conditions when `use` is "constrained"


@dataclass
class VerifiedIdentity:
    """One entry of `verifiedIdentities` in an identity claims aggregation credential (CAWG identity
    assertion 1.1 §8.1.1.4): an account or attribute the aggregator checked."""

    type: str  # cawg.social_media | cawg.document_verification | cawg.affiliation | cawg.crypto_wallet | cawg.web_site
    name: str | None = None
    username: str | None = None
    uri: str | None = None
    address: str | None = None  # crypto wallets
    provider: str | None = None  # provider name, e.g. "behance"
    provider_id: str | None = None  # provider URL
    verified_at: str | None = None


@dataclass
class IdentityAssertion:
    """A CAWG identity assertion (cawg.identity): someone other than, or besides, the C2PA signer who
    vouches for the file, by an X.509 certificate (`cawg.x509.cose`) or through an identity claims
    aggregator that verified accounts (`cawg.identity_claims_aggregation`)."""

    label: str  # cawg.identity, cawg.identity__1, ...
    sig_type: str
    status: Verdict  # trusted | valid (signer or aggregator not trusted by you) | invalid | unverified
    status_detail: str  # plain language, ours
    signer: SignerInfo | None = None  # X.509: the certificate's subject
    issuer: str | None = None  # identity claims aggregation: the aggregator (a DID)
    verified_identities: list[VerifiedIdentity] = field(default_factory=list)
    referenced_assertions: list[str] = field(default_factory=list)  # labels of what it vouches for
    codes: list[str] = field(default_factory=list)  # the validator's codes about this assertion
    # Added within schema 2 (older reports have none). X.509: what the certificate states (its subject
    # alternative names, RFC 5280 §4.2.1.6) and who vouched for it when: the issuing CA and the start of the
    # certificate's validity; identity claims aggregation: the aggregator and its credential's validFrom.
    emails: list[str] = field(default_factory=list)
    websites: list[str] = field(default_factory=list)
    verified_by: str | None = None
    verified_at: str | None = None  # ISO 8601
    valid_until: str | None = None  # ISO 8601: the end of the certificate's validity (X.509)
    trust_source: str | None = None  # the trust list that decided `status` is trusted; None unless trusted
    trust_judged_by: str | None = None  # the validator whose trust decision `status` carries (name and version)


@dataclass
class PictureShape:
    """Pixel size of a picture as stored and its EXIF Orientation (EXIF 2.32 tag 0x0112: 1 upright,
    2–4 mirrored or turned 180°, 5–8 turned by 90°, which swaps width and height when shown)."""

    width: int
    height: int
    orientation: int = 1

    def shown_size(self) -> tuple[int, int]:
        return (self.height, self.width) if self.orientation in (5, 6, 7, 8) else (self.width, self.height)


@dataclass
class Difference:
    """One finding on which the two validators differ (domain.cross_check.FIELDS names the fields)."""

    field: str  # e.g. "verdict", "hard_binding", "signature", "signer", "trust", "ai", "ingredients"
    primary: str  # what the main validator found, in the shared words of domain.cross_check
    second: str  # what the second validator found
    sentence: str  # plain language: who says what, and what it means


@dataclass
class CrossCheck:
    """The second, independent validator's result on the same bytes, and how it compares.

    `ran` False: it could not run on this file (`problem` says why) and the report is the main
    validator's alone. `findings` holds its answers in the shared words of domain.cross_check (field ->
    value), `differences` the fields where they differ from the main validator's; `agrees` is True when
    there are none. `primary_verdict` is the main validator's own verdict and `rule` how the headline
    verdict was chosen from the two (domain.cross_check.consensus; docs/verdicts.md).
    """

    engine: str  # "encypher-c2pa"
    version: str
    ran: bool
    problem: str | None = None
    state: str | None = None  # its own validation state: "Trusted" | "Valid" | "Invalid" | "None"
    verdict: Verdict | None = None  # its result in this report's vocabulary
    failure_codes: list[str] = field(default_factory=list)
    signer: SignerInfo | None = None
    signed_at: str | None = None  # None: it did not report a signing time (encypher-c2pa 1.7 never does)
    trust: str | None = None  # its trust status as it words it, e.g. "valid_for_supplied_material"
    findings: dict[str, str] = field(default_factory=dict)
    agrees: bool | None = None  # None when it did not run
    differences: list[Difference] = field(default_factory=list)
    primary_verdict: Verdict | None = None
    rule: str = "single"  # "agree" | "primary" | "readable" | "tamper" | "single" (it did not run)
    rule_detail: str = ""  # the rule in a sentence, when the validators' verdicts differ


@dataclass
class Revocation:
    """Whether the signer's certificate was revoked, and how that was found out (or why it was not).

    `status`: "good" (its issuer says it is not revoked), "revoked", or "not_checked" (`why_not` says why:
    domain.timestamps WHY_NOT_CHECKED). `method` "OCSP" (RFC 6960) or "CRL" (RFC 5280 §5) and `source` the
    responder's or list's address; `checked_at` when the answer was produced, `valid_until` when it expires (its
    nextUpdate; answers are reused until then, `cached`). `revoked_at` and `reason` (an RFC 5280 CRLReason name)
    when revoked. `chain_pem`: the signing certificate and the certificates the file carries with it, PEM, leaf
    first: what was (or would be) checked.
    """

    status: str
    detail: str  # plain language, ours
    why_not: str | None = None
    method: str | None = None
    source: str | None = None
    checked_at: str | None = None
    valid_until: str | None = None
    cached: bool = False
    revoked_at: str | None = None
    reason: str | None = None
    certificate: str | None = None  # the checked certificate's subject and serial number, for people
    chain_pem: list[str] = field(default_factory=list)
    # Each certificate asked about, the signer's first, then the CAs above it up to (not including) the trust
    # anchor, then the timestamp authority's when a timestamp decides; empty in older reports.
    certificates: list[CertificateRevocation] = field(default_factory=list)
    # The certificates of the active manifest's timestamp token, PEM, the authority's first: checked only when that
    # timestamp decides the signing time.
    tsa_chain_pem: list[str] = field(default_factory=list)
    # The trust anchors the chains end at, PEM: they issue the top CA's answers and are not asked about themselves.
    anchors_pem: list[str] = field(default_factory=list)


@dataclass
class CertificateRevocation:
    """One certificate's revocation status. `role`: "signer", "intermediate CA", "timestamp authority" or
    "timestamp authority's CA"; `certificate`: its common name and serial number; the other fields as in
    Revocation."""

    role: str
    certificate: str
    status: str
    detail: str
    why_not: str | None = None
    method: str | None = None
    source: str | None = None
    checked_at: str | None = None
    valid_until: str | None = None
    cached: bool = False
    revoked_at: str | None = None
    reason: str | None = None


@dataclass
class RecoveredCredentials:
    """Content Credentials found in a manifest repository by the file's fingerprints (C2PA 2.2 §9.3 soft bindings)
    for a file that carries none, or none that can be read: they are NOT embedded in the file and describe a
    picture that looks like it. `verdict` is the recovered manifest's own (its signature and signer, validated on
    its own: its hard binding cannot hold for another file's bytes), never the file's.

    `source`: the repository ("this computer" or an address); `algorithm`/`distance`: the deciding fingerprint and
    its Hamming distance in bits (`pdq_distance`, `iscc_distance` both, when known); `meaning`: that distance in a
    sentence; `orientation`: how the file had to be turned to match; `thumbnail`: the thumbnail signed into the
    recovered manifest, base64 JPEG, when it has one."""

    source: str
    algorithm: str
    distance: int
    manifest_id: str
    verdict: Verdict
    meaning: str
    summary: str = ""  # the recovered manifest's own verdict in a sentence
    pdq_distance: int | None = None
    iscc_distance: int | None = None
    orientation: str = "upright"
    signer: SignerInfo | None = None
    signed_at: str | None = None
    title: str | None = None
    claim_generator: str | None = None
    actions: list[Action] = field(default_factory=list)
    thumbnail: str | None = None


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
    ai_disclosure: str | None = None  # domain.ai.AiKind value; decides what every view says about AI
    ingredients: list[Ingredient] = field(default_factory=list)
    validation: Validation = field(default_factory=Validation)
    manifests: int = 0
    thumbnail: str | None = None  # the active manifest's thumbnail identifier
    remote_url: str | None = None  # where the manifest store is kept, when it is not in the file
    manifest_stores: int | None = None  # embedded C2PA manifest stores found in the file's bytes
    error: str | None = None
    raw: dict[str, Any] | None = None
    authors: list[Author] = field(default_factory=list)
    training_mining: list[TrainingChoice] = field(default_factory=list)
    identity: list[IdentityAssertion] = field(default_factory=list)
    picture: PictureShape | None = None  # the file's own picture (still images)
    thumbnail_shape: PictureShape | None = None  # the thumbnail signed into the active manifest
    cross_check: CrossCheck | None = None  # the second validator; None: not asked for (or an older report)
    revocation: Revocation | None = None  # the signer's certificate; None: no signer (or an older report)
    # Found by soft binding in a manifest repository, best first; never mixed with embedded credentials. Empty: not
    # asked for, nothing found, or an older report.
    recovered: list[RecoveredCredentials] = field(default_factory=list)
    schema: str = SCHEMA

    def check(self, check_id: str) -> Check | None:
        return next((c for c in self.checks if c.id == check_id), None)

    def to_dict(self) -> dict[str, Any]:
        plain: dict[str, Any] = _plain(self)
        return plain

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> InspectionReport:
        """Rebuild a report from its JSON form (as the Inspect API returns it)."""
        if data.get("schema", SCHEMA) not in READABLE_SCHEMAS:
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
            ai_disclosure=data.get("ai_disclosure"),
            ingredients=[_ingredient(i) for i in data.get("ingredients", [])],
            validation=Validation(
                **{k: [ValidationCode(**c) for c in validation.get(k, [])] for k in ("failure", "warning", "success")}
            ),
            manifests=data.get("manifests", 0),
            thumbnail=data.get("thumbnail"),
            remote_url=data.get("remote_url"),
            manifest_stores=data.get("manifest_stores"),
            error=data.get("error"),
            raw=data.get("raw"),
            # Added within schema 1: reports written before them simply have none.
            authors=[Author(**a) for a in data.get("authors", [])],
            training_mining=[TrainingChoice(**t) for t in data.get("training_mining", [])],
            identity=[_identity(i) for i in data.get("identity", [])],
            picture=PictureShape(**data["picture"]) if data.get("picture") else None,
            thumbnail_shape=PictureShape(**data["thumbnail_shape"]) if data.get("thumbnail_shape") else None,
            cross_check=_cross_check(data.get("cross_check")),
            revocation=_revocation(data.get("revocation")),
            recovered=[_recovered(r) for r in data.get("recovered", [])],
            schema=data.get("schema", SCHEMA),  # an older report keeps the schema it was written in
        )


def _recovered(data: dict[str, Any]) -> RecoveredCredentials:
    known = {f for f in RecoveredCredentials.__dataclass_fields__} - {"verdict", "signer", "actions"}
    signer = data.get("signer")
    return RecoveredCredentials(verdict=Verdict(data["verdict"]), signer=SignerInfo(**signer) if signer else None,
                                actions=[Action(**a) for a in data.get("actions", [])],
                                **{k: v for k, v in data.items() if k in known})


def _revocation(data: dict[str, Any] | None) -> Revocation | None:
    if not data:
        return None
    known = {f for f in Revocation.__dataclass_fields__} - {"certificates"}
    each = set(CertificateRevocation.__dataclass_fields__)
    return Revocation(**{k: v for k, v in data.items() if k in known},
                      certificates=[CertificateRevocation(**{k: v for k, v in c.items() if k in each})
                                    for c in data.get("certificates") or []])


def _cross_check(data: dict[str, Any] | None) -> CrossCheck | None:
    if not data:
        return None
    signer = data.get("signer")
    verdict, primary = data.get("verdict"), data.get("primary_verdict")
    return CrossCheck(
        engine=data["engine"],
        version=data.get("version", ""),
        ran=data.get("ran", False),
        problem=data.get("problem"),
        state=data.get("state"),
        verdict=Verdict(verdict) if verdict else None,
        failure_codes=list(data.get("failure_codes", [])),
        signer=SignerInfo(**signer) if signer else None,
        signed_at=data.get("signed_at"),
        trust=data.get("trust"),
        findings=data.get("findings", {}),
        agrees=data.get("agrees"),
        differences=[Difference(**d) for d in data.get("differences", [])],
        primary_verdict=Verdict(primary) if primary else None,
        rule=data.get("rule", "single"),
        rule_detail=data.get("rule_detail", ""),
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


def _identity(data: dict[str, Any]) -> IdentityAssertion:
    signer = data.get("signer")
    return IdentityAssertion(
        label=data["label"],
        sig_type=data.get("sig_type", ""),
        status=Verdict(data["status"]),
        status_detail=data.get("status_detail", ""),
        signer=SignerInfo(**signer) if signer else None,
        issuer=data.get("issuer"),
        verified_identities=[VerifiedIdentity(**v) for v in data.get("verified_identities", [])],
        referenced_assertions=list(data.get("referenced_assertions", [])),
        codes=list(data.get("codes", [])),
        emails=list(data.get("emails", [])),
        websites=list(data.get("websites", [])),
        verified_by=data.get("verified_by"),
        verified_at=data.get("verified_at"),
        valid_until=data.get("valid_until"),
        trust_source=data.get("trust_source"),
        trust_judged_by=data.get("trust_judged_by"),
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
        signer=SignerInfo(**data["signer"]) if data.get("signer") else None,
        ai_disclosure=data.get("ai_disclosure"),
    )


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def _plain(value: Any) -> Any:
    """`value` as JSON wants it: dataclasses as dicts of their fields in order, Enum members as their values,
    containers copied (what dataclasses.asdict then an Enum pass gave, in one walk without asdict's deep copy:
    a report's JSON form is made for every inspection)."""
    if isinstance(value, Enum):
        return value.value
    names = _FIELD_NAMES.get(type(value))
    if names is None and is_dataclass(value) and not isinstance(value, type):
        names = _FIELD_NAMES[type(value)] = tuple(f.name for f in fields(value))
    if names is not None:
        return {name: _plain(getattr(value, name)) for name in names}
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, tuple):
        return tuple(_plain(v) for v in value)
    return value
