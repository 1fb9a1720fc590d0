"""domain/timestamps.py's revocation wording: the one line every report output gives (text, CSV, the batch table's
tooltip) and the table cell, for real reports of copies whose certificates were asked about on 127.0.0.1."""

from __future__ import annotations

import pytest

from tests.revocation_pki import revocation_reports
from trustnxt_desktop.domain.report import InspectionReport
from trustnxt_desktop.domain.timestamps import revocation_line, revocation_short


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, InspectionReport]:
    return revocation_reports(tmp_path_factory.mktemp("revocation"))


def test_good_names_every_certificate_asked_about_and_how(reports: dict[str, InspectionReport]) -> None:
    good = reports["good"].revocation
    assert revocation_line(good) == "not revoked: signer (OCSP), intermediate CA (OCSP)"
    assert revocation_short(good) == "not revoked"


def test_revoked_says_which_certificate_when_why_and_how(reports: dict[str, InspectionReport]) -> None:
    revoked = reports["revoked"].revocation
    assert revoked is not None and revoked.revoked_at
    line = revocation_line(revoked)
    assert line.startswith(f"revoked on {revoked.revoked_at[:10]} ")
    assert "(keyCompromise): intermediate CA “Revocation Test Intermediate" in line and line.endswith("per OCSP")
    assert revocation_short(revoked) == f"revoked {revoked.revoked_at[:10]}"


def test_not_checked_says_why(reports: dict[str, InspectionReport]) -> None:
    line = revocation_line(reports["not_checked"].revocation)
    assert line.startswith("not checked: online revocation checks are off (Settings › Privacy)")
    assert revocation_short(reports["not_checked"].revocation) == "not checked (checks off)"
    assert revocation_line(None) == revocation_short(None) == ""  # no signer, nothing to say
