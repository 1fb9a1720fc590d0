"""A CA-issued signing certificate, for the GUI and the CLI: make the request, check what the CA sends back (is
it a C2PA signing certificate; would copies signed with it be trusted under the official C2PA trust list and the
other lists in force), then make it the signing identity.

The trust preview compares the issued chain with the trust sources in force exactly as the identity's own
trust hint does (services.trust.identity_trust; C2PA 2.2 §14.4), before anything is imported.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path

from ...domain.secrets import SecretStore
from ...engine import certs
from ...engine.csr import ALGORITHMS, Subject
from ...engine.csr_store import IssuedChain, PendingRequest, RequestStore
from ...engine.identity import IdentityInfo, IdentityStore
from ...engine.trust import TrustSource
from ..trust.identity_trust import sources_trusting
from ..trust.lists import CATALOGUE
from ..trust.sources import build_trust_config

OFFICIAL_LIST = next(spec.title for spec in CATALOGUE if spec.key == "c2pa")  # "C2PA trust list"


@dataclass(frozen=True)
class ChainPreview:
    """What importing an issued chain would give, said before it is imported."""

    subject: str  # the signing certificate's common name
    issuer: str  # the CA that issued it (common name)
    root: str  # the top of the chain as given (common name)
    not_after: str  # ISO 8601 date
    problems: tuple[str, ...]  # why it cannot be used (nothing is imported while there are any)
    notes: tuple[str, ...]
    trusted_by: tuple[str, ...]  # trust sources in force under which copies would show as trusted, in order
    official_list: str | None  # the official C2PA trust list in force ("C2PA trust list (2026-08-21)"), if any

    @property
    def usable(self) -> bool:
        return not self.problems

    @property
    def official(self) -> bool:
        """Whether the official C2PA trust list would trust it: anyone with that list sees the copies trusted."""
        return self.official_list is not None and self.official_list in self.trusted_by

    def verdict(self) -> str:
        """One paragraph for people: trusted under the official list, only here, or not at all, and why."""
        if self.official:
            return (f"Copies you sign would be trusted under the official {self.official_list}: anyone who checks "
                    f"them with that list sees them as trusted (root “{self.root}”).")
        where = "the official C2PA trust list" if self.official_list is None else f"the official {self.official_list}"
        others = [n for n in self.trusted_by if n != self.official_list]
        if others:
            return (f"Copies you sign would show as trusted on this computer ({others[0]}), but not under {where}: "
                    f"its root “{self.root}” is not on it, so others see them as intact but not trusted.")
        return (f"Copies you sign would show as intact but not trusted: the root “{self.root}” is neither on {where} "
                "nor among the certificates you trust here.")


def preview(issued: IssuedChain, sources: tuple[TrustSource, ...]) -> ChainPreview:
    """`issued` judged against `sources` (signer sources; TSA lists are ignored)."""
    chain = issued.chain
    trusting = sources_trusting(sources, chain)
    official = next((s.name for s in sources if s.kind == "trust-list" and s.name.startswith(OFFICIAL_LIST + " (")),
                    None)
    return ChainPreview(subject=certs.common_name(chain[0]), issuer=certs.common_name(chain[1]) if len(chain) > 1
                        else chain[0].issuer.rfc4514_string(), root=certs.common_name(chain[-1]),
                        not_after=chain[0].not_valid_after_utc.date().isoformat(), problems=issued.problems,
                        notes=issued.profile.notes, trusted_by=tuple(s.name for s in trusting),
                        official_list=official)


class CertificateRequests:
    """The pending request of a data root; every call runs off the calling (GUI) thread."""

    algorithms = ALGORITHMS

    def __init__(self, root: Path, secrets: SecretStore) -> None:
        self.root = root
        self.store = RequestStore(root, secrets)
        self.identities = IdentityStore(root, secrets)

    async def pending(self) -> PendingRequest | None:
        return await asyncio.to_thread(self.store.pending)

    async def create(self, subject: Subject, algorithm: str = "ES256", *, replace: bool = False) -> PendingRequest:
        return await asyncio.to_thread(self.store.create, subject, algorithm, replace=replace)

    async def request_pem(self) -> str:
        return await asyncio.to_thread(self.store.request_pem)

    async def discard(self) -> None:
        await asyncio.to_thread(self.store.discard)

    def preview_blocking(self, data: bytes) -> ChainPreview:
        """Blocking: reads the trust lists in force from disk. Raises IdentityError (engine.csr_store.check_chain)."""
        sources = build_trust_config(self.root, self.identities).signer_sources()
        return preview(self.store.check_chain(data), sources)

    async def preview(self, chain_file: Path) -> ChainPreview:
        return await asyncio.to_thread(lambda: self.preview_blocking(chain_file.read_bytes()))

    async def import_chain(self, chain_file: Path, *, replace: bool) -> IdentityInfo:
        return await asyncio.to_thread(lambda: self.store.import_chain(chain_file.read_bytes(), replace=replace))


__all__ = ["ChainPreview", "CertificateRequests", "PendingRequest", "Subject", "preview"]
