"""Preview pictures made in the isolated worker pool: of a file, or of its manifest's thumbnail; None for
anything that has no picture or cannot be decoded."""

from __future__ import annotations

import io
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image

from tests.conftest import CORPUS
from trustnxt_desktop.engine.inspect import inspect_file
from trustnxt_desktop.engine.trust import TrustConfig
from trustnxt_desktop.runtime.isolation import IsolatedPool, Limits
from trustnxt_desktop.services import previews

SIGNED = CORPUS / "c2pa" / "adobe-20220124-C.jpg"


@pytest.fixture(scope="module")
def pool() -> Iterator[IsolatedPool]:
    with IsolatedPool("trustnxt_desktop.engine.untrusted_tasks", size=1, limits=Limits(seconds=20)) as p:
        yield p


def test_a_file_preview_is_a_jpeg_within_the_edge(pool: IsolatedPool) -> None:
    for name in ("P1000827.jpg", "sample1.png", "sample1.heic"):
        data = previews.file_preview(CORPUS / "media" / name, 128, pool)
        assert data is not None and max(Image.open(io.BytesIO(data)).size) <= 128, name


def test_the_manifest_thumbnail_comes_out_of_the_credentials(pool: IsolatedPool) -> None:
    identifier = inspect_file(SIGNED, TrustConfig()).thumbnail
    assert identifier
    data = previews.manifest_picture(SIGNED, identifier, 64, pool)
    assert data is not None and data[:2] == b"\xff\xd8" and max(Image.open(io.BytesIO(data)).size) <= 64
    assert previews.manifest_picture(SIGNED, "self#jumbf=/c2pa/nothing/here", 64, pool) is None


def test_no_picture_is_none_never_an_error(pool: IsolatedPool, tmp_path: Path) -> None:
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(SIGNED.read_bytes()[:3000])
    shutil.copy(CORPUS / "media" / "sample1.wav", tmp_path / "sound.wav")
    for path in (broken, tmp_path / "sound.wav", tmp_path / "missing.jpg"):
        assert previews.file_preview(path, 128, pool) is None, path.name
    assert previews.manifest_picture(CORPUS / "media" / "P1000827.jpg", "anything", 64, pool) is None


async def test_the_async_forms_run_off_the_loop() -> None:
    assert (await previews.file_preview_async(CORPUS / "media" / "P1000827.jpg", 96) or b"")[:2] == b"\xff\xd8"
