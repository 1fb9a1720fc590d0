"""The checks of a report, defined in one table (`CHECKS`): each one's id, title, explanation and the failure
codes that make it fail. engine/interpret.py `checks` decides each one's status and sentence for a file.

One place for both, so the engine's verdicts and every view's wording come from the same rule: a check's
title fits what failed (a malformed statement is not "media changed").

To add a check: a row in `CHECKS` and its rule in engine/interpret.py `checks` (in the same order); every
view, export and the cloud backend's "not checked" list take it from here.
"""

from __future__ import annotations

from dataclasses import dataclass

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


@dataclass(frozen=True)
class CheckDefinition:
    """One check of every report with Content Credentials.

    `id`: the report's key (InspectionReport.checks[].id, schema "trustnxt.inspection/2"); `title`: what it
    is called in the app, the text output and the PDF (check_title may name a failed one more precisely);
    `explanation`: one plain sentence saying what it asks; `fails_on`: the C2PA failure codes that fail it
    (C2PA 2.2, "Validation" status codes), a code itself or, ending in ".", a family of codes.
    """

    id: str
    title: str
    explanation: str
    fails_on: tuple[str, ...]

    def failed_by(self, code: str) -> bool:
        return any(code.startswith(c) if c.endswith(".") else code == c for c in self.fails_on)


CHECKS: tuple[CheckDefinition, ...] = (
    CheckDefinition("integrity", "Media unchanged",
                    "Whether the media and the statements signed with it are exactly as they were when signed.",
                    ("assertion.", "claim.", "manifest.", "general.")),
    CheckDefinition("signature", "Signature",
                    "Whether the signature over the manifest is correct and made with an algorithm the standard "
                    "allows.",
                    ("claimSignature.", "algorithm.", "signingCredential.invalid")),
    CheckDefinition("signer_trust", "Signer trusted",
                    "Whether the signer's certificate is valid and chains to a trust list you use.",
                    ("signingCredential.",)),
    CheckDefinition("timestamp", "Trusted time",
                    "Whether a timestamp authority you trust vouches for when the file was signed. A timestamp "
                    "keeps the signature valid after the signer's certificate expires; without one, the file is "
                    "judged invalid from the day it does.",
                    ("timeStamp.",)),
    CheckDefinition("ingredients", "Source files",
                    "Whether the Content Credentials of the files it was made from are intact.",
                    ("ingredient.",)),
    CheckDefinition("revocation", "Certificate not revoked",
                    "Whether the issuer of the signer's certificate confirmed online (OCSP or its revocation list) "
                    "that it was not revoked; asked only when online revocation checks are on (Settings › Privacy).",
                    ("signingCredential.revoked", "signingCredential.ocsp.revoked")),
)
"""In the order every report lists them."""

CHECK_IDS = tuple(c.id for c in CHECKS)
# A failure code no row names is never ignored: it fails the integrity check.
UNMATCHED_FAILURE_CHECK = "integrity"
# Logged when revocation was not asked (online checks off): a note, never a failure.
_NOT_A_FAILURE = ("signingCredential.ocsp.skipped",)


def check_definition(check_id: str) -> CheckDefinition | None:
    """The definition of a check id; None for an id this version does not know (a newer report's)."""
    return next((c for c in CHECKS if c.id == check_id), None)


def checks_of_failure(code: str) -> tuple[str, ...]:
    """The checks a failure code makes fail, in `CHECKS` order (every failure that is not tolerated fails at
    least one)."""
    if tolerated(code) or code in _NOT_A_FAILURE:
        return ()
    return tuple(c.id for c in CHECKS if c.failed_by(code)) or (UNMATCHED_FAILURE_CHECK,)


# The hard binding (C2PA 2.2, "Hard bindings"): the codes that say the media's bytes do not match the signed
# hash, or that nothing binds them. Every other integrity failure is about the signed statements (assertions,
# the claim, the manifest's structure).
_MEDIA_CODES = ("assertion.dataHash.", "assertion.bmffHash.", "assertion.boxesHash.", "assertion.collectionHash.",
                "claim.hardBindings.")


def is_media_code(code: str) -> bool:
    """Whether an integrity failure is about the media's bytes (the hard binding), not a signed statement."""
    return code.startswith(_MEDIA_CODES)


CHECK_TITLES: dict[str, str] = {c.id: c.title for c in CHECKS}
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
