"""Plain-language words for C2PA validation codes and verdicts, for people who are not C2PA experts.

Some codes mean different things depending on what else the validator found (c2pa-rs 0.91, checked
against its source): `claimSignature.insideValidity` is logged whenever the signature verifies, and
`signingCredential.expired` compares the certificate with the time of a *trusted* timestamp when
there is one and with today's date when there is none. So each sentence is chosen from the code
together with the Evidence (timestamp, manifest stores) of the same manifest.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .ai import AiKind, words
from .regular_files import NOT_REGULAR
from .report import CheckStatus, InspectionReport, Verdict

_CODES: dict[str, str] = {
    # Signature and signer
    "claimSignature.validated": "The signature over the Content Credentials is mathematically correct.",
    "claimSignature.insideValidity": ("The signer's certificate is valid today; no trusted timestamp records when the "
                                      "file was signed."),
    "claimSignature.mismatch": "The signature does not match the Content Credentials: they were altered after signing.",
    "claimSignature.missing": "The Content Credentials carry no signature.",
    "claimSignature.outsideValidity": "The file was signed outside the validity period of the signer's certificate.",
    "signingCredential.trusted": "The signer's certificate chains to a trust list you use.",
    "signingCredential.untrusted": ("The signer's certificate is not on any trust list you use, so who signed cannot "
                                    "be confirmed."),
    "signingCredential.invalid": "The signer's certificate is malformed or not allowed to sign Content Credentials.",
    "signingCredential.revoked": "The signer's certificate was revoked by its issuer.",
    "signingCredential.expired": ("The signer's certificate has expired; nothing proves the file was signed while it "
                                  "was still valid (no trusted timestamp)."),
    "signingCredential.ocsp.skipped": "Revocation of the signer's certificate was not checked (online checks are off).",
    "signingCredential.ocsp.notRevoked": "The certificate issuer confirmed the signer's certificate is not revoked.",
    "signingCredential.ocsp.revoked": "The certificate issuer reports the signer's certificate as revoked.",
    "signingCredential.ocsp.inaccessible": "The revocation service could not be reached.",
    "signingCredential.ocsp.unknown": "The revocation service did not know the signer's certificate.",
    # Time
    "timeStamp.validated": "A timestamp authority vouches for when the file was signed.",
    "timeStamp.trusted": "The timestamp authority is a recognised one.",
    "timeStamp.untrusted": "The timestamp authority is not on a trust list you use.",
    "timeStamp.mismatch": "The timestamp does not match the signature: it was altered or belongs to something else.",
    "timeStamp.malformed": "The timestamp is unreadable.",
    "timeStamp.outsideValidity": "The timestamp lies outside the validity of the timestamp authority's certificate.",
    # Integrity of the media and of the assertions
    "assertion.dataHash.match": "The picture or sound is exactly what was signed.",
    "assertion.dataHash.mismatch": ("The media was changed after it was signed: its content no longer matches the "
                                    "signature."),
    "assertion.dataHash.malformed": "The record of what was signed is damaged.",
    "assertion.bmffHash.match": "The video or audio is exactly what was signed.",
    "assertion.bmffHash.mismatch": "The video or audio was changed after it was signed.",
    "assertion.bmffHash.malformed": "The record of what was signed is damaged.",
    "assertion.boxesHash.match": "The media is exactly what was signed.",
    "assertion.boxesHash.mismatch": "The media was changed after it was signed.",
    "assertion.boxesHash.unknownBox": "The file contains a part the signature does not know about.",
    "assertion.collectionHash.match": "Every file in the signed collection is unchanged.",
    "assertion.collectionHash.mismatch": "A file in the signed collection was changed.",
    "assertion.collectionHash.malformed": "The record of which files of the document were signed is malformed.",
    "assertion.boxesHash.malformed": "The record of what was signed is damaged.",
    "claim.malformed": "The claim of the Content Credentials lacks a field the standard requires.",
    "hashedURI.missing": "A statement the signature refers to is missing.",
    "assertion.hashedURI.match": "A statement in the Content Credentials is exactly as signed.",
    "assertion.hashedURI.mismatch": "A statement in the Content Credentials was altered after signing.",
    "assertion.missing": "A statement the signature refers to is missing.",
    "assertion.undeclared": "The Content Credentials contain a statement the signature does not cover.",
    "assertion.inaccessible": "A statement in the Content Credentials could not be read.",
    "assertion.multipleHardBindings": "The Content Credentials bind to the media in more than one conflicting way.",
    "assertion.json.invalid": "A statement in the Content Credentials is not valid JSON.",
    "assertion.cbor.invalid": "A statement in the Content Credentials is damaged.",
    "assertion.action.ingredientMismatch": "An edit refers to a source file that is not recorded.",
    "assertion.action.malformed": "The edit history is malformed.",
    "assertion.ingredient.malformed": "The record of a source file is malformed.",
    "claim.missing": "The Content Credentials have no claim.",
    "claim.multiple": "The Content Credentials contain more than one claim.",
    "claim.hardBindings.missing": "The Content Credentials are not bound to the media, so changes would go unnoticed.",
    "claim.cbor.invalid": "The Content Credentials are damaged.",
    "manifest.inaccessible": "The Content Credentials could not be read.",
    "manifest.multipleParents": "The history names more than one parent file.",
    "manifest.timestamp.invalid": "The manifest's timestamp is invalid.",
    # Algorithms
    "algorithm.unsupported": "The file was signed with an algorithm we cannot check.",
    "algorithm.deprecated": "The file was signed with an outdated algorithm.",
    # Ingredients (the files this one was made from)
    "ingredient.manifest.validated": "A source file's Content Credentials are intact.",
    "ingredient.manifest.missing": "A source file's Content Credentials are missing.",
    "ingredient.manifest.mismatch": "A source file's Content Credentials were altered.",
    "ingredient.claimSignature.validated": "A source file's signature is correct.",
    "ingredient.claimSignature.mismatch": "A source file's signature does not match.",
    "ingredient.claimSignature.missing": "A source file's signature is missing.",
    "ingredient.hashedURI.mismatch": "A source file's record was altered.",
    "ingredient.unknownProvenance": "A source file had no Content Credentials of its own, so its history is unknown.",
    # CAWG identity assertions
    "cawg.x509.credential.untrusted": ("A creator identity in the file is signed by a certificate not on any trust "
                                       "list you use."),
    "cawg.identity.well-formed": "A creator identity statement is well formed.",
    "cawg.x509.signature.validated": "The certificate signature on a creator identity statement is correct.",
    "cawg.ica.credential_valid": "An identity service's statement about the creator's accounts is intact.",
    "cawg.ica.untrusted_issuer": "The identity service that verified the creator's accounts is not one you trust.",
    "cawg.ica.did_unavailable": "The key of the identity service that verified the creator's accounts was not "
                                "fetched from its web site (no network call is made unless fetching from other "
                                "servers is on) or could not be, so those accounts could not be checked.",
    "general.error": "The validator met an unexpected problem.",
}

_PREFIXES: tuple[tuple[str, str], ...] = (
    ("assertion.", "A statement in the Content Credentials failed a check."),
    ("claimSignature.", "The signature over the Content Credentials failed a check."),
    ("signingCredential.", "The signer's certificate failed a check."),
    ("timeStamp.", "The timestamp failed a check."),
    ("ingredient.", "A source file's Content Credentials failed a check."),
    ("manifest.", "The Content Credentials failed a structural check."),
    ("cawg.", "A creator identity statement (CAWG) failed a check."),
)


TRUSTED_TIME = "trusted"  # timeStamp.validated and timeStamp.trusted: an authority on your lists
UNTRUSTED_TIME = "untrusted"  # timeStamp.validated by an authority not on your lists: c2pa-rs ignores its time


@dataclass(frozen=True)
class Evidence:
    """What else was found about the same manifest, which changes what some codes mean.

    `timestamp`: TRUSTED_TIME, UNTRUSTED_TIME or None (no valid timestamp). `expired`: the validator
    reported signingCredential.expired. `manifest_stores`: embedded manifest stores counted in the
    file (None when not counted); the C2PA specification (2.x, "Embedding manifests") allows one.
    """

    timestamp: str | None = None
    expired: bool = False
    manifest_stores: int | None = None

    @classmethod
    def from_codes(cls, codes: Iterable[str], manifest_stores: int | None = None) -> Evidence:
        found = set(codes)
        timestamp = None
        if "timeStamp.validated" in found:
            timestamp = TRUSTED_TIME if "timeStamp.trusted" in found and "timeStamp.untrusted" not in found \
                else UNTRUSTED_TIME
        return cls(timestamp=timestamp, expired="signingCredential.expired" in found, manifest_stores=manifest_stores)


def _in_context(code: str, e: Evidence) -> str | None:
    if code == "signingCredential.expired":
        if e.timestamp == TRUSTED_TIME:
            return ("A trusted timestamp shows the signer's certificate was not valid (expired or not yet valid) "
                    "when the file was signed.")
        if e.timestamp == UNTRUSTED_TIME:
            return ("The signer's certificate has expired; only a timestamp authority that is not on a trust list "
                    "you use says when the file was signed, so nothing you trust proves it was signed while valid.")
        return None  # the default sentence: expired, no timestamp
    if code == "claimSignature.insideValidity":
        if e.expired:
            return "The signature itself is mathematically correct (the certificate's validity is judged separately)."
        if e.timestamp == TRUSTED_TIME:
            return "A trusted timestamp shows the file was signed while the signer's certificate was valid."
        return None
    if code == "timeStamp.validated" and e.timestamp == UNTRUSTED_TIME:
        return ("A timestamp authority vouches for when the file was signed, but it is not on a trust list you use, "
                "so its time is not relied on.")
    if code == "assertion.dataHash.mismatch" and (e.manifest_stores or 0) > 1:
        return (f"This file holds {e.manifest_stores} separate Content Credentials stores where the standard allows "
                "one: the bytes of the extra store are not covered by the signature, so the file no longer matches "
                "what was signed. Another tool probably added its credentials without replacing the old ones.")
    return None


def explain_code(code: str, detail: str = "", evidence: Evidence | None = None) -> str:
    """A sentence a journalist can read aloud; falls back to the family of the code.

    `evidence` (the other codes and findings of the same manifest) picks the sentence for codes whose
    meaning depends on them; without it the sentence assumes no trusted timestamp and one store.
    """
    if evidence is not None and (sentence := _in_context(code, evidence)):
        return sentence
    if code in _CODES:
        return _CODES[code]
    for prefix, sentence in _PREFIXES:
        if code.startswith(prefix):
            return sentence
    return detail or f"Validator code {code}."


def signer_trust_words(report: InspectionReport) -> str:
    """What to say about trust in a signer when the report names no trust source: the words of the
    signer_trust check (it failed, passed for a manifest that failed elsewhere, or could not be done),
    or, when the check only warns, that the signer is on none of your lists."""
    check = report.check("signer_trust")
    if check is not None and check.status not in (CheckStatus.WARN, CheckStatus.NOT_APPLICABLE):
        return check.detail
    return "Not on any trust list you use"


def fetched_from(url: str) -> str:
    """The sentence for Content Credentials that were not in the file but fetched from `url`."""
    return f"Its Content Credentials are not inside the file: they were fetched from {url}."


def summarise(verdict: Verdict, *, signer: str | None = None, trust_source: str | None = None,
              signed_at: str | None = None, ai: AiKind | None = None, reason: str | None = None,
              remote_url: str | None = None, ingredient_problem: str | None = None) -> str:
    """A few plain sentences saying what the verdict means for this file.

    `ai` is the file's AI disclosure (domain.ai); `remote_url` where its manifest store is kept when
    not in the file (fetched for trusted/valid/invalid, only referenced for unverified);
    `ingredient_problem` a sentence about a source file whose credentials failed.
    """
    who = f" by {signer}" if signer else ""
    when = f" on {signed_at[:10]}" if signed_at else ""
    extra = "".join(f" {s}" for s in (words(ai).sentence, ingredient_problem,
                                        fetched_from(remote_url) if remote_url else "") if s)
    if verdict is Verdict.TRUSTED:
        source = f" ({trust_source})" if trust_source else ""
        return f"Intact and signed{who}{when}, a signer you trust{source}.{extra}"
    if verdict is Verdict.VALID:
        return f"Intact and signed{who}{when}, but the signer is not on any trust list you use.{extra}"
    if verdict is Verdict.INVALID:
        because = f" {reason}" if reason else ""
        return f"Do not rely on these Content Credentials: they failed verification.{because}{extra}"
    if verdict is Verdict.NONE:
        return "This file carries no Content Credentials: nothing about its origin can be verified."
    if verdict is Verdict.UNVERIFIED:
        where = f" at {remote_url}" if remote_url else " elsewhere"
        because = f" {reason}" if reason else ""
        return f"This file points to Content Credentials stored{where} that were not checked.{because}"
    if verdict is Verdict.UNSUPPORTED:
        return "This file type cannot carry Content Credentials, so it was not checked."
    if reason and reason.startswith(NOT_REGULAR):  # a FIFO, socket or device: refused before opening it
        return f"This is not a regular file but {reason[len(NOT_REGULAR):].strip(' ()')}, so it was not opened."
    because = f" ({reason})" if reason else ""
    return f"This file could not be read{because}; it may be damaged or crafted to break readers."
