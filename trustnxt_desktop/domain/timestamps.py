"""Timestamp authorities a protected copy can be timestamped by, and what a missing timestamp means.

A timestamp (RFC 3161 TimeStampToken in the claim signature's `sigTst2` header, C2PA 2.2 §10.3.2.5 "Time-stamps")
proves that the manifest existed, signed, at that time. A validator then judges the signer's certificate at the
signing time, not at today's date: a timestamped file stays valid after the certificate expires; one without is
judged `signingCredential.expired` the day it does.

The C2PA TSA trust list (conformance-public, trust-list/C2PA-TSA-TRUST-LIST.json, list of 2026-08-05) names the
operators whose time-stamping certificates validators trust, with those certificates; it publishes no service
addresses. The addresses below are the ones those operators publish for their C2PA time-stamping services
(`published_at`); docs/timestamps.md says where each was found and what is known about access.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .report import Revocation

TSA_LIST_SOURCE = ("https://github.com/c2pa-org/conformance-public/blob/main/trust-list/"
                   "C2PA-TSA-TRUST-LIST.json")


@dataclass(frozen=True)
class TimestampAuthority:
    """One choice of authority: its URL (RFC 3161 over HTTP), the operator as the C2PA TSA trust list names it,
    a few words for a choice list, and where the operator publishes the address."""

    url: str
    operator: str
    label: str
    published_at: str
    note: str = ""


TIMESTAMP_AUTHORITIES: tuple[TimestampAuthority, ...] = (
    TimestampAuthority("http://ts-c2pa.ssl.com/ecc", "SSL Corporation", "SSL.com C2PA timestamps (ECC)",
                       "https://www.ssl.com/c2pa/",
                       "SSL.com's C2PA time-stamping service; SSL.com says access is set up on request."),
    TimestampAuthority("http://ts-c2pa.ssl.com/rsa", "SSL Corporation", "SSL.com C2PA timestamps (RSA)",
                       "https://www.ssl.com/c2pa/",
                       "SSL.com's C2PA time-stamping service; SSL.com says access is set up on request."),
    TimestampAuthority("http://timestamp.digicert.com", "DigiCert, Inc.", "DigiCert timestamps",
                       "https://www.digicert.com/solutions/c2pa-media-trust",
                       "DigiCert's public RFC 3161 service; DigiCert is on the C2PA TSA trust list."),
)
DEFAULT_TSA_URL = TIMESTAMP_AUTHORITIES[0].url

# The words a protected copy without a timestamp carries in its queue row, the CLI's output and the job store
# (its warnings); `lacks_timestamp` finds them again.
NO_TIMESTAMP_YET = "No timestamp yet"


def no_timestamp_warning(url: str, why: str) -> str:
    """The warning of a copy protected without a timestamp because the authority could not be used."""
    return (f"{NO_TIMESTAMP_YET}: the timestamp authority {url} could not be used ({why}). The copy is protected "
            "and valid while your certificate is, but not after it expires: add the timestamp once you are online "
            "(Add timestamps in the Protect panel, or `trustnxt timestamp --waiting`).")


def lacks_timestamp(warnings: Iterable[str]) -> bool:
    """Whether a protect result's warnings say the copy still needs a timestamp."""
    return any(w.startswith(NO_TIMESTAMP_YET) for w in warnings)


def authority(url: str) -> TimestampAuthority | None:
    """The listed authority with this URL, None for the user's own."""
    return next((a for a in TIMESTAMP_AUTHORITIES if a.url == url.strip()), None)


WHAT_A_TIMESTAMP_PROVES = (
    "A timestamp from a timestamp authority proves when the file was signed. A validator then judges the "
    "signer's certificate as it was at that moment, so the Content Credentials stay valid after the certificate "
    "expires. Without one, the signing time is only the signer's own claim, and the day the certificate expires "
    "the file is judged invalid (certificate expired): nothing proves it was signed while the certificate was "
    "valid.")

# Revocation: what a report says about the signer's certificate (InspectionReport.revocation.status).
REVOCATION_GOOD = "good"
REVOCATION_REVOKED = "revoked"
REVOCATION_NOT_CHECKED = "not_checked"

# Why revocation was not checked (InspectionReport.revocation.why_not).
NOT_CHECKED_PRIVACY = "privacy"  # online checks are off (the default)
NOT_CHECKED_OFFLINE = "offline"  # the responder or list could not be reached
NOT_CHECKED_NO_RESPONDER = "no_responder"  # the certificate names no OCSP responder and no CRL
NOT_CHECKED_NO_ISSUER = "no_issuer"  # the file does not carry the issuer's certificate
NOT_CHECKED_UNUSABLE = "unusable"  # an answer came but could not be relied on (bad signature, stale, unknown)
NOT_CHECKED_NO_CERTIFICATE = "no_certificate"  # the signing certificate could not be read from the file
NOT_CHECKED_SERVICE = "service"  # the cloud engine's report: the service says nothing we could rely on

