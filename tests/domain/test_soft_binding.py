"""Soft-binding fingerprints and the match rule (domain.soft_binding): hex/base64 round trips, the length check,
Hamming distance as a metric, and the rule "PDQ ≤ 48, or ISCC ≤ 10 and PDQ ≤ 90" (ISCC alone ≤ 5) at its edges."""

from __future__ import annotations

import base64

import pytest
from hypothesis import given
from hypothesis import strategies as st

from trustnxt_desktop.domain.soft_binding import (
    BITS,
    ISCC_AGREES,
    ISCC_IMAGE,
    PDQ,
    PDQ_SURE,
    PDQ_WITH_ISCC,
    SEARCH_RADIUS,
    Fingerprint,
    FingerprintResult,
    Orientation,
    PictureFingerprints,
    closeness,
    hamming,
    is_match,
)

distances = st.none() | st.integers(min_value=0, max_value=256)


def _bits(algorithm: str) -> st.SearchStrategy[bytes]:
    size = BITS[algorithm] // 8
    return st.binary(min_size=size, max_size=size)


@given(st.sampled_from([ISCC_IMAGE, PDQ]).flatmap(lambda a: st.tuples(st.just(a), _bits(a))))
def test_a_fingerprint_round_trips_through_hex_and_base64(case: tuple[str, bytes]) -> None:
    algorithm, bits = case
    fingerprint = Fingerprint(algorithm, bits)
    assert Fingerprint.from_hex(algorithm, fingerprint.hex()) == fingerprint
    assert base64.b64decode(fingerprint.base64()) == bits
    assert len(fingerprint.hex()) == BITS[algorithm] // 4


@pytest.mark.parametrize(("algorithm", "size"), [(ISCC_IMAGE, 7), (ISCC_IMAGE, 32), (PDQ, 8), (PDQ, 33)])
def test_hex_of_the_wrong_length_is_refused(algorithm: str, size: int) -> None:
    with pytest.raises(ValueError, match=f"{BITS[algorithm]} bits, not {size * 8}"):
        Fingerprint.from_hex(algorithm, "ab" * size)


def test_text_that_is_not_hex_is_refused_and_an_unknown_algorithm_keeps_any_length() -> None:
    with pytest.raises(ValueError):
        Fingerprint.from_hex(PDQ, "zz" * 32)
    assert Fingerprint.from_hex("org.example.other", "0102").bits == b"\x01\x02"


@given(st.binary(min_size=8, max_size=8), st.binary(min_size=8, max_size=8), st.binary(min_size=8, max_size=8))
def test_hamming_is_a_metric(a: bytes, b: bytes, c: bytes) -> None:
    assert hamming(a, a) == 0
    assert hamming(a, b) == hamming(b, a)
    assert hamming(a, c) <= hamming(a, b) + hamming(b, c)
    assert hamming(a, bytes(x ^ 0xFF for x in a)) == 64
    assert (hamming(a, b) == 0) == (a == b)


def test_hamming_counts_bits_big_endian_and_refuses_different_lengths() -> None:
    assert hamming(b"\x80\x00", b"\x00\x00") == 1
    assert hamming(b"\x0f\xf0", b"\x00\x00") == 8
    with pytest.raises(ValueError, match="different lengths"):
        hamming(b"\x00", b"\x00\x00")


@given(distances, distances)
def test_is_match_is_the_documented_rule(pdq: int | None, iscc: int | None) -> None:
    if pdq is not None:
        expected = pdq <= 48 or (iscc is not None and iscc <= 10 and pdq <= 90)
    else:
        expected = iscc is not None and iscc <= 5
    assert is_match(pdq, iscc) is expected


def test_the_match_rule_at_its_edges() -> None:
    assert is_match(PDQ_SURE, None) and not is_match(PDQ_SURE + 1, None)
    assert is_match(PDQ_WITH_ISCC, ISCC_AGREES) and not is_match(PDQ_WITH_ISCC + 1, 0)
    assert not is_match(PDQ_SURE + 1, ISCC_AGREES + 1)
    assert is_match(None, ISCC_AGREES // 2) and not is_match(None, ISCC_AGREES // 2 + 1)
    assert not is_match(None, None)
    # The repository is asked no further than the rule can reach.
    assert SEARCH_RADIUS == {ISCC_IMAGE: ISCC_AGREES, PDQ: PDQ_WITH_ISCC}


@given(st.integers(min_value=0, max_value=256), distances)
def test_closeness_grows_with_the_distance(pdq: int, iscc: int | None) -> None:
    sentence = closeness(pdq, iscc)
    if pdq == 0:
        assert "identical" in sentence
    elif pdq <= 16:
        assert "almost the same" in sentence
    elif pdq <= PDQ_SURE:
        assert "very likely the same picture" in sentence
    else:
        assert "not closely" in sentence


def test_closeness_without_pdq_uses_iscc() -> None:
    assert "identical" in closeness(None, 0)
    assert "not closely" in closeness(None, 3)


def test_a_result_leads_with_the_upright_print_and_picks_prints_by_algorithm() -> None:
    iscc, pdq = Fingerprint(ISCC_IMAGE, bytes(8)), Fingerprint(PDQ, bytes(32))
    upright = PictureFingerprints(Orientation.UPRIGHT, iscc, pdq, 100)
    turned = PictureFingerprints(Orientation.ROTATE_90, iscc, pdq, 100)
    assert upright.of(ISCC_IMAGE) is iscc and upright.of(PDQ) is pdq
    assert FingerprintResult((upright, turned)).upright is upright
    refused = FingerprintResult(refused="featureless")
    assert refused.upright is None and refused.refused == "featureless"
    assert len(Orientation) == 8
