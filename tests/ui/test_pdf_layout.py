"""The PDF evidence report read back as a person reads it: page by page, with poppler's pdftotext.

No page holds a lone line carried over from the page before, no table row is cut in two, nothing is
printed twice (a line cut at a page edge used to be drawn on both pages), and the words are the app's:
action names, devices and counts as the GUI shows them.
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest

from tests.conftest import CORPUS
from trustnxt_desktop.domain.display import action_label, device_name
from trustnxt_desktop.domain.explain import explain_code
from trustnxt_desktop.domain.report import InspectionReport
from trustnxt_desktop.domain.sources import source_problems
from trustnxt_desktop.engine.inspect import inspect_file
from trustnxt_desktop.engine.trust import TrustConfig
from trustnxt_desktop.services.records.exports import evidence_request
from trustnxt_desktop.ui.pdf_report import collect_thumbnails, render_pdf

# Every signed corpus file (CAI and CICA carry four actions and two ingredients each), files without
# credentials whose EXIF names a camera, and a file type that cannot carry any.
FILES = sorted((CORPUS / "c2pa").iterdir()) + [CORPUS / "media" / "P1000827.jpg", CORPUS / "media" / "sample1.png",
                                                CORPUS / "hostile" / "unsupported_type.txt"]


def page_texts(pdf: Path, mode: str) -> list[str]:
    """Each page's text: mode "-layout" keeps the page's lines, "-raw" the drawing order (a table cell's
    wrapped lines stay together)."""
    if shutil.which("pdftotext") is None:
        pytest.fail("pdftotext is missing: install poppler-utils (scripts/test does)")
    text = subprocess.run(["pdftotext", mode, "-enc", "UTF-8", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    pages = text.split("\f")
    return [unicodedata.normalize("NFKC", p) for p in pages if p.strip()]  # NFKC: the "ﬁ" ligature is "fi"


def word_boxes(pdf: Path) -> list[tuple[float, list[tuple[float, float, str]]]]:
    """Per page: its height and each word's (top, bottom, text), in points from the top edge."""
    xml = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    pages = []
    for height, body in re.findall(r'<page width="[\d.]+" height="([\d.]+)">(.*?)</page>', xml, re.S):
        found = re.findall(r'<word xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">(.*?)</word>', body)
        words = [(float(top), float(bottom), unicodedata.normalize("NFKC", html.unescape(word)))
                 for top, bottom, word in found]
        pages.append((float(height), words))
    return pages


def body_lines(page: str) -> list[str]:
    """A page's lines without the running header (first line) and the footer (last line)."""
    lines = [line for line in page.splitlines() if line.strip()]
    return lines[1:-1]


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[InspectionReport], list[str], list[str], Path]:
    from PySide6.QtGui import QGuiApplication

    _app = QGuiApplication.instance() or QGuiApplication([])
    reports = [inspect_file(p, TrustConfig()) for p in FILES]
    out = tmp_path_factory.mktemp("pdf") / "evidence.pdf"
    pages = render_pdf(evidence_request(reports), out, collect_thumbnails(reports))
    lines, drawn = page_texts(out, "-layout"), page_texts(out, "-raw")
    assert len(lines) == len(drawn) == pages
    return reports, lines, drawn, out


def file_pages(texts: list[str], index: int, total: int) -> list[str]:
    """The pages of the index-th file's section (its head says FILE n)."""
    starts = [next(i for i, t in enumerate(texts) if re.search(rf"^\s*FILE {n + 1}\s*$", t, re.M))
              for n in range(total)]
    end = starts[index + 1] if index + 1 < total else len(texts)
    return texts[starts[index]:end]


def test_no_page_holds_a_lone_line(rendered) -> None:
    _reports, lines, _drawn, _pdf = rendered
    for number, page in enumerate(lines, 1):
        assert len(body_lines(page)) >= 3, f"page {number} holds only: {body_lines(page)}"


def test_no_table_row_is_split_or_printed_twice(rendered) -> None:
    reports, _lines, texts, _pdf = rendered
    whole = squeeze("".join(texts))
    for i, r in enumerate(reports):
        pages = [squeeze(p) for p in file_pages(texts, i, len(reports))]
        # Each code row: the file's own problems and notes, then each failing source file's codes.
        listed = [(c.code, c.explanation) for c in r.validation.failure + r.validation.warning]
        listed += [(code, explain_code(code)) for p in source_problems(r) for code in p.codes]
        rows = [squeeze(code + explanation) for code, explanation in listed]
        for (code, _), key in zip(listed, rows, strict=True):
            holding = [p for p in pages if squeeze(code) in p]
            assert holding, f"{r.file.name}: {code!r} is not in its pages"
            assert any(key in p for p in holding), f"{r.file.name}: the row of {code!r} is split across pages"
            printed = sum(p.count(key) for p in pages)
            assert printed == rows.count(key), f"{r.file.name}: {code!r} printed {printed} times"
        footnote = squeeze(f"Checked by {r.engine.name}")
        assert sum(p.count(footnote) for p in pages) == 1, f"{r.file.name}: its last line is printed twice"
    assert whole.count(squeeze("What the verdicts mean")) == 1


def test_no_line_is_cut_at_the_edge_of_the_page_body(rendered) -> None:
    """The body lies between the running header and the footer (A4, 14 mm margins, 9 mm bands). No word
    crosses its edges, and nothing but the header's and the footer's own words lies outside it (a line
    clipped at a page edge is still in the PDF, where a reader's search and copy find it)."""
    reports, lines, _drawn, pdf = rendered
    band = (14 + 9) * 72 / 25.4
    boxes = word_boxes(pdf)
    for number, (height, words) in enumerate(boxes, 1):
        for edge in (band, height - band):
            cut = [w for top, bottom, w in words if top < edge - 0.5 and bottom > edge + 0.5]
            assert not cut, f"page {number}: {cut} cut by the edge at {edge:.1f} pt"
        header, footer = lines[number - 1].strip().splitlines()[0], lines[number - 1].strip().splitlines()[-1]
        outside = [w for top, bottom, w in words if bottom <= band + 0.5 or top >= height - band - 0.5]
        assert sorted(outside) == sorted(header.split() + footer.split()), f"page {number}: {outside}"
        assert f"Page {number} of {len(boxes)}" in footer


def test_words_are_the_apps_own(rendered) -> None:
    reports, lines, _drawn, _pdf = rendered
    text = "\n".join(lines)
    actions = {a.action for r in reports for a in r.actions}
    assert {"c2pa.color_adjustments", "c2pa.placed", "c2pa.opened"} <= actions  # the corpus does exercise them
    for action in actions:
        assert action_label(action) in text
        assert action not in text, f"raw action name {action} shown"
    assert not re.search(r"\b(color_adjustments|c2pa\.\w+)", text), "raw action names shown"
    assert not re.search(r"^\s*(opened|placed|resized|created|drawing|edited)\b", text, re.M)  # the old bare names
    devices = {device_name(c.make, c.model) for r in reports for c in (r.capture, r.capture_unsigned) if c and c.model}
    assert "Canon EOS REBEL T3" in devices and "Canon EOS REBEL T3" in text
    assert "Canon Canon" not in text
    assert "(s)" not in text, "counts are spelled out: 1 file, 2 files"
    assert re.search(r"\b1 manifest\b", text) and re.search(rf"\b{len(reports)} files inspected\b", text)
