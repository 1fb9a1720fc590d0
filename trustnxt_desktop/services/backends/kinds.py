"""The kinds of backend and what each can do: names and facts only, so settings, the CLI's argument parser
and the protocol can import them without loading any engine."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class BackendKind(StrEnum):
    """Which engine does the work. The value is what settings.json, the usage ledger and the job store
    keep, and what `--backend` takes."""

    LOCAL = "local"
    CLOUD = "cloud"


@dataclass(frozen=True)
class Capabilities:
    """What a backend can do, for callers that offer a feature only where it works."""

    custom_trust: bool  # the trust lists and anchors configured here decide who is `trusted` (else the service's)
    signs_with_identity: bool  # protected copies are signed with this computer's signing identity
    billed: bool  # the TrustNXT service bills every Protect and Inspect call
    grouped_inspection: bool  # inspect_stream queues many files per isolated worker (else one call per file)


__all__ = ["BackendKind", "Capabilities"]
