"""The trust facade the window uses: anchors described, lists updated and their failures logged, a hint when no
published signer list is available."""

from __future__ import annotations

import dataclasses
import logging
from pathlib import Path

import pytest

from tests.certs import TestCA
from trustnxt_desktop.domain.errors import ConfigurationError
from trustnxt_desktop.services.account.settings import Settings
from trustnxt_desktop.services.trust.service import TrustService, missing_lists_hint


async def test_anchors_are_added_described_and_removed(home: Path, tmp_path: Path) -> None:
    service = TrustService(home, Settings)
    pem_file = tmp_path / "newsroom.pem"
    ca = TestCA("Newsroom CA")
    pem_file.write_text(ca.pem)
    info = await service.add_anchor("Newsroom", pem_file)
    assert (info.name, info.subject, info.certificates) == ("Newsroom", "Newsroom CA", 1)
    assert info.not_after == ca.cert.not_valid_after_utc.date().isoformat()
    chain, _ = TestCA("Agency Root").issue("Agency Desk")
    both = await service.add_anchor_pem("Agency", chain)
    assert (both.subject, both.certificates) == ("Agency Desk", 2)

    (home / "trust" / "anchors" / "Broken.pem").write_text("not a certificate")
    overview = await service.overview()
    assert [(a.name, a.subject) for a in overview.anchors] == [("Agency", "Agency Desk"), ("Broken", "unreadable file"),
                                                               ("Newsroom", "Newsroom CA")]
    await service.remove_anchor("Newsroom")
    assert [a.name for a in (await service.overview()).anchors] == ["Agency", "Broken"]
    with pytest.raises(ConfigurationError, match="Could not read missing.pem"):
        await service.add_anchor("x", tmp_path / "missing.pem")


async def test_shipped_lists_need_no_hint_and_their_absence_gets_one(home: Path) -> None:
    overview = await TrustService(home, Settings).overview()
    assert missing_lists_hint(overview) is None, "the lists shipped with the app are in force"
    empty = dataclasses.replace(overview, lists=dataclasses.replace(
        overview.lists, lists=[dataclasses.replace(s, snapshot=None) for s in overview.lists.lists],
        last_error="connection refused"))
    hint = missing_lists_hint(empty)
    assert hint is not None and "not as trusted" in hint and "last attempt to download them failed" in hint


async def test_a_failed_update_is_logged_and_the_lists_in_use_stay(home: Path,
                                                                   caplog: pytest.LogCaptureFixture) -> None:
    service = TrustService(home, Settings)  # the lists' address is a closed local port (tests/conftest.py)
    before = [s.snapshot for s in (await service.overview()).lists.lists]
    with caplog.at_level(logging.WARNING, logger="trustnxt_desktop.services.trust.service"):
        report = await service.update(force=True)
    assert not report.ok and not report.changed
    assert sum("trust list update failed" in r.getMessage() for r in caplog.records) == len(report.results)
    assert [s.snapshot for s in (await service.overview()).lists.lists] == before