WHY_NOT_CHECKED = {
    NOT_CHECKED_PRIVACY: "online revocation checks are off (Settings › Privacy): asking the certificate's issuer "
                         "tells it which certificate you are looking at",
    NOT_CHECKED_OFFLINE: "the issuer's revocation service could not be reached",
    NOT_CHECKED_NO_RESPONDER: "the certificate names no revocation service (no OCSP responder, no CRL)",
    NOT_CHECKED_NO_ISSUER: "the file does not carry the certificate of the signer's issuer",
    NOT_CHECKED_UNUSABLE: "the revocation service's answer could not be relied on",
    NOT_CHECKED_NO_CERTIFICATE: "the signing certificate could not be read from the file",
    NOT_CHECKED_SERVICE: "the file was checked by the TrustNXT service, whose report (as this app models its API) "
                         "carries no revocation result, and the app does not ask issuers about it",
}

REVOCATION_EXPLAINED = (
    "An issuer revokes a certificate when its key may be in the wrong hands or it should no longer be used. "
    "Checking asks the issuers' OCSP responders or certificate revocation lists (CRL) over the internet about the "
    "signer's certificate, each CA above it and, when a timestamp decides the signing time, the timestamp "
    "authority's, which tells the issuers which certificates you are looking at; that is why it is off unless you "
    "turn it on. Answers are kept until they expire, so a certificate is asked about at most once in that time.")


REVOCATION_LABELS = {REVOCATION_GOOD: "not revoked", REVOCATION_REVOKED: "revoked",
                     REVOCATION_NOT_CHECKED: "not checked"}


def revocation_line(revocation: Revocation | None) -> str:
    """How revocation was handled, in one line for the text output, the batch table and CSV: "not revoked (OCSP:
    signer, intermediate CA)", "revoked on 2026-05-01 10:00 UTC (keyCompromise): intermediate CA “Example CA”,
    per OCSP", "not checked: <why>" (WHY_NOT_CHECKED); "" for a report without a signer."""
    if revocation is None:
        return ""
    label = REVOCATION_LABELS.get(revocation.status, revocation.status)
    if revocation.status == REVOCATION_NOT_CHECKED:
        why = WHY_NOT_CHECKED.get(revocation.why_not or "", revocation.detail)
        which = next((c for c in revocation.certificates if c.status != REVOCATION_GOOD), None)
        return f"{label}: {why}" + (f" ({which.role})" if which is not None and len(revocation.certificates) > 1
                                    else "")
    if revocation.status == REVOCATION_REVOKED:
        when = f" on {_minute(revocation.revoked_at)}" if revocation.revoked_at else ""
        reason = f" ({revocation.reason})" if revocation.reason else ""
        which = next((c for c in revocation.certificates if c.status == REVOCATION_REVOKED), None)
        whose = f": {which.role} “{which.certificate}”" if which is not None else ""
        how = f", per {revocation.method}" if revocation.method else ""
        return f"{label}{when}{reason}{whose}{how}"
    checked = [f"{c.role} ({c.method})" for c in revocation.certificates]
    return f"{label}: " + ", ".join(checked) if checked else f"{label} ({revocation.method or 'checked'})"


_WHY_SHORT = {NOT_CHECKED_PRIVACY: "checks off", NOT_CHECKED_OFFLINE: "offline", NOT_CHECKED_NO_RESPONDER: "no service",
              NOT_CHECKED_NO_ISSUER: "no issuer", NOT_CHECKED_UNUSABLE: "answer unusable",
              NOT_CHECKED_NO_CERTIFICATE: "no certificate", NOT_CHECKED_SERVICE: "cloud report"}


def revocation_short(revocation: Revocation | None) -> str:
    """revocation_line for a table cell: "not revoked", "revoked 2026-05-01", "not checked (checks off)"."""
    if revocation is None:
        return ""
    label = REVOCATION_LABELS.get(revocation.status, revocation.status)
    if revocation.status == REVOCATION_REVOKED:
        return f"{label} {revocation.revoked_at[:10]}" if revocation.revoked_at else label
    if revocation.status == REVOCATION_NOT_CHECKED:
        return f"{label} ({_WHY_SHORT.get(revocation.why_not or '', revocation.why_not or '?')})"
    return label


def _minute(iso: str) -> str:
    """An ISO 8601 time as "2026-05-01 10:00 UTC" (the revocation answers give UTC)."""
    return iso[:16].replace("T", " ") + " UTC" if len(iso) >= 16 else iso
