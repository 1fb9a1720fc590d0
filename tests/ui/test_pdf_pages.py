"""ui/pdf_pages.py: a report's HTML placed on printed pages in whole units — a row is never cut in two, the last
units of a page travel together, only a unit taller than a page is split — on a real QPdfWriter."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from PySide6.QtGui import QFont, QPageSize, QPdfWriter
from PySide6.QtWidgets import QApplication

from trustnxt_desktop.ui.pdf_pages import PAGE, ROW, SECTION, TAIL, PageLayout, split_units


def test_split_units_keeps_pages_rows_and_gaps() -> None:
    html = f"<h1>Cover</h1>{PAGE}<p>a</p>{ROW}<p>b</p>{SECTION}<h2>c</h2>{ROW}  {PAGE}{PAGE}<p>d</p>"
    assert split_units(html) == [[("<h1>Cover</h1>", False)],
                                 [("<p>a</p>", False), ("<p>b</p>", False), ("<h2>c</h2>", True)],
                                 [("<p>d</p>", False)]]


@given(st.lists(st.tuples(st.sampled_from([ROW, SECTION, PAGE]), st.text("xyz ", min_size=1, max_size=5)),
                max_size=20))
def test_every_non_blank_unit_is_kept_once_in_order(parts: list[tuple[str, str]]) -> None:
    html = "".join(marker + f"<p>{text}</p>" for marker, text in parts)
    units = [u for story in split_units(html) for u, _ in story]
    assert units == [f"<p>{text}</p>" for _, text in parts]


def _layout(tmp_path: Path, body_height: float) -> PageLayout:
    writer = QPdfWriter(str(tmp_path / "out.pdf"))
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    writer.setResolution(96)
    return PageLayout(writer, 600, body_height, QFont("DejaVu Sans", 10), "", {}, gap=20)


def test_rows_are_placed_whole_and_never_overlap(qapp: QApplication, tmp_path: Path) -> None:
    layout = _layout(tmp_path, 300)
    rows = ROW.join(f"<p>row {i}<br>second line</p>" for i in range(40))
    pages = layout.paginate(f"<h1>Title</h1>{SECTION}{rows}")
    assert len(pages) > 1
    placed = [p for page in pages for p in page]
    assert len(placed) == 41 and all(p.part == -1 for p in placed)
    for page in pages:
        bottoms = 0.0
        for p in page:
            assert p.y >= bottoms - 0.01 and p.y + p.unit.height <= layout.body_height + 0.01
            bottoms = p.y + p.unit.height
    # The last TAIL units share a page: no lone line carried over.
    assert all(p in pages[-1] for p in placed[-TAIL:])


def test_a_unit_taller_than_a_page_is_split_by_its_own_pages(qapp: QApplication, tmp_path: Path) -> None:
    layout = _layout(tmp_path, 200)
    tall = "<p>" + "<br>".join(f"line {i}" for i in range(80)) + "</p>"
    pages = layout.paginate(f"<p>before</p>{ROW}{tall}{ROW}<p>after</p>{ROW}<p>end</p>")
    parts = [p.part for page in pages for p in page if p.part >= 0]
    assert parts == list(range(len(parts))) and len(parts) > 2
    assert all(len([p for p in page if p.part >= 0]) <= 1 for page in pages)  # one part per page
    assert pages[0][0].unit.doc.toPlainText() == "before" and pages[0][0].part == -1
