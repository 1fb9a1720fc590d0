"""Two independent validators on the same bytes: what each found, where they differ, and which verdict
the report leads with.

Each validator's answers are put into the same words (`Findings`: field -> value) before they are
compared, so codes that mean the same thing under different names (domain.validator_codes) are never
reported as differences. The compared fields are what a reader acts on (AGREEMENT_FIELDS); two more
(SUPPORTING_FIELDS: the time stamp and the certificate's validity) are shown side by side because they
explain most differences, but do not by themselves make the validators disagree.

The headline verdict (`consensus`, documented with examples in docs/verdicts.md):
1. the same verdict: it stands ("agree");
2. one validator could not read the Content Credentials (error, unsupported, or found none) and the other
   read them: the readable result ("readable");
3. the second validator measured tampering (a hard-binding hash, an assertion's hashed URI or the claim
   signature that does not match) where the main one passed the file: `invalid` ("tamper");
4. otherwise the main validator's verdict, with the disagreement shown ("primary"). Differences of
   interpretation (is a field well formed, does an expired certificate void the signature, which time-stamp
   authorities count) do not overturn the validator whose reading the rest of the report explains.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from .ai import AiKind, words
from .report import CrossCheck, Difference, Ingredient, InspectionReport, SignerInfo, Verdict
from .validator_codes import (
    ASSERTIONS,
    CERTIFICATE,
    HARD_BINDING,
    IDENTITY,
    IDENTITY_TRUST,
    MANIFEST,
    NOT_CHECKED,
    PRIMARY,
    SIGNATURE,
    TIMESTAMP,
    TRUST,
    identity_findings,
    own_words,
)
from .validator_codes import findings as code_findings

PRIMARY_NAME = "the main validator (c2pa-rs)"
SECOND_NAME = "the second validator ({engine})"

# field -> label, in the order every view lists them.
AGREEMENT_FIELDS: dict[str, str] = {
    "verdict": "Verdict",
    HARD_BINDING: "Media matches what was signed",
    ASSERTIONS: "Statements in the credentials",
    SIGNATURE: "Signature",
    "signer": "Signer",
    "signed_at": "Signing time",
    TRUST: "Trust in the signer",
    "ai": "AI disclosure",
    "ingredients": "Source files",
    IDENTITY: "Identity statement (CAWG)",
    IDENTITY_TRUST: "Trust in the identity (CAWG)",
}
SUPPORTING_FIELDS: dict[str, str] = {
    TIMESTAMP: "Time stamp",
    CERTIFICATE: "Signer's certificate",
}
FIELDS = {**AGREEMENT_FIELDS, **SUPPORTING_FIELDS}

READ = frozenset({Verdict.TRUSTED, Verdict.VALID, Verdict.INVALID, Verdict.UNVERIFIED})  # credentials were read
# NOT_CHECKED: a validator that stopped before a check gives no answer there, not a different one.
_SERIAL = "signer_serial"  # compared with the signer's name, never listed on its own

VERDICT_WORDS: dict[Verdict, str] = {
    Verdict.TRUSTED: "intact and signed by a signer you trust",
    Verdict.VALID: "intact, signed by a signer on none of your trust lists",
    Verdict.INVALID: "failed verification",
    Verdict.NONE: "no Content Credentials",
    Verdict.UNVERIFIED: "Content Credentials stored elsewhere, not checked",
    Verdict.UNSUPPORTED: "a file type it cannot read",
    Verdict.ERROR: "Content Credentials it could not read",
}

# What each value means, for the sentences ("<validator> finds <words>").
_VALUE_WORDS: dict[str, dict[str, str]] = {
    HARD_BINDING: {"match": "the media exactly as signed",
                   "mismatch": "the media changed after signing (its hash does not match)",
                   "malformed": "the record of which bytes were signed (the hard binding) malformed",
                   "missing": "no hard binding: the credentials are not tied to the media",
                   NOT_CHECKED: "nothing it could check about the media's hash"},
    ASSERTIONS: {"intact": "every statement exactly as signed",
                 "altered": "a statement altered after signing",
                 "malformed": "a malformed statement",
                 "undeclared": "a statement the signature does not cover",
                 NOT_CHECKED: "the statements unchecked"},
    SIGNATURE: {"valid": "the signature correct", "invalid": "a signature that does not match",
                "missing": "no signature", "unsupported algorithm": "an algorithm it cannot check",
                NOT_CHECKED: "the signature unchecked"},
    TRUST: {"trusted": "the signer trusted", "not trusted": "the signer not trusted",
            "revoked": "the signer's certificate revoked", "invalid certificate": "the signer's certificate invalid",
            NOT_CHECKED: "trust in the signer not evaluated"},
    TIMESTAMP: {"trusted": "a time stamp from a trusted authority",
                "authority not trusted": "a time stamp whose authority it does not trust",
                "present": "a time stamp", "malformed": "a malformed time stamp",
                "does not match": "a time stamp that does not match the signature",
                "outside validity": "a time stamp outside its authority's validity", "none": "no time stamp"},
    CERTIFICATE: {"within validity": "the signer's certificate within its validity period",
                  "outside validity": "the signer's certificate outside its validity period",
                  "chain outside validity": "a certificate above the signer outside its validity period",
                  NOT_CHECKED: "the certificate's validity unchecked"},
    IDENTITY: {"intact": "the identity statement intact and its signature correct",
               "altered": "the identity statement altered after the claim was signed",
               "does not match what it vouches for": "an identity statement that does not match the statements it "
                                                     "vouches for",
               "signature does not match": "an identity signature that does not match",
               "malformed": "a malformed identity statement"},
    IDENTITY_TRUST: {"trusted": "the identity's certificate trusted",
                     "not trusted": "the identity's certificate not trusted",
                     "outside validity": "the identity's credential outside its validity period",
                     "revoked": "the identity's credential revoked"},
}
_PER_IDENTITY = (IDENTITY, IDENTITY_TRUST)  # fields with one value per identity assertion
_SOLE_IDENTITY = "cawg.identity"  # the label of a file's only identity assertion: its value is shown bare

Findings = dict[str, str]  # field -> value; a field left out is one the validator does not report


def second_name(check: CrossCheck) -> str:
    return SECOND_NAME.format(engine=check.engine)


# -- one validator's findings ------------------------------------------------------------------------

def signer_value(signer: SignerInfo | None) -> str:
    """The signer as compared: its certificate's common name, and (kept apart, see compare) its serial
    number. The `issuer` field does not name the same thing in both validators (c2pa-rs gives the
    organisation of the certificate's subject, encypher-c2pa that of its issuer), so it is not compared."""
    if signer is None:
        return "none"
    return signer.common_name or "(no common name)"


def ingredients_value(nodes: Iterable[Ingredient]) -> str:
    """Every source file at any depth with its verdict, in tree order: 'A.jpg: valid; I.jpg: none'."""
    parts: list[str] = []

    def walk(items: Iterable[Ingredient]) -> None:
        for n in items:
            parts.append(f"{n.title or '(untitled)'}: {n.verdict.value}")
            walk(n.ingredients)

    walk(nodes)
    return "; ".join(parts) or "none"


def identities_value(values: Mapping[str, str]) -> str:
    """label -> value of each identity assertion as one finding: the bare value for a sole `cawg.identity`,
    otherwise 'cawg.identity: intact; cawg.identity__1: altered'."""
    if list(values) == [_SOLE_IDENTITY]:
        return values[_SOLE_IDENTITY]
    return "; ".join(f"{label}: {value}" for label, value in sorted(values.items()))


def _per_label(value: str) -> dict[str, str]:
    if ": " not in value:
        return {_SOLE_IDENTITY: value}
    return dict(part.split(": ", 1) for part in value.split("; ")) if value else {}


def findings(verdict: Verdict, engine: str, codes: Iterable[str], *, signer: SignerInfo | None,
             signed_at: str | None, reports_signed_at: bool, ai: str | None,
             ingredients: Iterable[Ingredient], identities: Mapping[str, Sequence[str]] | None = None) -> Findings:
    """One validator's answers. Without readable credentials only the verdict is an answer.

    `identities`: label -> the codes (all three lists) the validator gave about each CAWG identity assertion of the
    active manifest; each is judged on its own (domain.validator_codes.identity_findings)."""
    found: Findings = {"verdict": verdict.value}
    if verdict not in READ:
        return found
    by_code = code_findings(engine, list(codes))
    for aspect in (HARD_BINDING, ASSERTIONS, SIGNATURE, CERTIFICATE):
        found[aspect] = by_code.get(aspect, NOT_CHECKED)
    found[TIMESTAMP] = by_code.get(TIMESTAMP, "none")
    found[TRUST] = "trusted" if verdict is Verdict.TRUSTED else by_code.get(TRUST, NOT_CHECKED)
    if by_code.get(MANIFEST) == "stored elsewhere" and verdict is Verdict.UNVERIFIED:
        found[TRUST] = NOT_CHECKED
    found["signer"] = signer_value(signer)
    if signer is not None and signer.serial:
        found[_SERIAL] = signer.serial
    if reports_signed_at:
        found["signed_at"] = signed_at or "none"
    found["ai"] = ai or AiKind.NONE.value
    found["ingredients"] = ingredients_value(ingredients)
    judged = {label: identity_findings(engine, list(c)) for label, c in (identities or {}).items()}
    for field in _PER_IDENTITY if judged else ():
        found[field] = identities_value({label: j[field] for label, j in judged.items()})
    return found


def identity_label(url: str | None) -> str | None:
    """The identity assertion a status code's URL points at ('…/c2pa.assertions/cawg.identity__1' ->
    'cawg.identity__1'); None for any other."""
    label = str(url or "").rsplit("/", 1)[-1]
    return label if label.split("__", 1)[0] == _SOLE_IDENTITY else None


def primary_findings(report: InspectionReport, verdict: Verdict | None = None) -> Findings:
    """The main validator's answers, from its report (before any consensus changed the verdict)."""
    v = report.validation
    codes = [c.code for c in v.failure + v.warning + v.success]
    identities: dict[str, list[str]] = {}
    for c in v.failure + v.warning + v.success:
        if (label := identity_label(c.url)) is not None:
            identities.setdefault(label, []).append(c.code)
    return findings(verdict or report.verdict, PRIMARY, codes, signer=report.signer, signed_at=report.signed_at,
                    reports_signed_at=True, ai=report.ai_disclosure, ingredients=report.ingredients,
                    identities=identities)


# -- comparing -------------------------------------------------------------------------------------

def _value_words(field: str, value: str) -> str:
    if field == "verdict":
        return VERDICT_WORDS.get(Verdict(value), value)
    if field == "ai":
        try:
            label = words(AiKind(value)).label
        except ValueError:
            label = value
        return "no AI declared" if value == AiKind.NONE.value else f"the AI disclosure “{label}”"
    if field == "signer":
        return "no signer" if value == "none" else f"the signer “{value}”"
    if field == "signed_at":
        return "no signing time" if value == "none" else f"the signing time {value}"
    if field == "ingredients":
        return "no source files" if value == "none" else f"the source files as {value}"
    if field in _PER_IDENTITY and ": " in value:
        return "; ".join(f"{label}: {_VALUE_WORDS[field].get(v, v)}" for label, v in _per_label(value).items())
    return _VALUE_WORDS.get(field, {}).get(value, value)


def _answered(field: str, a: str, b: str) -> tuple[str, str]:
    """The values as compared: for an identity field, only the assertions both validators judged (each checked,
    by each); NOT_CHECKED for both when there are none."""
    if field not in _PER_IDENTITY:
        return a, b
    mine, theirs = _per_label(a), _per_label(b)
    both = [k for k in mine if k in theirs and NOT_CHECKED not in (mine[k], theirs[k])]
    if not both:
        return NOT_CHECKED, NOT_CHECKED
    return identities_value({k: mine[k] for k in both}), identities_value({k: theirs[k] for k in both})


def _sentence(field: str, primary: str, second: str, second_label: str, both: dict[str, tuple[str, str]]) -> str:
    first = f"The main validator (c2pa-rs) finds {_value_words(field, primary)}; {second_label} finds " \
            f"{_value_words(field, second)}."
    if field == "verdict":
        first = (f"The main validator (c2pa-rs) says: {_value_words(field, primary)}; {second_label} says: "
                 f"{_value_words(field, second)}.")
        causes = [FIELDS[f] for f, (a, b) in both.items() if f not in ("verdict",) and a != b]
        same_cert = both.get(CERTIFICATE, ("", ""))
        if same_cert[0] == same_cert[1] == "outside validity" and Verdict.INVALID.value in (primary, second):
            strict = "the main validator" if primary == Verdict.INVALID.value else second_label
            return (f"{first} Both find the signer's certificate outside its validity period and no trusted time "
                    f"stamp proving it was valid when the file was signed; only {strict} counts that as a "
                    "failure of the file, the other counts it against trust in the signer only.")
        if causes:
            return f"{first} They differ on: {', '.join(causes).lower()}."
        return first
    if field == TRUST:
        stamp = both.get(TIMESTAMP)
        if stamp and stamp[0] != stamp[1]:
            return (f"{first} With the same trust lists they differ on the time stamp ({stamp[0]} for the main "
                    f"validator, {stamp[1]} for the second): a validator that does not accept it judges the "
                    "certificate at today's date instead of the signing time.")
    return first


def compare(primary: Findings, second: Findings, second_engine: str, *, primary_words: dict[str, str] | None = None,
            second_words: dict[str, str] | None = None) -> list[Difference]:
    """The fields of AGREEMENT_FIELDS both validators answer and answer differently, each with a sentence
    (quoting each validator's own words for the problem where it gave some: `*_words`, aspect -> text).

    When one of them could not read the credentials, only the verdict is compared: every other field
    would differ for that one reason. A check one of them did not get to (NOT_CHECKED) is no answer.
    """
    second_label = SECOND_NAME.format(engine=second_engine)
    both = {f: _answered(f, primary[f], second[f]) for f in FIELDS if f in primary and f in second}
    a_serial, b_serial = primary.get(_SERIAL), second.get(_SERIAL)
    if "signer" in both and a_serial and b_serial and a_serial != b_serial and both["signer"][0] == both["signer"][1]:
        name = both["signer"][0]
        both["signer"] = (f"{name} (certificate serial {a_serial})", f"{name} (certificate serial {b_serial})")
    differences = []
    for field in AGREEMENT_FIELDS:
        if field not in both or both[field][0] == both[field][1] or NOT_CHECKED in both[field]:
            continue
        a, b = both[field]
        sentence = _sentence(field, a, b, second_label, both)
        quoted = [f"{who}: “{said[field]}”" for who, said in ((PRIMARY, primary_words or {}),
                                                               (second_engine, second_words or {})) if said.get(field)]
        if quoted:
            sentence += f" In their own words: {'; '.join(quoted)}."
        differences.append(Difference(field=field, primary=a, second=b, sentence=sentence))
    return differences


def words_of(engine: str, entries: Iterable[tuple[str, str]]) -> dict[str, str]:
    """aspect -> a validator's own words for the failure that decided it ((code, explanation) entries)."""
    return own_words(engine, list(entries))


def display_value(field: str, value: str) -> str:
    """A compared value as a table cell shows it (the AI disclosure by its label)."""
    if field == "ai":
        try:
            return words(AiKind(value)).label if value != AiKind.NONE.value else "none declared"
        except ValueError:
            return value
    return value


def side_by_side(report: InspectionReport) -> list[tuple[str, str, str, bool]]:
    """(label, main validator's value, second validator's value, same) for every field either answers:
    the Details of the cross-check. Empty when the second validator did not run."""
    check = report.cross_check
    if check is None or not check.ran:
        return []
    primary = primary_findings(report, check.primary_verdict)
    rows = []
    for field, label in FIELDS.items():
        if field not in primary and field not in check.findings:
            continue
        a = primary.get(field, "not reported")
        b = check.findings.get(field, "not reported")
        x, y = _answered(field, a, b) if "not reported" not in (a, b) else (a, b)
        rows.append((label, display_value(field, a), display_value(field, b),
                     x == y or bool({"not reported", NOT_CHECKED} & {x, y})))
    return rows


# -- the headline verdict ------------------------------------------------------------------------------

_MEASURED_TAMPERING = {HARD_BINDING: "mismatch", ASSERTIONS: "altered", SIGNATURE: "invalid"}


def tampering(found: Findings) -> str | None:
    """The field in which a validator measured tampering (a hash or signature that does not match)."""
    return next((f for f, bad in _MEASURED_TAMPERING.items() if found.get(f) == bad), None)


def consensus(primary: Verdict, second: Verdict | None, second_findings: Findings) -> tuple[Verdict, str]:
    """(headline verdict, rule): the rule of the module docstring."""
    if second is None:
        return primary, "single"
    if primary == second:
        return primary, "agree"
    if primary not in READ and second in READ:
        return second, "readable"
    if primary in READ and primary is not Verdict.INVALID and second in READ and tampering(second_findings):
        return Verdict.INVALID, "tamper"
    return primary, "primary"


def rule_sentence(rule: str, check: CrossCheck) -> str:
    who = second_name(check)
    if rule == "primary" and check.primary_verdict not in READ:
        return ("Neither validator could read Content Credentials in this file; the verdict shown is the main "
                "validator's.")
    if rule == "primary" and check.verdict not in READ:
        return (f"{who[:1].upper() + who[1:]} could not read this file's Content Credentials; "
                "the verdict shown is the main validator's.")
    if rule == "readable":
        return (f"Only {who} could read the Content Credentials, so the verdict, the checks and the codes "
                "shown are its result.")
    if rule == "tamper":
        field = tampering(check.findings) or HARD_BINDING
        return (f"{who[:1].upper() + who[1:]} measured a change after signing ({FIELDS[field].lower()}), so the "
                "file is treated as failed verification.")
    if rule == "primary":
        return ("The verdict shown is the main validator's: the differences are differences of interpretation, "
                "not a measured change to the file.")
    return ""


def banner_line(report: InspectionReport) -> str:
    """One line for the banner, the CLI and the PDF: that two validators agree, or where they differ."""
    check = report.cross_check
    if check is None:
        return ""
    if not check.ran:
        return f"Checked by one validator only: the second validator ({check.engine}) could not run ({check.problem})."
    if check.agrees:
        return "Checked by 2 independent validators: they agree."
    fields = [FIELDS[d.field].lower() for d in check.differences if d.field != "verdict"]
    verdict = next((d for d in check.differences if d.field == "verdict"), None)
    if verdict is None:
        return (f"Checked by 2 independent validators: both say “{report.verdict.value}”, but they differ on "
                f"{', '.join(fields)}.")
    if check.rule == "readable":
        return (f"Validators disagree: only {second_name(check)} could read the Content Credentials (the main "
                f"validator, c2pa-rs: “{verdict.primary}”); the verdict, checks and codes shown are its result.")
    on = f" (on {', '.join(fields)})" if fields else ""
    headline = {"tamper": "the second validator measured a change, so the verdict is “invalid”",
                "primary": "the verdict shown is the main validator's"}.get(check.rule, "")
    return (f"Validators disagree{on}: the main validator (c2pa-rs) says “{verdict.primary}”, {second_name(check)} "
            f"says “{verdict.second}”; {headline}.")


def differs(report: InspectionReport) -> bool:
    """Whether the report shows a disagreement between the validators (the batch filter)."""
    return report.cross_check is not None and report.cross_check.agrees is False


def agreement_label(report: InspectionReport) -> str:
    """A table cell: 'agree', 'differ', 'one only' or '' (not cross-checked)."""
    check = report.cross_check
    if check is None:
        return ""
    if not check.ran:
        return "one only"
    return "agree" if check.agrees else "differ"
