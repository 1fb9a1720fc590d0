"""CSV and JSON exports of a batch, the request the PDF renderer reads, and what a failed renderer leaves."""

from __future__ import annotations

import csv
import io
import json
import sys
from pathlib import Path

import pytest

from tests.conftest import CORPUS
from tests.revocation_pki import revocation_reports
from trustnxt_desktop.domain.report import InspectionReport
from trustnxt_desktop.engine.inspect import inspect_file
from trustnxt_desktop.engine.trust import TrustConfig
from trustnxt_desktop.services.account.settings import SettingsStore
from trustnxt_desktop.services.paths import documents_dir
from trustnxt_desktop.services.records.exports import (
    CSV_COLUMNS,
    EvidenceRequest,
    ExportError,
    ExportFolder,
    csv_row,
    evidence_request,
    gui_program,
    to_csv,
    write_csv,
    write_json,
    write_pdf,
)

NAMES = ["truepic-20230212-camera.jpg", "adobe-20240110-single_manifest_store.pdf", "adobe-20220124-E-sig-CA.jpg",
         "adobe-20220124-A.jpg"]


def reports() -> list[InspectionReport]:
    return [inspect_file(CORPUS / "c2pa" / n, TrustConfig()) for n in NAMES]


def test_csv_has_one_row_per_report_with_capture_and_failures(tmp_path: Path) -> None:
    path = write_csv(reports(), tmp_path / "sub" / "out.csv")
    rows = list(csv.DictReader(io.StringIO(path.read_text("utf-8"))))
    assert tuple(rows[0].keys()) == CSV_COLUMNS and len(rows) == 4
    truepic, pdf, broken, plain = rows
    assert truepic["verdict"] == "invalid" and truepic["device"] == "Google Pixel 5"
    assert truepic["location"].startswith("43.152094, -77.580533") and truepic["capture_signed"] == "yes"
    assert truepic["taken_at"] == "2023-02-12T18:44:26Z" and "assertion.dataHash.mismatch" in truepic["failure_codes"]
    assert truepic["signer"].startswith("Truepic Lens SDK") and len(truepic["sha256"]) == 64
    assert pdf["ai_generated"] == "yes" and pdf["signer"] == "cai-prod" and pdf["manifests"] == "3"
    assert pdf["signed_at"].startswith("2023-11-27") and pdf["trust_source"] == ""
    assert "claimSignature.mismatch" in broken["failure_codes"].split()
    assert plain["verdict"] == "none" and plain["ai_generated"] == "" and plain["signer"] == ""
    assert not list(tmp_path.glob("sub/.*.tmp")), "no temporary file left behind"


def test_csv_never_hands_a_spreadsheet_a_formula() -> None:
    r = reports()[3]
    r.file.name = "=HYPERLINK(\"http://evil\")"
    row = next(csv.DictReader(io.StringIO(to_csv([r]))))
    assert row["file"].startswith("'=")


def test_json_export_round_trips(tmp_path: Path) -> None:
    original = reports()
    data = json.loads(write_json(original, tmp_path / "out.json").read_text("utf-8"))
    assert [InspectionReport.from_dict(d).to_dict() for d in data] == [r.to_dict() for r in original]


def test_evidence_request_round_trips_and_names_the_renderer(home: Path) -> None:
    request = evidence_request(reports(), home)
    again = EvidenceRequest.from_json(request.to_json())
    assert [r.to_dict() for r in again.reports] == [r.to_dict() for r in request.reports]
    assert again.generated_at == request.generated_at and again.trust_lists == request.trust_lists
    # Nothing downloaded: the lists shipped with the app are named, with their hash, address and origin.
    assert [(t["name"], t["origin"]) for t in again.trust_lists] == [
        ("C2PA trust list (2026-08-21)", "bundled"), ("Interim trust list (2025-08-28)", "bundled"),
        ("C2PA TSA trust list (2026-08-21)", "bundled")]
    assert all(len(t["sha256"]) == 64 and t["source"].startswith("https://") for t in again.trust_lists)
    program = gui_program()
    assert program[-2:] == ["-m", "trustnxt_desktop.app"], "a source checkout runs the GUI module with this Python"


