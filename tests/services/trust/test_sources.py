"""The trust sources in force and their order: your identity's roots, your anchors, then the published lists."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.certs import TestCA
from tests.secrets import MemorySecretStore
from trustnxt_desktop.domain.errors import ConfigurationError
from trustnxt_desktop.engine.identity import IdentityStore
from trustnxt_desktop.engine.trust import TrustSource
from trustnxt_desktop.services.trust.sources import (
    LOCAL_IDENTITY_SOURCE,
    AnchorStore,
    build_trust_config,
    local_identity_source,
)


def test_anchors_are_named_files_of_certificates_only(tmp_path: Path) -> None:
    store = AnchorStore(tmp_path)
    ca = TestCA("Newsroom CA")
    path = store.add("Newsroom: photo desk?", ca.pem.encode())
    assert path.name == "Newsroom_ photo desk_.pem" and path.parent == tmp_path / "trust" / "anchors"
    assert path.read_text("ascii") == ca.pem
    store.add("Agence d'été", ca.pem.encode())  # apostrophes and accents are kept
    assert [name for name, _ in store.list()] == ["Agence d'été", "Newsroom_ photo desk_"]
    with pytest.raises(ConfigurationError, match="exists already"):
        store.add("Newsroom: photo desk?", ca.pem.encode())
    with pytest.raises(ConfigurationError, match="no PEM certificate"):
        store.add("junk", b"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n")
    with pytest.raises(ConfigurationError, match="letters or digits"):
        store.add(" .. ", ca.pem.encode())
    store.remove("Agence d'été")
    with pytest.raises(ConfigurationError, match="No anchor"):
        store.remove("Agence d'été")
    assert AnchorStore(tmp_path / "nowhere").list() == []


def test_your_choices_come_before_the_published_lists(home: Path, memory_secrets: MemorySecretStore) -> None:
    identities = IdentityStore(home, memory_secrets)
    assert local_identity_source(identities) is None
    identities.create("Ada", "Tests")
    first_root = identities.root_pem()
    identities.create("Ada", "Tests", replace=True)
    local = local_identity_source(identities)
    assert local is not None and local.name == LOCAL_IDENTITY_SOURCE and local.kind == "local-identity"
    assert first_root is not None and first_root in local.anchors_pem, "files signed before a replacement stay trusted"
    root = identities.root_pem()
    assert root is not None and root in local.anchors_pem

    AnchorStore(home).add("Newsroom CA", TestCA("Newsroom CA").pem.encode())
    extra = TrustSource("this run only", anchors_pem=TestCA("x").pem)
    config = build_trust_config(home, identities, extra=(extra,), remote_manifest_fetch=True)
    kinds = [s.kind for s in config.sources]
    assert config.names()[:2] == [LOCAL_IDENTITY_SOURCE, "Your anchor: Newsroom CA"]
    assert config.sources[-1] is extra and config.remote_manifest_fetch
    assert "trust-list" in kinds, "the lists shipped with the app are in force on a fresh profile"
    assert kinds.index("trust-list") > kinds.index("user-anchor")
    bare = build_trust_config(home, identities, defaults=False, extra=(extra,))
    assert bare.sources == (extra,)
