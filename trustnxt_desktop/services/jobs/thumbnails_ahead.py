"""Thumbnails decoded ahead: the next files of a protect batch have their pictures decoded (in an isolated
worker, like every thumbnail) while the file before them is being signed in this process.

Decoding a 24 MP JPEG for its thumbnail takes as long as signing it (docs/benchmarks.md), and the two run
on different cores: a batch that decodes file N+1 while it signs file N spends about the longer of the
two per file instead of their sum, with the same files processed at once (`--jobs`).

A thumbnail decoded ahead is used only for the very file it was decoded from: same device, inode, size,
modification and change time as when its decoding started (utime sets the modification time back, never
the change time), and the media type protect found. Anything else, and any file nobody decoded ahead, is
decoded when asked, as before; so is a decoding that failed for a file that has changed since.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from ...domain.regular_files import regular_stat
from ...engine.media import is_image, sniff

# (source, media type, long edge) -> JPEG bytes or None; raises when the picture cannot be decoded.
Decode = Callable[[Path, str, int], "bytes | None"]
_Version = tuple[int, int, int, int, int]
# What a decoding ahead found: the file's version, its media type, the thumbnail, or what decoding raised.
_Ahead = tuple["_Version | None", "str | None", "bytes | None", "Exception | None"]
MAX_AHEAD = 8  # decodings kept waiting for their file; a batch asks for one per running job


def _version(path: Path) -> _Version | None:
    try:
        st = regular_stat(path)
    except OSError:  # missing, unreadable, or not a regular file: protect says so itself
        return None
    return st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns


class ThumbnailsAhead:
    """Thread-safe. `decode` is the isolated thumbnailer; `threads` bounds the decodings waiting on it."""

    def __init__(self, decode: Decode, threads: int) -> None:
        self._decode = decode
        self._threads = max(1, threads)
        self._lock = threading.Lock()
        self._ahead: dict[tuple[Path, int], Future[_Ahead]] = {}
        self._executor: ThreadPoolExecutor | None = None
        self._closed = False

    def start(self, source: Path, edge: int) -> None:
        """Begin decoding `source`'s thumbnail with long edge `edge` (0: none is wanted). Touches no file:
        fine on an event loop, the GUI's included."""
        key = (source, edge)
        if edge <= 0:
            return
        with self._lock:
            if self._closed or key in self._ahead:
                return
            if len(self._ahead) >= MAX_AHEAD:  # nobody came for the oldest: let it go
                self._ahead.pop(next(iter(self._ahead))).cancel()
            if self._executor is None:
                self._executor = ThreadPoolExecutor(self._threads, thread_name_prefix="trustnxt-thumbnails-ahead")
            self._ahead[key] = self._executor.submit(self._decode_ahead, source, edge)

    def _decode_ahead(self, source: Path, edge: int) -> _Ahead:
        version = _version(source)  # before reading: a change while it is read shows as another version
        media_type = None
        try:
            media_type = sniff(source)
            picture = self._decode(source, media_type, edge) if media_type and is_image(media_type) else None
            return version, media_type, picture, None
        except Exception as e:  # noqa: BLE001 - raised to protect only if the file is still this one
            return version, media_type, None, e

    def thumbnail(self, source: Path, media_type: str, edge: int) -> bytes | None:
        """What `decode` would return now: the decoding started ahead when it is for this very file (it
        raises what `decode` raised), else a decoding made now."""
        with self._lock:
            future = self._ahead.pop((source, edge), None)
        if future is not None and not future.cancelled():
            version, found, data, error = future.result()
            if version is not None and version == _version(source) and found == media_type:
                if error is not None:
                    raise error
                return data
        return self._decode(source, media_type, edge)

    def close(self) -> None:
        """Forget every decoding started ahead; those under way finish in their worker, unused."""
        with self._lock:
            self._closed = True
            ahead, self._ahead = self._ahead, {}
            executor, self._executor = self._executor, None
        for future in ahead.values():
            future.cancel()
        if executor is not None:
            executor.shutdown(wait=False, cancel_futures=True)

