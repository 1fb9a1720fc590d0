"""engine/privacy/formats.py: which rewriter removes metadata from each protectable format, checked on the corpus's
real files as sniffed from their bytes, and the inventory's `rewritable` flag agrees; documents have none."""

from __future__ import annotations

import pytest

from tests.conftest import CORPUS
from trustnxt_desktop.engine.media import sniff
from trustnxt_desktop.engine.privacy.formats import REWRITERS, Rewriter, rewritable, rewriter
from trustnxt_desktop.engine.privacy.inventory import take_inventory

EXPECTED = {
    "media/P1000827.jpg": Rewriter.EXIFTOOL, "media/sample1.png": Rewriter.EXIFTOOL,
    "media/test.tiff": Rewriter.EXIFTOOL, "media/sample1.gif": Rewriter.EXIFTOOL,
    "media/sample1.avif": Rewriter.EXIFTOOL, "media/sample1.heic": Rewriter.EXIFTOOL,
    "media/video1_no_manifest.mp4": Rewriter.EXIFTOOL, "media/c.mov": Rewriter.EXIFTOOL,
    "media/sample1.m4a": Rewriter.EXIFTOOL, "media/sample1.webp": Rewriter.RIFF, "media/sample1.wav": Rewriter.RIFF,
    "media/sample1.mp3": Rewriter.ID3, "media/sample1.flac": Rewriter.FLAC,
    "c2pa/adobe-20240110-single_manifest_store.pdf": None,
}


@pytest.mark.parametrize(("name", "expected"), sorted(EXPECTED.items()))
def test_each_corpus_file_has_its_rewriter_and_the_inventory_agrees(name: str, expected: Rewriter | None) -> None:
    path = CORPUS / name
    media_type = sniff(path)
    assert media_type is not None
    assert rewriter(media_type) is expected
    assert rewritable(media_type) is (expected is not None)
    assert take_inventory(path, media_type).rewritable is (expected is not None)


def test_unknown_and_missing_types_have_no_rewriter() -> None:
    for media_type in (None, "", "application/pdf", "image/svg+xml", "text/plain", "IMAGE/JPEG"):
        assert rewriter(media_type) is None and not rewritable(media_type)
    assert {t.split("/")[0] for t in REWRITERS} == {"image", "video", "audio"}
    assert set(REWRITERS.values()) == set(Rewriter)
