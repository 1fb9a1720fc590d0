"""The second validator's look at a copy this app has just signed.

c2pa-rs checks what it wrote (its `verify_after_sign`), but a reader and a writer that share their code can share
a mistake: a structure c2pa-rs writes and reads back happily may be one another validator calls malformed (a signed
.docx's collection hash is one, docs/verdicts.md). So, with the second validator on (Settings.cross_check), every
protected copy is also read by encypher-c2pa (engine.cross_check), without trust material: the question is whether
it finds the copy intact, not whether it trusts the signer. What it finds wrong becomes a warning of the protect
result; the copy is kept (c2pa-rs, the validator the app answers with, accepted it).

It runs in an isolated worker (engine.untrusted.second_check_isolated): the copy is ours, but it may embed
someone else's manifest as its parent ingredient. Cost: 2–8 % of protecting a 12 MP JPEG (docs/benchmarks.md,
"Two validators").
"""

from __future__ import annotations

from pathlib import Path

from ..domain.cross_check import VERDICT_WORDS
from ..domain.report import Verdict
from .cross_check import PATH_LIMIT, SecondValidator, second_opinion
from .media import sniff
from .trust import TrustConfig

INTACT = frozenset({Verdict.VALID, Verdict.TRUSTED})
_NOT_A_PROBLEM = frozenset({"signingCredential.untrusted"})  # no trust material was given: not asked


def check_signed_copy(path: Path, media_type: str | None, options: SecondValidator) -> str | None:
    """None when the second validator finds the signed copy at `path` intact (valid or trusted); otherwise one
    warning sentence naming what it found (its verdict and failure codes) or why it could not look. `media_type`
    None: taken from the copy's bytes (engine.media.sniff).

    Never raises for the copy: a copy it cannot read, or that is larger than it reads (PATH_LIMIT), is said."""
    try:
        size = path.stat().st_size
        data = path.read_bytes() if size <= PATH_LIMIT else None
    except OSError as e:
        return f"The second validator could not read the protected copy to check it ({e.strerror or e})."
    check = second_opinion(data, size, media_type or sniff(path), TrustConfig(), options.for_call()).check
    who = f"The second, independent validator ({check.engine} {check.version})"
    if not check.ran:
        return f"{who} could not check the protected copy: {check.problem}."
    if check.verdict in INTACT:
        return None
    found = VERDICT_WORDS.get(check.verdict or Verdict.ERROR, "")
    codes = [c for c in check.failure_codes if c not in _NOT_A_PROBLEM]
    named = f" ({', '.join(codes)})" if codes else (f" ({check.problem})" if check.problem else "")
    return (f"{who} says of the protected copy: {found}{named}. The main validator (c2pa-rs) accepted it; other "
            "validators may not.")
