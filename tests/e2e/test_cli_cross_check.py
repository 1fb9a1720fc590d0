"""`trustnxt inspect` with two validators: the text output and --json say whether they agree and where
they differ, CSV and the PDF report carry it, the verification log records it; --single-validator
leaves the second one out."""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import CORPUS, SHARED
from tests.e2e.test_cli import run

DOCX = SHARED / "cases" / "ai-report.docx"
AGREED = CORPUS / "c2pa" / "adobe-20220124-C.jpg"
NO_ALG = CORPUS / "hostile" / "no_alg.jpg"


def test_text_and_json_say_whether_the_validators_agree(home: Path) -> None:
    text = run("inspect", str(DOCX), str(AGREED), str(NO_ALG), home=home)
    assert text.returncode == 0, text.stderr  # no_alg is read by the second validator: invalid, not error
    lines = text.stdout.splitlines()
    assert "  validators: Checked by 2 independent validators: they agree." in lines
    assert any(line.startswith("  validators: Validators disagree (on media matches what was signed): the main "
                               "validator (c2pa-rs) says “valid”, the second validator (encypher-c2pa) says “invalid”")
               for line in lines)
    assert any(line.startswith("    Media matches what was signed: main “match”, second “malformed” — ")
               for line in lines)
    assert "no_alg.jpg: INVALID — " in text.stdout and "Only the second validator (encypher-c2pa 1.7.1)" in text.stdout

    reports = {r["file"]["name"]: r for r in json.loads(run("inspect", str(DOCX), str(AGREED), "--json",
                                                              home=home).stdout)}
    docx = reports["ai-report.docx"]
    assert docx["schema"] == "trustnxt.inspection/2" and docx["verdict"] == "valid"
    check = docx["cross_check"]
    assert check["engine"] == "encypher-c2pa" and check["version"] == "1.7.1" and check["ran"] is True
    assert check["verdict"] == "invalid" and check["agrees"] is False and check["primary_verdict"] == "valid"
    assert "assertion.collectionHash.malformed" in check["failure_codes"]
    assert check["signer"]["common_name"] == "Test Photographer" and check["trust"] == "not_valid_for_supplied_material"
    assert {d["field"] for d in check["differences"]} == {"verdict", "hard_binding"}
    assert all(d["sentence"] and d["primary"] != d["second"] for d in check["differences"])
    assert reports["adobe-20220124-C.jpg"]["cross_check"]["agrees"] is True


def test_single_validator_leaves_the_second_out(home: Path) -> None:
    proc = run("inspect", str(DOCX), str(NO_ALG), "--single-validator", "--json", home=home)
    reports = json.loads(proc.stdout)
    assert [r["cross_check"] for r in reports] == [None, None]
    assert [r["verdict"] for r in reports] == ["valid", "error"] and proc.returncode == 4
    assert "validators:" not in run("inspect", str(DOCX), "--single-validator", home=home).stdout


def test_exports_and_the_log_record_the_cross_check(tmp_path: Path, home: Path, secret_store) -> None:
    folder = tmp_path / "received"
    folder.mkdir()
    for p in (DOCX, AGREED):
        shutil.copy(p, folder / p.name)
    out_csv, out_pdf = tmp_path / "r.csv", tmp_path / "r.pdf"
    proc = run("inspect", str(folder), "--csv", str(out_csv), "--report", str(out_pdf), "-q", home=home)
    assert proc.returncode == 0, proc.stderr
    rows = {r["file"]: r for r in csv.DictReader(out_csv.open(newline=""))}
    assert rows["ai-report.docx"]["validators"] == "differ" and rows["adobe-20220124-C.jpg"]["validators"] == "agree"
    assert rows["ai-report.docx"]["second_validator"] == "encypher-c2pa 1.7.1"
    assert rows["ai-report.docx"]["second_verdict"] == "invalid"
    assert rows["ai-report.docx"]["validators_differ_on"] == "verdict hard_binding"
    if shutil.which("pdftotext"):
        words = " ".join(subprocess.run(["pdftotext", str(out_pdf), "-"], capture_output=True, text=True,
                                        check=True).stdout.split())
        assert "Two validators" in words and "Validators disagree" in words
        assert "Checked by 2 independent validators: they agree." in words
        assert "second, independent validator: encypher-c2pa 1.7.1" in words
    exported = json.loads(run("log", "export", "--json", home=home).stdout)
    second = {e["file"]: e["cross_check"] for e in exported["entries"]}
    assert second["ai-report.docx"] == {"engine": "encypher-c2pa 1.7.1", "ran": True, "verdict": "invalid",
                                        "agrees": False, "primary_verdict": "valid",
                                        "differs_on": ["verdict", "hard_binding"]}
    assert second["adobe-20220124-C.jpg"]["agrees"] is True
    assert run("log", "verify", home=home).returncode == 0, "the chain holds with the new field"


def test_protect_has_the_second_validator_read_each_copy_unless_told_not_to(tmp_path: Path, home: Path,
                                                                          secret_store) -> None:
    """Its preference folder in the data root appears on its first use (engine.second_check via the local engine)."""
    folder = home / "validators" / "encypher-c2pa"
    alone = run("protect", str(CORPUS / "media" / "sample1.png"), "--out", str(tmp_path / "a"), "--single-validator",
                home=home)
    assert alone.returncode == 0, alone.stderr
    assert not folder.exists()
    both = run("protect", str(CORPUS / "media" / "sample1.png"), "--out", str(tmp_path / "b"), home=home)
    assert both.returncode == 0, both.stderr
    assert (folder / "c2pa.json").exists() and "validator" not in both.stdout + both.stderr, "intact: nothing said"


@pytest.mark.parametrize("flag", ["--single-validator"])
def test_the_cloud_engine_refuses_local_only_flags(home: Path, flag: str) -> None:
    proc = run("inspect", str(DOCX), flag, "--backend", "cloud", home=home,
               env={"TRUSTNXT_API_KEY": "tnxt_live_x", "TRUSTNXT_API_SECRET": "tnxt_secret_x"})
    assert proc.returncode == 2 and "work only with --backend local" in proc.stderr
