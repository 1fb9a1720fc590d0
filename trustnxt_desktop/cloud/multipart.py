"""A multipart/form-data body streamed from disk, with a known length.

httpx can stream file objects itself, but it reads them on the event loop thread and cannot say how
long the body is. Here every read runs in a worker thread (a slow network share never freezes the
window), the Content-Length is exact (the service can refuse an oversized file before reading it),
and a fresh stream can be made for each retry.
"""

from __future__ import annotations

import asyncio
import os
import secrets
from collections.abc import AsyncGenerator, Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from ..domain.regular_files import open_regular
from .errors import CloudError

CHUNK_SIZE = 1 << 20  # bytes per read: large enough for speed, small enough for flat memory
ProgressCallback = Callable[[int, int], None]  # (bytes sent, bytes in total)


class SourceChangedError(CloudError):
    """The file changed size while it was being sent."""


def _quote(value: str) -> str:
    # What browsers do for form-data names (WHATWG HTML): percent-encode CR, LF and the double quote.
    return value.replace("\r", "%0D").replace("\n", "%0A").replace('"', "%22")


class MultipartUpload:
    def __init__(self, file_field: str, path: Path, *, filename: str | None = None,
                 fields: tuple[tuple[str, bytes, str], ...] = (), chunk_size: int = CHUNK_SIZE,
                 progress: ProgressCallback | None = None) -> None:
        self.path = path
        self.size = path.stat().st_size
        self.chunk_size = chunk_size
        self.progress = progress
        self.boundary = secrets.token_hex(16)
        b = self.boundary.encode("ascii")
        head = bytearray()
        for name, data, content_type in fields:
            head += b"--" + b + b"\r\n"
            head += f'Content-Disposition: form-data; name="{_quote(name)}"\r\n'.encode()
            head += f"Content-Type: {content_type}\r\n\r\n".encode() + data + b"\r\n"
        head += b"--" + b + b"\r\n"
        disposition = f'form-data; name="{_quote(file_field)}"; filename="{_quote(filename or path.name)}"'
        head += f"Content-Disposition: {disposition}\r\n".encode()
        head += b"Content-Type: application/octet-stream\r\n\r\n"
        self._head = bytes(head)
        self._tail = b"\r\n--" + b + b"--\r\n"

    @property
    def content_type(self) -> str:
        return f"multipart/form-data; boundary={self.boundary}"

    @property
    def content_length(self) -> int:
        return len(self._head) + self.size + len(self._tail)

    async def stream(self) -> AsyncGenerator[bytes]:
        """One pass over the body. Cancelling the consumer closes the file at once."""
        # One reader thread per upload: 1 MB chunks read on ever-changing pool threads each leave freed
        # memory in that thread's malloc arena, and the client's RSS creeps up with the pool's size.
        reader = ThreadPoolExecutor(max_workers=1, thread_name_prefix="trustnxt-upload")
        loop = asyncio.get_running_loop()
        f = await loop.run_in_executor(reader, open_regular, self.path)  # never a FIFO or device
        try:
            yield self._head
            sent = 0
            while sent < self.size:
                chunk = await loop.run_in_executor(reader, f.read, min(self.chunk_size, self.size - sent))
                if not chunk:
                    raise SourceChangedError("The file got shorter while it was being sent; "
                                             "try again once it is saved.")
                sent += len(chunk)
                yield chunk
                if self.progress is not None:
                    self.progress(sent, self.size)
            if os.fstat(f.fileno()).st_size != self.size:
                raise SourceChangedError("The file changed while it was being sent; try again once it is saved.")
            yield self._tail
        finally:
            f.close()
            reader.shutdown(wait=False)
