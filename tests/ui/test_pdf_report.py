"""The PDF evidence report drawn by Qt: real pages, thumbnails, and every file's facts in the text."""

from __future__ import annotations

import re
import zlib
from pathlib import Path

from tests.conftest import CORPUS
from trustnxt_desktop.engine.inspect import inspect_file
from trustnxt_desktop.engine.trust import TrustConfig
from trustnxt_desktop.services.records.exports import evidence_request
from trustnxt_desktop.ui.pdf_report import collect_thumbnails, export_pdf, render_pdf

FILES = [CORPUS / "c2pa" / "truepic-20230212-camera.jpg", CORPUS / "c2pa" / "adobe-20220124-CAI.jpg",
         CORPUS / "c2pa" / "adobe-20240110-single_manifest_store.pdf", CORPUS / "media" / "sample1.png",
         CORPUS / "hostile" / "unsupported_type.txt"]


def page_count(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf))


def test_render_has_a_cover_and_a_section_per_file(qapp, tmp_path: Path) -> None:
    reports = [inspect_file(p, TrustConfig()) for p in FILES]
    request = evidence_request(reports)
    thumbnails = collect_thumbnails(reports)
    assert thumbnails[0] and thumbnails[1] and thumbnails[3], "manifest thumbnails or picture previews"
    assert thumbnails[4] is None, "no preview of an unsupported file"
    out = tmp_path / "evidence.pdf"
    pages = render_pdf(request, out, thumbnails)
    pdf = out.read_bytes()
    assert pdf.startswith(b"%PDF") and pages == page_count(pdf) and pages >= 1 + len(FILES)
    assert pdf.count(b"/Subtype /Image") >= 3
    assert b"Content Credentials evidence report" in pdf  # document title in the PDF's info
    assert not list(tmp_path.glob(".*partial")), "written to a temporary name, then renamed"


async def test_export_pdf_for_the_gui(qapp, tmp_path: Path) -> None:
    reports = [inspect_file(p, TrustConfig()) for p in FILES[:2]]
    out = tmp_path / "two.pdf"
    pages = await export_pdf(reports, out)
    data = out.read_bytes()
    assert data.startswith(b"%PDF") and pages == page_count(data) >= 3
    text = b"".join(zlib.decompress(m) for m in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", data, re.DOTALL)
                    if m[:1] == b"x")  # Qt compresses content streams with zlib
    assert b"Tj" in text or b"TJ" in text, "the pages carry text"


def test_names_and_manifest_strings_are_printed_with_hidden_characters_escaped(qapp, tmp_path: Path) -> None:
    """Read back with pdftotext, as a person would read the page: the escapes are there, the hidden
    characters (which a PDF viewer would obey or hide) are not."""
    from tests.hostile_text import ATTACK_SHOWN, HIDDEN, invalid_file_with_attack_name, signed_with_hostile_strings
    from tests.ui.test_pdf_layout import page_texts

    files = [invalid_file_with_attack_name(tmp_path / "in"), signed_with_hostile_strings(tmp_path / "in")]
    reports = [inspect_file(p, TrustConfig()) for p in files]
    out = tmp_path / "evidence.pdf"
    render_pdf(evidence_request(reports), out, collect_thumbnails(reports))
    text = "\n".join(page_texts(out, "-raw"))
    flat = " ".join(text.split())  # a long name wraps; pdftotext gives the wrapped lines
    assert f"1 {ATTACK_SHOWN} INVALID" in flat, "the index of files"
    assert f"/in/{ATTACK_SHOWN}" in flat, "the file's path"
    assert "\\x1b[31mEvilCam\\x1b[0m 1.0" in flat and "Mallory \\u202eReuters" in flat
    assert "Mallory\\x1b]0;owned\\x07 \\u200btrusted" in flat
    for hidden in HIDDEN:
        assert hidden not in text, repr(hidden)


def test_notes_are_not_problems_times_do_not_wrap_and_trust_lists_have_whole_hashes(
        qapp, home: Path, identity, local_trust, tmp_path: Path) -> None:
    """A trusted copy whose only other code is informational (revocation not checked): no "Problems found",
    the code under "Notes (not problems)", as the app counts it; each time on one line; the cover gives each
    trust list's whole SHA-256, which a reader can compare with the published file."""
    from tests.ui.test_pdf_layout import page_texts
    from trustnxt_desktop.domain.display import time_text
    from trustnxt_desktop.domain.evidence import problem_count
    from trustnxt_desktop.domain.protect import ProtectOptions
    from trustnxt_desktop.domain.times import signing_time
    from trustnxt_desktop.engine.protect import protect_file

    copy = protect_file(CORPUS / "media" / "P1000827.jpg", identity, ProtectOptions(out_dir=tmp_path)).output
    assert copy is not None
    report = inspect_file(copy, local_trust)
    assert report.verdict.value == "trusted" and problem_count(report) == 0
    assert [c.code for c in report.validation.warning] == ["signingCredential.ocsp.skipped"]
    request = evidence_request([report], home)
    assert request.trust_lists, "the lists shipped with the app are named on the cover"
    out = tmp_path / "evidence.pdf"
    render_pdf(request, out, collect_thumbnails([report]))
    pages = page_texts(out, "-layout")
    text = "\n".join(pages)
    assert "Problems found" not in text and "Notes (not problems)" in text
    assert "signingCredential.ocsp.skipped" in text.split("Notes (not problems)", 1)[1]
    when = signing_time(report)
    assert when is not None and when.marker == "as stated by the signer"
    lines = text.splitlines()
    for action in report.actions:
        assert action.when and any(time_text(action.when) in line for line in lines), "a time is never wrapped"
    assert any(time_text(when.when) in line and "Signed at" in line for line in lines)
    for t in request.trust_lists:
        assert len(t["sha256"]) == 64 and any(t["sha256"] in line for line in pages[0].splitlines()), t["name"]
