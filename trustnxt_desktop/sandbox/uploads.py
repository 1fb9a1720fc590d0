"""Receive a multipart upload straight to disk: the file part never sits in memory, whatever its size."""

from __future__ import annotations

import asyncio
import re
import secrets
import shutil
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.requests import ClientDisconnect, Request

from ..cloud import contract

_MULTIPART_SLACK = 64 * 1024  # boundaries, part headers and the options field on top of the file
_MAX_PARTS = 8
_UNSAFE = re.compile(r"[\x00-\x1f\x7f/\\:*?\"<>|]+")


class UploadError(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


@dataclass
class Upload:
    folder: Path  # private to this request; removed by `discard`
    path: Path | None = None  # the file part on disk, under its (sanitised) original name
    filename: str = ""
    size: int = 0
    fields: dict[str, bytes] = field(default_factory=dict)

    def discard(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


def safe_filename(name: str) -> str:
    """The last path component, without control or reserved characters, never empty or hidden."""
    base = re.split(r"[/\\]", name)[-1]
    cleaned = _UNSAFE.sub("_", base).strip(" .")
    return (cleaned or "upload")[-200:]


class _Receiver:
    """python-multipart callbacks: file bytes to disk, small fields to memory."""

    def __init__(self, upload: Upload, max_file: int) -> None:
        self.upload = upload
        self.max_file = max_file
        self.parts = 0
        self._header_name = b""
        self._header_value = b""
        self._disposition = b""
        self._field: str | None = None
        self._file: BinaryIO | None = None
        self._buffer = bytearray()
        self.error: UploadError | None = None

    def on_part_begin(self) -> None:
        self.parts += 1
        if self.parts > _MAX_PARTS:
            raise UploadError(400, contract.ERR_BAD_REQUEST, "Too many parts in the upload.")
        self._disposition, self._field, self._buffer = b"", None, bytearray()

    def on_header_field(self, data: bytes, start: int, end: int) -> None:
        self._header_name += data[start:end]

    def on_header_value(self, data: bytes, start: int, end: int) -> None:
        self._header_value += data[start:end]

    def on_header_end(self) -> None:
        if self._header_name.strip().lower() == b"content-disposition":
            self._disposition = self._header_value
        self._header_name, self._header_value = b"", b""

    def on_headers_finished(self) -> None:
        _, params = parse_options_header(self._disposition)
        name = params.get(b"name", b"").decode("utf-8", "replace")
        self._field = name
        if name == contract.FILE_FIELD and b"filename" in params:
            if self._file is not None:
                raise UploadError(400, contract.ERR_BAD_REQUEST, "Send one file per request.")
            self.upload.filename = safe_filename(params[b"filename"].decode("utf-8", "replace"))
            self.upload.path = self.upload.folder / self.upload.filename
            self._file = open(self.upload.path, "xb")  # noqa: SIM115 - closed in on_part_end or close()

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        if self._file is not None and self._field == contract.FILE_FIELD:
            self.upload.size += end - start
            if self.upload.size > self.max_file:
                raise UploadError(413, contract.ERR_TOO_LARGE, _too_large(self.max_file))
            # A plain write: it lands in the page cache in microseconds, cheaper than a thread hop.
            self._file.write(data[start:end])
        else:
            self._buffer += data[start:end]
            if len(self._buffer) > contract.OPTIONS_MAX_BYTES:
                raise UploadError(400, contract.ERR_BAD_REQUEST, f"The field {self._field!r} is too large.")

    def on_part_end(self) -> None:
        if self._file is not None and self._field == contract.FILE_FIELD and not self._file.closed:
            self._file.close()
        elif self._field:
            self.upload.fields[self._field] = bytes(self._buffer)

    def close(self) -> None:
        if self._file is not None:
            self._file.close()


def _too_large(limit: int) -> str:
    return f"The file is larger than this service accepts ({limit // (1024 * 1024)} MB)."


async def _chunks(request: Request, pause_limit: float, time_limit: float) -> AsyncIterator[bytes]:
    """The request body's chunks; raises UploadError 408 when no byte came for `pause_limit` seconds or
    the whole body has taken `time_limit` (a client that trickles a body would otherwise hold its
    connection and a worker of this server for as long as it likes)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + time_limit
    body = request.stream().__aiter__()
    while True:
        wait = min(pause_limit, deadline - loop.time())
        try:
            if wait <= 0:
                raise TimeoutError
            async with asyncio.timeout(wait):
                chunk = await anext(body)
        except StopAsyncIteration:
            return
        except TimeoutError:
            raise UploadError(408, contract.ERR_TIMEOUT, "The request body did not arrive in time (nothing for "
                              f"{pause_limit:g} s, or more than {time_limit:g} s in all).") from None
        yield chunk


async def receive_upload(request: Request, work_dir: Path, max_file: int, *, pause_limit: float = 30.0,
                         time_limit: float = 900.0) -> Upload:
    """Parse the request body into an Upload; raises UploadError (and cleans up) when it cannot: 400 for
    a malformed body, 413 for a file above `max_file` bytes, 408 when the body stalls for `pause_limit`
    seconds or takes more than `time_limit` seconds in all."""
    content_type, params = parse_options_header(request.headers.get("content-type"))
    if content_type != b"multipart/form-data" or b"boundary" not in params:
        raise UploadError(400, contract.ERR_BAD_REQUEST, "Send the file as multipart/form-data.")
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > max_file + _MULTIPART_SLACK:
        raise UploadError(413, contract.ERR_TOO_LARGE, _too_large(max_file))
    folder = work_dir / secrets.token_hex(8)
    folder.mkdir(parents=True)
    upload = Upload(folder=folder)
    receiver = _Receiver(upload, max_file)
    ok = False
    try:
        parser = MultipartParser(params[b"boundary"], {
            "on_part_begin": receiver.on_part_begin, "on_part_data": receiver.on_part_data,
            "on_part_end": receiver.on_part_end, "on_header_field": receiver.on_header_field,
            "on_header_value": receiver.on_header_value, "on_header_end": receiver.on_header_end,
            "on_headers_finished": receiver.on_headers_finished,
        })
        async for chunk in _chunks(request, pause_limit, time_limit):
            parser.write(chunk)
        parser.finalize()
        if upload.path is None:
            raise UploadError(400, contract.ERR_BAD_REQUEST, f"The upload has no {contract.FILE_FIELD!r} file part.")
        ok = True
    except (UploadError, ClientDisconnect):
        raise
    except Exception as e:  # the multipart parser's own errors: a malformed body
        raise UploadError(400, contract.ERR_BAD_REQUEST,
                          f"The upload is not valid multipart data ({type(e).__name__}).") from e
    finally:  # also on cancellation: a half-received file is never left behind
        receiver.close()
        if not ok:
            upload.discard()
    return upload
