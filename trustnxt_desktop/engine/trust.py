"""Which signers we trust, and which of our trust sources accepted a given signer.

c2pa-rs answers "Trusted" without saying which anchor matched. With more than one source loaded
we re-validate a trusted file against each source alone (cheap: validation is milliseconds) so a
report can name the list that trusted its signer, which matters because the lists disagree.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

from .c2pa_loader import c2pa


@dataclass(frozen=True)
class TrustSource:
    name: str  # shown to people, e.g. "Your TrustNXT Desktop identity" or "C2PA trust list (2026-08-21)"
    anchors_pem: str = ""  # CA certificates
    allowed_pem: str = ""  # end-entity certificates accepted as they are
    trust_config: str = ""  # accepted EKU OIDs, one per line (store.cfg)
    kind: str = "anchor"  # "local-identity", "user-anchor", "trust-list"


@dataclass(frozen=True)
class TrustConfig:
    sources: tuple[TrustSource, ...] = ()
    remote_manifest_fetch: bool = False
    _local: threading.local = field(default_factory=threading.local, compare=False, repr=False, hash=False)

    def names(self) -> list[str]:
        return [s.name for s in self.sources]

    def settings(self, only: TrustSource | None = None) -> dict[str, Any]:
        sources = (only,) if only else self.sources
        trust: dict[str, str] = {}
        anchors = "".join(s.anchors_pem for s in sources)
        allowed = "".join(s.allowed_pem for s in sources)
        config = "\n".join(s.trust_config.strip() for s in sources if s.trust_config.strip())
        if anchors:
            trust["trust_anchors"] = anchors
        if allowed:
            trust["allowed_list"] = allowed
        if config:
            trust["trust_config"] = config + "\n"
        settings: dict[str, Any] = {
            "verify": {"verify_trust": True, "remote_manifest_fetch": self.remote_manifest_fetch, "ocsp_fetch": False},
        }
        if trust:
            settings["trust"] = trust
        return settings

    def context(self, only: TrustSource | None = None) -> c2pa.Context:
        """A c2pa Context for these settings, built once per thread (contexts are not shared across threads)."""
        cache: dict[str | None, c2pa.Context] = self._local.__dict__.setdefault("contexts", {})
        key = only.name if only else None
        if key not in cache:
            cache[key] = c2pa.Context.from_dict(self.settings(only))
        return cache[key]

    def which_source_trusts(self, read: Any) -> str | None:
        """Name of the first source under which `read(context)` reports Trusted."""
        if len(self.sources) == 1:
            return self.sources[0].name
        for source in self.sources:
            if read(self.context(source)) == "Trusted":
                return source.name
        return None
