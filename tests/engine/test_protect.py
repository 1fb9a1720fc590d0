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
from tests.expect import present, protected_copy
from tests.media_tools import (
    flip_jpeg_image_byte,
    flip_png_image_byte,
    make_jpeg,
    strip_jpeg_manifest,
    strip_png_manifest,
)
from trustnxt_desktop.domain.protect import (
    DIGITAL_CAPTURE,
    DIGITAL_CREATION,
    HUMAN_EDITS,
    SCREEN_CAPTURE,
    TRAINED_ALGORITHMIC,
    ContentSource,
    ProtectOptions,
    ProtectStatus,
)
from trustnxt_desktop.domain.report import CheckStatus, Verdict
from trustnxt_desktop.engine.inspect import extract_resource, inspect_file
from trustnxt_desktop.engine.parent import ParentCredentials
from trustnxt_desktop.engine.protect import protect_file
from trustnxt_desktop.engine.trust import TrustConfig
from trustnxt_desktop.engine.untrusted import parent_isolated
from trustnxt_desktop.runtime.atomic import PARTIAL_SUFFIX
from trustnxt_desktop.runtime.isolation import FAULT_ENV, IsolatedPool, Limits

MEDIA = sorted(p for p in (CORPUS / "media").iterdir() if p.is_file())


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("source", MEDIA, ids=[p.name for p in MEDIA])
def test_every_media_format_protects_and_verifies(source: Path, tmp_path: Path, identity, local_trust) -> None:
    before = sha(source)
    result = protect_file(source, identity, ProtectOptions(out_dir=tmp_path, author="Ada Lovelace"))
    assert result.status is ProtectStatus.DONE, result.error
    assert sha(source) == before, "the original must never change"
    assert result.output is not None and result.output.parent == tmp_path
    assert result.output.name == f"{source.stem}.protected{source.suffix}"
    trusted = inspect_file(result.output, local_trust)
    assert trusted.verdict is Verdict.TRUSTED, trusted.summary
    assert trusted.signer is not None and trusted.signer.common_name == "Test Photographer"
    assert trusted.signer.trust_source == "Test identity" and trusted.signer.organisation == "TrustNXT Tests"
    assert trusted.signer.issuer == "Test Photographer — TrustNXT Desktop Root CA (TrustNXT Tests)", "the issuing CA"
    assert trusted.claim_generator == "TrustNXT Desktop 0.1.0"
    (action,) = trusted.actions
    assert action.action == "c2pa.created" and action.digital_source_type == DIGITAL_CAPTURE, "the default claim"
    assert trusted.ai_generated is False
    raw = present(trusted.raw, "manifest store")
    labels = [a["label"] for a in raw["manifests"][raw["active_manifest"]]["assertions"]]
    assert "cawg.training-mining" in labels and "stds.schema-org.CreativeWork" in labels
    assert inspect_file(result.output, TrustConfig()).verdict is Verdict.VALID
    assert not list(tmp_path.glob(f"*{PARTIAL_SUFFIX}"))


@pytest.mark.parametrize("name", ["trustnxt-icon.jpg", "trustnxt-icon.heic", "sample1.avif", "sample1.png"])
def test_our_thumbnail_is_small_and_decodable(name: str, tmp_path: Path, identity) -> None:
    result = protect_file(CORPUS / "media" / name, identity, ProtectOptions(out_dir=tmp_path, thumbnail_edge=256))
    report = inspect_file(protected_copy(result), TrustConfig())
    assert report.thumbnail
    buf = io.BytesIO()
    extract_resource(protected_copy(result), report.thumbnail, buf)
    buf.seek(0)
    with Image.open(buf) as im:
        assert im.format == "JPEG" and max(im.size) <= 256


@pytest.mark.parametrize(("claim", "term"), [
    (ContentSource.CAMERA, DIGITAL_CAPTURE), (ContentSource.EDITED, HUMAN_EDITS),
    (ContentSource.AI, TRAINED_ALGORITHMIC), (ContentSource.SCREEN, SCREEN_CAPTURE),
    (ContentSource.OTHER, DIGITAL_CREATION),
])
def test_the_chosen_claim_is_the_digital_source_type_whatever_exif_says(claim, term, tmp_path: Path, identity) -> None:
    # The picture's unsigned EXIF names a camera (and the other one none): only the person's choice counts.
    for exif_camera in (True, False):
        photo = make_jpeg(tmp_path / f"photo-{exif_camera}.jpg", 320, 240, exif_camera=exif_camera)
        result = protect_file(photo, identity, ProtectOptions(out_dir=tmp_path / "out", content_source=claim))
        report = inspect_file(protected_copy(result), TrustConfig())
        (action,) = report.actions
        assert (action.action, action.digital_source_type) == ("c2pa.created", term)
        assert report.ai_generated is (claim is ContentSource.AI)


