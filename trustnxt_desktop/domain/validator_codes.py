"""What each validator's status codes say about the questions a reader asks, so that two validators'
answers can be compared finding by finding instead of code by code.

Both validators report C2PA 2.x validation status codes (C2PA Technical Specification 2.x, section
"Validation", tables of success, informational and failure codes), so most codes mean the same thing in
both and appear once in MEANINGS. Where one validator names a finding differently, both names map to
the same finding in ENGINE_SPECIFIC, with the source that says so. A code neither table knows says
nothing about the compared findings (e.g. `com.encypher.claim.generatorInfoMissing`, informational).

Validators: "c2pa-rs" (TrustNXT's primary engine, c2pa-rs 0.91 through c2pa-python 0.38) and
"encypher-c2pa" (encypher-c2pa 1.7.1, its own Rust core).
"""

from __future__ import annotations

from dataclasses import dataclass

PRIMARY = "c2pa-rs"
SECOND = "encypher-c2pa"

# The findings (aspects) a code can speak to, and the values each can take.
HARD_BINDING = "hard_binding"  # match | mismatch | malformed | missing
ASSERTIONS = "assertions"  # intact | altered | malformed | undeclared
SIGNATURE = "signature"  # valid | invalid | missing | unsupported algorithm
CERTIFICATE = "certificate"  # within validity | outside validity | chain outside validity
TIMESTAMP = "timestamp"  # trusted | authority not trusted | malformed | does not match | outside validity
TRUST = "trust"  # trusted | not trusted | revoked | invalid certificate
MANIFEST = "manifest"  # stored elsewhere | missing
# A CAWG identity assertion (cawg.identity), judged per assertion from the codes about it (identity_findings).
IDENTITY = "identity"  # intact | altered | does not match what it vouches for | signature does not match | malformed
IDENTITY_TRUST = "identity_trust"  # trusted | not trusted | outside validity | revoked
NOT_CHECKED = "not checked"  # no answer: a check a validator did not make (domain.cross_check compares none)


@dataclass(frozen=True)
class Meaning:
    aspect: str
    value: str
    rank: int = 0  # when one validator reports several codes for an aspect, the highest rank speaks


# Same name, same meaning in both validators (C2PA 2.x validation status codes; encypher-c2pa 1.7.1
# crates/encypher-c2pa/src/c2pa-validate/lib.rs lists the constants it emits; c2pa-rs 0.91
# sdk/src/validation_status.rs its own).
MEANINGS: dict[str, Meaning] = {
    # Hard binding: the hash that ties the manifest to the media's bytes (C2PA 2.x, "Hard bindings").
    **{f"assertion.{kind}.match": Meaning(HARD_BINDING, "match")
       for kind in ("dataHash", "bmffHash", "boxesHash", "collectionHash", "multiAssetHash")},
    **{f"assertion.{kind}.mismatch": Meaning(HARD_BINDING, "mismatch", 3)
       for kind in ("dataHash", "bmffHash", "boxesHash", "collectionHash", "multiAssetHash")},
    **{f"assertion.{kind}.malformed": Meaning(HARD_BINDING, "malformed", 2)
       for kind in ("dataHash", "bmffHash", "boxesHash", "collectionHash", "multiAssetHash")},
    "assertion.boxesHash.unknownBox": Meaning(HARD_BINDING, "mismatch", 3),
    "assertion.collectionHash.incorrectFileCount": Meaning(HARD_BINDING, "mismatch", 3),
    "assertion.collectionHash.invalidURI": Meaning(HARD_BINDING, "malformed", 2),
    "assertion.multipleHardBindings": Meaning(HARD_BINDING, "malformed", 2),
    "claim.hardBindings.missing": Meaning(HARD_BINDING, "missing", 4),
    # The assertions the claim lists, each bound to it by a hashed URI.
    "assertion.hashedURI.match": Meaning(ASSERTIONS, "intact"),
    "assertion.hashedURI.mismatch": Meaning(ASSERTIONS, "altered", 3),
    "assertion.missing": Meaning(ASSERTIONS, "altered", 3),
    "assertion.undeclared": Meaning(ASSERTIONS, "undeclared", 1),
    "assertion.action.malformed": Meaning(ASSERTIONS, "malformed", 2),
    "assertion.ingredient.malformed": Meaning(ASSERTIONS, "malformed", 2),
    "assertion.json.invalid": Meaning(ASSERTIONS, "malformed", 2),
    "assertion.cbor.invalid": Meaning(ASSERTIONS, "malformed", 2),
    "claim.cbor.invalid": Meaning(ASSERTIONS, "malformed", 2),
    # The claim signature (COSE, C2PA 2.x "Claim signature").
    "claimSignature.validated": Meaning(SIGNATURE, "valid"),
    "claimSignature.mismatch": Meaning(SIGNATURE, "invalid", 3),
    "claimSignature.missing": Meaning(SIGNATURE, "missing", 2),
    "algorithm.unsupported": Meaning(SIGNATURE, "unsupported algorithm", 1),
    "claimSignature.insideValidity": Meaning(CERTIFICATE, "within validity"),
    "claimSignature.outsideValidity": Meaning(CERTIFICATE, "outside validity", 2),
    # Time stamps (RFC 3161 tokens in the COSE header).
    "timeStamp.trusted": Meaning(TIMESTAMP, "trusted"),
    "timeStamp.untrusted": Meaning(TIMESTAMP, "authority not trusted", 1),
    "timeStamp.malformed": Meaning(TIMESTAMP, "malformed", 2),
    "timeStamp.mismatch": Meaning(TIMESTAMP, "does not match", 3),
    "timeStamp.outsideValidity": Meaning(TIMESTAMP, "outside validity", 2),
    # Trust in the signer.
    "signingCredential.trusted": Meaning(TRUST, "trusted"),
    "signingCredential.untrusted": Meaning(TRUST, "not trusted", 1),
    "signingCredential.invalid": Meaning(TRUST, "invalid certificate", 2),
    "signingCredential.revoked": Meaning(TRUST, "revoked", 3),
    "signingCredential.ocsp.revoked": Meaning(TRUST, "revoked", 3),
    # Where the manifest is.
    "manifest.inaccessible": Meaning(MANIFEST, "stored elsewhere", 1),
    "claim.missing": Meaning(MANIFEST, "missing", 2),
}


