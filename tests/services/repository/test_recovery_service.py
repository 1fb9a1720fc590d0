"""services/repository/recovery_service.py: which reports are looked up by themselves; with Settings › Privacy's
"keep received pictures" on, a received picture with intact credentials is kept in this computer's repository (its
manifest store, signed thumbnail and fingerprints) and a stripped copy of it is then recovered; off, nothing is
kept."""

from __future__ import annotations

import shutil
from pathlib import Path

from PIL import Image

from tests.conftest import CORPUS
from tests.picture_changes import CHANGES
from tests.secrets import MemorySecretStore
from trustnxt_desktop.domain.report import Verdict
from trustnxt_desktop.engine.trust import TrustConfig
from trustnxt_desktop.engine.untrusted import inspect_isolated, shared_pool
from trustnxt_desktop.services.account.settings import Settings
from trustnxt_desktop.services.repository.recovery_service import RecoveryService

RECEIVED = CORPUS / "c2pa" / "adobe-20220124-CAI.jpg"  # valid, with a signed thumbnail


def _service(root: Path, settings: Settings) -> RecoveryService:
    return RecoveryService(root, lambda: settings, secrets=MemorySecretStore(), trust=lambda: TrustConfig())


def test_a_kept_received_picture_is_recovered_from_a_stripped_copy(tmp_path: Path) -> None:
    settings = Settings(keep_inspected=True)
    service = _service(tmp_path, settings)
    received = tmp_path / "received.jpg"
    shutil.copy(RECEIVED, received)
    report = inspect_isolated(shared_pool(), received, TrustConfig())
    assert report.verdict in (Verdict.VALID, Verdict.TRUSTED) and service.keeps(report)
    assert report.raw is not None
    label = report.raw["active_manifest"]
    assert service.keep_now(report)
    assert not service.keep_now(report), "kept once"
    stored = service.local().manifest(label)
    assert stored is not None and stored.origin == "inspect" and stored.thumbnail
    assert stored.thumbnail_type == "image/jpeg" and len(stored.fingerprints) == 2

    stripped = tmp_path / "stripped.jpg"
    with Image.open(received) as picture:
        stripped.write_bytes(CHANGES["jpeg_q70"](picture))
    plain = inspect_isolated(shared_pool(), stripped, TrustConfig())
    assert service.automatic(plain)
    outcome = service.recover_now(plain)
    assert plain.recovered == [], "the given report is left as it is"
    best = outcome.report.recovered[0]
    assert best.manifest_id == label and best.verdict in (Verdict.VALID, Verdict.TRUSTED)
    assert "Manifest repositories searched: this computer." in outcome.searched
    service.close()


def test_nothing_is_kept_unless_the_person_allowed_it(tmp_path: Path) -> None:
    settings = Settings()
    assert settings.keep_inspected is False
    service = _service(tmp_path, settings)
    report = inspect_isolated(shared_pool(), RECEIVED, TrustConfig())
    assert not service.keeps(report) and not service.keep_now(report)
    unsigned = inspect_isolated(shared_pool(), CORPUS / "media" / "no_manifest.jpg", TrustConfig())
    settings.keep_inspected = True
    assert not service.keeps(unsigned), "only intact credentials are kept"
    assert service.local().count() == 0
    service.close()
