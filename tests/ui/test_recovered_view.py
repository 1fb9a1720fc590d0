"""ui/recovered_view.py in the Inspect view: a protected photo received stripped and re-encoded has its credentials
recovered by itself and shown as not embedded (own verdict, distance and meaning, signed thumbnail beside the file's
picture, the caveat); an unrelated picture says what was searched; a file whose manifest cannot be read is looked up
only on "Look up"."""

from __future__ import annotations

import shutil
from pathlib import Path

from PIL import Image

from tests.conftest import CORPUS
from tests.picture_changes import CHANGES
from tests.ui.conftest import until
from trustnxt_desktop.domain.protect import ProtectStatus
from trustnxt_desktop.domain.report import InspectionReport, Verdict
from trustnxt_desktop.services.repository.recovery import CAVEAT, HEADING


async def _protected_and_received(context, tmp_path: Path, change: str = "jpeg_q50") -> tuple[Path, str]:
    """A photo protected here (kept in this computer's repository), then received stripped and changed."""
    photo = tmp_path / "photo.jpg"
    shutil.copy(CORPUS / "media" / "P1000827.jpg", photo)
    result = await context.backend.protect(photo, context.protect_options())
    assert result.status is ProtectStatus.DONE and result.manifest_label, result.error
    received = tmp_path / "received.jpg"
    with Image.open(result.output) as picture:
        received.write_bytes(CHANGES[change](picture))
    return received, result.manifest_label


async def _open(window, path: Path) -> InspectionReport:
    view = window.inspect
    await view.open_paths_async([path])
    await view.wait_idle()
    report = view.reports()[0]
    assert isinstance(report, InspectionReport)
    return report


async def test_a_received_copy_shows_its_recovered_credentials(window, context, tmp_path: Path, qtbot) -> None:
    received, label = await _protected_and_received(context, tmp_path)
    report = await _open(window, received)
    assert report.verdict is Verdict.NONE, "recovered credentials never change the file's own verdict"
    assert [c.manifest_id for c in report.recovered][:1] == [label]
    section = window.inspect.report.recovered_section
    assert section is not None and section.isVisibleTo(window.inspect)
    texts = " ".join(w.text() for w in section.findChildren(type(section.caveat)))
    assert HEADING in texts and CAVEAT == section.caveat.text()
    assert "One signed picture looks like this one" in section.status.text()
    assert "this computer" in section.status.text()
    assert len(section.candidates) == 1
    best = report.recovered[0]
    assert best.verdict in (Verdict.TRUSTED, Verdict.VALID)
    assert f"distance {best.distance} of 256 bits" in texts and best.meaning in texts and label in texts
    assert section.look_up_button.isHidden(), "found: nothing more to look up"
    await until(lambda: all(p.pixmap() is not None and not p.pixmap().isNull() for p in
                            (*section.file_pictures, *[w for w in section.findChildren(type(section.caveat))
                                                      if w.accessibleName().startswith("Thumbnail signed")])))


async def test_an_unrelated_picture_says_what_was_searched(window, context, tmp_path: Path) -> None:
    await _protected_and_received(context, tmp_path)
    other = tmp_path / "other.jpg"
    with Image.open(CORPUS / "media" / "no_manifest.jpg") as picture:
        other.write_bytes(CHANGES["strip"](picture))
    report = await _open(window, other)
    assert report.verdict is Verdict.NONE and report.recovered == []
    section = window.inspect.report.recovered_section
    assert section is not None and not section.candidates
    assert section.status.text().startswith("No signed picture in the repositories looks like this one.")
    assert "Manifest repositories searched: this computer." in section.status.text()


