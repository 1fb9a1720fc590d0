"""engine/parent.py: an original's own Content Credentials, examined before protecting and kept as the copy's
parentOf ingredient (C2PA spec, "Ingredient" assertion, relationship parentOf), on real corpus files."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import c2pa
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.c2pa_signing import manifest, sign
from tests.certs import TestCA
from tests.conftest import CORPUS
from trustnxt_desktop.domain.report import Verdict
from trustnxt_desktop.engine.parent import ParentCredentials, examine_parent, short_error
from trustnxt_desktop.engine.trust import TrustConfig


def _examine(path: Path, media_type: str = "image/jpeg") -> ParentCredentials:
    return examine_parent(path, media_type, path.name, TrustConfig())


def _ingredient_of_a_copy_made_with(archive: bytes) -> dict[str, Any]:
    """Sign a fresh file with the archive as its ingredient, as protect does, and read that ingredient back."""
    chain, key = TestCA().issue("Copy Signer")
    signer = c2pa.Signer.from_info(c2pa.C2paSignerInfo(c2pa.C2paSigningAlg.ES256, chain, key, None))
    builder = c2pa.Builder(manifest(), context=c2pa.Context.from_dict({"builder": {"thumbnail": {"enabled": False}}}))
    builder.add_ingredient_from_archive(io.BytesIO(archive))
    out = io.BytesIO()
    builder.sign(signer, "image/jpeg", io.BytesIO((CORPUS / "media" / "no_manifest.jpg").read_bytes()), out)
    context = c2pa.Context.from_dict({"verify": {"remote_manifest_fetch": False}})
    with c2pa.Reader("image/jpeg", io.BytesIO(out.getvalue()), context=context) as reader:
        store = json.loads(reader.json())
    (ingredient,) = store["manifests"][store["active_manifest"]]["ingredients"]
    return dict(ingredient)


@pytest.mark.parametrize("name", ["media/no_manifest.jpg", "media/sample1.wav", "media/sample1.png"])
def test_a_file_without_credentials_has_nothing_to_carry(name: str) -> None:
    found = _examine(CORPUS / name, {"jpg": "image/jpeg", "wav": "audio/wav", "png": "image/png"}[name[-3:]])
    assert found == ParentCredentials(Verdict.NONE)
    assert not found.present and found.warning() is None


def test_intact_credentials_travel_as_they_are() -> None:
    found = _examine(CORPUS / "c2pa" / "adobe-20220124-C.jpg")
    assert found.verdict is Verdict.VALID and found.present
    assert found.reason is None and found.problem is None and found.warning() is None
    assert found.archive
    ingredient = _ingredient_of_a_copy_made_with(found.archive)
    assert ingredient["relationship"] == "parentOf" and ingredient["title"] == "adobe-20220124-C.jpg"
    assert "active_manifest" in ingredient  # the original's manifest came along


@pytest.mark.parametrize(("name", "code"), [("adobe-20220124-E-sig-CA.jpg", "claimSignature.mismatch"),
                                            ("truepic-20230212-camera.jpg", "assertion.dataHash.mismatch")])
def test_failed_credentials_are_kept_marked_invalid_with_the_reason(name: str, code: str) -> None:
    found = _examine(CORPUS / "c2pa" / name)
    assert found.verdict is Verdict.INVALID and found.archive
    assert found.reason is not None and found.reason.endswith(f"; {code}")
    warning = found.warning()
    assert warning is not None and "failed verification" in warning and code in warning and "marked invalid" in warning
    recorded = _ingredient_of_a_copy_made_with(found.archive)
    codes = json.dumps(recorded.get("validation_results", recorded.get("validation_status")))
    assert code in codes  # the copy records the verdict the original had when it was taken in


@pytest.mark.parametrize(("name", "why"), [("no_alg.jpg", "unknown algorithm"),
                                           ("prerelease.jpg", "prerelease content")])
def test_unreadable_credentials_never_stop_a_protect(name: str, why: str) -> None:
    found = _examine(CORPUS / "hostile" / name)
    assert found.verdict is Verdict.ERROR and found.archive is None
    assert found.problem is not None and why in found.problem
    warning = found.warning()
    assert warning is not None and "could not be read" in warning and "without those credentials" in warning


def test_remote_credentials_are_not_fetched_and_say_where_they_live(tmp_path: Path) -> None:
    url = "http://127.0.0.1:9/manifests/original.c2pa"
    signed, _ = sign(CORPUS / "media" / "no_manifest.jpg", manifest(), TestCA().issue("Remote Signer"),
                     remote_url=url, embed=False)
    original = tmp_path / "remote.jpg"
    original.write_bytes(signed)
    found = _examine(original)
    assert found.verdict is Verdict.UNVERIFIED and found.remote_url == url
    warning = found.warning()
    assert warning is not None and f"stored online at {url}" in warning and "not checked" in warning


def test_warnings_of_each_verdict_without_details() -> None:
    assert "stored online elsewhere" in (ParentCredentials(Verdict.UNVERIFIED, archive=b"x").warning() or "")
    assert ParentCredentials(Verdict.INVALID, archive=b"x").warning() == (
        "This file's existing Content Credentials failed verification. The protected copy keeps them as the "
        "record of the original, marked invalid.")
    assert "could not be checked (timed out)" in (
        ParentCredentials(Verdict.ERROR, reason="timed out", archive=b"x").warning() or "")
    assert ParentCredentials(Verdict.TRUSTED, archive=b"x").warning() is None
    assert ParentCredentials(Verdict.UNSUPPORTED).warning() is None


def test_short_error_drops_c2pa_kind_prefixes_and_bounds_the_length() -> None:
    assert short_error(c2pa.C2paError("Signature: bad signature")) == "bad signature"
    assert short_error(ValueError("")) == "ValueError"
    assert short_error(ValueError("Verify: x" * 1)) == "x"


@given(st.text(max_size=600))
def test_short_error_is_never_longer_than_200_characters(text: str) -> None:
    short = short_error(RuntimeError(text))
    assert 0 < len(short) <= 200
    if len(text.strip()) < 190 and ": " not in text:
        assert short == (text.strip() or "RuntimeError")
