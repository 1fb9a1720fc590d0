"""The trust sources in force: your own identity's root, certificates you chose to trust, and the
published trust lists downloaded by services.trust.lists (named with their snapshot dates).

User anchors are PEM files under <data root>/trust/anchors/<name>.pem; the file name is the name
shown in reports ("Your anchor: Newsroom CA").
"""

from __future__ import annotations

import re
from pathlib import Path

from ...domain.errors import ConfigurationError
from ...engine import certs
from ...engine.identity import IdentityStore
from ...engine.trust import TrustConfig, TrustSource
from .lists import SnapshotStore, list_sources

LOCAL_IDENTITY_SOURCE = "Your TrustNXT Desktop identity"
# Characters no file system accepts in a name; everything else (apostrophes, accents) is kept.
_SAFE_NAME = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')


class AnchorStore:
    def __init__(self, root: Path) -> None:
        self.dir = root / "trust" / "anchors"

    def _path(self, name: str) -> Path:
        safe = _SAFE_NAME.sub("_", name).strip(" .")
        if not safe:
            raise ConfigurationError("Give the anchor a name with letters or digits.")
        return self.dir / f"{safe}.pem"

    def add(self, name: str, pem: bytes) -> Path:
        try:
            found = certs.load_pem_chain(pem)
        except ValueError as e:
            raise ConfigurationError("That file holds no PEM certificate.") from e
        path = self._path(name)
        if path.exists():
            raise ConfigurationError(f"An anchor named {name!r} exists already; remove it first.")
        self.dir.mkdir(parents=True, exist_ok=True)
        path.write_text(certs.to_pem(found), "ascii")
        return path

    def remove(self, name: str) -> None:
        path = self._path(name)
        if not path.exists():
            raise ConfigurationError(f"No anchor named {name!r}.")
        path.unlink()

    def list(self) -> list[tuple[str, Path]]:
        return [(p.stem, p) for p in sorted(self.dir.glob("*.pem"))] if self.dir.is_dir() else []


def local_identity_source(identities: IdentityStore) -> TrustSource | None:
    """Current and retired local roots: files signed before a replacement stay trusted."""
    pems = [p for p in [identities.root_pem(), *identities.retired_root_pems()] if p]
    return TrustSource(LOCAL_IDENTITY_SOURCE, anchors_pem="".join(pems), kind="local-identity") if pems else None


def build_trust_config(root: Path, identities: IdentityStore, *, remote_manifest_fetch: bool = False,
                       defaults: bool = True, extra: tuple[TrustSource, ...] = ()) -> TrustConfig:
    """`defaults`: your identity's roots, saved anchors and downloaded trust lists; `extra`: for this run only.

    Order matters: a report names the first source that trusts its signer, so your own choices come
    before the published lists, and the official list before the interim one.
    """
    sources: list[TrustSource] = []
    if defaults:
        if local := local_identity_source(identities):
            sources.append(local)
        for name, path in AnchorStore(root).list():
            sources.append(TrustSource(f"Your anchor: {name}", anchors_pem=path.read_text("ascii"), kind="user-anchor"))
        sources.extend(list_sources(SnapshotStore(root)))
    sources.extend(extra)
    return TrustConfig(sources=tuple(sources), remote_manifest_fetch=remote_manifest_fetch)
