"""The signing identity for the GUI: every call runs off the GUI thread (keyring, crypto, disk)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from ...domain.secrets import SecretStore
from ...engine.certs import LOCAL_ORGANISATION
from ...engine.identity import IdentityInfo, IdentityStore, person_name
from ..backends.local import default_display_name
from ..trust.identity_trust import issuer_anchor, trusting_source
from .certificate_request import CertificateRequests


def given_organisation(info: IdentityInfo) -> str | None:
    """The organisation the person named; None when the certificate carries the placeholder a local identity
    made without one gets (validators show a certificate's organisation as its issuer)."""
    return None if info.organisation in (None, LOCAL_ORGANISATION) else info.organisation


class IdentityService:
    def __init__(self, root: Path, secrets: SecretStore) -> None:
        self.root = root
        self.store = IdentityStore(root, secrets)
        self.requests = CertificateRequests(root, secrets)  # a certificate from a CA: request, check, import

    async def info(self) -> IdentityInfo | None:
        return await asyncio.to_thread(self.store.info)

    async def trusted_by(self) -> str | None:
        """The trust source under which copies signed with this identity show as trusted here, or None."""
        return await asyncio.to_thread(trusting_source, self.root, self.store)

    async def issuer(self) -> tuple[str, bytes] | None:
        """(name, PEM) of the CA that issued this identity, to trust it here; None for none."""
        return await asyncio.to_thread(issuer_anchor, self.store)

    async def create(self, name: str, organisation: str | None, *, replace: bool) -> IdentityInfo:
        return await asyncio.to_thread(self.store.create, name or default_display_name(), organisation or None,
                                       replace=replace)

    async def export_root(self, target: Path) -> bool:
        """Write the root certificate others should trust; False for imported identities (no local root)."""
        def write() -> bool:
            pem = self.store.root_pem()
            if pem is None:
                return False
            target.write_text(pem, "ascii")
            return True
        return await asyncio.to_thread(write)

    async def import_file(self, cert_or_p12: Path, key: Path | None, password: str | None, *,
                          replace: bool) -> IdentityInfo:
        def work() -> IdentityInfo:
            data = cert_or_p12.read_bytes()
            if key is None:
                return self.store.import_pkcs12(data, password, replace=replace)
            return self.store.import_pem(data, key.read_bytes(), password, replace=replace)
        return await asyncio.to_thread(work)


# IdentityInfo is the engine's description of an identity (person_name: whom it names), re-exported for the GUI
# (which never imports engine/).
__all__ = ["IdentityInfo", "IdentityService", "given_organisation", "person_name"]
