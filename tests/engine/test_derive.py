"""engine/derive.py: web exports and caption edits are new signed copies whose parent ingredient is the file they
were made from, with its manifest and verdict; the chains validate in c2pa-rs and in TrustNXT's c2pa-ts."""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path

import pytest
from PIL import Image

from tests import c2pa_ts
from tests.conftest import CORPUS
from tests.expect import present, protected_copy
from tests.geotagged import (
    CAPTION,
    CITY,
    CREDIT,
    KEYWORDS,
    LOCATION_TEXTS,
    exif_gps_bytes,
    geotagged_jpeg,
    geotagged_png,
)
from trustnxt_desktop.domain.derive import CaptionEdit, WebExport, WebFormat
from trustnxt_desktop.domain.protect import ContentSource, ProtectOptions, ProtectResult, ProtectStatus
from trustnxt_desktop.domain.report import InspectionReport, Verdict
from trustnxt_desktop.engine.derive import export_for_web, read_caption, save_caption
from trustnxt_desktop.engine.derive_render import read_caption as read_caption_here
from trustnxt_desktop.engine.inspect import inspect_file
from trustnxt_desktop.engine.protect import protect_file
from trustnxt_desktop.engine.trust import TrustConfig


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def protected(tmp_path: Path, identity) -> Path:
    """A camera photo with location, caption and keywords, protected as captured by a device."""
    original = geotagged_jpeg(tmp_path / "harbour.jpg")
    return protected_copy(protect_file(original, identity, ProtectOptions(out_dir=tmp_path / "protected")))


def _assertion_labels(report: InspectionReport) -> list[str]:
    raw = present(report.raw, "manifest store")
    return [str(a["label"]) for a in raw["manifests"][raw["active_manifest"]]["assertions"]]


def _chain_holds(copy: Path, parent_name: str, local_trust: TrustConfig, actions: list[str]) -> InspectionReport:
    """The copy is trusted, opens its parent (named, trusted, its own manifest kept) and says what was done."""
    report = inspect_file(copy, local_trust)
    assert report.verdict is Verdict.TRUSTED, report.summary
    assert [a.action for a in report.actions] == actions
    assert report.actions[0].digital_source_type is None  # the parent's manifest says where the content came from
    (parent,) = report.ingredients
    assert (parent.title, parent.relationship, parent.verdict) == (parent_name, "parentOf", Verdict.TRUSTED)
    assert report.manifests == 2  # the parent's own manifest travels inside the copy
    return report


@pytest.mark.parametrize("fmt", list(WebFormat), ids=[f.value for f in WebFormat])
def test_a_web_export_is_signed_with_the_protected_file_as_parent(fmt: WebFormat, protected: Path, tmp_path: Path,
                                                                  identity, local_trust) -> None:
    before = sha(protected)
    result = export_for_web(protected, identity, WebExport(long_edge=600, format=fmt, quality=80),
                            ProtectOptions(out_dir=tmp_path / "web"))
    assert result.status is ProtectStatus.DONE, result.error
    assert sha(protected) == before, "the protected file must never change"
    copy = protected_copy(result)
    assert copy == tmp_path / "web" / f"harbour.protected.web{fmt.extension}"
    assert result.media_type == fmt.media_type and result.parent_verdict is Verdict.VALID
    with Image.open(copy) as im:
        assert im.format == fmt.name and im.size == (400, 600)  # turned upright (EXIF orientation 6), long edge 600
    report = _chain_holds(copy, protected.name, local_trust, ["c2pa.opened", "c2pa.resized", "c2pa.transcoded"])
    assert report.actions[1].description == "Resized for the web from 1200×800 to 400×600 pixels"
    assert report.actions[2].description == f"Encoded from JPEG as {fmt.label} at quality 80"
    assert report.thumbnail is not None
    data = copy.read_bytes()
    assert CAPTION.encode() in data and CITY.encode() in data  # location kept unless asked: the person's choice
    assert "cawg.training-mining" in _assertion_labels(report)  # the protect options travel too


def test_a_web_export_without_location_keeps_none_of_it_anywhere(protected: Path, tmp_path: Path, identity,
                                                                 local_trust) -> None:
    result = export_for_web(protected, identity, WebExport(long_edge=800, remove_location=True),
                            ProtectOptions(out_dir=tmp_path / "web"))
    copy = protected_copy(result)
    report = _chain_holds(copy, protected.name, local_trust,
                          ["c2pa.opened", "c2pa.resized", "c2pa.transcoded", "c2pa.edited.metadata"])
    assert "Location" in (report.actions[3].description or "")
    # The web copy's own metadata has no location; the parent's signed manifest is kept as it was signed (it
    # carries no location of its own here: protect signs no EXIF assertion).
    data = copy.read_bytes()
    for text in (*LOCATION_TEXTS, *exif_gps_bytes()):
        assert text not in data, text
    assert CAPTION.encode() in data and CREDIT.encode() in data  # the rest of the metadata stays


