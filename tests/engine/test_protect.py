"""Protect every media format, verify the copies, and make sure originals and users' files are safe."""

from __future__ import annotations

import hashlib
import io
import shutil
import threading
from pathlib import Path

import pytest
from PIL import Image

from tests.conftest import CORPUS
from tests.media_tools import flip_jpeg_image_byte, flip_png_image_byte, make_jpeg, strip_jpeg_manifest, strip_png_manifest
from trustnxt_desktop.domain.protect import DIGITAL_CAPTURE, DIGITAL_CREATION, ProtectOptions, ProtectStatus
from trustnxt_desktop.domain.report import Verdict
from trustnxt_desktop.engine.inspect import extract_resource, inspect_file
from trustnxt_desktop.engine.output import PARTIAL_SUFFIX
from trustnxt_desktop.engine.protect import protect_file
from trustnxt_desktop.engine.trust import TrustConfig

MEDIA = sorted(p for p in (CORPUS / "media").iterdir() if p.is_file())


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("source", MEDIA, ids=[p.name for p in MEDIA])
def test_every_media_format_protects_and_verifies(source: Path, tmp_path: Path, identity, local_trust) -> None:  # type: ignore[no-untyped-def]
    before = sha(source)
    result = protect_file(source, identity, ProtectOptions(out_dir=tmp_path, author="Ada Lovelace"))
    assert result.status is ProtectStatus.DONE, result.error
    assert sha(source) == before, "the original must never change"
    assert result.output is not None and result.output.parent == tmp_path
    assert result.output.name == f"{source.stem}.protected{source.suffix}"
    trusted = inspect_file(result.output, local_trust)
    assert trusted.verdict is Verdict.TRUSTED, trusted.summary
    assert trusted.signer is not None and trusted.signer.common_name == "Test Photographer"
    assert trusted.signer.trust_source == "Test identity" and trusted.signer.issuer == "TrustNXT Tests"
    assert trusted.claim_generator == "TrustNXT Desktop 0.1.0"
    (action,) = trusted.actions
    assert action.action == "c2pa.created" and action.digital_source_type in (DIGITAL_CAPTURE, DIGITAL_CREATION)
    assert trusted.ai_generated is False
    labels = [a["label"] for a in trusted.raw["manifests"][trusted.raw["active_manifest"]]["assertions"]]  # type: ignore[index]
    assert "cawg.training-mining" in labels and "stds.schema-org.CreativeWork" in labels
    assert inspect_file(result.output, TrustConfig()).verdict is Verdict.VALID
    assert not list(tmp_path.glob(f"*{PARTIAL_SUFFIX}"))


@pytest.mark.parametrize("name", ["trustnxt-icon.jpg", "trustnxt-icon.heic", "sample1.avif", "sample1.png"])
def test_our_thumbnail_is_small_and_decodable(name: str, tmp_path: Path, identity) -> None:  # type: ignore[no-untyped-def]
    result = protect_file(CORPUS / "media" / name, identity, ProtectOptions(out_dir=tmp_path, thumbnail_edge=256))
    report = inspect_file(result.output, TrustConfig())  # type: ignore[arg-type]
    assert report.thumbnail
    buf = io.BytesIO()
    extract_resource(result.output, report.thumbnail, buf)  # type: ignore[arg-type]
    buf.seek(0)
    with Image.open(buf) as im:
        assert im.format == "JPEG" and max(im.size) <= 256


def test_thumbnail_off_and_camera_source_type(tmp_path: Path, identity) -> None:  # type: ignore[no-untyped-def]
    photo = make_jpeg(tmp_path / "camera.jpg", 640, 480, exif_camera=True)
    drawing = make_jpeg(tmp_path / "graphic.jpg", 640, 480, exif_camera=False)
    out = tmp_path / "out"
    cam = inspect_file(protect_file(photo, identity, ProtectOptions(out_dir=out, thumbnail_edge=0)).output, TrustConfig())  # type: ignore[arg-type]
    assert cam.thumbnail is None
    assert cam.actions[0].digital_source_type == DIGITAL_CAPTURE
    art = inspect_file(protect_file(drawing, identity, ProtectOptions(out_dir=out)).output, TrustConfig())  # type: ignore[arg-type]
    assert art.actions[0].digital_source_type == DIGITAL_CREATION


def test_training_assertion_and_author_follow_options(tmp_path: Path, identity) -> None:  # type: ignore[no-untyped-def]
    result = protect_file(CORPUS / "media" / "trustnxt-icon.png", identity,
                          ProtectOptions(out_dir=tmp_path, do_not_train=False, author=None))
    report = inspect_file(result.output, TrustConfig())  # type: ignore[arg-type]
    labels = [a["label"] for a in report.raw["manifests"][report.raw["active_manifest"]]["assertions"]]  # type: ignore[index]
    assert labels == ["c2pa.actions.v2"]


