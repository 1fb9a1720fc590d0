"""Preview images for the GUI, made off the GUI thread and outside the app's process: of a file itself, or
a manifest's thumbnail. Decoding runs in the isolated worker pool (engine.untrusted), so a crafted
picture that crashes, hangs or exhausts a decoder only costs its preview.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from ..engine.isolation import IsolatedPool, WorkerFailure
from ..engine.untrusted import resource_isolated, shared_pool, thumbnail_isolated

log = logging.getLogger(__name__)


def file_preview(path: Path, edge: int, pool: IsolatedPool | None = None) -> bytes | None:
    """A JPEG of the file's own picture, or None (not an image, unreadable, hostile)."""
    try:
        return thumbnail_isolated(pool or shared_pool(), path, edge)
    except WorkerFailure as e:
        log.warning("no preview for %s: the decoder %s", path.name, e.detail)
        return None
    except Exception:  # noqa: BLE001 - Pillow raises many kinds on crafted files; a preview is optional
        return None


def manifest_resource(path: Path, identifier: str, pool: IsolatedPool | None = None) -> bytes | None:
    """A resource (thumbnail) stored inside the file's Content Credentials, or None."""
    try:
        data = resource_isolated(pool or shared_pool(), path, identifier)
    except WorkerFailure as e:
        log.warning("no manifest thumbnail for %s: the parser %s", path.name, e.detail)
        return None
    except Exception:  # noqa: BLE001 - c2pa raises its own error types; a missing thumbnail is not fatal
        return None
    return data or None


async def file_preview_async(path: Path, edge: int) -> bytes | None:
    return await asyncio.to_thread(file_preview, path, edge)


async def manifest_resource_async(path: Path, identifier: str) -> bytes | None:
    return await asyncio.to_thread(manifest_resource, path, identifier)
