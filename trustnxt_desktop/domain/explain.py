"""Plain-language words for C2PA validation codes and verdicts, for people who are not C2PA experts."""

from __future__ import annotations

from .report import Verdict

_CODES: dict[str, str] = {
    # Signature and signer
    "claimSignature.validated": "The signature over the Content Credentials is mathematically correct.",
    "claimSignature.insideValidity": "The file was signed while the signer's certificate was valid.",
    "claimSignature.mismatch": "The signature does not match the Content Credentials: they were altered after signing.",
    "claimSignature.missing": "The Content Credentials carry no signature.",
    "claimSignature.outsideValidity": "The file was signed outside the validity period of the signer's certificate.",
    "signingCredential.trusted": "The signer's certificate chains to a trust list you use.",
    "signingCredential.untrusted": "The signer's certificate is not on any trust list you use, so who signed cannot be confirmed.",
    "signingCredential.invalid": "The signer's certificate is malformed or not allowed to sign Content Credentials.",
    "signingCredential.revoked": "The signer's certificate was revoked by its issuer.",
    "signingCredential.expired": "The signer's certificate had expired when the file was signed.",
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
    "assertion.dataHash.mismatch": "The media was changed after it was signed: its content no longer matches the signature.",
    "assertion.dataHash.malformed": "The record of what was signed is damaged.",
    "assertion.bmffHash.match": "The video or audio is exactly what was signed.",
    "assertion.bmffHash.mismatch": "The video or audio was changed after it was signed.",
    "assertion.bmffHash.malformed": "The record of what was signed is damaged.",
    "assertion.boxesHash.match": "The media is exactly what was signed.",
    "assertion.boxesHash.mismatch": "The media was changed after it was signed.",
    "assertion.boxesHash.unknownBox": "The file contains a part the signature does not know about.",
    "assertion.collectionHash.match": "Every file in the signed collection is unchanged.",
    "assertion.collectionHash.mismatch": "A file in the signed collection was changed.",
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
    "cawg.x509.credential.untrusted": "A creator identity in the file is signed by a certificate not on any trust list you use.",
    "cawg.identity.well-formed": "A creator identity statement is well formed.",
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


def explain_code(code: str, detail: str = "") -> str:
    """A sentence a journalist can read aloud; falls back to the family of the code."""
    if code in _CODES:
        return _CODES[code]
    for prefix, sentence in _PREFIXES:
        if code.startswith(prefix):
            return sentence
    return detail or f"Validator code {code}."


def summarise(verdict: Verdict, *, signer: str | None = None, trust_source: str | None = None,
              signed_at: str | None = None, ai_generated: bool | None = None, reason: str | None = None) -> str:
    """One plain sentence (two at most) saying what the verdict means for this file."""
    who = f" by {signer}" if signer else ""
    when = f" on {signed_at[:10]}" if signed_at else ""
    ai = " It says it was made with generative AI." if ai_generated else ""
    if verdict is Verdict.TRUSTED:
        source = f" ({trust_source})" if trust_source else ""
        return f"Intact and signed{who}{when}, a signer you trust{source}.{ai}"
    if verdict is Verdict.VALID:
        return f"Intact and signed{who}{when}, but the signer is not on any trust list you use.{ai}"
    if verdict is Verdict.INVALID:
        because = f" {reason}" if reason else ""
        return f"Do not rely on these Content Credentials: they failed verification.{because}"
    if verdict is Verdict.NONE:
        return "This file carries no Content Credentials: nothing about its origin can be verified."
    if verdict is Verdict.UNVERIFIED:
        because = f" {reason}" if reason else ""
        return f"This file points to Content Credentials stored elsewhere that were not checked.{because}"
    if verdict is Verdict.UNSUPPORTED:
        return "This file type cannot carry Content Credentials, so it was not checked."
    because = f" ({reason})" if reason else ""
    return f"This file could not be read{because}; it may be damaged or crafted to break readers."


_ACTIONS: dict[str, str] = {
    "c2pa.created": "Created",
    "c2pa.opened": "Opened an existing file",
    "c2pa.edited": "Edited",
    "c2pa.edited.metadata": "Metadata edited",
    "c2pa.color_adjustments": "Colours adjusted",
    "c2pa.cropped": "Cropped",
    "c2pa.resized": "Resized",
    "c2pa.orientation": "Rotated or flipped",
    "c2pa.placed": "Another file placed into it",
    "c2pa.removed": "Content removed",
    "c2pa.drawing": "Drawn on",
    "c2pa.filtered": "Filter applied",
    "c2pa.converted": "Converted to another format",
    "c2pa.transcoded": "Transcoded",
    "c2pa.repackaged": "Repackaged",
    "c2pa.published": "Published",
    "c2pa.redacted": "Redacted",
    "c2pa.watermarked": "Watermarked",
    "c2pa.enhanced": "Enhanced",
    "c2pa.unknown": "Unspecified changes",
}

_SOURCE_TYPES: dict[str, str] = {
    "digitalCapture": "Captured by a camera or recorder",
    "negativeFilm": "Scanned from a film negative",
    "positiveFilm": "Scanned from a slide",
    "print": "Scanned from a print",
    "minorHumanEdits": "Captured, with minor edits by a person",
    "compositeCapture": "Combined from several captures",
    "algorithmicallyEnhanced": "Enhanced by an algorithm",
    "dataDrivenMedia": "Made from data",
    "digitalArt": "Digital art made by a person",
    "digitalCreation": "Made with software by a person",
    "virtualRecording": "Recorded from a virtual scene",
    "screenCapture": "Screen capture",
    "composite": "Combined from several sources",
    "trainedAlgorithmicMedia": "Generated by AI",
    "compositeWithTrainedAlgorithmicMedia": "Includes AI-generated content",
    "algorithmicMedia": "Made by an algorithm",
    "compositeSynthetic": "Includes synthetic content",
    "trainedAlgorithmicData": "Generated by AI",
}


def action_label(action: str) -> str:
    """'c2pa.color_adjustments' -> 'Colours adjusted'; unknown vendor actions keep a readable form."""
    if action in _ACTIONS:
        return _ACTIONS[action]
    tail = action.rsplit(".", 1)[-1].replace("_", " ")
    return tail[:1].upper() + tail[1:]


def source_type_label(uri: str | None) -> str | None:
    if not uri:
        return None
    key = uri.rstrip("/").rsplit("/", 1)[-1]
    return _SOURCE_TYPES.get(key, key)
