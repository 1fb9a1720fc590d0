"""Which signers we trust, and which of our trust sources accepted a given signer.

c2pa-rs answers "Trusted" without saying which anchor matched, and a report names the list that trusted
its signer, which matters because the lists disagree. With more than one source loaded the signer's
certificate chain, as the file carries it, usually says which: when exactly one source holds an anchor
that issued a certificate of the chain, or the signing certificate on its allowed list, that source is
named (engine.chain_trust). Otherwise the file is validated again under each source alone, in order, and
the first that reports Trusted is named.

Two details of c2pa-rs 0.91 shape the settings built here (both checked against the library):
- `trust.trust_config` (accepted EKU OIDs, the Verify site's store.cfg) is one set for the whole
  context and it only ever *adds* EKUs to the library's defaults (which include emailProtection, the
  EKU of our local identities). So loading the interim list never makes another source's signer
  untrusted. Because the set is global, the per-source contexts used to name the trusting source
  carry it too: otherwise a signer trusted by the full context could be trusted by no single source.
- Time-stamp authority anchors go in `trust.anchors` entries with `trust_kind: "tsa"`, separate
  from signer anchors, as the C2PA specification (2.1+) asks.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from . import chain_trust

if TYPE_CHECKING:  # loaded by context(): a process that only sends files to the parser workers never needs it
    from .c2pa_loader import c2pa

TSA_KIND = "tsa-list"  # a TrustSource of time-stamp authorities: never trusts a signer


def offline_core() -> dict[str, Any]:
    """c2pa `core` settings under which its HTTP resolvers refuse every host (an empty allow-list).

    Remote manifest fetching off is not enough: a CAWG identity verified by a web-hosted service (issuer
    did:web, CAWG identity assertion 1.1 §8.1) makes c2pa-rs 0.91 fetch https://<host>/.well-known/did.json
    while it validates, which tells that host the file was opened. Blocked, it reports
    cawg.ica.did_unavailable instead.
    """
    return {"allowed_network_hosts": []}


def _concatenated(pems: Iterable[str]) -> str:
    """PEM texts one after another, a line break between two where the first lacks one: a published file
    may end without it (the interim list's anchors.pem does), and c2pa-rs then skips the next certificate."""
    joined = ""
    for pem in pems:
        if joined and pem and not joined.endswith("\n"):
            joined += "\n"
        joined += pem
    return joined


@dataclass(frozen=True)
class ListProvenance:
    """Where a published trust list's snapshot came from: shown wherever the list is named."""

    date: str  # YYYY-MM-DD: the date the snapshot is of
    sha256: str  # of the file, or of the `sha256sum` lines of a list of several files
    source: str  # the published address(es) of its files
    origin: str  # "bundled" (shipped with the app) | "downloaded"
    note: str = ""  # e.g. that it is older than 90 days


@dataclass(frozen=True)
class TrustSource:
    name: str  # shown to people, e.g. "Your TrustNXT Desktop identity" or "C2PA trust list (2026-08-21)"
    anchors_pem: str = ""  # CA certificates
    allowed_pem: str = ""  # end-entity certificates accepted as they are
    trust_config: str = ""  # accepted EKU OIDs, one per line (store.cfg)
    kind: str = "anchor"  # "local-identity", "user-anchor", "trust-list", "tsa-list"
    provenance: ListProvenance | None = None  # published lists only

    @property
    def trusts_signers(self) -> bool:
        return self.kind != TSA_KIND


@dataclass(frozen=True)
class TrustConfig:
    sources: tuple[TrustSource, ...] = ()
    remote_manifest_fetch: bool = False
    _local: threading.local = field(default_factory=threading.local, compare=False, repr=False, hash=False)

    def names(self) -> list[str]:
        return [s.name for s in self.sources]

    def snapshots(self) -> list[dict[str, str]]:
        """{name, date, sha256, source, origin, note} of each published list in force (InspectionReport
        engine.trust_snapshots)."""
        return [{"name": s.name, **asdict(s.provenance)} for s in self.sources if s.provenance is not None]

    def signer_sources(self) -> tuple[TrustSource, ...]:
        return tuple(s for s in self.sources if s.trusts_signers)

    def settings(self, only: TrustSource | None = None) -> dict[str, Any]:
        """c2pa settings for every source, or with the signer anchors of `only` alone."""
        signers = (only,) if only else self.signer_sources()
        trust: dict[str, Any] = {}
        anchors = _concatenated(s.anchors_pem for s in signers)
        allowed = _concatenated(s.allowed_pem for s in signers)
        # Global in c2pa-rs, so global here too, also in the per-source contexts (see module doc).
        config = "\n".join(s.trust_config.strip() for s in self.sources if s.trust_config.strip())
        if anchors:
            trust["trust_anchors"] = anchors
        if allowed:
            trust["allowed_list"] = allowed
        if config:
            trust["trust_config"] = config + "\n"
        tsa = [{"trust_anchors": s.anchors_pem, "trust_kind": "tsa", "trust_uri": s.name}
               for s in self.sources if not s.trusts_signers and s.anchors_pem]
        if tsa:
            trust["anchors"] = tsa
        settings: dict[str, Any] = {
            "verify": {"verify_trust": True, "remote_manifest_fetch": self.remote_manifest_fetch, "ocsp_fetch": False},
        }
        if not self.remote_manifest_fetch:
            settings["core"] = offline_core()
        if trust:
            settings["trust"] = trust
        return settings

    def context(self, only: TrustSource | None = None) -> c2pa.Context:
        """A c2pa Context for these settings, built once per thread (contexts are not shared across threads)."""
        cache: dict[str | None, c2pa.Context] = self._local.__dict__.setdefault("contexts", {})
        key = only.name if only else None
        if key not in cache:
            from .c2pa_loader import c2pa

            cache[key] = c2pa.Context.from_dict(self.settings(only))
        return cache[key]

    def which_source_trusts(self, read: Callable[[c2pa.Context], str | None],
                            chains: Iterable[Sequence[bytes]] = ()) -> str | None:
        """Name of the signer source that trusts a file c2pa found Trusted under every source.

        `chains`: the signing certificate's x5chains as the file carries them (DER, leaf first; see
        cert_chains.Chains.x5chains). When exactly one signer source could have accepted them
        (chain_trust.sources_accepting), that source; otherwise first_source_trusting(read), which
        validates the file again, `read(context)` giving its validation state under one source's context.
        """
        signers = self.signer_sources()
        if len(signers) > 1:
            found = chain_trust.sources_accepting([(s.anchors_pem, s.allowed_pem) for s in signers], chains)
            if len(found) == 1:
                return signers[found[0]].name
        return self.first_source_trusting(read)

    def first_source_trusting(self, read: Callable[[c2pa.Context], str | None]) -> str | None:
        """Name of the first signer source under which `read(context)` reports Trusted (each a validation of
        the file); the only one without validating when there is only one."""
        signers = self.signer_sources()
        if len(signers) == 1:
            return signers[0].name
        for source in signers:
            if read(self.context(source)) == "Trusted":
                return source.name
        return None
