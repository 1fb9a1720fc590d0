"""`trustnxt` as a user runs it: a batch of the whole corpus with CSV, JSON and PDF; the verification log;
trust lists downloaded from a mirror on 127.0.0.1."""

from __future__ import annotations

import csv
import json
import re
import shutil
import sqlite3
from pathlib import Path

from tests.conftest import CORPUS, EXPECTED, app_verdict
from tests.e2e.test_cli import run
from tests.trust_server import trust_mirror

PDF = CORPUS / "c2pa" / "adobe-20240110-single_manifest_store.pdf"


def test_corpus_batch_writes_csv_json_pdf_and_logs_every_file(tmp_path: Path, home: Path) -> None:
    files = sorted(p for p in CORPUS.rglob("*") if p.is_file())
    out = tmp_path / "exports"
    proc = run("inspect", str(CORPUS), "--jobs", "2", "-q", "--csv", str(out / "batch.csv"),
               "--json-out", str(out / "batch.json"), "--report", str(out / "evidence.pdf"), home=home)
    assert proc.returncode == 4, proc.stderr  # the hostile files cannot be parsed
    rows = list(csv.DictReader((out / "batch.csv").open(encoding="utf-8")))
    reports = json.loads((out / "batch.json").read_text("utf-8"))
    assert len(rows) == len(reports) == len(files)
    assert sorted(r["path"] for r in rows) == sorted(str(p) for p in files)
    verdicts = {r["file"]: r["verdict"] for r in rows}
    for folder in ("c2pa", "hostile"):
        for name, expected in EXPECTED[folder].items():
            assert verdicts[name] == app_verdict(name, expected), name
    assert {verdicts[p.name] for p in (CORPUS / "media").iterdir()} == {"none"}
    assert {r["file"]["sha256"] for r in reports} >= {r["sha256"] for r in rows}

    pdf = (out / "evidence.pdf").read_bytes()
    assert pdf.startswith(b"%PDF")
    assert len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf)) >= 1 + len(files)

    verified = run("log", "verify", home=home)
    assert verified.returncode == 0 and f"intact: {len(files)} entries" in verified.stdout
    exported = json.loads(run("log", "export", "--json", home=home).stdout)
    assert sorted(e["sha256"] for e in exported["entries"]) == sorted(r["file"]["sha256"] for r in reports)


def test_an_export_that_cannot_be_written_is_said_and_the_others_are_still_written(tmp_path: Path,
                                                                                  home: Path) -> None:
    taken = tmp_path / "batch.csv"
    taken.mkdir()  # a folder where the CSV should go
    photo = CORPUS / "c2pa" / "adobe-20220124-C.jpg"
    proc = run("inspect", str(photo), "--csv", str(taken), "--json-out", str(tmp_path / "new" / "batch.json"),
               home=home)
    assert proc.returncode == 4, proc.stderr
    assert f"trustnxt: Could not write {taken}" in proc.stderr and "CSV table written" not in proc.stderr
    assert f"trustnxt: JSON written to {tmp_path / 'new' / 'batch.json'}" in proc.stderr
    assert [r["file"]["name"] for r in json.loads((tmp_path / "new" / "batch.json").read_text("utf-8"))] == [photo.name]
    assert taken.is_dir() and not any(taken.iterdir())


