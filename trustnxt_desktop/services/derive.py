"""Web exports and caption edits for the GUI and the CLI: engine.derive with this computer's signing identity and
the protect settings, off the event loop's thread.

Derived copies are always signed here, with the person's own identity (never by the cloud engine, which signs
as the service): they extend a chain the person started. The identity is made on first use as the local engine
makes it (the settings' name and organisation).
"""

from __future__ import annotations

import asyncio
import dataclasses
import threading
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import TypeVar

from ..domain.derive import Caption, CaptionEdit, WebExport
from ..domain.protect import ProtectOptions, ProtectResult
from ..domain.secrets import SecretStore
from ..engine.identity import IdentityStore, SigningIdentity
from ..runtime.threads import run_to_end
from .account.settings import Settings
from .backends.local import default_display_name

T = TypeVar("T")


def _engine() -> ModuleType:
    """engine.derive, loaded (with c2pa and Pillow) on the thread of the first copy, not with the window."""
    from ..engine import derive

    return derive


class DerivedCopies:
    def __init__(self, root: Path, secrets: SecretStore, settings: Callable[[], Settings]) -> None:
        """`root`: the data root holding the signing identity; `settings`: the current settings (protect options:
        author, training and mining, timestamp authority, identity assertion, thumbnail size)."""
        self._identities = IdentityStore(root, secrets)
        self._settings = settings
        self._lock = threading.Lock()

    async def export_for_web(self, source: Path, export: WebExport, out_dir: Path | None = None) -> ProtectResult:
        """A web copy of `source` in `out_dir` (default: next to it); see engine.derive.export_for_web. Raises
        IdentityError or ConfigurationError when there is no usable signing identity (no keyring)."""
        return await self._signed(lambda identity, options, cancel: _engine().export_for_web(
            source, identity, export, options, cancel), out_dir)

    async def save_caption(self, source: Path, edit: CaptionEdit, out_dir: Path | None = None) -> ProtectResult:
        """A copy of `source` with the edited caption fields; see engine.derive.save_caption. Raises like
        export_for_web."""
        return await self._signed(lambda identity, options, cancel: _engine().save_caption(
            source, identity, edit, options, cancel), out_dir)

    async def reassociate(self, source: Path, manifest_store: bytes, how_found: str,
                          out_dir: Path | None = None) -> Path:
        """A signed copy of `source` carrying `manifest_store` (credentials recovered by fingerprint) as a re-associated
        ingredient, in `out_dir` (default: next to it); see engine.reembed. Raises ProtectError (the copy could not
        be made, said plainly), IdentityError or ConfigurationError like export_for_web, OSError."""
        from ..engine.reembed import reembed
        from ..engine.untrusted import shared_pool

        identity = await asyncio.to_thread(self._identity)
        tsa_url = self._settings().timestamp_authority()
        return await asyncio.to_thread(reembed, source, manifest_store, identity, out_dir or source.parent, how_found,
                                       shared_pool(), tsa_url)

    async def read_caption(self, source: Path) -> Caption:
        """The caption fields `source` has now (read in an isolated worker); empty when it has none."""
        return await asyncio.to_thread(lambda: _engine().read_caption(source))

    async def _signed(self, work: Callable[[SigningIdentity, ProtectOptions, threading.Event], T],
                      out_dir: Path | None) -> T:
        identity = await asyncio.to_thread(self._identity)
        options = dataclasses.replace(self._settings().protect_options(), out_dir=out_dir)
        cancel = threading.Event()
        # A cancel asks the engine to stop before it publishes, and returns once the thread is done.
        return await run_to_end(work, identity, options, cancel, on_cancel=cancel.set)

    def _identity(self) -> SigningIdentity:
        with self._lock:  # two first exports at once make one identity, not two
            if not self._identities.exists():
                settings = self._settings()
                self._identities.create(settings.display_name or default_display_name(),
                                        settings.organisation or None)
            return self._identities.load()
