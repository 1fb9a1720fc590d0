"""The signing identity as the GUI uses it, every call off the caller's thread."""

from __future__ import annotations

from pathlib import Path

from tests.certs import TestCA
from tests.secrets import MemorySecretStore
from trustnxt_desktop.engine.certs import LOCAL_ORGANISATION
from trustnxt_desktop.services.account.identity import IdentityService, given_organisation
from trustnxt_desktop.services.trust.sources import LOCAL_IDENTITY_SOURCE


async def test_a_local_identity_is_created_trusted_here_and_its_root_exported(
        home: Path, memory_secrets: MemorySecretStore, tmp_path: Path) -> None:
    service = IdentityService(home, memory_secrets)
    assert await service.info() is None and await service.trusted_by() is None
    info = await service.create("", "", replace=False)  # no name given: a default one
    assert info.display_name and given_organisation(info) is None
    assert info.organisation == LOCAL_ORGANISATION, "the placeholder validators would show as its issuer"
    assert await service.trusted_by() == LOCAL_IDENTITY_SOURCE
    issuer = await service.issuer()
    assert issuer is not None and issuer[0].endswith("Root CA"), "the identity's own root issued it"
    assert issuer[1].decode() == service.store.root_pem()
    target = tmp_path / "root.pem"
    assert await service.export_root(target) and target.read_text().startswith("-----BEGIN CERTIFICATE-----")
    named = await service.create("Ada", "Daily News", replace=True)
    assert given_organisation(named) == "Daily News"


async def test_an_imported_certificate_has_no_local_root(home: Path, memory_secrets: MemorySecretStore,
                                                          tmp_path: Path) -> None:
    service = IdentityService(home, memory_secrets)
    ca = TestCA("Newsroom CA")
    chain, key = ca.issue("Staff Photographer")
    (tmp_path / "chain.pem").write_bytes(chain)
    (tmp_path / "key.pem").write_bytes(key)
    info = await service.import_file(tmp_path / "chain.pem", tmp_path / "key.pem", None, replace=False)
    assert info.display_name == "Staff Photographer"
    assert not await service.export_root(tmp_path / "root.pem") and not (tmp_path / "root.pem").exists()
    assert await service.trusted_by() is None
    issuer = await service.issuer()
    assert issuer is not None and issuer[0] == "Newsroom CA"
