"""LocalBackend as the GUI and CLI use it: async calls, work in an executor, usage recorded."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import CORPUS
from tests.expect import protected_copy
from trustnxt_desktop.domain.protect import ProtectOptions, ProtectStatus
from trustnxt_desktop.domain.report import Verdict
from trustnxt_desktop.services.account.settings import Settings
from trustnxt_desktop.services.backends.local import LocalBackend


async def test_first_protect_creates_identity_and_usage_counts(home: Path, secret_store, tmp_path: Path) -> None:
    backend = LocalBackend(home, secret_store, Settings(display_name="Grace Hopper"))
    try:
        result = await backend.protect(CORPUS / "media" / "sample1.webp", ProtectOptions(out_dir=tmp_path / "o"))
        assert result.status is ProtectStatus.DONE
        assert backend.identity_created is not None and backend.identity_created.display_name == "Grace Hopper"
        skipped = await backend.protect(CORPUS / "hostile" / "unsupported_type.txt", ProtectOptions())
        assert skipped.status is ProtectStatus.SKIPPED
        report = await backend.inspect(protected_copy(result))
        assert report.verdict is Verdict.TRUSTED
        usage = await backend.usage()
        assert (usage.protect_calls, usage.inspect_calls, usage.source) == (1, 1, "local ledger")
    finally:
        await backend.aclose()
