"""Which failure code fails which check, and what each check is called (C2PA 2.x validation codes)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from tests.domain.test_evidence_words import report
from trustnxt_desktop.domain.checks import (
    BOTH_TITLE,
    CHECK_IDS,
    CHECK_TITLES,
    CHECKS,
    STATEMENTS_TITLE,
    check_definition,
    check_title,
    checks_of_failure,
    integrity_failures,
    is_media_code,
    tolerated,
)
from trustnxt_desktop.domain.report import Check, CheckStatus

CODE = st.from_regex(r"[a-zA-Z]{1,12}(\.[a-zA-Z]{1,12}){0,3}", fullmatch=True)


@given(CODE)
def test_every_counted_failure_fails_a_known_check(code: str) -> None:
    failed = checks_of_failure(code)
    assert set(failed) <= set(CHECK_IDS)
    if tolerated(code) or code == "signingCredential.ocsp.skipped":
        assert failed == ()
    else:
        assert failed, f"{code} must fail at least one check"


def test_codes_fail_the_checks_their_families_speak_to() -> None:
    assert checks_of_failure("timeStamp.mismatch") == ("timestamp",)
    assert checks_of_failure("claimSignature.mismatch") == ("signature",)
    assert checks_of_failure("algorithm.unsupported") == ("signature",)
    assert checks_of_failure("signingCredential.ocsp.revoked") == ("signer_trust", "revocation")
    assert checks_of_failure("signingCredential.invalid") == ("signature", "signer_trust")
    assert checks_of_failure("signingCredential.expired") == ("signer_trust",)
    assert checks_of_failure("ingredient.manifest.missing") == ("ingredients",)
    assert checks_of_failure("assertion.dataHash.mismatch") == ("integrity",)
    assert checks_of_failure("some.code.nobody.knows") == ("integrity",), "an unknown failure is never ignored"
    for quiet in ("signingCredential.untrusted", "cawg.x509.credential.untrusted", "cawg.identity.expired",
                  "cawg.ica.did_unavailable"):
        assert tolerated(quiet) and checks_of_failure(quiet) == ()
    assert not tolerated("cawg.ica.signature_mismatch")


def test_media_codes_are_the_hard_binding_only() -> None:
    assert is_media_code("assertion.bmffHash.mismatch") and is_media_code("claim.hardBindings.missing")
    assert not is_media_code("assertion.hashedURI.mismatch") and not is_media_code("claim.malformed")


@given(st.lists(st.sampled_from(["assertion.dataHash.mismatch", "assertion.boxesHash.mismatch",
                                 "assertion.hashedURI.mismatch", "claim.malformed",
                                 "signingCredential.untrusted", "timeStamp.mismatch"]), min_size=1, max_size=6))
def test_a_failed_integrity_check_is_named_for_what_failed(codes: list[str]) -> None:
    r = report(codes)
    failing = integrity_failures(r)
    assert failing == [c for c in codes if checks_of_failure(c) == ("integrity",)], "in the validator's order"
    title = check_title(Check("integrity", CheckStatus.FAIL, ""), r)
    media = any(is_media_code(c) for c in failing)
    statements = any(not is_media_code(c) for c in failing)
    expected = BOTH_TITLE if media and statements else STATEMENTS_TITLE if statements else CHECK_TITLES["integrity"]
    assert title == expected
    # A passing check keeps its plain name whatever the codes say.
    assert check_title(Check("integrity", CheckStatus.PASS, ""), r) == CHECK_TITLES["integrity"]


def test_every_check_has_a_title_and_an_unknown_one_keeps_its_id() -> None:
    assert set(CHECK_TITLES) == set(CHECK_IDS)
    assert check_title(Check("future_check", CheckStatus.WARN, ""), report()) == "future_check"


def test_every_defined_check_has_a_title_an_explanation_and_codes_that_fail_it() -> None:
    assert len(set(CHECK_IDS)) == len(CHECKS) == 6
    for c in CHECKS:
        assert c.title and c.title[0].isupper() and not c.title.endswith("."), c.id
        assert c.explanation.startswith("Whether ") and c.explanation.endswith("."), c.id
        assert c.fails_on, f"{c.id}: no failure code fails it"
        assert check_definition(c.id) is c and CHECK_TITLES[c.id] == c.title
        for code in c.fails_on:
            example = code + "someCode" if code.endswith(".") else code
            assert c.id in checks_of_failure(example), (c.id, code)
    assert check_definition("future_check") is None