def test_csv_names_the_organisation_and_says_on_whose_word_the_signing_time_rests() -> None:
    """The organisation is the signing certificate's O= (c2pa-rs calls it "issuer"); a signing time is
    always there when the app shows one, with its basis."""
    truepic, pdf, _broken, plain = [csv_row(r) for r in reports()]
    assert truepic["signer_organisation"] == "Truepic" and pdf["signer_organisation"] == "Adobe Inc."
    assert truepic["signed_at"].startswith("2023-02-12T18:44:26")
    assert truepic["signed_at_basis"] == "vouched for by a timestamp authority"
    assert plain["signed_at"] == plain["signed_at_basis"] == plain["signer_organisation"] == ""


def test_export_folder_is_the_last_one_used_else_documents(home: Path, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    store = SettingsStore(home)
    settings = store.load()
    folder = ExportFolder(lambda: settings, store.save)
    assert folder.start() == documents_dir() != tmp_path, "never the folder the program was started from"
    case = tmp_path / "case 7"
    case.mkdir()
    folder.remember(case / "report.pdf")
    assert folder.start() == case and store.load().export_dir == str(case)
    case.rmdir()  # a remembered folder that is gone: back to Documents, not an error
    assert folder.start() == documents_dir()
    assert ExportFolder().start() == documents_dir()


def test_csv_says_how_revocation_was_handled(tmp_path: Path) -> None:
    reports = revocation_reports(tmp_path)
    rows = {r["file"]: r for r in csv.DictReader(io.StringIO(to_csv(list(reports.values()))))}
    assert (rows["good.jpg"]["revocation"], rows["good.jpg"]["revocation_detail"]) == (
        "good", "not revoked: signer (OCSP), intermediate CA (OCSP)")
    assert rows["revoked.jpg"]["revocation"] == "revoked" and rows["revoked.jpg"]["verdict"] == "invalid"
    assert "(keyCompromise): intermediate CA" in rows["revoked.jpg"]["revocation_detail"]
    assert rows["not_checked.jpg"]["revocation_detail"].startswith("not checked: online revocation checks are off")


_CRASHING_RENDERER = """
import os, sys
from pathlib import Path
Path(sys.argv[-1]).write_bytes(b"%PDF-1.4 drawn, then the renderer crashed at exit")
sys.stderr.write("Fatal Python error: none_dealloc: deallocating None\\n\\nCurrent thread:\\n  <no Python frame>\\n")
sys.stderr.flush()
os.abort()
"""


def test_a_renderer_that_crashes_leaves_no_report_and_says_how_it_stopped(tmp_path: Path, monkeypatch) -> None:
    """The renderer drew the file and then crashed on its way out: that file is not published (nor left hidden
    beside the target), and the error names the crash rather than the stack's last line."""
    from trustnxt_desktop.services.records import exports

    monkeypatch.setattr(exports, "gui_program", lambda: [sys.executable, "-c", _CRASHING_RENDERER])
    target = tmp_path / "evidence.pdf"
    with pytest.raises(ExportError) as failed:
        write_pdf(reports()[:1], target)
    said = str(failed.value)
    assert said.startswith("The PDF report could not be made: the renderer was stopped by SIGABRT"), said
    assert "Fatal Python error: none_dealloc" in said and "<no Python frame>" not in said
    assert list(tmp_path.iterdir()) == []


def test_a_renderer_that_refuses_says_its_own_reason(tmp_path: Path, monkeypatch) -> None:
    from trustnxt_desktop.services.records import exports

    refuse = "import sys; print('trustnxt-desktop: cannot make the report: disk full', file=sys.stderr); sys.exit(1)"
    monkeypatch.setattr(exports, "gui_program", lambda: [sys.executable, "-c", refuse])
    with pytest.raises(ExportError, match=r"exited with status 1 \(trustnxt-desktop: cannot make the report: disk"):
        write_pdf(reports()[:1], tmp_path / "evidence.pdf")
    assert list(tmp_path.iterdir()) == []
