"""The Soft Binding Resolution API's shapes (C2PA 2.2 OpenAPI 1.1.0) and our extensions."""

from __future__ import annotations

import pytest

from trustnxt_desktop.cloud import sbr_contract
from trustnxt_desktop.cloud.sbr_contract import ContractError, Match


def test_scores_and_distances_are_inverse_within_a_score_step() -> None:
    assert sbr_contract.similarity_score(0, 256) == 100 and sbr_contract.similarity_score(256, 256) == 0
    for d in range(0, 257):
        assert abs(sbr_contract.distance_from_score(sbr_contract.similarity_score(d, 256), 256) - d) <= 2


def test_query_results_round_trip_and_foreign_shapes_are_refused() -> None:
    matches = [Match("urn:c2pa:a", 90, distance=3), Match("urn:c2pa:b", endpoint="https://other.example/v1")]
    wire = sbr_contract.query_result(matches)
    assert wire == {"matches": [{"manifestId": "urn:c2pa:a", "similarityScore": 90, "distance": 3},
                                {"manifestId": "urn:c2pa:b", "endpoint": "https://other.example/v1"}]}
    assert sbr_contract.parse_query_result(wire) == matches
    # A score outside 0–100 or of the wrong type is not taken; a match without manifestId is refused.
    assert sbr_contract.parse_query_result({"matches": [{"manifestId": "x", "similarityScore": 101}]}) == [Match("x")]
    bad_shapes: list[object] = [[], {"matches": [{}]}, {"matches": "x"}]
    for bad in bad_shapes:
        with pytest.raises(ContractError):
            sbr_contract.parse_query_result(bad)


def test_values_and_max_results() -> None:
    assert sbr_contract.decode_value(sbr_contract.encode_value(b"\xfb\xff\x00")) == b"\xfb\xff\x00"
    assert sbr_contract.decode_value("-_8A") == b"\xfb\xff\x00"  # URL-safe alphabet
    with pytest.raises(ContractError):
        sbr_contract.decode_value("not base64!")
    assert sbr_contract.max_results(None) == 10 and sbr_contract.max_results("1000") == sbr_contract.MAX_RESULTS_CAP
    for bad in ("0", "x"):
        with pytest.raises(ContractError):
            sbr_contract.max_results(bad)
    assert sbr_contract.parse_algorithm_list(sbr_contract.algorithm_list(("io.iscc.v0",), ("w.1",))) == (
        "io.iscc.v0", "w.1")