def test_a_caption_edit_is_a_new_copy_whose_history_shows_the_metadata_edit(protected: Path, tmp_path: Path,
                                                                           identity, local_trust) -> None:
    before = sha(protected)
    edit = CaptionEdit(caption="Cranes at the Kehrwieder bridge, 6:02", credit="Ada L. / Harbour Desk",
                       keywords=("harbour", "cranes", "Hamburg"))
    result = save_caption(protected, identity, edit, ProtectOptions())
    assert result.status is ProtectStatus.DONE, result.error
    assert sha(protected) == before
    copy = protected_copy(result)
    assert copy == protected.parent / "harbour.protected.captioned.jpg"
    report = _chain_holds(copy, protected.name, local_trust, ["c2pa.opened", "c2pa.edited.metadata"])
    assert report.actions[1].description == "Edited the caption, the credit line and the keywords (IPTC and XMP)"
    found = read_caption_here(copy, "image/jpeg")
    assert (found.caption, found.credit, found.keywords) == (edit.caption, edit.credit, edit.keywords)
    with Image.open(protected) as a, Image.open(copy) as b:
        assert a.tobytes() == b.tobytes(), "a caption edit leaves the pixels alone"
    # And again: the chain grows by one link, each parent kept with its own manifest.
    again = protected_copy(save_caption(copy, identity, CaptionEdit(keywords=()), ProtectOptions()))
    twice = inspect_file(again, local_trust)
    assert twice.verdict is Verdict.TRUSTED and twice.manifests == 3
    assert read_caption_here(again, "image/jpeg").keywords == ()
    assert read_caption_here(again, "image/jpeg").caption == edit.caption


def test_captions_in_png_and_the_fields_read_in_a_worker(tmp_path: Path, identity, local_trust) -> None:
    png = protected_copy(protect_file(geotagged_png(tmp_path / "chart.png"), identity, ProtectOptions()))
    assert read_caption(png).keywords == tuple(KEYWORDS)  # through the isolated worker
    result = save_caption(png, identity, CaptionEdit(caption="Tide chart"), ProtectOptions())
    report = _chain_holds(protected_copy(result), png.name, local_trust, ["c2pa.opened", "c2pa.edited.metadata"])
    assert report.actions[1].description == "Edited the caption (IPTC and XMP)"
    assert read_caption(protected_copy(result)).caption == "Tide chart"


def test_a_camera_original_with_credentials_of_its_own_is_the_parent(tmp_path: Path, identity) -> None:
    # A Content Credentials camera's original (the corpus's Adobe sample stands in for one): the export keeps
    # it as the parent with its own verdict, as protect does.
    original = CORPUS / "c2pa" / "adobe-20220124-CA.jpg"
    result = export_for_web(original, identity, WebExport(long_edge=256), ProtectOptions(out_dir=tmp_path))
    report = inspect_file(protected_copy(result), TrustConfig())
    assert report.verdict is Verdict.VALID and result.parent_verdict is Verdict.VALID
    (parent,) = report.ingredients
    assert (parent.title, parent.relationship, parent.verdict) == (original.name, "parentOf", Verdict.VALID)


def test_an_unprotected_file_is_recorded_as_the_parent_without_credentials(tmp_path: Path, identity,
                                                                          local_trust) -> None:
    plain = geotagged_jpeg(tmp_path / "plain.jpg")
    result = export_for_web(plain, identity, WebExport(long_edge=2000, format=WebFormat.WEBP),
                            ProtectOptions(out_dir=tmp_path / "web", content_source=ContentSource.AI))
    assert result.parent_verdict is None and result.warnings == []
    report = inspect_file(protected_copy(result), local_trust)
    assert report.verdict is Verdict.TRUSTED
    # Not enlarged: nothing resized, only re-encoded; the claim of a protect does not apply to a derived copy.
    assert [(a.action, a.digital_source_type) for a in report.actions] == [("c2pa.opened", None),
                                                                            ("c2pa.transcoded", None)]
    (parent,) = report.ingredients
    assert (parent.title, parent.relationship, parent.verdict) == ("plain.jpg", "parentOf", Verdict.NONE)


