"""Which records of a manifest repository show the same picture as a query: the picture's fingerprints (all the
orientations it was hashed in) looked up per algorithm, then judged by the match rule of domain.soft_binding
(`is_match`: PDQ alone, or ISCC and PDQ together), best match first.

Runs synchronously (repository calls block): call it from a worker thread.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ...cloud.sbr_contract import similarity_score
from ...domain.soft_binding import (
    BITS,
    ISCC_IMAGE,
    PDQ,
    SEARCH_RADIUS,
    Orientation,
    PictureFingerprints,
    hamming,
    is_match,
)
from .protocol import ManifestRepository

_FAR = 1 << 16  # sorts an unknown distance after every known one


@dataclass(frozen=True)
class ContentMatch:
    """A record judged the same picture. `algorithm`/`distance`: the deciding fingerprint (PDQ when known) and its
    Hamming distance in bits; `similarity`: the C2PA similarityScore (0–100) of that distance; `orientation`: how
    the query had to be turned to match."""

    manifest_id: str
    algorithm: str
    distance: int
    similarity: int
    pdq_distance: int | None
    iscc_distance: int | None
    orientation: Orientation


def _rank(m: ContentMatch) -> tuple[int, int, str]:
    return (m.pdq_distance if m.pdq_distance is not None else _FAR,
            m.iscc_distance if m.iscc_distance is not None else _FAR, m.manifest_id)


def match_picture(repository: ManifestRepository, prints: Iterable[PictureFingerprints], limit: int = 10,
                  algorithms: tuple[str, ...] | None = None) -> list[ContentMatch]:
    """Records matching any of `prints` (one per orientation), at most `limit`, best first; each record once, in
    the orientation where it matched best. `algorithms` restricts the look-up (default: all the repository
    indexes). Raises what the repository raises."""
    usable = set(repository.algorithms()) & set(algorithms or (PDQ, ISCC_IMAGE))
    best: dict[str, ContentMatch] = {}
    wide = max(limit * 4, 20)  # look further than asked: a candidate may fail the combined rule
    for prints_one in prints:
        pdq = ({m.manifest_id: m.distance for m in repository.nearest(PDQ, prints_one.pdq.bits, SEARCH_RADIUS[PDQ],
                                                                       wide)} if PDQ in usable else {})
        iscc = ({m.manifest_id: m.distance for m in repository.nearest(ISCC_IMAGE, prints_one.iscc.bits,
                                                                        SEARCH_RADIUS[ISCC_IMAGE], wide)}
                if ISCC_IMAGE in usable else {})
        for manifest_id in pdq.keys() | iscc.keys():
            pdq_d, iscc_d = pdq.get(manifest_id), iscc.get(manifest_id)
            if pdq_d is None and PDQ in usable:  # found by ISCC only: its PDQ distance decides (the full rule)
                pdq_d = _stored_distance(repository, manifest_id, prints_one)
            if not is_match(pdq_d, iscc_d):
                continue
            algorithm, distance = (PDQ, pdq_d) if pdq_d is not None else (ISCC_IMAGE, iscc_d)
            assert distance is not None
            match = ContentMatch(manifest_id, algorithm, distance, similarity_score(distance, BITS[algorithm]),
                                 pdq_d, iscc_d, prints_one.orientation)
            if manifest_id not in best or _rank(match) < _rank(best[manifest_id]):
                best[manifest_id] = match
    return sorted(best.values(), key=_rank)[:limit]


def _stored_distance(repository: ManifestRepository, manifest_id: str, query: PictureFingerprints) -> int | None:
    stored = repository.manifest(manifest_id)
    if stored is None:
        return None
    for fingerprint in stored.fingerprints:
        if fingerprint.algorithm == PDQ and len(fingerprint.bits) == len(query.pdq.bits):
            return hamming(fingerprint.bits, query.pdq.bits)
    return None
