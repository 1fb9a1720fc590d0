"""Preview images for the GUI and the PDF report, made off the GUI thread and outside the app's process: of
a file itself (an image, a PDF's first page, a video frame), or a manifest's thumbnail. Decoding runs in the
isolated worker pool (engine.untrusted), so a crafted picture that crashes, hangs or exhausts a decoder only costs
its preview.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from ..engine.untrusted import resource_picture_isolated, shared_pool, thumbnail_isolated
from ..runtime.isolation import IsolatedPool, WorkerFailure

log = logging.getLogger(__name__)


def file_preview(path: Path, edge: int, pool: IsolatedPool | None = None) -> bytes | None:
    """A JPEG of the file's own picture as people see it — a still image turned by its EXIF orientation,
    a PDF's first page, a video frame — or None (no picture, unreadable, hostile)."""
    try:
        return thumbnail_isolated(pool or shared_pool(), path, edge)
    except WorkerFailure as e:
        log.warning("no preview for %s: the decoder %s", path.name, e.detail)
        return None
    except Exception:  # noqa: BLE001 - Pillow raises many kinds on crafted files; a preview is optional
        return None


def manifest_picture(path: Path, identifier: str, edge: int, pool: IsolatedPool | None = None) -> bytes | None:
    """A thumbnail stored inside the file's Content Credentials, decoded in a worker and re-encoded as an
    upright JPEG (its EXIF orientation applied) of at most `edge` pixels; None when there is none."""
    try:
        return resource_picture_isolated(pool or shared_pool(), path, identifier, edge)
    except WorkerFailure as e:
        log.warning("no manifest thumbnail for %s: the decoder %s", path.name, e.detail)
        return None
    except Exception:  # noqa: BLE001 - c2pa and Pillow raise many kinds on crafted files; a thumbnail is optional
        return None


async def manifest_picture_async(path: Path, identifier: str, edge: int) -> bytes | None:
    return await asyncio.to_thread(manifest_picture, path, identifier, edge)


async def file_preview_async(path: Path, edge: int) -> bytes | None:
    return await asyncio.to_thread(file_preview, path, edge)


def picture_bytes_preview(data: bytes, edge: int, pool: IsolatedPool | None = None) -> bytes | None:
    """A JPEG of at most `edge` pixels of a picture given as bytes from elsewhere (a thumbnail kept in a manifest
    repository, perhaps a remote one): written to a private temporary file and decoded in a worker; None when it is
    not a picture or the decoder failed."""
    import os
    import tempfile

    fd, name = tempfile.mkstemp(prefix="trustnxt-picture-")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        return file_preview(Path(name), edge, pool)
    finally:
        os.unlink(name)


async def picture_bytes_preview_async(data: bytes, edge: int) -> bytes | None:
    return await asyncio.to_thread(picture_bytes_preview, data, edge)
