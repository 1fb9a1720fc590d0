"""The table of export formats: every row is offered by `trustnxt inspect` and written by its own writer into a
file its reader accepts (the GUI's menu: tests/ui/test_export_menu.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import CORPUS
from tests.export_readers import READERS
from trustnxt_desktop.cli import parser
from trustnxt_desktop.domain.report import InspectionReport
from trustnxt_desktop.engine.inspect import inspect_file
from trustnxt_desktop.engine.trust import TrustConfig
from trustnxt_desktop.services.records.export_formats import (
    EXPORT_FORMATS,
    ExportFormat,
    described_list,
    export_format,
)
from trustnxt_desktop.services.records.exports import ExportError

NAMES = ["adobe-20220124-C.jpg", "truepic-20230212-camera.jpg"]


def reports() -> list[InspectionReport]:
    return [inspect_file(CORPUS / "c2pa" / n, TrustConfig()) for n in NAMES]


def test_every_format_has_its_own_name_suffix_option_and_a_reader() -> None:
    for key in ("name", "suffix", "cli_flag", "menu_title", "cli_dest"):
        values = [getattr(f, key) for f in EXPORT_FORMATS]
        assert len(set(values)) == len(values), f"two formats share a {key}"
    for fmt in EXPORT_FORMATS:
        assert fmt.suffix.startswith(".") and fmt.cli_flag.startswith("--") and fmt.menu_title.endswith("…")
        assert export_format(fmt.name) is fmt
    assert set(READERS) == {f.name for f in EXPORT_FORMATS}, "tests/export_readers.py reads every format"
    with pytest.raises(KeyError):
        export_format("docx")


def test_the_formats_in_words_keep_the_export_buttons_tooltip() -> None:
    assert described_list() == "a PDF evidence report, CSV or JSON"
    assert [f.file_filter for f in EXPORT_FORMATS] == ["PDF report (*.pdf)", "CSV table (*.csv)", "JSON (*.json)"]


@pytest.mark.parametrize("fmt", EXPORT_FORMATS, ids=lambda f: f.name)
def test_inspect_offers_every_format(fmt: ExportFormat) -> None:
    args = parser().parse_args(["inspect", "photo.jpg", fmt.cli_flag, f"out{fmt.suffix}"])
    assert getattr(args, fmt.cli_dest) == f"out{fmt.suffix}"
    for other in EXPORT_FORMATS:
        if other is not fmt:
            assert getattr(args, other.cli_dest) is None


def test_the_existing_options_keep_their_names() -> None:
    args = parser().parse_args(["inspect", "x.jpg", "--csv", "a.csv", "--json-out", "b.json", "--report", "c.pdf"])
    assert [getattr(args, export_format(n).cli_dest) for n in ("csv", "json", "pdf")] == ["a.csv", "b.json", "c.pdf"]


@pytest.mark.parametrize("fmt", EXPORT_FORMATS, ids=lambda f: f.name)
def test_every_format_writes_a_file_its_reader_accepts(fmt: ExportFormat, tmp_path: Path, home: Path) -> None:
    batch = reports()
    target = tmp_path / "case 7" / f"batch{fmt.suffix}"
    assert fmt.write(batch, target, home) == target
    described = READERS[fmt.name](target)
    assert described is None or described == {r.file.sha256 for r in batch}


@pytest.mark.parametrize("fmt", [f for f in EXPORT_FORMATS if f.name != "pdf"], ids=lambda f: f.name)
def test_a_file_that_cannot_be_written_is_an_export_error(fmt: ExportFormat, tmp_path: Path) -> None:
    taken = tmp_path / f"taken{fmt.suffix}"
    taken.mkdir()  # a folder where the file should go
    with pytest.raises(ExportError, match="Could not write"):
        fmt.write(reports(), taken, None)
    assert taken.is_dir() and not any(taken.iterdir())
