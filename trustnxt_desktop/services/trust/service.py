"""Trust lists and your own anchors, for the desktop app: one object, every blocking step off the caller's thread.

The CLI uses TrustLists and AnchorStore directly; the window and the settings page use this facade so
they never hash snapshot files, parse certificates or touch the network on the GUI thread.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509

from ...domain.errors import ConfigurationError
from ...engine import certs
from ..account.settings import Settings
from .lists import TrustLists, TrustListsStatus, UpdateReport
from .sources import AnchorStore

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class AnchorInfo:
    name: str
    subject: str  # of the first certificate in the file
    not_after: str  # YYYY-MM-DD
    certificates: int


@dataclass(frozen=True)
class TrustOverview:
    lists: TrustListsStatus
    anchors: list[AnchorInfo]
    checked_at: dt.datetime


def _subject(cert: x509.Certificate) -> str:
    names = cert.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)
    return str(names[0].value) if names else cert.subject.rfc4514_string()


def describe_anchor(name: str, path: Path) -> AnchorInfo:
    found = certs.load_pem_chain(path.read_bytes())
    first = found[0]
    return AnchorInfo(name, _subject(first), first.not_valid_after_utc.date().isoformat(), len(found))


def missing_lists_hint(overview: TrustOverview) -> str | None:
    """Why signers cannot show as trusted, when no published signer list is available at all (none
    downloaded and the lists shipped with the app missing or damaged); else None."""
    if any(s.snapshot for s in overview.lists.lists if s.spec.kind == "signer"):
        return None
    why = (" The last attempt to download them failed (details in Settings › Trust)."
           if overview.lists.last_error else "")
    return ("No published trust list is available (the lists shipped with the app are missing or damaged, and none "
            "has been downloaded), so signed files can show as intact but not as trusted (except your own and "
            f"certificates you trust).{why}")


def _logged(report: UpdateReport) -> UpdateReport:
    """A list that failed to update goes to the app's log (services/records/app_log.py), with what stays in use."""
    for r in report.results:
        if r.outcome == "failed":
            log.warning("trust list update failed: %s: %s", r.spec.title, r.detail)
    return report


class TrustService:
    def __init__(self, root: Path, settings: Callable[[], Settings]) -> None:
        self.root = root
        self._settings = settings
        self.anchors = AnchorStore(root)

    def lists(self) -> TrustLists:
        # Built per call: the mirror setting may have changed since the last one.
        return TrustLists(self.root, self._settings())

    def _overview(self, lists: TrustLists) -> TrustOverview:
        anchors = []
        for name, path in self.anchors.list():
            try:
                anchors.append(describe_anchor(name, path))
            except (OSError, ValueError):
                anchors.append(AnchorInfo(name, "unreadable file", "", 0))
        return TrustOverview(lists.status(), anchors, dt.datetime.now(dt.UTC))

    async def overview(self) -> TrustOverview:
        # The settings are read here, on the caller's thread; the file work runs in a worker thread.
        return await asyncio.to_thread(self._overview, self.lists())

    async def update(self, *, force: bool = False) -> UpdateReport:
        return _logged(await self.lists().update(force=force))

    async def update_if_due(self) -> UpdateReport | None:
        lists = self.lists()
        if not await asyncio.to_thread(lists.due):
            return None
        return _logged(await lists.update())

    async def add_anchor(self, name: str, pem_file: Path) -> AnchorInfo:
        def add() -> AnchorInfo:
            try:
                data = pem_file.read_bytes()
            except OSError as e:
                raise ConfigurationError(f"Could not read {pem_file.name}: {e.strerror or e}.") from e
            path = self.anchors.add(name, data)
            return describe_anchor(path.stem, path)

        return await asyncio.to_thread(add)

    async def add_anchor_pem(self, name: str, pem: bytes) -> AnchorInfo:
        """Trust the CA certificate(s) in `pem` under `name` (e.g. the CA that issued your own certificate)."""
        def add() -> AnchorInfo:
            path = self.anchors.add(name, pem)
            return describe_anchor(path.stem, path)

        return await asyncio.to_thread(add)

    async def remove_anchor(self, name: str) -> None:
        await asyncio.to_thread(self.anchors.remove, name)
