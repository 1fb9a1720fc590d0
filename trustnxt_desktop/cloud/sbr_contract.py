"""The C2PA Soft Binding Resolution API (C2PA 2.2, "Soft Binding Resolution API", OpenAPI 1.1.0): the ONLY module
that knows its paths, parameters and JSON shapes. Both the client (cloud/sbr_client.py) and our servers
(services/repository/api.py: `trustnxt repository serve` and the sandbox) read it.

What the specification fixes (confirmed): the four operations below, relative to the service's base URL (the
spec's example server is `https://c2pa.example.org/v1`); `alg` and `value` (base64, algorithm-specific) query
parameters; `maxResults` (default 10); the result `{"matches": [{"manifestId", "endpoint"?, "similarityScore"?
(integer 0–100)}]}`; `{"watermarks": [{"alg"}], "fingerprints": [{"alg"}]}`; the manifest store as
`application/c2pa`. What is ours (modelled, docs/cloud-api.md): our servers serve the API under `/v1`, take the
product's `X-API-Key` header (the specification describes OAuth 2 but leaves authentication to the service), add
the exact Hamming `distance` to each match (an extra member, which the specification's schema allows), and send a
fingerprint's value as the base64 of its raw bits (an ISCC code may also be sent as its `ISCC:…` text).
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from typing import Any

BASE_PATH = "/v1"  # where our servers serve the API (ours); a client is given the whole base URL
BY_BINDING_PATH = "/matches/byBinding"
BY_CONTENT_PATH = "/matches/byContent"
MANIFEST_PATH = "/manifests/{manifest_id}"
SUPPORTED_ALGORITHMS_PATH = "/services/supportedAlgorithms"

ALG_PARAM = "alg"
VALUE_PARAM = "value"
MAX_RESULTS_PARAM = "maxResults"
ACTIVE_ONLY_PARAM = "returnActiveManifest"
DEFAULT_MAX_RESULTS = 10
MAX_RESULTS_CAP = 100  # ours: a larger maxResults is answered with at most this many
MANIFEST_MEDIA_TYPE = "application/c2pa"
DISTANCE_FIELD = "distance"  # ours: the match's exact Hamming distance in bits


class ContractError(ValueError):
    """A request or an answer that does not have the specification's shape."""


@dataclass(frozen=True)
class Match:
    """One entry of a softBindingQueryResult. `distance` is present only from our servers."""

    manifest_id: str
    similarity: int | None = None
    endpoint: str | None = None
    distance: int | None = None


def similarity_score(distance: int, bits: int) -> int:
    """The specification's similarityScore (0 weakest … 100 strongest) for a Hamming distance over `bits` bits."""
    return max(0, min(100, round(100 * (1 - distance / bits))))


def distance_from_score(score: int, bits: int) -> int:
    """The Hamming distance a similarityScore stands for (within half a score step): the inverse of
    similarity_score, for services that do not send a distance."""
    return max(0, min(bits, round((100 - score) * bits / 100)))


def decode_value(value: str) -> bytes:
    """A query's `value` (standard or URL-safe base64). Raises ContractError."""
    text = value.strip()
    try:
        return base64.b64decode(text + "=" * (-len(text) % 4), altchars=b"-_" if "-" in text or "_" in text
                                else None, validate=True)
    except (binascii.Error, ValueError) as e:
        raise ContractError(f"{VALUE_PARAM} is not base64") from e


def encode_value(bits: bytes) -> str:
    return base64.b64encode(bits).decode("ascii")


def max_results(text: str | None) -> int:
    """`maxResults` from a query string: default 10, at least 1, at most MAX_RESULTS_CAP. Raises ContractError."""
    if text is None or text == "":
        return DEFAULT_MAX_RESULTS
    try:
        value = int(text)
    except ValueError:
        raise ContractError(f"{MAX_RESULTS_PARAM} must be a whole number") from None
    if value < 1:
        raise ContractError(f"{MAX_RESULTS_PARAM} must be at least 1")
    return min(value, MAX_RESULTS_CAP)


def query_result(matches: list[Match]) -> dict[str, Any]:
    """A softBindingQueryResult."""
    def entry(m: Match) -> dict[str, Any]:
        out: dict[str, Any] = {"manifestId": m.manifest_id}
        if m.endpoint is not None:
            out["endpoint"] = m.endpoint
        if m.similarity is not None:
            out["similarityScore"] = m.similarity
        if m.distance is not None:
            out[DISTANCE_FIELD] = m.distance
        return out
    return {"matches": [entry(m) for m in matches]}


def parse_query_result(data: Any) -> list[Match]:
    """The matches of a softBindingQueryResult. Raises ContractError for another shape."""
    if not isinstance(data, dict) or not isinstance(data.get("matches", []), list):
        raise ContractError("the answer is not a soft binding query result")
    matches = []
    for item in data.get("matches", []):
        if not isinstance(item, dict) or not isinstance(item.get("manifestId"), str) or not item["manifestId"]:
            raise ContractError("a match has no manifestId")
        score, endpoint, distance = item.get("similarityScore"), item.get("endpoint"), item.get(DISTANCE_FIELD)
        matches.append(Match(
            item["manifestId"],
            score if isinstance(score, int) and not isinstance(score, bool) and 0 <= score <= 100 else None,
            endpoint if isinstance(endpoint, str) and endpoint else None,
            distance if isinstance(distance, int) and not isinstance(distance, bool) and distance >= 0 else None))
    return matches


def algorithm_list(fingerprints: tuple[str, ...], watermarks: tuple[str, ...] = ()) -> dict[str, Any]:
    """A softBindingAlgList."""
    return {"watermarks": [{"alg": a} for a in watermarks], "fingerprints": [{"alg": a} for a in fingerprints]}


def parse_algorithm_list(data: Any) -> tuple[str, ...]:
    """Every algorithm name in a softBindingAlgList (fingerprints, then watermarks). Raises ContractError."""
    if not isinstance(data, dict):
        raise ContractError("the answer is not a soft binding algorithm list")
    names: list[str] = []
    for kind in ("fingerprints", "watermarks"):
        entries = data.get(kind, [])
        if not isinstance(entries, list):
            raise ContractError(f"{kind} is not a list")
        names += [e["alg"] for e in entries if isinstance(e, dict) and isinstance(e.get("alg"), str)]
    return tuple(names)