def test_thumbnail_off(tmp_path: Path, identity) -> None:
    photo = make_jpeg(tmp_path / "camera.jpg", 640, 480)
    done = protect_file(photo, identity, ProtectOptions(out_dir=tmp_path / "out", thumbnail_edge=0))
    cam = inspect_file(protected_copy(done), TrustConfig())
    assert cam.thumbnail is None


def test_training_assertion_and_author_follow_options(tmp_path: Path, identity) -> None:
    result = protect_file(CORPUS / "media" / "trustnxt-icon.png", identity,
                          ProtectOptions(out_dir=tmp_path, do_not_train=False, author=None, soft_binding=False))
    report = inspect_file(protected_copy(result), TrustConfig())
    raw = present(report.raw, "manifest store")
    labels = [a["label"] for a in raw["manifests"][raw["active_manifest"]]["assertions"]]
    assert labels == ["c2pa.actions.v2"]


@pytest.mark.parametrize(("name", "flip", "strip"), [
    ("trustnxt-icon.jpg", flip_jpeg_image_byte, strip_jpeg_manifest),
    ("sample1.png", flip_png_image_byte, strip_png_manifest),
])
def test_tampering_is_detected_and_stripping_leaves_none(name, flip, strip, tmp_path: Path, identity,
                                                         local_trust) -> None:
    protected = protected_copy(protect_file(CORPUS / "media" / name, identity, ProtectOptions(out_dir=tmp_path)))
    data = protected.read_bytes()
    tampered = tmp_path / f"tampered{protected.suffix}"
    tampered.write_bytes(flip(data))
    report = inspect_file(tampered, local_trust)
    assert report.verdict is Verdict.INVALID
    assert "assertion.dataHash.mismatch" in report.validation.failure_codes()
    assert "changed after it was signed" in report.summary
    stripped = tmp_path / f"stripped{protected.suffix}"
    stripped.write_bytes(strip(data))
    assert inspect_file(stripped, local_trust).verdict is Verdict.NONE


def test_never_overwrites_and_picks_a_free_name(tmp_path: Path, identity) -> None:
    source = tmp_path / "photo.jpg"
    shutil.copy(CORPUS / "media" / "trustnxt-icon.jpg", source)
    users_file = tmp_path / "photo.protected.jpg"
    users_file.write_bytes(b"the user's own file")
    first = protect_file(source, identity, ProtectOptions())
    second = protect_file(source, identity, ProtectOptions())
    assert users_file.read_bytes() == b"the user's own file"
    assert first.output == tmp_path / "photo.protected (2).jpg"
    assert second.output == tmp_path / "photo.protected (3).jpg"


def test_already_protected_file_is_opened_with_its_history(tmp_path: Path, identity, local_trust) -> None:
    original = CORPUS / "media" / "trustnxt-icon.jpg"
    once = protected_copy(protect_file(original, identity, ProtectOptions(out_dir=tmp_path)))
    twice = protect_file(once, identity, ProtectOptions(out_dir=tmp_path))
    report = inspect_file(protected_copy(twice), local_trust)
    assert report.verdict is Verdict.TRUSTED
    assert report.actions[0].action == "c2pa.opened"
    (parent,) = report.ingredients
    assert parent.relationship == "parentOf" and parent.verdict is Verdict.TRUSTED
    assert report.manifests == 2


