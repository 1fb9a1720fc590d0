"""cli/inspect_cmd.py: `trustnxt inspect PATH...` with the local engine on real corpus files — text and JSON
output, trust options, exports, thumbnails and the exit code (4 when a file could not be checked)."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from tests.c2pa_signing import manifest, sign
from tests.certs import TestCA
from tests.cli.conftest import Trustnxt
from tests.conftest import CORPUS, EXPECTED, app_verdict

ADOBE_PDF = CORPUS / "c2pa" / "adobe-20240110-single_manifest_store.pdf"
SIGNED = [CORPUS / "c2pa" / n for n in ("adobe-20220124-C.jpg", "adobe-20220124-E-sig-CA.jpg",
                                        "truepic-20230212-camera.jpg")]


def test_json_reports_carry_the_verdicts_and_exit_0(trustnxt: Trustnxt) -> None:
    ran = trustnxt("inspect", *SIGNED, "--json")
    assert ran.code == 0, ran.err
    reports = json.loads(ran.out)
    assert [r["file"]["name"] for r in reports] == [p.name for p in SIGNED]
    assert [r["verdict"] for r in reports] == [app_verdict(p.name, EXPECTED["c2pa"][p.name]) for p in SIGNED]
    # With --json the progress goes to stderr, one line per file; the text reports are left out.
    assert "[3/3] " in ran.err and "signer:" not in ran.out + ran.err
    assert trustnxt("inspect", *SIGNED, "--json", "--quiet").err.count("[") == 0


def test_text_output_explains_each_file(trustnxt: Trustnxt) -> None:
    ran = trustnxt("inspect", SIGNED[1], "--single-validator")
    assert ran.code == 0
    assert "claimSignature.mismatch" in ran.out or "signature" in ran.out.lower()
    assert SIGNED[1].name in ran.out


def test_a_file_that_cannot_be_checked_makes_the_exit_code_4(trustnxt: Trustnxt) -> None:
    hostile = CORPUS / "hostile" / "nested_moov_1000.mp4"
    ran = trustnxt("inspect", hostile, SIGNED[0], "--json")
    assert ran.code == 4
    assert [r["verdict"] for r in json.loads(ran.out)] == ["error", "valid"]


def test_a_folder_recurses_and_unsupported_files_are_reported(trustnxt: Trustnxt, tmp_path: Path) -> None:
    folder = tmp_path / "received"
    (folder / "sub").mkdir(parents=True)
    (folder / "sub" / "c.jpg").write_bytes(SIGNED[0].read_bytes())
    (folder / "notes.txt").write_bytes((CORPUS / "hostile" / "unsupported_type.txt").read_bytes())
    reports = json.loads(trustnxt("inspect", folder, "--json", "--quiet").out)
    assert sorted((r["file"]["name"], r["verdict"]) for r in reports) == [("c.jpg", "valid"),
                                                                          ("notes.txt", "unsupported")]


def test_default_trust_trusts_the_adobe_pdf_and_no_default_trust_does_not(trustnxt: Trustnxt) -> None:
    (shipped,) = json.loads(trustnxt("inspect", ADOBE_PDF, "--json", "--single-validator").out)
    (bare,) = json.loads(trustnxt("inspect", ADOBE_PDF, "--json", "--single-validator", "--no-default-trust").out)
    assert (shipped["verdict"], bare["verdict"]) == ("trusted", "valid")


def test_a_trust_anchor_file_makes_its_signer_trusted_and_is_named(trustnxt: Trustnxt, tmp_path: Path) -> None:
    ca = TestCA("Anchor File CA")
    signed, _ = sign(CORPUS / "media" / "no_manifest.jpg", manifest(), ca.issue("Field Photographer"))
    photo = tmp_path / "photo.jpg"
    photo.write_bytes(signed)
    anchor = tmp_path / "ca.pem"
    anchor.write_text(ca.pem)
    (without,) = json.loads(trustnxt("inspect", photo, "--json").out)
    (report,) = json.loads(trustnxt("inspect", photo, "--json", "--trust-anchor", anchor).out)
    assert without["verdict"] == "valid"
    assert report["verdict"] == "trusted" and report["signer"]["trust_source"] == "Anchor file: ca.pem"


def test_exports_are_written_and_said_on_stderr(trustnxt: Trustnxt, tmp_path: Path, secret_store) -> None:
    table, again = tmp_path / "out.csv", tmp_path / "out.json"
    ran = trustnxt("inspect", *SIGNED, "--csv", table, "--json-out", again, "--single-validator")
    assert ran.code == 0, ran.err
    rows = list(csv.DictReader(table.open(encoding="utf-8-sig")))
    assert len(rows) == 3
    assert [r["file"]["name"] for r in json.loads(again.read_text())] == [p.name for p in SIGNED]
    assert f"written to {table}" in ran.err and f"written to {again}" in ran.err


def test_an_export_that_cannot_be_written_fails_only_itself_with_exit_4(trustnxt: Trustnxt, tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("mine")
    table, again = blocker / "out.csv", tmp_path / "fresh.json"  # a folder that is a file: cannot be written
    ran = trustnxt("inspect", SIGNED[0], "--csv", table, "--json-out", again, "--single-validator")
    assert ran.code == 4 and blocker.read_text() == "mine"
    assert f"Could not write {table}" in ran.err and again.is_file()


def test_manifest_thumbnails_are_extracted_once(trustnxt: Trustnxt, tmp_path: Path) -> None:
    folder = tmp_path / "thumbs"
    ran = trustnxt("inspect", SIGNED[0], "--extract-thumbnails", folder, "--single-validator")
    assert ran.code == 0, ran.err
    (thumb,) = folder.iterdir()
    assert thumb.name.startswith("adobe-20220124-C.") and thumb.name.endswith(".thumbnail.jpg")
    assert thumb.read_bytes()[:3] == b"\xff\xd8\xff"
    assert trustnxt("inspect", SIGNED[0], "--extract-thumbnails", folder, "--single-validator").code == 0
    assert list(folder.iterdir()) == [thumb]


def test_check_revocation_overrides_the_setting_for_one_command(trustnxt: Trustnxt, home: Path,
                                                               tmp_path: Path) -> None:
    from tests.revocation_pki import revocation_services
    from trustnxt_desktop.services.account.settings import SettingsStore

    with revocation_services() as pki:
        _, chain, key = pki.issue("Photographer")
        photo = tmp_path / "signed.jpg"
        photo.write_bytes(sign(CORPUS / "media" / "trustnxt-icon.jpg", manifest(), (chain, key))[0])
        root = tmp_path / "root.pem"
        root.write_text(pki.root_pem)

        def revocation(*flags: str) -> dict[str, Any]:
            ran = trustnxt("inspect", photo, "--trust-anchor", root, "--single-validator", "--json", *flags)
            assert ran.code == 0, ran.err
            found: dict[str, Any] = json.loads(ran.out)[0]["revocation"]
            return found

        assert revocation()["why_not"] == "privacy" and pki.requests == []  # the setting: off by default
        asked = revocation("--check-revocation")
        # The signer is asked of its CA's responder, then the CA of the root's (docs/timestamps.md "Revocation").
        assert (asked["status"], asked["method"]) == ("good", "OCSP")
        assert [(c["role"], c["status"]) for c in asked["certificates"]] == [("signer", "good"),
                                                                             ("intermediate CA", "good")]
        assert pki.requests == ["POST /ocsp", "POST /root/ocsp"]
        assert revocation()["why_not"] == "privacy"  # one command only: the setting is unchanged
        store = SettingsStore(home)
        settings = store.load()
        settings.revocation_check = True
        store.save(settings)
        assert revocation("--no-check-revocation")["why_not"] == "privacy"
        assert pki.requests == ["POST /ocsp", "POST /root/ocsp"]
