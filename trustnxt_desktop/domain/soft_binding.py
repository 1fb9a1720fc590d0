"""Soft bindings: perceptual fingerprints of a picture, and the rule that says when two are the same picture.

A soft binding (C2PA 2.2 §9.3 "Soft bindings", assertion `c2pa.soft-binding` §18.9) ties a manifest to the
*content* rather than the bytes, so that a copy whose metadata a platform stripped, or which it re-encoded,
resized or turned, can be looked up in a manifest repository. Two algorithms are used together:

- `io.iscc.v0` — the ISCC image code (ISO 24138:2024 Content-Code Image, 64 bits), on the C2PA soft binding
  algorithm list (github.com/c2pa-org/softbinding-algorithm-list, identifier 3). Written into manifests.
- `com.trustnxt.pdq` — Meta's PDQ hash (256 bits, ThreatExchange), more robust to compression. It is not on the
  C2PA list, so it is never written into a manifest: only our repositories index it.

The match rule was measured on ~190 varied images and 424,400 pairs of different images (docs/benchmarks.md):
"PDQ ≤ 48, or ISCC ≤ 10 and PDQ ≤ 90" over the query hashed in all 8 orientations gave no false pair.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from enum import Enum

ISCC_IMAGE = "io.iscc.v0"
PDQ = "com.trustnxt.pdq"
ALGORITHMS = (ISCC_IMAGE, PDQ)
BITS = {ISCC_IMAGE: 64, PDQ: 256}

PDQ_SURE = 48  # PDQ distance at or below which two pictures are the same picture on PDQ alone
PDQ_WITH_ISCC = 90  # PDQ distance allowed when ISCC agrees too
ISCC_AGREES = 10  # ISCC image-code distance that counts as agreement
PDQ_MIN_QUALITY = 50  # PDQ's own quality score (0–100) below which a picture is too featureless to fingerprint
# How far a repository is asked to look per algorithm: anything further cannot satisfy the rule.
SEARCH_RADIUS = {ISCC_IMAGE: ISCC_AGREES, PDQ: PDQ_WITH_ISCC}


class Orientation(str, Enum):
    """The 8 ways a picture can be turned or mirrored (the dihedral group of the square; EXIF 2.32 0x0112)."""

    UPRIGHT = "upright"
    ROTATE_90 = "rotate_90"
    ROTATE_180 = "rotate_180"
    ROTATE_270 = "rotate_270"
    FLIP = "flip"  # mirrored left to right
    FLIP_ROTATE_90 = "flip_rotate_90"
    FLIP_ROTATE_180 = "flip_rotate_180"  # mirrored top to bottom
    FLIP_ROTATE_270 = "flip_rotate_270"


@dataclass(frozen=True)
class Fingerprint:
    """One perceptual fingerprint: `algorithm` (one of ALGORITHMS) and its `bits` (BITS[algorithm] bits,
    big-endian: the first byte holds the first 8 bits)."""

    algorithm: str
    bits: bytes

    def hex(self) -> str:
        return self.bits.hex()

    def base64(self) -> str:
        return base64.b64encode(self.bits).decode("ascii")

    @classmethod
    def from_hex(cls, algorithm: str, text: str) -> Fingerprint:
        """Raises ValueError for text that is not hex of the algorithm's length."""
        bits = bytes.fromhex(text)
        if algorithm in BITS and len(bits) * 8 != BITS[algorithm]:
            raise ValueError(f"a {algorithm} fingerprint has {BITS[algorithm]} bits, not {len(bits) * 8}")
        return cls(algorithm, bits)


@dataclass(frozen=True)
class PictureFingerprints:
    """The fingerprints of one picture in one orientation, with PDQ's quality score (0–100: how much detail
    the picture has; below PDQ_MIN_QUALITY it is refused as featureless)."""

    orientation: Orientation
    iscc: Fingerprint
    pdq: Fingerprint
    quality: int

    def of(self, algorithm: str) -> Fingerprint:
        return self.iscc if algorithm == ISCC_IMAGE else self.pdq


@dataclass(frozen=True)
class FingerprintResult:
    """What fingerprinting a file gave: `prints` (upright first; 8 orientations for a query, 1 to record) or,
    when none could be made, `refused` in plain language (featureless picture, no picture at all)."""

    prints: tuple[PictureFingerprints, ...] = ()
    refused: str | None = None
    width: int | None = None  # the decoded picture's size, pixels
    height: int | None = None

    @property
    def upright(self) -> PictureFingerprints | None:
        return self.prints[0] if self.prints else None


def hamming(a: bytes, b: bytes) -> int:
    """Number of differing bits. Raises ValueError for codes of different lengths."""
    if len(a) != len(b):
        raise ValueError("fingerprints of different lengths cannot be compared")
    return (int.from_bytes(a, "big") ^ int.from_bytes(b, "big")).bit_count()


def is_match(pdq_distance: int | None, iscc_distance: int | None) -> bool:
    """The match rule: PDQ ≤ PDQ_SURE, or ISCC ≤ ISCC_AGREES and PDQ ≤ PDQ_WITH_ISCC. Without a PDQ distance
    (a repository that indexes ISCC only) ISCC alone must be within half the agreement distance."""
    if pdq_distance is not None:
        if pdq_distance <= PDQ_SURE:
            return True
        return iscc_distance is not None and iscc_distance <= ISCC_AGREES and pdq_distance <= PDQ_WITH_ISCC
    return iscc_distance is not None and iscc_distance <= ISCC_AGREES // 2


def closeness(pdq_distance: int | None, iscc_distance: int | None) -> str:
    """What a match distance means, in a sentence for a non-expert."""
    if pdq_distance == 0 or (pdq_distance is None and iscc_distance == 0):
        return "The pictures look identical to the fingerprint: the same picture, perhaps re-saved."
    if pdq_distance is not None and pdq_distance <= 16:
        return "The pictures look almost the same: the same picture after compression, resizing or a small change."
    if pdq_distance is not None and pdq_distance <= PDQ_SURE:
        return "The pictures look alike: very likely the same picture after re-encoding, resizing or an edit."
    return ("The pictures look alike on both fingerprints, but not closely: the same picture after heavier "
            "changes (a border, strong compression), or a very similar picture.")
