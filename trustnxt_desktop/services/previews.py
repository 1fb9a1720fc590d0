"""Preview images for the GUI, made off the GUI thread: of a file itself, or a manifest's thumbnail."""

from __future__ import annotations

import asyncio
import io
from pathlib import Path

from ..engine.inspect import extract_resource
from ..engine.thumbnails import make_thumbnail
from ..engine.media import sniff



def file_preview(path: Path, edge: int) -> bytes | None:
    """A JPEG of the file's own picture, or None (not an image, unreadable, hostile)."""
    try:
        return make_thumbnail(path, sniff(path), edge)
    except Exception:  # noqa: BLE001 - Pillow raises many kinds on crafted files; a preview is optional
        return None


def manifest_resource(path: Path, identifier: str) -> bytes | None:
    """A resource (thumbnail) stored inside the file's Content Credentials, or None."""
    buf = io.BytesIO()
    try:
        extract_resource(path, identifier, buf)
    except Exception:  # noqa: BLE001 - c2pa raises its own error types; a missing thumbnail is not fatal
        return None
    return buf.getvalue() or None


async def file_preview_async(path: Path, edge: int) -> bytes | None:
    return await asyncio.to_thread(file_preview, path, edge)


async def manifest_resource_async(path: Path, identifier: str) -> bytes | None:
    return await asyncio.to_thread(manifest_resource, path, identifier)
