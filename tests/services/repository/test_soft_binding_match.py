"""Matching a picture's fingerprints against a real manifest repository (the sqlite store on this computer):
the match rule of domain.soft_binding decides, a record found by ISCC alone is judged by its stored PDQ, each
record comes back once in the orientation where it matched best, best first, at most `limit`."""

from __future__ import annotations

import random
from pathlib import Path

from trustnxt_desktop.cloud.sbr_contract import similarity_score
from trustnxt_desktop.domain.soft_binding import ISCC_IMAGE, PDQ, Fingerprint, Orientation, PictureFingerprints
from trustnxt_desktop.services.repository.protocol import RepositoryRecord
from trustnxt_desktop.services.repository.soft_binding_match import match_picture
from trustnxt_desktop.services.repository.sqlite import SqliteRepository


def _flip(bits: bytes, count: int, rng: random.Random) -> bytes:
    value = int.from_bytes(bits, "big")
    for position in rng.sample(range(len(bits) * 8), count):
        value ^= 1 << position
    return value.to_bytes(len(bits), "big")


def _record(label: str, pdq: bytes, iscc: bytes) -> RepositoryRecord:
    return RepositoryRecord(manifest_id=f"urn:c2pa:{label}", manifest_store=b"JUMBF " + label.encode(),
                            fingerprints=(Fingerprint(ISCC_IMAGE, iscc), Fingerprint(PDQ, pdq)),
                            media_type="image/jpeg", origin="protect", added_at="2026-11-30T10:00:00+00:00")


def _query(orientation: Orientation, pdq: bytes, iscc: bytes) -> PictureFingerprints:
    return PictureFingerprints(orientation, Fingerprint(ISCC_IMAGE, iscc), Fingerprint(PDQ, pdq), 100)


def test_the_match_rule_decides_and_the_best_match_comes_first(tmp_path: Path) -> None:
    rng = random.Random(11)
    pdq, iscc = rng.randbytes(32), rng.randbytes(8)
    repo = SqliteRepository(tmp_path)
    try:
        for label, pdq_bits, iscc_bits in [
            ("sure", 30, 40),           # PDQ ≤ 48 alone
            ("together", 70, 6),        # ISCC ≤ 10 and PDQ ≤ 90
            ("iscc-too-far", 70, 20),   # PDQ 70 without ISCC agreement: not the same picture
            ("iscc-only", 110, 3),      # found by ISCC only; its stored PDQ (110) decides: no
            ("unrelated", 128, 32),
        ]:
            assert repo.add(_record(label, _flip(pdq, pdq_bits, rng), _flip(iscc, iscc_bits, rng)))
        found = match_picture(repo, [_query(Orientation.UPRIGHT, pdq, iscc)])
        assert [(m.manifest_id, m.pdq_distance, m.iscc_distance) for m in found] == [
            ("urn:c2pa:sure", 30, None), ("urn:c2pa:together", 70, 6)]
        sure = found[0]
        assert (sure.algorithm, sure.distance, sure.orientation) == (PDQ, 30, Orientation.UPRIGHT)
        assert sure.similarity == similarity_score(30, 256)
        assert match_picture(repo, [_query(Orientation.UPRIGHT, pdq, iscc)], limit=1) == [sure]
    finally:
        repo.close()


def test_each_record_once_in_the_orientation_where_it_matched_best(tmp_path: Path) -> None:
    rng = random.Random(5)
    upright_pdq, turned_pdq = rng.randbytes(32), rng.randbytes(32)
    iscc = rng.randbytes(8)
    repo = SqliteRepository(tmp_path)
    try:
        assert repo.add(_record("turned", _flip(turned_pdq, 4, rng), _flip(iscc, 2, rng)))
        prints = [_query(Orientation.UPRIGHT, _flip(turned_pdq, 40, rng), iscc),
                  _query(Orientation.ROTATE_90, turned_pdq, iscc),
                  _query(Orientation.FLIP, upright_pdq, iscc)]
        found = match_picture(repo, prints)
        assert len(found) == 1
        assert (found[0].orientation, found[0].pdq_distance) == (Orientation.ROTATE_90, 4)
    finally:
        repo.close()


def test_restricted_to_iscc_the_stricter_iscc_rule_applies(tmp_path: Path) -> None:
    rng = random.Random(9)
    pdq, iscc = rng.randbytes(32), rng.randbytes(8)
    repo = SqliteRepository(tmp_path)
    try:
        assert repo.add(_record("close", _flip(pdq, 10, rng), _flip(iscc, 4, rng)))
        assert repo.add(_record("agrees-not-enough", _flip(pdq, 10, rng), _flip(iscc, 8, rng)))
        found = match_picture(repo, [_query(Orientation.UPRIGHT, pdq, iscc)], algorithms=(ISCC_IMAGE,))
        assert [(m.manifest_id, m.algorithm, m.distance, m.pdq_distance) for m in found] == [
            ("urn:c2pa:close", ISCC_IMAGE, 4, None)]
        assert found[0].similarity == similarity_score(4, 64)
        both = match_picture(repo, [_query(Orientation.UPRIGHT, pdq, iscc)])
        assert {m.manifest_id for m in both} == {"urn:c2pa:close", "urn:c2pa:agrees-not-enough"}
        assert match_picture(repo, []) == []
    finally:
        repo.close()
