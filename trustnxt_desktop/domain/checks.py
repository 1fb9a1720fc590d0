"""The six checks of a report: which failure code makes which check fail, and what each check is called.

One place for both, so the engine's verdicts and every view's wording come from the same rule: a check's
title fits what failed (a malformed statement is not "media changed").
"""

from __future__ import annotations

from .report import Check, CheckStatus, InspectionReport

UNTRUSTED = "signingCredential.untrusted"
# An identity service's key that was not fetched: it says nothing about the file, and inspection refuses the
# network, so every identity verified by a did:web service ends there (see engine.interpret.validation_state).
DID_UNAVAILABLE = "cawg.ica.did_unavailable"


def tolerated(code: str) -> bool:
    """Failure codes that do not count against a manifest (c2pa-rs 0.91.3 ValidationResults::
    validation_state, as observed): an untrusted signer, and the CAWG X.509 and cawg.identity.* codes, which
    concern one identity assertion; also an identity service's key that was not fetched."""
    return code == UNTRUSTED or code.startswith(("cawg.x509.", "cawg.identity.")) or code == DID_UNAVAILABLE


def checks_of_failure(code: str) -> tuple[str, ...]:
    """The checks a failure code makes fail (every failure that is not tolerated fails at least one)."""
    if tolerated(code) or code == "signingCredential.ocsp.skipped":
        return ()
    if code.startswith("timeStamp."):
        return ("timestamp",)
    if code.startswith(("claimSignature.", "algorithm.")):
        return ("signature",)
    if code in ("signingCredential.revoked", "signingCredential.ocsp.revoked"):
        return ("signer_trust", "revocation")
    if code == "signingCredential.invalid":
        return ("signature", "signer_trust")
    if code.startswith("signingCredential."):
        return ("signer_trust",)
    if code.startswith("ingredient."):
        return ("ingredients",)
    return ("integrity",)  # assertion., claim., manifest., general., and any code we do not know


# The hard binding (C2PA 2.2, "Hard bindings"): the codes that say the media's bytes do not match the signed
# hash, or that nothing binds them. Every other integrity failure is about the signed statements (assertions,
# the claim, the manifest's structure).
_MEDIA_CODES = ("assertion.dataHash.", "assertion.bmffHash.", "assertion.boxesHash.", "assertion.collectionHash.",
                "claim.hardBindings.")


def is_media_code(code: str) -> bool:
    """Whether an integrity failure is about the media's bytes (the hard binding), not a signed statement."""
    return code.startswith(_MEDIA_CODES)


CHECK_TITLES: dict[str, str] = {
    "integrity": "Media unchanged",
    "signature": "Signature",
    "signer_trust": "Signer trusted",
    "timestamp": "Trusted time",
    "ingredients": "Source files",
    "revocation": "Certificate not revoked",
}
STATEMENTS_TITLE = "Signed statements intact"
BOTH_TITLE = "Media and signed statements intact"


def integrity_failures(report: InspectionReport) -> list[str]:
    """The report's failure codes that fail its integrity check, in the validator's order."""
    return [c.code for c in report.validation.failure if "integrity" in checks_of_failure(c.code)]


def check_title(check: Check, report: InspectionReport) -> str:
    """What a check is called where it is shown (app, PDF). The integrity check is named for what failed:
    the media's bytes ("Media unchanged"), a signed statement ("Signed statements intact") or both."""
    if check.id == "integrity" and check.status is CheckStatus.FAIL:
        codes = integrity_failures(report)
        media = any(is_media_code(c) for c in codes)
        statements = any(not is_media_code(c) for c in codes)
        if statements:
            return BOTH_TITLE if media else STATEMENTS_TITLE
    return CHECK_TITLES.get(check.id, check.id)
