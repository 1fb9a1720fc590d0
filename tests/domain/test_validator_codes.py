"""Two validators' status codes read as findings: the most severe code of each aspect decides it."""

from __future__ import annotations

import random

from hypothesis import given
from hypothesis import strategies as st

from tests.expect import present
from trustnxt_desktop.domain.validator_codes import (
    CERTIFICATE,
    ENGINE_SPECIFIC,
    HARD_BINDING,
    MEANINGS,
    PRIMARY,
    SECOND,
    SIGNATURE,
    TIMESTAMP,
    TRUST,
    findings,
    meaning,
    own_words,
)

KNOWN = sorted(MEANINGS)
UNKNOWN = st.text(min_size=1, max_size=30).filter(lambda c: c not in MEANINGS)
ENGINES = st.sampled_from([PRIMARY, SECOND])


def test_a_shared_code_means_the_same_in_both_validators() -> None:
    for code, m in MEANINGS.items():
        if (PRIMARY, code) not in ENGINE_SPECIFIC:
            assert meaning(PRIMARY, code) == m
        if (SECOND, code) not in ENGINE_SPECIFIC:
            assert meaning(SECOND, code) == m


def test_one_finding_under_two_names_is_the_same_finding() -> None:
    # The expired signer of ../shared/cases/expired-no-tsa.jpg: each validator names it its own way.
    assert findings(PRIMARY, ["signingCredential.expired"]) == findings(SECOND, ["claimSignature.outsideValidity"]) \
        == {CERTIFICATE: "outside validity"}
    # encypher-c2pa keeps signingCredential.expired for a certificate above the signer: not the same finding.
    assert findings(SECOND, ["signingCredential.expired"]) == {CERTIFICATE: "chain outside validity"}
    assert meaning(PRIMARY, "com.encypher.claim.generatorInfoMissing") is None
    for specific in ENGINE_SPECIFIC.values():
        assert specific.source, "every engine-specific reading names where it comes from"


def test_the_most_severe_code_of_an_aspect_decides_it() -> None:
    codes = ["assertion.dataHash.match", "claimSignature.validated", "assertion.dataHash.mismatch",
             "timeStamp.validated", "timeStamp.untrusted", "signingCredential.untrusted"]
    assert findings(PRIMARY, codes) == {HARD_BINDING: "mismatch", SIGNATURE: "valid",
                                        TIMESTAMP: "authority not trusted", TRUST: "not trusted"}
    # A timestamp merely present never outweighs what its trust check said.
    assert findings(PRIMARY, ["timeStamp.trusted", "timeStamp.validated"])[TIMESTAMP] == "trusted"
    assert findings(PRIMARY, ["timeStamp.validated"])[TIMESTAMP] == "present"


@given(st.lists(st.sampled_from(KNOWN), max_size=12), st.lists(UNKNOWN, max_size=4), ENGINES, st.randoms())
def test_findings_do_not_depend_on_order_or_unknown_codes(known: list[str], unknown: list[str], engine: str,
                                                          rnd: random.Random) -> None:
    mixed = known + unknown
    rnd.shuffle(mixed)
    found = findings(engine, mixed)
    plain = findings(engine, known)
    # Unknown codes say nothing; the deciding rank of every aspect does not depend on the order.
    assert found.keys() == plain.keys()
    known_meanings = [present(meaning(engine, c), c) for c in known]
    for aspect, value in found.items():
        ranks = {m.rank for m in known_meanings if m.aspect == aspect}
        top = max(ranks)
        assert value in {m.value for m in known_meanings if m.aspect == aspect and m.rank == top}


def test_own_words_quote_only_the_problem_that_decided() -> None:
    entries = [("assertion.dataHash.match", "hash ok"), ("assertion.dataHash.mismatch", "the bytes changed"),
               ("signingCredential.untrusted", ""), ("claimSignature.validated", "signature fine"),
               ("made.up.code", "ignored")]
    # A passing finding (rank 0) and a problem without words are not quoted.
    assert own_words(PRIMARY, entries) == {HARD_BINDING: "the bytes changed"}
    assert own_words(SECOND, []) == {}
