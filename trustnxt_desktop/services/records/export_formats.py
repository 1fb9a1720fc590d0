"""The export formats of an inspection batch, in one table. The CLI's options (`trustnxt inspect --csv FILE`, …)
and the GUI's Export menu are both built from `EXPORT_FORMATS`: a new format is a writer (in exports.py) and
one row here.

This module is read for `trustnxt inspect --help`, so it loads nothing heavy: each row's writer imports
exports.py when a file is written.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ...domain.report import InspectionReport

Writer = Callable[["Sequence[InspectionReport]", Path, "Path | None"], Path]
"""(reports, target file, data root or None) -> the file written. The data root names the trust-list
snapshots in force (the PDF's cover); formats that do not show them ignore it. Raises exports.ExportError;
never overwrites half a file (runtime.atomic). Runs off the GUI thread."""


@dataclass(frozen=True)
class ExportFormat:
    """One way to hand over a batch of InspectionReports.

    `name` is the key (the GUI's `export_async(name, …)`); `suffix` the file suffix with its dot; `kind_title`
    what the file is ("CSV table": the save dialog's filter and the CLI's "… written to" line); `menu_title`
    the Export menu's entry; `described` its words in the Export button's tooltip; `cli_flag`, `cli_metavar`
    and `cli_help` the option of `trustnxt inspect`.
    """

    name: str
    suffix: str
    kind_title: str
    menu_title: str
    described: str
    cli_flag: str
    cli_metavar: str
    cli_help: str
    write: Writer

    @property
    def file_filter(self) -> str:
        """The save dialog's filter, e.g. "CSV table (*.csv)"."""
        return f"{self.kind_title} (*{self.suffix})"

    @property
    def cli_dest(self) -> str:
        """The option's attribute on the parsed arguments."""
        return f"export_{self.name}"


def _pdf(reports: Sequence[InspectionReport], path: Path, root: Path | None) -> Path:
    from .exports import write_pdf

    return write_pdf(reports, path, root)


def _csv(reports: Sequence[InspectionReport], path: Path, root: Path | None) -> Path:
    from .exports import write_csv

    return write_csv(reports, path)


def _json(reports: Sequence[InspectionReport], path: Path, root: Path | None) -> Path:
    from .exports import write_json

    return write_json(reports, path)


EXPORT_FORMATS: tuple[ExportFormat, ...] = (
    ExportFormat("pdf", ".pdf", "PDF report", "PDF evidence report…", "a PDF evidence report",
                 "--report", "FILE.pdf", "also write a PDF evidence report to FILE.pdf", _pdf),
    ExportFormat("csv", ".csv", "CSV table", "CSV table…", "CSV",
                 "--csv", "FILE", "also write one CSV row per file to FILE", _csv),
    ExportFormat("json", ".json", "JSON", "JSON reports…", "JSON",
                 "--json-out", "FILE", "also write the JSON array of reports to FILE", _json),
)
"""In the order the Export menu offers them."""


def export_format(name: str) -> ExportFormat:
    """The row named `name`; raises KeyError for a name no row has."""
    for fmt in EXPORT_FORMATS:
        if fmt.name == name:
            return fmt
    raise KeyError(name)


def described_list() -> str:
    """The formats in a sentence: "a PDF evidence report, CSV or JSON"."""
    words = [f.described for f in EXPORT_FORMATS]
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} or {words[-1]}"
