"""Band index for Hamming-distance search: a fingerprint is cut into 16-bit bands, each band is looked up in an
ordinary (btree) index, and the candidates are checked by their exact distance.

Multi-index hashing (Norouzi, Punjani and Fleet, "Fast Search in Hamming Space with Multi-Index Hashing", CVPR
2012): when two codes of `m` bands are at most `d` bits apart, at least one band differs in at most ⌊d/m⌋ bits
(pigeonhole). Probing every band value within `r` bits of the query's band therefore finds *every* code within
m·(r+1) − 1 bits; codes further away are still found when one band happens to be close, which for perceptual
fingerprints is usual. PROBE_RADIUS caps r per algorithm so that a query stays a few hundred index look-ups.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from itertools import combinations

from ...domain.soft_binding import BITS, ISCC_IMAGE, PDQ

BAND_BITS = 16


@dataclass(frozen=True)
class BandLayout:
    """How one algorithm's codes are indexed: `bands` bands of BAND_BITS bits, probed up to `max_radius` bits."""

    algorithm: str
    bands: int
    max_radius: int

    def guaranteed(self, radius: int) -> int:
        """The largest distance that a probe of `radius` bits per band is sure to find."""
        return self.bands * (radius + 1) - 1

    def radius_for(self, max_distance: int) -> int:
        """The probe radius for a query up to `max_distance` bits: exhaustive when affordable, else capped."""
        return min(max(0, max_distance) // self.bands, self.max_radius)


# ISCC (64 bits): 4 bands probed 2 bits deep find every code within 11 bits (the match rule asks 10).
# PDQ (256 bits): 16 bands probed 1 bit deep find every code within 31 bits, and most within the rule's 48.
LAYOUTS = {
    ISCC_IMAGE: BandLayout(ISCC_IMAGE, BITS[ISCC_IMAGE] // BAND_BITS, 2),
    PDQ: BandLayout(PDQ, BITS[PDQ] // BAND_BITS, 1),
}


def bands(code: bytes) -> list[int]:
    """The code's 16-bit bands, first band first (big-endian). Raises ValueError for an odd number of bytes."""
    if len(code) % 2:
        raise ValueError("a banded code has a whole number of 16-bit bands")
    return [int.from_bytes(code[i:i + 2], "big") for i in range(0, len(code), 2)]


@cache
def _flips(radius: int) -> tuple[int, ...]:
    """Every 16-bit mask with at most `radius` bits set (1 + 16 + 120 … masks)."""
    masks = [0]
    for k in range(1, radius + 1):
        masks += [sum(1 << b for b in bits) for bits in combinations(range(BAND_BITS), k)]
    return tuple(masks)


def probes(value: int, radius: int) -> list[int]:
    """Every band value within `radius` bits of `value`, `value` first."""
    return [value ^ mask for mask in _flips(radius)]
