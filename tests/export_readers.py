"""A reader for each export format (services.records.export_formats): it opens a written file the way its
recipient would and says which files the export describes, so a test can check that every format offered
writes something its own reader accepts. A new format needs its reader here; the tests say so."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from pathlib import Path


def _csv(path: Path) -> set[str] | None:
    with path.open(newline="", encoding="utf-8") as f:
        return {row["sha256"] for row in csv.DictReader(f)}


def _json(path: Path) -> set[str] | None:
    return {r["file"]["sha256"] for r in json.loads(path.read_text("utf-8"))}


def _pdf(path: Path) -> set[str] | None:
    data = path.read_bytes()
    assert data.startswith(b"%PDF-") and b"%%EOF" in data[-64:], "a complete PDF document"
    return None  # its text is compressed: which files it describes is tests/ui/test_pdf_report.py's business


# name -> read(path): the sha256 of each file the export describes (None when the format cannot tell).
READERS: dict[str, Callable[[Path], set[str] | None]] = {"csv": _csv, "json": _json, "pdf": _pdf}
