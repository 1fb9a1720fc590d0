"""Soft binding at protect: a picture's copy carries a c2pa.soft-binding assertion with its ISCC image code
(io.iscc.v0) that both c2pa-rs and c2pa-ts accept, the result carries what the manifest repository keeps, and a
featureless picture is protected without one, saying why."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

from PIL import Image

from tests import c2pa_ts
from tests.conftest import CORPUS
from trustnxt_desktop.domain.protect import ProtectOptions, ProtectStatus
from trustnxt_desktop.domain.report import Verdict
from trustnxt_desktop.domain.soft_binding import ISCC_IMAGE, PDQ
from trustnxt_desktop.engine.c2pa_loader import c2pa
from trustnxt_desktop.engine.fingerprints import FEATURELESS, fingerprint_file, iscc_code
from trustnxt_desktop.engine.inspect import inspect_file
from trustnxt_desktop.engine.protect import protect_file


def _assertions(path: Path) -> dict[str, dict[str, object]]:
    with open(path, "rb") as f:
        reader = c2pa.Reader("image/jpeg", f)
        active = reader.get_active_manifest()
    return {a["label"]: a["data"] for a in active["assertions"]}


def test_a_protected_picture_carries_its_iscc_soft_binding(tmp_path: Path, identity, local_trust) -> None:
    source = tmp_path / "photo.jpg"
    shutil.copy(CORPUS / "media" / "P1000827.jpg", source)
    result = protect_file(source, identity, ProtectOptions())
    assert result.status is ProtectStatus.DONE and result.output is not None, result.error
    expected = fingerprint_file(source).upright
    assert expected is not None
    assert result.fingerprints == (expected.iscc, expected.pdq)
    assert [f.algorithm for f in result.fingerprints] == [ISCC_IMAGE, PDQ]
    binding = _assertions(result.output)["c2pa.soft-binding"]
    assert binding["alg"] == ISCC_IMAGE
    assert binding["blocks"] == [{"scope": {}, "value": iscc_code(expected.iscc)}]
    assert inspect_file(result.output, local_trust).verdict is Verdict.TRUSTED
    # What the repository keeps: the manifest store as signed, its label, the signed thumbnail.
    assert result.manifest_store is not None and result.thumbnail is not None
    with open(result.output, "rb") as f:
        label = c2pa.Reader("image/jpeg", f).get_active_manifest()["label"]
    assert result.manifest_label == label
    store = c2pa.Reader("application/c2pa", io.BytesIO(result.manifest_store))
    assert store.get_active_manifest()["label"] == label


def test_c2pa_ts_validates_a_copy_with_a_soft_binding(tmp_path: Path, identity) -> None:
    source = tmp_path / "photo.jpg"
    shutil.copy(CORPUS / "c2pa" / "truepic-20230212-camera.jpg", source)
    with Image.open(source) as picture:  # without its own manifest
        picture.save(source, "JPEG", quality=92)
    result = protect_file(source, identity, ProtectOptions())
    assert result.status is ProtectStatus.DONE and result.output is not None and result.fingerprints
    verdict = c2pa_ts.validate(result.output)
    assert verdict.readable and verdict.manifests == 1
    assert verdict.valid, verdict.failures()


def test_a_featureless_picture_is_protected_without_a_soft_binding(tmp_path: Path, identity) -> None:
    source = tmp_path / "sky.jpg"
    Image.new("RGB", (640, 480), (120, 170, 230)).save(source, quality=90)
    result = protect_file(source, identity, ProtectOptions())
    assert result.status is ProtectStatus.DONE and result.output is not None
    assert result.fingerprints == () and result.manifest_label is None
    assert f"No soft binding: {FEATURELESS}" in result.warnings
    assert "c2pa.soft-binding" not in _assertions(result.output)


def test_soft_binding_can_be_turned_off_and_is_never_made_for_other_media(tmp_path: Path, identity) -> None:
    source = tmp_path / "photo.jpg"
    shutil.copy(CORPUS / "media" / "P1000827.jpg", source)
    result = protect_file(source, identity, ProtectOptions(soft_binding=False))
    assert result.status is ProtectStatus.DONE and result.output is not None and result.fingerprints == ()
    assert "c2pa.soft-binding" not in _assertions(result.output)
    sound = tmp_path / "sound.wav"
    shutil.copy(CORPUS / "media" / "sample1.wav", sound)
    assert protect_file(sound, identity, ProtectOptions()).fingerprints == ()