@dataclass(frozen=True)
class EngineSpecific:
    meaning: Meaning
    source: str  # where this reading of the code comes from


# One finding, two names. Keyed by (validator, code).
ENGINE_SPECIFIC: dict[tuple[str, str], EngineSpecific] = {
    # The signer's own certificate outside its validity period at the time used for validation.
    (PRIMARY, "signingCredential.expired"): EngineSpecific(
        Meaning(CERTIFICATE, "outside validity", 2),
        "c2pa-rs 0.91 sdk/src/validation_status.rs SIGNING_CREDENTIAL_EXPIRED ('The signing credential has "
        "expired'), logged by its certificate check for the signer; ../shared/cases/expired-no-tsa.jpg"),
    (SECOND, "claimSignature.outsideValidity"): EngineSpecific(
        Meaning(CERTIFICATE, "outside validity", 2),
        "encypher-c2pa 1.7.1 c2pa-validate/lib.rs CLAIM_SIGNATURE_OUTSIDE_VALIDITY ('The signing certificate "
        "was outside its validity window'); the same file gives it for ../shared/cases/expired-no-tsa.jpg"),
    # encypher-c2pa keeps signingCredential.expired for a certificate above the signer.
    (SECOND, "signingCredential.expired"): EngineSpecific(
        Meaning(CERTIFICATE, "chain outside validity", 2),
        "encypher-c2pa 1.7.1 c2pa-validate/lib.rs SIGNING_CREDENTIAL_EXPIRED ('A certificate above the signer "
        "in the path was outside its validity window')"),
    # c2pa-rs logs timeStamp.validated for any token whose digest matches, trusted or not (its trust is the
    # separate timeStamp.trusted / .untrusted); encypher-c2pa pairs it with one of the two the same way.
    (PRIMARY, "timeStamp.validated"): EngineSpecific(Meaning(TIMESTAMP, "present", -1),
                                                     "c2pa-rs 0.91 sdk/src/validation_status.rs TIMESTAMP_VALIDATED"),
    (SECOND, "timeStamp.validated"): EngineSpecific(Meaning(TIMESTAMP, "present", -1),
                                                    "encypher-c2pa 1.7.1 c2pa-validate/lib.rs TIME_STAMP_VALIDATED"),
    # A credential stored at a URL and not fetched. c2pa-rs raises an error (the report is `unverified`);
    # encypher-c2pa, which never fetches unless told to, reports manifest.inaccessible with the URL.
    (SECOND, "manifest.inaccessible"): EngineSpecific(
        Meaning(MANIFEST, "stored elsewhere", 1),
        "encypher-c2pa 1.7.1 README 'Manifests stored outside the file'; ../shared/cases/remote-only.jpg"),
}


