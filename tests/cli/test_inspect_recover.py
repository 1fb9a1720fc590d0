"""`trustnxt inspect --recover`: a protected photo, stripped of its credentials and re-encoded, resized, bordered
or turned, has them recovered from the manifest repository on this computer, shown as not embedded, with their own
verdict and the match; an unrelated picture recovers nothing; without --recover nothing is looked up."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from PIL import Image

from tests.cli.conftest import Trustnxt
from tests.conftest import CORPUS
from tests.picture_changes import CHANGES


@pytest.fixture
def protected(trustnxt: Trustnxt, tmp_path: Path) -> tuple[Path, str]:
    """A photo protected with the CLI: its copy and the copy's active manifest label."""
    photo = tmp_path / "photo.jpg"
    shutil.copy(CORPUS / "media" / "P1000827.jpg", photo)
    ran = trustnxt("protect", photo, "--out", tmp_path / "out", "--json")
    assert ran.code == 0, ran.err
    copy = Path(json.loads(ran.out)[0]["output"])
    report = json.loads(trustnxt("inspect", copy, "--json", "--quiet").out)[0]
    assert report["verdict"] in ("trusted", "valid")
    return copy, report["raw"]["active_manifest"]


@pytest.mark.parametrize("change", ["strip", "jpeg_q50", "resize_50", "border_20px", "rotate_90"])
def test_a_stripped_and_changed_copy_has_its_credentials_recovered(trustnxt: Trustnxt, protected: tuple[Path, str],
                                                                   tmp_path: Path, change: str) -> None:
    copy, label = protected
    received = tmp_path / f"received-{change}.jpg"
    with Image.open(copy) as picture:
        received.write_bytes(CHANGES[change](picture))
    ran = trustnxt("inspect", received, "--recover", "--json", "--quiet")
    assert ran.code == 0, ran.err
    report = json.loads(ran.out)[0]
    assert report["verdict"] == "none", "recovered credentials never change the file's own verdict"
    assert report["manifests"] == 0
    best = report["recovered"][0]
    assert best["manifest_id"] == label and best["source"] == "this computer"
    assert best["verdict"] in ("trusted", "valid"), best["summary"]
    assert best["algorithm"] == "com.trustnxt.pdq" and best["distance"] <= 90
    assert best["signer"]["common_name"] and best["thumbnail"]
    if change == "rotate_90":
        assert best["orientation"] != "upright"
    text = trustnxt("inspect", received, "--recover").out
    assert "Recovered Content Credentials — not embedded in this file" in text
    assert label in text and "looks like" in text


def test_an_unrelated_picture_recovers_nothing(trustnxt: Trustnxt, protected: tuple[Path, str],
                                               tmp_path: Path) -> None:
    other = tmp_path / "other.jpg"
    with Image.open(CORPUS / "media" / "no_manifest.jpg") as picture:
        other.write_bytes(CHANGES["strip"](picture))
    report = json.loads(trustnxt("inspect", other, "--recover", "--json", "--quiet").out)[0]
    assert report["verdict"] == "none" and report["recovered"] == []
    assert "Recovered" not in trustnxt("inspect", other, "--recover").out


def test_without_recover_nothing_is_looked_up(trustnxt: Trustnxt, protected: tuple[Path, str],
                                              tmp_path: Path) -> None:
    copy, _ = protected
    received = tmp_path / "received.jpg"
    with Image.open(copy) as picture:
        received.write_bytes(CHANGES["strip"](picture))
    assert json.loads(trustnxt("inspect", received, "--json", "--quiet").out)[0]["recovered"] == []
