"""The Export menu of a batch, built from the table of export formats (services.records.export_formats), and
writing one: in a worker thread, except for formats Qt draws, which this process draws itself (ui.pdf_report)
rather than starting the GUI program again as the CLI must.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from functools import partial
from pathlib import Path

from PySide6.QtWidgets import QMenu, QWidget

from ..domain.report import InspectionReport
from ..services.records.export_formats import EXPORT_FORMATS, ExportFormat
from .pdf_report import export_pdf

DrawInProcess = Callable[[Sequence[InspectionReport], Path, Path | None], Awaitable[object]]

# Formats drawn with Qt: here on this thread (thumbnails in a worker), instead of the table's writer.
DRAWN_HERE: dict[str, DrawInProcess] = {"pdf": export_pdf}


def export_menu(parent: QWidget, chosen: Callable[[str], None]) -> QMenu:
    """One entry per export format, in the table's order; `chosen` gets the format's name."""
    menu = QMenu(parent)
    for fmt in EXPORT_FORMATS:
        menu.addAction(fmt.menu_title, partial(chosen, fmt.name))
    return menu


async def write_export(fmt: ExportFormat, reports: Sequence[InspectionReport], target: Path,
                       root: Path | None) -> Path:
    """Write `reports` to `target` as `fmt`; never blocks the GUI thread. Raises exports.ExportError."""
    draw = DRAWN_HERE.get(fmt.name)
    if draw is not None:
        await draw(reports, target, root)
    else:
        await asyncio.to_thread(fmt.write, reports, target, root)
    return target