# Codes about one CAWG identity assertion (CAWG identity assertion 1.1: §7.x the assertion's own status codes,
# §8.1.x identity claims aggregation `cawg.ica.*`, §8.2.x X.509 `cawg.x509.*`); c2pa-rs 0.91 cawg_identity and
# encypher-c2pa 1.7.1 emit these names. The claim's hashed URI to the assertion counts here too: a mismatch means the
# identity statement changed after the claim was signed.
IDENTITY_MEANINGS: dict[str, Meaning] = {
    "cawg.identity.well-formed": Meaning(IDENTITY, "intact"),
    "cawg.x509.signature.validated": Meaning(IDENTITY, "intact"),
    "cawg.ica.credential_valid": Meaning(IDENTITY, "intact"),
    "assertion.hashedURI.mismatch": Meaning(IDENTITY, "altered", 4),
    "cawg.identity.assertion.mismatch": Meaning(IDENTITY, "does not match what it vouches for", 3),
    "cawg.identity.hard_binding_incorrect": Meaning(IDENTITY, "does not match what it vouches for", 3),
    "cawg.x509.signature.mismatch": Meaning(IDENTITY, "signature does not match", 3),
    "cawg.ica.signature_mismatch": Meaning(IDENTITY, "signature does not match", 3),
    "cawg.ica.signer_payload.mismatch": Meaning(IDENTITY, "signature does not match", 3),
    **{code: Meaning(IDENTITY, "malformed", 2) for code in (
        "cawg.identity.cbor.invalid", "cawg.identity.pad.invalid", "cawg.identity.sig_type.unknown",
        "cawg.identity.hard_binding_missing", "cawg.identity.assertion.duplicate", "cawg.x509.algorithm.unsupported",
        "cawg.ica.invalid_cose_sign", "cawg.ica.invalid_alg", "cawg.ica.invalid_content_type",
        "cawg.ica.invalid_verifiable_credential", "cawg.ica.invalid_issuer", "cawg.ica.verified_identities.missing",
        "cawg.ica.verified_identities.invalid", "cawg.ica.valid_from.missing", "cawg.ica.valid_from.invalid")},
    "cawg.x509.credential.trusted": Meaning(IDENTITY_TRUST, "trusted"),
    "cawg.identity.trusted": Meaning(IDENTITY_TRUST, "trusted"),
    "cawg.x509.credential.untrusted": Meaning(IDENTITY_TRUST, "not trusted", 1),
    "cawg.ica.untrusted_issuer": Meaning(IDENTITY_TRUST, "not trusted", 1),
    "cawg.x509.signature.outside_validity": Meaning(IDENTITY_TRUST, "outside validity", 2),
    "cawg.ica.valid_until.invalid": Meaning(IDENTITY_TRUST, "outside validity", 2),
    "cawg.identity.credential_revoked": Meaning(IDENTITY_TRUST, "revoked", 3),
    "cawg.ica.credential.revoked": Meaning(IDENTITY_TRUST, "revoked", 3),
}
# Where one validator's code about an identity is no judgement at all.
IDENTITY_ENGINE_SPECIFIC: dict[tuple[str, str], EngineSpecific] = {
    (PRIMARY, "cawg.x509.credential.untrusted"): EngineSpecific(
        Meaning(IDENTITY_TRUST, NOT_CHECKED, -1),
        "c2pa-rs 0.91.3 reports it for every X.509 identity certificate whatever trust anchors it is given "
        "(contentauth/c2pa-rs#2599; docs/cawg-identity.md): it does not judge identity trust, so it gives no answer"),
}


def identity_findings(engine: str, codes: list[str]) -> dict[str, str]:
    """{IDENTITY: value, IDENTITY_TRUST: value} from the codes `engine` gave about one identity assertion (all three
    lists): the most severe code of each; NOT_CHECKED where it gave none."""
    best: dict[str, Meaning] = {}
    for code in codes:
        specific = IDENTITY_ENGINE_SPECIFIC.get((engine, code))
        found = specific.meaning if specific else IDENTITY_MEANINGS.get(code)
        if found is not None and (found.aspect not in best or found.rank > best[found.aspect].rank):
            best[found.aspect] = found
    return {aspect: best[aspect].value if aspect in best else NOT_CHECKED for aspect in (IDENTITY, IDENTITY_TRUST)}


def meaning(engine: str, code: str) -> Meaning | None:
    """What `code`, as `engine` reports it, says about a compared finding; None when nothing."""
    specific = ENGINE_SPECIFIC.get((engine, code))
    return specific.meaning if specific else MEANINGS.get(code)


def _deciding(engine: str, codes: list[str]) -> dict[str, tuple[Meaning, int]]:
    """aspect -> (meaning, index into codes) of the most severe code of each aspect."""
    best: dict[str, tuple[Meaning, int]] = {}
    for i, code in enumerate(codes):
        found = meaning(engine, code)
        if found is None:
            continue
        held = best.get(found.aspect)
        if held is None or found.rank > held[0].rank:
            best[found.aspect] = (found, i)
    return best


def findings(engine: str, codes: list[str]) -> dict[str, str]:
    """aspect -> value from one validator's codes (all three lists): the most severe code of each aspect."""
    return {aspect: m.value for aspect, (m, _) in _deciding(engine, codes).items()}


def own_words(engine: str, entries: list[tuple[str, str]]) -> dict[str, str]:
    """aspect -> the validator's own explanation of the code that decided it, for (code, explanation)
    entries of its failure list (the words it gives a problem, quoted next to a difference)."""
    codes = [code for code, _ in entries]
    return {aspect: entries[i][1] for aspect, (m, i) in _deciding(engine, codes).items()
            if m.rank > 0 and entries[i][1]}