def test_bad_inputs_get_clear_results_and_leave_nothing(tmp_path: Path, identity) -> None:
    out = tmp_path / "out"
    empty = tmp_path / "empty.jpg"
    empty.write_bytes(b"")
    text = CORPUS / "hostile" / "unsupported_type.txt"
    truncated = tmp_path / "truncated.jpg"
    truncated.write_bytes((CORPUS / "media" / "trustnxt-icon.jpg").read_bytes()[:200])
    results = {p.name: protect_file(p, identity, ProtectOptions(out_dir=out)) for p in
               (empty, text, truncated, tmp_path / "missing.jpg")}
    assert results["empty.jpg"].status is ProtectStatus.FAILED and "empty" in (results["empty.jpg"].error or "")
    assert results["unsupported_type.txt"].status is ProtectStatus.SKIPPED
    assert results["missing.jpg"].status is ProtectStatus.FAILED
    assert "no longer exists" in (results["missing.jpg"].error or "")
    assert results["truncated.jpg"].status in (ProtectStatus.FAILED, ProtectStatus.DONE)
    leftovers = [p for p in out.glob("*")] if out.exists() else []
    assert all(p.name.startswith("truncated.protected") for p in leftovers), leftovers


def test_misnamed_file_gets_its_true_extension(tmp_path: Path, identity) -> None:
    liar = tmp_path / "holiday.png"
    shutil.copy(CORPUS / "media" / "trustnxt-icon.jpg", liar)
    result = protect_file(liar, identity, ProtectOptions())
    assert result.status is ProtectStatus.DONE
    assert result.output == tmp_path / "holiday.protected.jpg"
    assert result.warnings and "image/jpeg" in result.warnings[0]


def test_unreachable_timestamp_authority_fails_the_file_cleanly(tmp_path: Path, identity) -> None:
    result = protect_file(CORPUS / "media" / "trustnxt-icon.jpg", identity,
                          ProtectOptions(out_dir=tmp_path / "out", tsa_url="http://127.0.0.1:9/tsa"))
    assert result.status is ProtectStatus.FAILED
    assert "timestamp authority" in (result.error or "")
    assert list((tmp_path / "out").iterdir()) == []


def test_cancel_before_publish_leaves_no_output(tmp_path: Path, identity) -> None:
    cancel = threading.Event()
    cancel.set()
    result = protect_file(CORPUS / "media" / "trustnxt-icon.jpg", identity, ProtectOptions(out_dir=tmp_path / "out"),
                          cancel)
    assert result.status is ProtectStatus.CANCELLED and result.output is None
    assert not (tmp_path / "out").exists()



# -- originals that already carry Content Credentials -------------------------------------------------
# Each is protected whatever state its own credentials are in; the warning says what they are and
# whether the copy keeps them (c2pa-rs#2090, c2pa-rs#831, c2pa-rs#1413 and the corpus's hostile files).
CASES = CORPUS.parent / "cases"
CARRYING = {
    CORPUS / "c2pa" / "adobe-20220124-E-dat-CA.jpg": ("failed verification", "signature; assertion.dataHash.mismatch)",
                                                      "marked invalid"),
    CASES / "remote-only.jpg": ("stored online at http://127.0.0.1:9/manifests/remote-only.c2pa ", "not checked"),
    CASES / "actions-key-renamed.jpg": ("could not be read", "`actions`", "without those credentials"),
    CORPUS / "hostile" / "no_alg.jpg": ("could not be read (unknown algorithm)", "without those credentials"),
    CORPUS / "hostile" / "prerelease.jpg": ("could not be read", "without those credentials"),
}


@pytest.mark.parametrize("original", list(CARRYING), ids=[p.name for p in CARRYING])
def test_broken_remote_or_unreadable_credentials_never_stop_protect(original: Path, tmp_path: Path, identity,
                                                                     local_trust) -> None:
    before = sha(original)
    result = protect_file(original, identity, ProtectOptions(out_dir=tmp_path, content_source=ContentSource.EDITED))
    assert result.status is ProtectStatus.DONE, result.error
    assert sha(original) == before, "the original must never change"
    (warning,) = result.warnings
    for words in CARRYING[original]:
        assert words in warning, warning
    report = inspect_file(protected_copy(result), local_trust)
    assert report.verdict is Verdict.TRUSTED, report.summary  # our own signature over the copy is sound
    (action,) = report.actions
    assert (action.action, action.digital_source_type) == ("c2pa.opened", HUMAN_EDITS)
    (parent,) = report.ingredients
    assert (parent.title, parent.relationship) == (original.name, "parentOf")