def test_log_verify_after_fifty_inspections_then_tampering(tmp_path: Path, home: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    sources = [CORPUS / "c2pa" / "adobe-20220124-C.jpg", CORPUS / "media" / "trustnxt-icon.png"]
    for i in range(50):
        shutil.copy(sources[i % 2], inbox / f"{i:02d}{sources[i % 2].suffix}")
    assert run("inspect", str(inbox), "--json", home=home).returncode == 0
    ok = run("log", "verify", home=home)
    assert ok.returncode == 0 and "intact: 50 entries" in ok.stdout

    db = sqlite3.connect(home / "verification-log.sqlite3", isolation_level=None)
    body = json.loads(db.execute("SELECT body FROM entries WHERE seq = 23").fetchone()[0])
    body["verdict"] = "trusted"  # someone "upgrades" a verdict after the fact
    db.execute("UPDATE entries SET body = ? WHERE seq = 23", (json.dumps(body, sort_keys=True, separators=(",", ":")),))
    edited = run("log", "verify", home=home)
    assert edited.returncode == 4 and "entry 23" in edited.stderr

    db.execute("DELETE FROM entries WHERE seq = 23")
    deleted = run("log", "verify", home=home)
    assert deleted.returncode == 4 and "entry 23 is missing" in deleted.stderr
    db.close()
    csv_out = tmp_path / "log.csv"
    assert run("log", "export", "--csv", "--out", str(csv_out), home=home).returncode == 0
    assert len(csv_out.read_text().splitlines()) == 50  # header + the 49 entries left


def test_trust_lists_from_a_mirror_decide_and_are_named(tmp_path: Path, home: Path) -> None:
    # A fresh machine, offline (the lists' address is a closed port): the lists shipped with the app decide.
    fresh = json.loads(run("inspect", str(PDF), "--json", home=home).stdout)[0]
    assert fresh["verdict"] == "trusted" and fresh["signer"]["trust_source"] == "Interim trust list (2025-08-28)"
    assert fresh["engine"]["trust_lists"] == ["C2PA trust list (2026-08-21)", "Interim trust list (2025-08-28)",
                                              "C2PA TSA trust list (2026-08-21)"]
    shipped = {t["name"]: t for t in fresh["engine"]["trust_snapshots"]}
    assert {t["origin"] for t in shipped.values()} == {"bundled"}
    assert shipped["Interim trust list (2025-08-28)"]["source"].startswith(
        "https://raw.githubusercontent.com/contentauth/verify-site/main/static/trust/anchors.pem")
    assert "frozen on 2026-01-01" in shipped["Interim trust list (2025-08-28)"]["note"]
    assert not (home / "trust" / "lists").exists(), "nothing was downloaded"
    human = run("inspect", str(PDF), home=home)
    assert "TRUSTED" in human.stdout and "no published trust list" not in human.stderr
    assert "trust lists older than 90 days in use" in human.stderr and "Interim trust list (2025-08-28)" in human.stderr
    shipped_status = run("trust", "status", home=home)
    assert re.search(r"Interim trust list \(2025-08-28\)\s+\[\d+ days old, sha256 [0-9a-f]{16}…\]",
                     shipped_status.stdout)
    assert "shipped with TrustNXT Desktop" in shipped_status.stdout and "Older than 90 days" in shipped_status.stdout

    with trust_mirror(tmp_path / "mirror") as mirror:
        env = {"TRUSTNXT_TRUST_BASE_URL": mirror.url}
        updated = run("trust", "update", home=home, env=env)
        assert updated.returncode == 0, updated.stdout + updated.stderr
        assert "Interim trust list" in updated.stdout and "updated" in updated.stdout
    status = run("trust", "status", home=home)
    assert status.returncode == 0
    assert f"{mirror.url}/ITL-allowed.pem" in status.stdout and "86 certificates" in status.stdout
    assert re.search(r"Interim trust list \(\d{4}-\d\d-\d\d\)\s+\[today, sha256 [0-9a-f]{16}…\]", status.stdout)
    assert "No trust anchors of your own" in status.stdout
    machine = json.loads(run("trust", "status", "--json", home=home).stdout)
    interim = next(s for s in machine["lists"] if s["list"] == "interim")
    assert interim["snapshot"]["files"][2]["name"] == "ITL-store.cfg" and not machine["due"]

    # The mirror is gone: inspecting still uses the snapshot; updating fails and says so, exit 4.
    after = json.loads(run("inspect", str(PDF), "--json", home=home).stdout)[0]
    assert after["verdict"] == "trusted" and after["signer"]["trust_source"] == interim["name"]
    assert interim["name"].startswith("Interim trust list (")
    # The downloaded snapshot is newer than the one shipped with the app, so it takes precedence.
    assert interim["snapshot"]["origin"] == "downloaded" and interim["name"] != "Interim trust list (2025-08-28)"
    assert {t["origin"] for t in after["engine"]["trust_snapshots"]} == {"downloaded"}
    offline = run("trust", "update", home=home, env={"TRUSTNXT_TRUST_BASE_URL": mirror.url})
    assert offline.returncode == 4 and "still using Interim trust list" in offline.stdout
    refused = run("trust", "update", home=home, env={"TRUSTNXT_TRUST_BASE_URL": "http://mirror.example"})
    assert refused.returncode == 3 and "plain http" in refused.stderr
