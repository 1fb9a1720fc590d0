"""cli/log_cmd.py: `trustnxt log export | verify` over the real hash-chained verification log (sqlite, its
anchor in the OS keyring)."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from pathlib import Path

import pytest

from tests.cli.conftest import Trustnxt
from tests.conftest import CORPUS

FILES = [CORPUS / "c2pa" / "adobe-20220124-C.jpg", CORPUS / "c2pa" / "adobe-20220124-E-sig-CA.jpg",
         CORPUS / "media" / "no_manifest.jpg"]


@pytest.fixture
def logged(trustnxt: Trustnxt, secret_store) -> Trustnxt:
    ran = trustnxt("inspect", *FILES, "--json", "--single-validator")
    assert ran.code == 0, ran.err
    return trustnxt


def test_verify_says_how_many_entries_are_intact(logged: Trustnxt) -> None:
    ran = logged("log", "verify")
    assert ran.code == 0, ran.err
    assert ran.out.startswith("Verification log intact: 3 entries; head ")


def test_an_edited_entry_fails_verify_with_exit_4(logged: Trustnxt, home: Path) -> None:
    with sqlite3.connect(home / "verification-log.sqlite3", isolation_level=None) as db:
        body = json.loads(db.execute("SELECT body FROM entries WHERE seq = 2").fetchone()[0])
        body["verdict"] = "trusted"
        db.execute("UPDATE entries SET body = ? WHERE seq = 2", (json.dumps(body),))
    ran = logged("log", "verify")
    assert ran.code == 4 and ran.out == ""
    assert "Verification log damaged at entry 2" in ran.err and "Traceback" not in ran.err


def test_export_prints_json_by_default_and_csv_when_asked(logged: Trustnxt) -> None:
    exported = logged("log", "export")
    assert exported.code == 0
    entries = json.loads(exported.out)
    text = json.dumps(entries)
    assert all(f.name in text for f in FILES)
    rows = list(csv.DictReader(io.StringIO(logged("log", "export", "--csv").out)))
    assert len(rows) == 3
    assert logged("log", "export", "--csv", "--json").code == 2  # one format at a time


def test_export_to_a_file_says_where_and_never_writes_stdout(logged: Trustnxt, tmp_path: Path) -> None:
    target = tmp_path / "log.csv"
    ran = logged("log", "export", "--csv", "--out", target)
    assert ran.code == 0 and ran.out == "" and f"Wrote {target}" in ran.err
    assert target.read_text().count("\n") >= 4  # a header and three entries


def test_an_empty_log_is_intact(trustnxt: Trustnxt, secret_store) -> None:
    ran = trustnxt("log", "verify")
    assert ran.code == 0 and ran.out.startswith("Verification log intact: 0 entries")
    assert trustnxt("log").code == 2  # export or verify must be named
