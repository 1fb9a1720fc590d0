"""LocalBackend as the GUI and CLI use it: async calls, work in an executor, usage recorded."""

from __future__ import annotations

from pathlib import Path

from tests.c2pa_signing import manifest, sign
from tests.conftest import CORPUS
from tests.expect import protected_copy
from tests.revocation_pki import revocation_services
from trustnxt_desktop.domain.protect import ProtectOptions, ProtectStatus
from trustnxt_desktop.domain.report import Verdict
from trustnxt_desktop.domain.timestamps import NOT_CHECKED_PRIVACY, REVOCATION_REVOKED
from trustnxt_desktop.engine.revocation import CACHE_FILE as REVOCATION_CACHE
from trustnxt_desktop.engine.trust import TrustConfig, TrustSource
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


async def test_the_second_validator_reads_each_new_copy_when_it_is_on(home: Path, memory_secrets,
                                                                     tmp_path: Path) -> None:
    """engine.second_check runs after each protect with the cross-check on (its preference folder appears on first
    use) and not at all with it off; a copy it finds intact gets no warning."""
    folder = home / "validators" / "encypher-c2pa"
    for on in (False, True):
        backend = LocalBackend(home, memory_secrets, Settings(display_name="Grace Hopper", cross_check=on))
        try:
            result = await backend.protect(CORPUS / "media" / "sample1.png", ProtectOptions(out_dir=tmp_path / str(on)))
        finally:
            await backend.aclose()
        assert result.status is ProtectStatus.DONE and not [w for w in result.warnings if "validator" in w]
        assert (folder / "c2pa.json").exists() is on


async def test_revocation_is_asked_only_when_the_setting_allows_it(home: Path, memory_secrets, tmp_path: Path) -> None:
    with revocation_services() as pki:
        cert, chain, key = pki.issue("Revoked Photographer")
        pki.revoke(cert)
        signed, _ = sign(CORPUS / "media" / "trustnxt-icon.jpg", manifest(), (chain, key))
        path = tmp_path / "revoked.jpg"
        path.write_bytes(signed)
        root = TrustSource("Revocation test root", anchors_pem=pki.root_pem, kind="user-anchor")
        trust = TrustConfig(sources=(root,))

        off = LocalBackend(home, memory_secrets, Settings(cross_check=False), trust=trust)
        try:
            report = await off.inspect(path)
        finally:
            await off.aclose()
        assert report.verdict is Verdict.TRUSTED and pki.requests == []
        assert report.revocation is not None and report.revocation.why_not == NOT_CHECKED_PRIVACY

        on = LocalBackend(home, memory_secrets, Settings(cross_check=False, revocation_check=True), trust=trust)
        try:
            one = await on.inspect(path)
            streamed = [r async for group in on.inspect_stream([path, path]) for _, r in group]
        finally:
            await on.aclose()
    assert one.verdict is Verdict.INVALID and one.revocation is not None and one.revocation.status == REVOCATION_REVOKED
    assert [r.verdict for r in streamed] == [Verdict.INVALID, Verdict.INVALID]
    assert pki.requests == ["POST /ocsp", "POST /root/ocsp"]  # the signer's, its CA's; then from the cache
    assert (home / REVOCATION_CACHE).is_file()


async def test_a_worker_that_dies_checking_the_new_copy_costs_only_a_warning(home: Path, memory_secrets,
                                                                            tmp_path: Path, monkeypatch) -> None:
    """The second validator reads the just-signed copy in an isolated worker (it may embed someone else's manifest
    as its parent): a crash there leaves the copy published and says the check could not run."""
    from trustnxt_desktop.engine.untrusted import TASKS_MODULE
    from trustnxt_desktop.runtime.isolation import FAULT_ENV, IsolatedPool

    monkeypatch.setenv(FAULT_ENV, "abort:copy-check-crashes")  # only the copy's path carries this text
    # A pool of its own, started after the fault is set: workers read it when they start (runtime/isolation.py).
    with IsolatedPool(TASKS_MODULE, size=1) as pool:
        backend = LocalBackend(home, memory_secrets, Settings(display_name="Grace Hopper", cross_check=True),
                               pool=pool)
        try:
            result = await backend.protect(CORPUS / "media" / "sample1.png",
                                           ProtectOptions(out_dir=tmp_path / "copy-check-crashes"))
        finally:
            await backend.aclose()
        assert pool.stats.failures.get("crash") == 1
    assert result.status is ProtectStatus.DONE and protected_copy(result).exists()
    assert any("could not check the protected copy" in w for w in result.warnings), result.warnings