def test_intact_credentials_are_kept_without_a_warning(tmp_path: Path, identity, local_trust) -> None:
    original = CORPUS / "c2pa" / "adobe-20220124-CA.jpg"
    result = protect_file(original, identity, ProtectOptions(out_dir=tmp_path))
    assert result.status is ProtectStatus.DONE and result.warnings == []
    report = inspect_file(protected_copy(result), local_trust)
    (parent,) = report.ingredients
    assert parent.manifest, "the original's own manifest travels with the copy"
    assert parent.verdict in (Verdict.VALID, Verdict.TRUSTED)


def test_protected_copy_of_a_tampered_original_shows_its_parent_invalid(tmp_path: Path, identity, local_trust) -> None:
    # ../shared/cases/README.md: the parent ingredient is `invalid` with assertion.dataHash.mismatch and
    # the ingredients check is `warn`. These values come from how Inspect reads what c2pa recorded for an
    # ingredient (engine/interpret.py).
    result = protect_file(CORPUS / "c2pa" / "adobe-20220124-E-dat-CA.jpg", identity, ProtectOptions(out_dir=tmp_path))
    report = inspect_file(protected_copy(result), local_trust)
    raw = present(report.raw, "manifest store")
    am = raw["manifests"][raw["active_manifest"]]
    recorded = am["ingredients"][0]["validation_results"]["activeManifest"]["failure"]
    assert "assertion.dataHash.mismatch" in [c["code"] for c in recorded], "c2pa recorded the original's verdict"
    (parent,) = report.ingredients
    assert "assertion.dataHash.mismatch" in parent.failure_codes
    assert parent.verdict is Verdict.INVALID
    assert next(c for c in report.checks if c.id == "ingredients").status is CheckStatus.WARN


def test_a_manifest_c2pa_refuses_while_signing_is_left_out_not_fatal(tmp_path: Path, identity) -> None:
    # The isolated reader answered with an ingredient the signing process cannot use: the copy records the
    # original without its manifest and says so.
    def reader(source: Path, media_type: str, title: str) -> ParentCredentials:
        return ParentCredentials(Verdict.VALID, archive=b"not a C2PA archive")

    original = CORPUS / "c2pa" / "adobe-20220124-CA.jpg"
    result = protect_file(original, identity, ProtectOptions(out_dir=tmp_path), parent_reader=reader)
    assert result.status is ProtectStatus.DONE, result.error
    (warning,) = result.warnings
    assert "could not be read" in warning and "without those credentials" in warning
    (parent,) = inspect_file(protected_copy(result), TrustConfig()).ingredients
    assert parent.title == original.name and parent.manifest is None


def test_a_reader_that_crashes_on_the_original_costs_only_its_record(tmp_path: Path, identity,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(FAULT_ENV, "abort:crashme")
    original = tmp_path / "crashme.jpg"
    shutil.copy(CORPUS / "c2pa" / "adobe-20220124-CA.jpg", original)
    before = sha(original)
    with IsolatedPool("trustnxt_desktop.engine.untrusted_tasks", size=1, limits=Limits(seconds=10)) as pool:
        result = protect_file(original, identity, ProtectOptions(out_dir=tmp_path / "out", thumbnail_edge=0),
                              parent_reader=lambda p, m, t: parent_isolated(pool, p, m, t, TrustConfig()))
        assert pool.stats.failures == {"crash": 1}
    assert result.status is ProtectStatus.DONE, result.error
    assert sha(original) == before
    (warning,) = result.warnings
    assert "crashed or stalled" in warning and "without those credentials" in warning


def test_a_damaged_mp4_is_called_damaged_not_a_type_that_cannot_carry_credentials(
        tmp_path: Path, identity) -> None:
    import struct

    def box(kind: bytes, payload: bytes) -> bytes:
        return struct.pack(">I", 8 + len(payload)) + kind + payload

    nested = b""
    for _ in range(300):  # deeper than c2pa-rs parses: it answers "Boxes are too deply nested, unsupported asset"
        nested = box(b"moov", nested)
    source = tmp_path / "nested.mp4"
    source.write_bytes(box(b"ftyp", b"isom\x00\x00\x02\x00isomiso2mp41") + nested + box(b"mdat", bytes(16)))
    before = sha(source)
    result = protect_file(source, identity, ProtectOptions(out_dir=tmp_path / "out"))
    assert result.status is ProtectStatus.FAILED and result.error is not None
    assert result.error.startswith("This file looks damaged") and "cannot carry" not in result.error
    assert sha(source) == before and not list((tmp_path / "out").glob("*.mp4"))
