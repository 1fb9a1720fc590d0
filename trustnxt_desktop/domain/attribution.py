"""Who made a file and what they allow, in plain words: authors, training and data-mining choices, and
CAWG identity assertions (the accounts someone verified, and whether that can be believed).

One place for these words: the Inspect view, the CLI, the PDF report and the JSON's `status_detail`
all read them from here.
"""

from __future__ import annotations

from .report import IdentityAssertion, TrainingChoice, Verdict, VerifiedIdentity

# -- training and data mining (C2PA 2.1 §18.14; CAWG training-and-data-mining assertion 1.1) -----------

_TRAINING_USES: dict[str, str] = {
    "ai_generative_training": "Training generative AI",
    "ai_training": "Training AI models",
    "data_mining": "Data mining",
    "ai_inference": "Use as input to AI (inference)",
}
_TRAINING_ORDER = tuple(_TRAINING_USES)
_TRAINING_ONLY = ("ai_generative_training", "ai_training")


def _tail(entry: str) -> str:
    """'cawg.ai_training' and 'c2pa.ai_training' name the same use."""
    return entry.rsplit(".", 1)[-1]


def training_use_label(entry: str) -> str:
    tail = _tail(entry)
    return _TRAINING_USES.get(tail) or (tail.replace("_", " ")[:1].upper() + tail.replace("_", " ")[1:])


def training_permission(choice: TrainingChoice) -> str:
    """'not allowed', 'allowed', or 'only under conditions: …' (the signer's conditions quoted)."""
    if choice.use == "notAllowed":
        return "not allowed"
    if choice.use == "allowed":
        return "allowed"
    if choice.use == "constrained":
        return f"only under conditions: {choice.constraint_info}" if choice.constraint_info else "only under conditions"
    return choice.use or "not stated"


def training_rows(choices: list[TrainingChoice]) -> list[tuple[str, str]]:
    """(what, permission) pairs in a fixed order; c2pa.* and cawg.* entries for the same use are merged,
    the stricter one wins (a file that says both "allowed" and "notAllowed" must not read as allowed)."""
    strictness = {"notAllowed": 0, "constrained": 1, "allowed": 2}
    best: dict[str, TrainingChoice] = {}
    for c in choices:
        key = _tail(c.entry)
        if key not in best or strictness.get(c.use, 3) < strictness.get(best[key].use, 3):
            best[key] = c
    keys = sorted(best, key=lambda k: (_TRAINING_ORDER.index(k) if k in _TRAINING_ORDER else len(_TRAINING_ORDER), k))
    return [(training_use_label(k), training_permission(best[k])) for k in keys]


def training_summary(choices: list[TrainingChoice]) -> str | None:
    """One headline: "Do not train" when AI training is refused, else what is allowed; None without choices."""
    if not choices:
        return None
    refused = [c for c in choices if c.use == "notAllowed"]
    if any(_tail(c.entry) in _TRAINING_ONLY for c in refused):
        return "Do not train: the signer does not allow AI training on this file."
    if refused:
        return "The signer limits how this file may be used by AI and data mining."
    if any(c.use == "constrained" for c in choices):
        return "The signer allows AI and data-mining uses only under conditions."
    return "The signer allows AI training and data mining on this file."


# -- CAWG identity (CAWG identity assertion 1.1, §8 identity claims aggregation, §9 X.509) --------------

X509 = "cawg.x509.cose"
ICA = "cawg.identity_claims_aggregation"
# c2pa-rs 0.91 compares X.509 identity certificates with an empty trust store (c2pa-rs issue #2599).
X509_TRUST_NOTE = ("The validator used here cannot yet check identity certificates against your trust lists "
                   "(a known limitation of c2pa-rs 0.91, issue #2599), so it reports every one as not on a list.")

X509_NO_SECOND_NOTE = ("Turn on the second validator in Settings to have identity certificates judged against your "
                       "trust lists.")
X509_WHY_SECOND = "the main validator, c2pa-rs 0.91, cannot judge identity certificates yet (issue #2599)"

_IDENTITY_TYPES: dict[str, str] = {
    "cawg.social_media": "Social media account",
    "cawg.document_verification": "Identity document checked",
    "cawg.affiliation": "Member of an organisation",
    "cawg.crypto_wallet": "Crypto wallet",
    "cawg.web_site": "Web site",
}