def test_files_that_cannot_be_made_into_these_copies_say_why(tmp_path: Path, identity) -> None:
    out = tmp_path / "out"
    wav = CORPUS / "media" / "sample1.wav"
    heic = CORPUS / "media" / "trustnxt-icon.heic"
    broken = tmp_path / "broken.jpg"
    broken.write_bytes((CORPUS / "media" / "trustnxt-icon.jpg").read_bytes()[:300])
    results: dict[str, ProtectResult] = {
        "wav-web": export_for_web(wav, identity, WebExport(), ProtectOptions(out_dir=out)),
        "wav-caption": save_caption(wav, identity, CaptionEdit(caption="x"), ProtectOptions(out_dir=out)),
        "heic-caption": save_caption(heic, identity, CaptionEdit(caption="x"), ProtectOptions(out_dir=out)),
        "broken-web": export_for_web(broken, identity, WebExport(), ProtectOptions(out_dir=out)),
        "missing": export_for_web(tmp_path / "gone.jpg", identity, WebExport(), ProtectOptions(out_dir=out)),
    }
    assert results["wav-web"].status is ProtectStatus.SKIPPED and "still pictures" in (results["wav-web"].error or "")
    assert results["wav-caption"].status is ProtectStatus.SKIPPED
    assert "JPEG, PNG, WebP and TIFF" in (results["heic-caption"].error or "")
    assert results["broken-web"].status is ProtectStatus.FAILED
    assert "could not be decoded" in (results["broken-web"].error or "")
    assert results["missing"].status is ProtectStatus.FAILED
    assert not out.exists() or not list(out.iterdir()), "nothing is left behind"


def test_an_existing_file_is_never_overwritten(protected: Path, identity) -> None:
    users_file = protected.parent / "harbour.protected.web.jpg"
    users_file.write_bytes(b"the user's own file")
    result = export_for_web(protected, identity, WebExport(long_edge=300), ProtectOptions())
    assert users_file.read_bytes() == b"the user's own file"
    assert result.output == protected.parent / "harbour.protected.web (2).jpg"


@pytest.mark.parametrize("fmt", [WebFormat.JPEG, WebFormat.AVIF], ids=["jpeg", "avif"])
def test_c2pa_ts_validates_the_export_chain(fmt: WebFormat, protected: Path, tmp_path: Path, identity) -> None:
    copy = protected_copy(export_for_web(protected, identity, WebExport(long_edge=500, format=fmt,
                                                                        remove_location=True),
                                         ProtectOptions(out_dir=tmp_path / "web")))
    verdict = c2pa_ts.validate(copy)
    assert verdict.valid, verdict.failures()
    assert verdict.manifests == 2
    assert verdict.actions == ["c2pa.opened", "c2pa.resized", "c2pa.transcoded", "c2pa.edited.metadata"]
    assert [i["relationship"] for i in verdict.ingredients] == ["parentOf"]


@pytest.mark.parametrize("maker", [geotagged_jpeg, geotagged_png], ids=["jpeg", "png"])
def test_c2pa_ts_validates_the_caption_chain(maker, tmp_path: Path, identity) -> None:
    original = maker(tmp_path / f"photo{'.jpg' if maker is geotagged_jpeg else '.png'}")
    once = protected_copy(protect_file(original, identity, ProtectOptions()))
    copy = protected_copy(save_caption(once, identity, CaptionEdit(credit="Desk"), ProtectOptions()))
    verdict = c2pa_ts.validate(copy)
    assert verdict.valid, verdict.failures()
    assert verdict.manifests == 2 and verdict.actions == ["c2pa.opened", "c2pa.edited.metadata"]
    assert c2pa_ts.validate(once).valid  # the parent on its own, as a check of the check


def test_a_cancelled_copy_leaves_nothing(protected: Path, tmp_path: Path, identity) -> None:
    cancel = threading.Event()
    cancel.set()
    result = export_for_web(protected, identity, WebExport(), ProtectOptions(out_dir=tmp_path / "web"), cancel)
    assert result.status is ProtectStatus.CANCELLED and not (tmp_path / "web").exists()


def test_a_renderer_failure_is_the_files_failure(protected: Path, tmp_path: Path, identity) -> None:
    def crashed(_source: Path, _export: WebExport, _edge: int):
        raise OSError("decoder crashed")

    result = export_for_web(protected, identity, WebExport(), ProtectOptions(out_dir=tmp_path / "web"),
                            renderer=crashed)
    assert result.status is ProtectStatus.FAILED and "decoder crashed" in (result.error or "")
    assert not (tmp_path / "web").exists()
