"""Laying a report's HTML out on printed pages, so that nothing is cut in two.

The HTML says where it may be cut: `ROW` starts a new unit, `SECTION` a new unit with a gap above it,
`PAGE` a new page. Each unit is laid out on its own (a QTextDocument as wide as the page) and placed whole
on a page: a unit that does not fit on what is left of a page starts the next one, so a table row is never
split across pages. The last `TAIL` units before each page break travel together, so no page holds a lone
line left over from the page before. Only a unit taller than a whole page (a huge single table cell) is
split, by Qt's own pagination.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from PySide6.QtCore import QRectF, QSizeF, QUrl
from PySide6.QtGui import QFont, QImage, QPagedPaintDevice, QPainter, QTextDocument

ROW, SECTION, PAGE = "<!--row-->", "<!--section-->", "<!--page-->"
TAIL = 3
_CUT = re.compile(f"({re.escape(ROW)}|{re.escape(SECTION)})")


def split_units(text: str) -> list[list[tuple[str, bool]]]:
    """The HTML as pages-worth parts ("stories"), each a list of (unit HTML, gap above it)."""
    stories = []
    for story in text.split(PAGE):
        pieces = _CUT.split(story)
        units = [(pieces[0], False)] + [(pieces[i + 1], pieces[i] == SECTION) for i in range(1, len(pieces), 2)]
        units = [(html, gap) for html, gap in units if html.strip()]
        if units:
            stories.append(units)
    return stories


@dataclass
class Unit:
    doc: QTextDocument
    height: float  # device pixels
    gap: bool


@dataclass
class Placed:
    unit: Unit
    y: float  # top, in device pixels below the top of the page's body
    part: int = -1  # for a unit taller than a page: which of its own pages; -1: the whole unit


class PageLayout:
    """Units of `width` x at most `body_height` device pixels of `device`, in `font`; `body_style` is the CSS
    of each unit's body; `images` are resources the HTML may name (e.g. "thumb:0"); `gap` is the space
    above a SECTION unit that does not start a page."""

    def __init__(self, device: QPagedPaintDevice, width: float, body_height: float, font: QFont, body_style: str,
                 images: dict[str, QImage], gap: float) -> None:
        self.device, self.width, self.body_height = device, width, body_height
        self.font, self.body_style, self.images, self.gap = font, body_style, images, gap

    def unit(self, html: str, gap: bool) -> Unit:
        doc = QTextDocument()
        doc.setDefaultFont(self.font)
        doc.setDocumentMargin(0)
        doc.documentLayout().setPaintDevice(self.device)  # font metrics of the printer, not the screen
        for name, image in self.images.items():
            if f'"{name}"' in html:
                doc.addResource(QTextDocument.ResourceType.ImageResource, QUrl(name), image)
        doc.setHtml(f'<html><body style="{self.body_style}">{html}</body></html>')
        doc.setTextWidth(self.width)
        return Unit(doc, doc.size().height(), gap)

    def paginate(self, text: str) -> list[list[Placed]]:
        """Pages, each the units placed on it."""
        pages: list[list[Placed]] = []
        y = 0.0
        for story in split_units(text):
            units = [self.unit(html, gap) for html, gap in story]
            pages.append([])
            y = 0.0
            groups = [[u] for u in units[:-TAIL]] + [units[-TAIL:]]
            for group in groups:
                need = sum(u.height + (self.gap if u.gap else 0) for u in group)
                if y > 0 and y + need > self.body_height and need <= self.body_height:
                    pages.append([])
                    y = 0.0
                for u in group:
                    if u.height > self.body_height:  # cannot be placed whole anywhere: Qt splits it by lines
                        if y > 0:
                            pages.append([])
                        u.doc.setPageSize(QSizeF(self.width, self.body_height))
                        for part in range(u.doc.pageCount()):
                            if part:
                                pages.append([])
                            pages[-1].append(Placed(u, 0.0, part))
                        y = self.body_height  # whatever follows starts a new page
                        continue
                    top = y + (self.gap if u.gap and y > 0 else 0.0)
                    if top + u.height > self.body_height and y > 0:
                        pages.append([])
                        top = 0.0
                    pages[-1].append(Placed(u, top))
                    y = top + u.height
        return [page for page in pages if page]

    def draw(self, painter: QPainter, placed: Placed, body_top: float) -> None:
        painter.save()
        if placed.part < 0:
            painter.translate(0, body_top + placed.y)
            placed.unit.doc.drawContents(painter, QRectF(0, 0, self.width, placed.unit.height))
        else:
            offset = placed.part * self.body_height
            painter.translate(0, body_top - offset)
            placed.unit.doc.drawContents(painter, QRectF(0, offset, self.width, self.body_height))
        painter.restore()
