"""engine/second_check.py: the second validator (encypher-c2pa) reads every copy protect has just signed; a copy it
does not find intact gets a warning naming what it found."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import CORPUS, SHARED
from tests.expect import protected_copy
from trustnxt_desktop.domain.protect import ProtectOptions
from trustnxt_desktop.engine.cross_check import SecondValidator
from trustnxt_desktop.engine.protect import protect_file
from trustnxt_desktop.engine.second_check import check_signed_copy


@pytest.fixture
def second(tmp_path: Path) -> SecondValidator:
    return SecondValidator(str(tmp_path / "validators" / "encypher-c2pa"))


@pytest.mark.parametrize("name", ["no_manifest.jpg", "sample1.png", "sample1.heic", "video1_no_manifest.mp4",
                                  "sample1.wav", "test.tiff"])
def test_copies_protect_signs_are_intact_for_the_second_validator(name: str, tmp_path: Path, identity,
                                                                  second: SecondValidator) -> None:
    result = protect_file(CORPUS / "media" / name, identity,
                          ProtectOptions(out_dir=tmp_path, identity_assertion=True, thumbnail_edge=0))
    assert check_signed_copy(protected_copy(result), result.media_type, second) is None


@pytest.mark.parametrize(("name", "media_type", "code"), [
    ("ai-https.jpg", "image/jpeg", "assertion.action.malformed"),
    ("ai-report.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
     "assertion.collectionHash.malformed"),
])
def test_a_copy_c2pa_rs_accepts_and_the_second_validator_does_not_is_said(name: str, media_type: str, code: str,
                                                                          second: SecondValidator) -> None:
    """Files c2pa-rs validates and encypher-c2pa does not (docs/verdicts.md): as if protect had written them."""
    warning = check_signed_copy(SHARED / "cases" / name, media_type, second)
    assert warning is not None and warning.startswith("The second, independent validator (encypher-c2pa 1.7.1) says")
    assert "failed verification" in warning and code in warning and "signingCredential.untrusted" not in warning
    assert warning.endswith("The main validator (c2pa-rs) accepted it; other validators may not.")


def test_a_copy_that_cannot_be_read_is_said(tmp_path: Path, second: SecondValidator) -> None:
    warning = check_signed_copy(tmp_path / "gone.jpg", "image/jpeg", second)
    assert warning is not None and "could not read the protected copy" in warning


def test_a_copy_with_the_original_as_its_parent_is_checked_whole(tmp_path: Path, identity,
                                                                  second: SecondValidator) -> None:
    """A signed original becomes the parent ingredient; the second validator reads the whole chain."""
    original = tmp_path / "in" / "adobe-20220124-C.jpg"
    original.parent.mkdir()
    shutil.copy(CORPUS / "c2pa" / "adobe-20220124-C.jpg", original)
    result = protect_file(original, identity, ProtectOptions(out_dir=tmp_path / "out", thumbnail_edge=0))
    assert check_signed_copy(protected_copy(result), result.media_type, second) is None