_IDENTITY_CODES: dict[str, str] = {
    "cawg.identity.cbor.invalid": "The identity statement is damaged.",
    "cawg.identity.assertion.mismatch": "The identity statement vouches for parts of the Content Credentials that "
                                        "do not match them.",
    "cawg.identity.assertion.duplicate": "The identity statement names the same part twice.",
    "cawg.identity.hard_binding_missing": "The identity statement is not tied to the file's content.",
    "cawg.identity.pad.invalid": "The identity statement carries unexpected data.",
    "cawg.identity.sig_type.unknown": "The identity statement uses a kind of signature this validator does not know.",
    "cawg.ica.signature_mismatch": "The account verifier's signature does not match its statement.",
    "cawg.ica.signer_payload.mismatch": "The account verifier's statement was made for other content.",
    "cawg.ica.valid_until.invalid": "The account verifier's statement has expired.",
    "cawg.ica.valid_from.invalid": "The account verifier's statement was not yet valid when it was used.",
    "cawg.ica.valid_from.missing": "The account verifier's statement does not say when it became valid.",
    "cawg.ica.invalid_verifiable_credential": "The account verifier's statement is malformed.",
    "cawg.ica.invalid_issuer": "The account verifier is not named correctly.",
    "cawg.ica.invalid_did_document": "The account verifier's published key is malformed.",
    "cawg.ica.time_stamp.invalid": "The timestamp on the account verifier's statement is invalid.",
}
OFFLINE_NOTE = ("Inspecting makes no network call unless fetching Content Credentials stored on other servers "
                "is turned on, because a fetch tells the server which file you opened.")
_NOT_TRUSTED = ("cawg.x509.credential.untrusted", "cawg.ica.untrusted_issuer")
_UNREACHABLE = ("cawg.ica.did_unavailable",)


def short_issuer(issuer: str, limit: int = 28) -> str:
    """A DID fit for a sentence or a narrow column: a did:web (a host name) stays whole, a did:jwk (a whole
    key) is cut short."""
    if issuer.startswith("did:web:") or len(issuer) <= limit:
        return issuer
    return f"{issuer[:limit - 1]}…"


def identity_type_label(kind: str) -> str:
    return _IDENTITY_TYPES.get(kind) or kind.rsplit(".", 1)[-1].replace("_", " ").capitalize()


def identity_handle(v: VerifiedIdentity) -> str:
    """'Jane Doe @jane', a wallet address, or '' when the entry names nobody (e.g. an affiliation)."""
    return " ".join(p for p in (v.name, f"@{v.username}" if v.username else None, v.address) if p)


def identity_detail(v: VerifiedIdentity) -> str:
    """'@jane on behance (https://…), verified 2025-04-09' (without the kind of identity); an entry that
    names nobody (an affiliation) gives its provider: 'Newsroom, verified 2025-04-09'."""
    who = identity_handle(v)
    where = (f" on {v.provider}" if who else v.provider) if v.provider else ""
    link = f" ({v.uri})" if v.uri else ""
    when = f", verified {v.verified_at[:10]}" if v.verified_at else ""
    return f"{who}{where}{link}{when}".strip(" ,") or "not named"


def identity_line(v: VerifiedIdentity) -> str:
    """'Social media account: @jane on behance (https://…), verified 2025-04-09'."""
    return f"{identity_type_label(v.type)}: {identity_detail(v)}"


def identity_who(a: IdentityAssertion) -> str:
    """The name a reader sees first: the certificate's subject, or the names and handles verified."""
    if a.signer and (a.signer.common_name or a.signer.organisation):
        return " · ".join(p for p in (a.signer.common_name, a.signer.organisation) if p)
    names = [v.name or (f"@{v.username}" if v.username else None) for v in a.verified_identities]
    return ", ".join(dict.fromkeys(n for n in names if n)) or "not named"


def _code_sentence(code: str) -> str:
    if code in _IDENTITY_CODES:
        return _IDENTITY_CODES[code]
    if code.startswith("cawg.x509."):
        return "The certificate signature on the identity statement failed a check."
    if code.startswith("cawg.ica."):
        return "The account verifier's statement failed a check."
    return "The identity statement failed a check."


