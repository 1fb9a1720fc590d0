"""API credentials never show more than their format prefix and last four characters."""

from __future__ import annotations

import pickle

import pytest
from hypothesis import given
from hypothesis import strategies as st

from trustnxt_desktop.cloud import contract
from trustnxt_desktop.cloud.auth import ApiCredentials, mask

SECRETISH = st.text(st.characters(codec="ascii", categories=["L", "N"]), min_size=1, max_size=60)


@given(st.sampled_from([*contract.KEY_PREFIXES, contract.SECRET_PREFIX, ""]), SECRETISH)
def test_a_mask_keeps_at_most_the_prefix_and_four_characters(prefix: str, body: str) -> None:
    value = prefix + body
    shown = mask(value)
    assert shown.startswith(prefix + "…") or not prefix
    tail = shown.split("…", 1)[1]
    assert len(tail) <= 4 and value.endswith(tail)
    if len(value) - len(prefix) < 16:
        assert tail == "", "a short value shows no tail at all: too little would stay hidden"
    assert mask(None) == mask("") == "(none)"


@given(SECRETISH.filter(lambda s: len(s) >= 8), SECRETISH.filter(lambda s: len(s) >= 8))
def test_credentials_scrub_themselves_from_echoed_text(key: str, secret: str) -> None:
    creds = ApiCredentials(f"tnxt_live_{key}", f"tnxt_secret_{secret}")
    echoed = f"refused key tnxt_live_{key} with secret tnxt_secret_{secret}!"
    scrubbed = creds.scrub(echoed)
    assert creds.secret is not None
    assert creds.key not in scrubbed and creds.secret not in scrubbed
    assert creds.key not in repr(creds) and creds.secret not in str(creds)


def test_headers_and_blank_values() -> None:
    creds = ApiCredentials("  tnxt_test_abcdefghijklmnop  ", "   ")
    assert creds.key == "tnxt_test_abcdefghijklmnop" and creds.secret is None
    assert creds.headers() == {contract.API_KEY_HEADER: "tnxt_test_abcdefghijklmnop"}
    both = ApiCredentials("k", "s")
    assert both.headers() == {contract.API_KEY_HEADER: "k", contract.API_SECRET_HEADER: "s"}
    for blank in ("", "   "):
        with pytest.raises(ValueError):
            ApiCredentials(blank)


def test_credentials_cannot_be_pickled_into_a_crash_report() -> None:
    with pytest.raises(TypeError):
        pickle.dumps(ApiCredentials("tnxt_live_0123456789abcdefghij", "tnxt_secret_x"))
