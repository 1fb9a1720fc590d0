"""The privacy check the Protect view and `trustnxt protect --check-privacy` show: per file, every field the
protected copy would reveal (domain.privacy), read in the isolated workers (engine.untrusted "privacy"), plus
what the copy's own manifest will say from the settings; and the batch summary.

Never blocks the caller's thread: `check_files` runs the readers in a worker thread, each file in an isolated
worker process."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from ..domain.privacy import FileInventory, RevealedField, own_manifest_fields
from ..engine import untrusted
from ..engine.manifest import claim_generator
from ..engine.media import sniff
from .account.settings import Settings


def manifest_fields(settings: Settings) -> list[RevealedField]:
    """What every copy's own manifest will reveal with these settings."""
    return own_manifest_fields(author=settings.author or None, signer=settings.display_name or None,
                               organisation=settings.organisation or None, software=claim_generator())


def check_file(path: Path, settings: Settings | None = None) -> FileInventory:
    """(blocking) One file's inventory, with the copy's own manifest fields when settings are given."""
    try:
        media_type = sniff(path)
    except OSError as e:
        return FileInventory(str(path), None, error=f"the file could not be read ({e.strerror or e})")
    found = untrusted.privacy_isolated(untrusted.shared_pool(), path, media_type)
    if settings is None or found.error is not None:
        return found
    return replace(found, fields=(*manifest_fields(settings), *found.fields))


async def check_files(paths: Sequence[Path], settings: Settings | None = None) -> list[FileInventory]:
    """Every file's inventory, in order, read off the event loop's thread."""
    return await asyncio.to_thread(lambda: [check_file(p, settings) for p in paths])