def judge_identity(sig_type: str, failure: list[str], informational: list[str], success: list[str],
                   issuer: str | None = None, *, network: bool = True) -> tuple[Verdict, str]:
    """Status of one identity assertion from the validator's codes about it, with a plain sentence.

    trusted: intact and its signer / account verifier is one you trust; valid: intact, signer or verifier
    not on a list you use; invalid: a check failed; unverified: it could not be checked. `network`:
    whether the validator was allowed to fetch the account verifier's key (a did:web service publishes
    it on its web site, CAWG identity assertion 1.1 §8.1; fetching it tells the site the file was opened).
    """
    codes = failure + informational
    broken = [c for c in failure if c not in _NOT_TRUSTED + _UNREACHABLE]
    if broken:
        sentence = _code_sentence(broken[0])
        return Verdict.INVALID, f"Do not rely on this identity: {sentence[0].lower()}{sentence[1:]}"
    verifier = f"the account verifier {short_issuer(issuer)}" if issuer else "the account verifier"
    if any(c in _UNREACHABLE for c in codes):
        if not network:
            return Verdict.UNVERIFIED, (f"These accounts could not be checked: {verifier} keeps its key on its web "
                                        f"site, which was not contacted. {OFFLINE_NOTE}")
        return Verdict.UNVERIFIED, (f"{verifier[0].upper()}{verifier[1:]} could not be reached to confirm its key, so "
                                    "these accounts could not be checked.")
    if sig_type == X509:
        if "cawg.x509.credential.untrusted" in codes:
            return Verdict.VALID, ("The identity is intact and signed, but its certificate is not on any trust list "
                                   f"you use. {X509_TRUST_NOTE}")
        if "cawg.x509.credential.trusted" in success:
            return Verdict.TRUSTED, "The identity is intact and signed with a certificate on a trust list you use."
        if "cawg.x509.signature.validated" in success or "cawg.identity.well-formed" in success:
            return Verdict.VALID, "The identity is intact and signed; trust in its certificate was not evaluated."
    elif sig_type == ICA:
        if "cawg.ica.untrusted_issuer" in codes:
            return Verdict.VALID, (f"The accounts were verified by {verifier}, which is not one you trust; the "
                                   "statement itself is intact.")
        if "cawg.ica.credential_valid" in success:
            return Verdict.TRUSTED, f"The accounts were verified by {verifier}, which you trust."
    elif success:
        return Verdict.VALID, "The identity statement is intact; its kind of signature is not one this app can judge."
    return Verdict.UNVERIFIED, "The validator did not check this identity statement."


def judge_x509_trust(failure: list[str], success: list[str], judge: str,
                     trust_source: str | None) -> tuple[Verdict, str]:
    """Status of an intact X.509 identity assertion from the codes of `judge` (the validator that can judge
    CAWG identity certificates against trust lists, named with its version), with a plain sentence naming
    the trust list that decided (`trust_source`, when known).

    CAWG identity assertion 1.1 §8.2.3: the certificate must chain to a trust anchor the validator was
    configured with for identities (here: the same lists as for signers) and carry an extended key usage
    the trust model accepts (document signing, RFC 9336, for a list of the base model).
    """
    broken = [c for c in failure if c.startswith(("cawg.x509.", "cawg.identity."))
              and c not in _NOT_TRUSTED]
    by = f"Trust judged by {judge}: {X509_WHY_SECOND}."
    if broken:
        sentence = _code_sentence(broken[0])
        return Verdict.INVALID, (f"Do not rely on this identity: {sentence[0].lower()}{sentence[1:-1]} "
                                 f"(found by {judge}).")
    if "cawg.x509.credential.trusted" in success:
        where = f"the trust list “{trust_source}”" if trust_source else "a trust list you use"
        return Verdict.TRUSTED, f"The identity is intact and signed with a certificate that chains to {where}. {by}"
    if "cawg.x509.credential.untrusted" in failure:
        return Verdict.VALID, ("The identity is intact and signed, but its certificate does not chain to a trust "
                               "list you use, or is not one a list accepts for identities (it must be issued for "
                               f"document signing). {by}")
    return Verdict.VALID, f"The identity is intact and signed; trust in its certificate was not evaluated. {by}"


def identity_facts(a: IdentityAssertion) -> list[tuple[str, str]]:
    """(what, plain text) rows every view shows under an identity's name and status: the e-mail addresses and web
    sites its certificate states, who vouched for it and when, and which validator judged its trust against
    which list. Empty rows are left out."""
    rows = [("E-mail (in the certificate)", ", ".join(a.emails)), ("Web site (in the certificate)",
                                                                    ", ".join(a.websites))]
    if a.verified_by and a.sig_type == X509:
        validity = f", from {a.verified_at[:10]}" if a.verified_at else ""
        validity += f" until {a.valid_until[:10]}" if a.valid_until else ""
        rows.append(("Certificate issued by", f"{a.verified_by}{validity}"))
    if a.trust_judged_by:
        rows.append(("Trust judged by", a.trust_judged_by + (f", trust list “{a.trust_source}”" if a.trust_source
                                                             else "")))
    return [(what, text) for what, text in rows if text]


def identity_status_label(status: Verdict) -> str:
    return {Verdict.TRUSTED: "verified, by someone you trust",
            Verdict.VALID: "intact; not vouched for by anyone you trust",
            Verdict.INVALID: "failed verification",
            Verdict.UNVERIFIED: "could not be checked"}.get(status, status.value)