async def test_an_unreadable_manifest_is_looked_up_only_when_asked(window, context, tmp_path: Path, qtbot) -> None:
    context.backend.settings.cross_check = False  # the main validator's verdict alone: it cannot read this manifest
    broken = tmp_path / "no_alg.jpg"
    shutil.copy(CORPUS / "hostile" / "no_alg.jpg", broken)
    report = await _open(window, broken)
    assert report.verdict is Verdict.ERROR
    section = window.inspect.report.recovered_section
    assert section is not None and not section.look_up_button.isHidden()
    assert "can be looked up" in section.status.text()
    section.look_up_button.click()
    await window.inspect.wait_idle()
    section = window.inspect.report.recovered_section
    assert section is not None and "Manifest repositories searched: this computer." in section.status.text()
    assert section.look_up_button.text() == "Look up again"


async def test_files_with_credentials_get_no_section(window, context, tmp_path: Path) -> None:
    photo = tmp_path / "photo.jpg"
    shutil.copy(CORPUS / "media" / "P1000827.jpg", photo)
    result = await context.backend.protect(photo, context.protect_options())
    await _open(window, result.output)
    assert window.inspect.report.recovered_section is None


async def test_the_table_csv_json_and_pdf_carry_the_recovered_credentials(window, context, tmp_path: Path) -> None:
    import csv
    import io
    import json

    from trustnxt_desktop.services.records.exports import evidence_request, to_csv, to_json
    from trustnxt_desktop.ui.pdf_report import build_html
    from trustnxt_desktop.ui.report_table import COLUMNS

    received, label = await _protected_and_received(context, tmp_path, "resize_50")
    report = await _open(window, received)
    best = report.recovered[0]
    cell = window.inspect.proxy.index(0, COLUMNS.index("Recovered")).data()
    assert cell == f"{best.verdict.value}, PDQ {best.distance} bits"
    row = next(csv.DictReader(io.StringIO(to_csv([report]))))
    assert row["recovered"] == cell and row["recovered_manifest"] == label
    assert row["recovered_source"] == "this computer" and row["recovered_verdict"] == best.verdict.value
    assert row["verdict"] == "none"
    assert json.loads(to_json([report]))[0]["recovered"][0]["manifest_id"] == label
    body, _ = build_html(evidence_request([report]), {})
    assert HEADING in body and label in body and "not embedded in this file" in body


async def test_received_pictures_are_kept_only_when_allowed_in_settings(window, context, tmp_path: Path) -> None:
    import asyncio

    received = tmp_path / "received.jpg"
    shutil.copy(CORPUS / "c2pa" / "adobe-20220124-CAI.jpg", received)  # valid, with a signed thumbnail
    await _open(window, received)
    assert await asyncio.to_thread(lambda: context.recovery.local().count()) == 0, "off by default"
    dialog = window.open_settings()
    assert not dialog.keep_inspected.isChecked()
    dialog.keep_inspected.setChecked(True)
    assert dialog._collect().keep_inspected
    dialog.reject()
    context.settings.keep_inspected = True
    await _open(window, received)
    assert await asyncio.to_thread(lambda: context.recovery.local().count()) == 1


async def test_a_copy_re_associated_by_fingerprint_is_saved_and_opened(window, context, tmp_path: Path) -> None:
    from trustnxt_desktop.domain.actions import REASSOCIATED

    received, label = await _protected_and_received(context, tmp_path, "strip")
    await _open(window, received)
    section = window.inspect.report.recovered_section
    assert section is not None and len(section.reembed_buttons) == 1
    section.reembed_buttons[0].click()
    await window.inspect.wait_idle()
    made = tmp_path / "received.reassociated.jpg"
    assert made.is_file(), sorted(p.name for p in tmp_path.iterdir())
    reports = {Path(r.file.path).name: r for r in window.inspect.reports()}
    copy = reports[made.name]
    assert copy.verdict in (Verdict.TRUSTED, Verdict.VALID) and REASSOCIATED in [a.action for a in copy.actions]
    component = next(i for i in copy.ingredients if i.relationship == "componentOf")
    assert component.verdict in (Verdict.TRUSTED, Verdict.VALID)
    assert reports[received.name].verdict is Verdict.NONE, "the received file itself is unchanged"