@pytest.mark.parametrize(("name", "flip", "strip"), [
    ("trustnxt-icon.jpg", flip_jpeg_image_byte, strip_jpeg_manifest),
    ("sample1.png", flip_png_image_byte, strip_png_manifest),
])
def test_tampering_is_detected_and_stripping_leaves_none(name, flip, strip, tmp_path: Path, identity, local_trust) -> None:  # type: ignore[no-untyped-def]
    protected = protect_file(CORPUS / "media" / name, identity, ProtectOptions(out_dir=tmp_path)).output
    data = protected.read_bytes()  # type: ignore[union-attr]
    tampered = tmp_path / f"tampered{protected.suffix}"  # type: ignore[union-attr]
    tampered.write_bytes(flip(data))
    report = inspect_file(tampered, local_trust)
    assert report.verdict is Verdict.INVALID
    assert "assertion.dataHash.mismatch" in report.validation.failure_codes()
    assert "changed after it was signed" in report.summary
    stripped = tmp_path / f"stripped{protected.suffix}"  # type: ignore[union-attr]
    stripped.write_bytes(strip(data))
    assert inspect_file(stripped, local_trust).verdict is Verdict.NONE


def test_never_overwrites_and_picks_a_free_name(tmp_path: Path, identity) -> None:  # type: ignore[no-untyped-def]
    source = tmp_path / "photo.jpg"
    shutil.copy(CORPUS / "media" / "trustnxt-icon.jpg", source)
    users_file = tmp_path / "photo.protected.jpg"
    users_file.write_bytes(b"the user's own file")
    first = protect_file(source, identity, ProtectOptions())
    second = protect_file(source, identity, ProtectOptions())
    assert users_file.read_bytes() == b"the user's own file"
    assert first.output == tmp_path / "photo.protected (2).jpg"
    assert second.output == tmp_path / "photo.protected (3).jpg"


def test_already_protected_file_is_opened_with_its_history(tmp_path: Path, identity, local_trust) -> None:  # type: ignore[no-untyped-def]
    once = protect_file(CORPUS / "media" / "trustnxt-icon.jpg", identity, ProtectOptions(out_dir=tmp_path)).output
    twice = protect_file(once, identity, ProtectOptions(out_dir=tmp_path))  # type: ignore[arg-type]
    report = inspect_file(twice.output, local_trust)  # type: ignore[arg-type]
    assert report.verdict is Verdict.TRUSTED
    assert report.actions[0].action == "c2pa.opened"
    (parent,) = report.ingredients
    assert parent.relationship == "parentOf" and parent.verdict is Verdict.TRUSTED
    assert report.manifests == 2


def test_bad_inputs_get_clear_results_and_leave_nothing(tmp_path: Path, identity) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "out"
    empty = tmp_path / "empty.jpg"
    empty.write_bytes(b"")
    text = CORPUS / "hostile" / "unsupported_type.txt"
    truncated = tmp_path / "truncated.jpg"
    truncated.write_bytes((CORPUS / "media" / "trustnxt-icon.jpg").read_bytes()[:200])
    results = {p.name: protect_file(p, identity, ProtectOptions(out_dir=out)) for p in
               (empty, text, truncated, tmp_path / "missing.jpg", CORPUS / "hostile" / "no_alg.jpg")}
    assert results["empty.jpg"].status is ProtectStatus.FAILED and "empty" in results["empty.jpg"].error  # type: ignore[operator]
    assert results["unsupported_type.txt"].status is ProtectStatus.SKIPPED
    assert results["missing.jpg"].status is ProtectStatus.FAILED and "no longer exists" in results["missing.jpg"].error  # type: ignore[operator]
    assert results["no_alg.jpg"].status is ProtectStatus.FAILED and results["no_alg.jpg"].error
    assert results["truncated.jpg"].status in (ProtectStatus.FAILED, ProtectStatus.DONE)
    leftovers = [p for p in out.glob("*")] if out.exists() else []
    assert all(p.name.startswith("truncated.protected") for p in leftovers), leftovers


def test_misnamed_file_gets_its_true_extension(tmp_path: Path, identity) -> None:  # type: ignore[no-untyped-def]
    liar = tmp_path / "holiday.png"
    shutil.copy(CORPUS / "media" / "trustnxt-icon.jpg", liar)
    result = protect_file(liar, identity, ProtectOptions())
    assert result.status is ProtectStatus.DONE
    assert result.output == tmp_path / "holiday.protected.jpg"
    assert result.warnings and "image/jpeg" in result.warnings[0]


def test_unreachable_timestamp_authority_fails_the_file_cleanly(tmp_path: Path, identity) -> None:  # type: ignore[no-untyped-def]
    result = protect_file(CORPUS / "media" / "trustnxt-icon.jpg", identity,
                          ProtectOptions(out_dir=tmp_path / "out", tsa_url="http://127.0.0.1:9/tsa"))
    assert result.status is ProtectStatus.FAILED
    assert "timestamp authority" in result.error  # type: ignore[operator]
    assert list((tmp_path / "out").iterdir()) == []


def test_cancel_before_publish_leaves_no_output(tmp_path: Path, identity) -> None:  # type: ignore[no-untyped-def]
    cancel = threading.Event()
    cancel.set()
    result = protect_file(CORPUS / "media" / "trustnxt-icon.jpg", identity, ProtectOptions(out_dir=tmp_path / "out"),
                          cancel)
    assert result.status is ProtectStatus.CANCELLED and result.output is None
    assert not (tmp_path / "out").exists()

