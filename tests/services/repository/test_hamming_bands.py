"""Multi-index hashing: every code within the guaranteed distance shares a band within the probe radius."""

from __future__ import annotations

import random

from trustnxt_desktop.domain.soft_binding import ISCC_IMAGE, PDQ
from trustnxt_desktop.services.repository.hamming_bands import LAYOUTS, bands, probes


def test_probes_cover_every_value_within_the_radius() -> None:
    assert len(probes(0x1234, 1)) == 17 and len(set(probes(0x1234, 2))) == 137
    assert all(bin(p ^ 0x1234).count("1") <= 2 for p in probes(0x1234, 2))


def test_the_guarantee_holds_for_the_match_rule() -> None:
    assert LAYOUTS[ISCC_IMAGE].guaranteed(LAYOUTS[ISCC_IMAGE].radius_for(10)) >= 10
    assert LAYOUTS[PDQ].guaranteed(LAYOUTS[PDQ].radius_for(90)) == 31
    rng = random.Random(3)
    for _ in range(200):
        code = rng.randbytes(32)
        value = int.from_bytes(code, "big")
        for b in rng.sample(range(256), 31):
            value ^= 1 << b
        near = value.to_bytes(32, "big")
        assert any(n in probes(q, 1) for q, n in zip(bands(code), bands(near), strict=True))
