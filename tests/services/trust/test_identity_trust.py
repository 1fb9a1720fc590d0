"""Whether copies signed with your identity show as trusted here, and which CA to trust when they do not
(C2PA 2.2 §14.5 trust lists; RFC 5280 §6 path validation, reduced to what decides it)."""

from __future__ import annotations

from pathlib import Path

from tests.certs import TestCA
from tests.secrets import MemorySecretStore
from trustnxt_desktop.engine.identity import IdentityStore
from trustnxt_desktop.services.trust.identity_trust import issuer_anchor, trusting_source
from trustnxt_desktop.services.trust.sources import LOCAL_IDENTITY_SOURCE, AnchorStore


def test_an_identity_made_here_is_trusted_by_its_own_root(home: Path, memory_secrets: MemorySecretStore) -> None:
    identities = IdentityStore(home, memory_secrets)
    assert trusting_source(home, identities) is None and issuer_anchor(identities) is None
    identities.create("Ada", "Tests")
    assert trusting_source(home, identities) == LOCAL_IDENTITY_SOURCE


def test_an_imported_certificate_is_trusted_once_its_issuer_is(home: Path, memory_secrets: MemorySecretStore) -> None:
    identities = IdentityStore(home, memory_secrets)
    ca = TestCA("Newsroom CA")
    chain, key = ca.issue("Staff Photographer")
    identities.import_pem(chain, key)
    assert trusting_source(home, identities) is None, "a CA nobody here trusts"

    found = issuer_anchor(identities)
    assert found is not None
    name, pem = found
    assert name == "Newsroom CA" and pem.decode() == ca.pem
    # A different CA with the same name does not count: the signature decides, not the name.
    AnchorStore(home).add("Impostor", TestCA("Newsroom CA").pem.encode())
    assert trusting_source(home, identities) is None
    AnchorStore(home).add(name, pem)
    assert trusting_source(home, identities) == "Your anchor: Newsroom CA"
