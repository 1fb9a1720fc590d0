"""cli/report_cmd.py: `trustnxt inspect --report` writes a PDF evidence report signed with the signing identity
(its cover names the signer, the verification log's head and the trust lists' hashes), and `trustnxt report verify`
says who signed and when, and fails for a changed or unsigned report."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

from tests.c2pa_signing import local_tsa
from tests.certs import TestCA
from tests.cli.conftest import Trustnxt
from tests.conftest import CORPUS
from tests.ui.test_pdf_layout import page_texts
from trustnxt_desktop.domain.secrets import SecretStore
from trustnxt_desktop.services.account.settings import SettingsStore

FILES = [CORPUS / "c2pa" / "adobe-20220124-CAI.jpg", CORPUS / "media" / "sample1.png"]


def _timestamps(home: Path, url: str | None) -> None:
    """Settings › Protect's timestamp authority, which reports use too (None: timestamps off)."""
    store = SettingsStore(home)
    store.save(dataclasses.replace(store.load(), timestamps=url is not None, tsa_url=url or ""))


def test_a_signed_report_verifies_and_a_changed_one_does_not(trustnxt: Trustnxt, secret_store: SecretStore,
                                                             home: Path, tmp_path: Path) -> None:
    assert trustnxt("identity", "create", "--name", "Desk Editor", "--org", "The Newsroom").code == 0
    _timestamps(home, None)
    report = tmp_path / "evidence.pdf"
    ran = trustnxt("inspect", *FILES, "--report", report)
    assert ran.code == 0, ran.err
    assert f"PDF report written to {report} — signed by Desk Editor (PAdES B-B, no timestamp)" in ran.err
    assert not list(tmp_path.glob(".*")), "the unsigned drawing is not left beside the report"

    cover = " ".join(" ".join(page_texts(report, "-raw")).split())
    assert "Signature of this report Signed by Desk Editor, The Newsroom" in cover
    assert "Verification log volume 1 · 2 entries · head " in cover
    assert "C2PA trust list" in cover  # the snapshots' whole hashes, as before

    verified = trustnxt("report", "verify", report)
    assert verified.code == 0, verified.err
    lines = verified.out.splitlines()
    assert lines[0] == "evidence.pdf: signature intact — the PDF is exactly as it was signed (PAdES B-B)."
    assert lines[1] == ("  Signed by: Desk Editor (The Newsroom), certificate issued by Desk Editor — TrustNXT Desktop "
                        "Root CA")
    assert lines[3].startswith("  Signed at: 20") and "as the signer's computer states it" in lines[3]
    assert lines[4] == "  Signer: trusted here via Your TrustNXT Desktop identity"
    as_json = json.loads(trustnxt("report", "verify", report, "--json").out)
    assert as_json[0]["intact"] is True and as_json[0]["signer"] == "Desk Editor"

    data = bytearray(report.read_bytes())
    changed = tmp_path / "changed.pdf"
    data[len(data) // 3] ^= 0x20
    changed.write_bytes(bytes(data))
    refused = trustnxt("report", "verify", changed)
    assert refused.code == 4
    assert refused.out.startswith("changed.pdf: CHANGED or damaged since it was signed — do not rely on it.")
    assert "proves nothing" in refused.err


def test_with_a_timestamp_authority_the_report_is_pades_b_t(trustnxt: Trustnxt, secret_store: SecretStore,
                                                            home: Path, tmp_path: Path) -> None:
    assert trustnxt("identity", "create", "--name", "Desk Editor").code == 0
    report = tmp_path / "evidence.pdf"
    with local_tsa(TestCA("Report TSA Root")) as url:
        _timestamps(home, url)
        ran = trustnxt("inspect", FILES[1], "--report", report)
    assert ran.code == 0 and "— signed by Desk Editor (PAdES B-T, timestamped)" in ran.err, ran.err
    verified = trustnxt("report", "verify", report)
    assert verified.code == 0 and "(PAdES B-T)" in verified.out
    assert "(timestamp by " in verified.out and "not on a timestamp trust list in force)" in verified.out


def test_without_an_identity_the_report_says_it_is_not_signed(trustnxt: Trustnxt, secret_store: SecretStore,
                                                              tmp_path: Path) -> None:
    report = tmp_path / "evidence.pdf"
    ran = trustnxt("inspect", FILES[1], "--report", report)
    assert ran.code == 0, ran.err
    assert "— not signed: there is no signing identity yet" in ran.err
    cover = " ".join(" ".join(page_texts(report, "-raw")).split())
    assert "This PDF is not signed: there is no signing identity yet" in cover
    unsigned = trustnxt("report", "verify", report)
    assert unsigned.code == 4 and unsigned.out == "evidence.pdf: not signed — it carries no signature.\n"
    missing = trustnxt("report", "verify", tmp_path / "nothing.pdf")
    assert missing.code == 2 and "cannot read" in missing.err
