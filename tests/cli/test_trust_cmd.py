"""cli/trust_cmd.py: `trustnxt trust status | update | list | add | remove` over the real trust-list store and
anchor folder; updates come from a trust-list mirror on 127.0.0.1 (or a closed port: offline)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.certs import TestCA
from tests.cli.conftest import Trustnxt
from tests.trust_server import trust_mirror


@pytest.fixture
def ca_file(tmp_path: Path) -> Path:
    path = tmp_path / "newsroom.pem"
    path.write_text(TestCA("Newsroom Test CA").pem)
    return path


def test_add_list_remove_an_anchor(trustnxt: Trustnxt, ca_file: Path) -> None:
    assert trustnxt("trust", "list").out.startswith("No trust anchors of your own.")
    added = trustnxt("trust", "add", "Newsroom", ca_file)
    assert added.code == 0 and added.out.startswith("Added trust anchor “Newsroom” (")
    assert trustnxt("trust", "list").out == "Your anchor: Newsroom: Newsroom Test CA\n"
    assert trustnxt("trust", "add", "Newsroom", ca_file).code == 3  # a name is used once
    removed = trustnxt("trust", "remove", "Newsroom")
    assert removed.code == 0 and removed.out == "Removed trust anchor “Newsroom”\n"
    assert trustnxt("trust", "remove", "Newsroom").code == 3


def test_a_file_without_a_certificate_is_refused(trustnxt: Trustnxt, tmp_path: Path) -> None:
    junk = tmp_path / "junk.pem"
    junk.write_text("not a certificate")
    ran = trustnxt("trust", "add", "Junk", junk)
    assert ran.code == 3 and "no PEM certificate" in ran.err
    assert trustnxt("trust", "add", "Missing", tmp_path / "nowhere.pem").code == 2


def test_status_names_every_list_in_use_and_your_anchors(trustnxt: Trustnxt, ca_file: Path) -> None:
    trustnxt("trust", "add", "Newsroom", ca_file)
    status = json.loads(trustnxt("trust", "status", "--json").out)
    assert [entry["list"] for entry in status["lists"]] == ["c2pa", "interim", "c2pa-tsa"]
    assert all(entry["snapshot"]["origin"] == "bundled" for entry in status["lists"])
    assert status["anchors"] == ["Newsroom"] and status["last_success"] is None
    text = trustnxt("trust", "status").out
    assert "C2PA trust list (" in text and text.count("  shipped with TrustNXT Desktop ") == 3
    assert "Last successful update: never" in text and "Your anchor: Newsroom: Newsroom Test CA" in text


def test_update_offline_fails_with_exit_4_and_keeps_the_lists(trustnxt: Trustnxt) -> None:
    ran = trustnxt("trust", "update")  # the lists' address is a closed local port in tests
    assert ran.code == 4
    assert len(ran.out.strip().splitlines()) == 3  # one line per list
    status = json.loads(trustnxt("trust", "status", "--json").out)
    assert all(entry["snapshot"] is not None for entry in status["lists"]) and status["last_error"]


def test_update_from_a_mirror_downloads_the_lists(trustnxt: Trustnxt, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    with trust_mirror(tmp_path / "mirror") as mirror:
        monkeypatch.setenv("TRUSTNXT_TRUST_BASE_URL", mirror.url)
        ran = trustnxt("trust", "update")
    assert ran.code == 0, ran.out + ran.err
    status = json.loads(trustnxt("trust", "status", "--json").out)
    assert status["last_success"] and not status["last_error"]
    assert {entry["snapshot"]["origin"] for entry in status["lists"]} == {"downloaded"}
