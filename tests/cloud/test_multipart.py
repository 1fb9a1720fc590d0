"""A multipart/form-data body streamed from disk: exact length, parseable by a standard parser, and a file
that changes while it is sent is refused."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest
from python_multipart.multipart import MultipartParser

from tests.conftest import CORPUS
from trustnxt_desktop.cloud.multipart import MultipartUpload, SourceChangedError


async def _body(upload: MultipartUpload) -> bytes:
    return b"".join([chunk async for chunk in upload.stream()])


def _parts(body: bytes, boundary: str) -> list[tuple[bytes, bytes]]:
    """(Content-Disposition, data) of each part, read by python-multipart."""
    parts: list[tuple[bytes, bytes]] = []
    state = {"name": b"", "value": b"", "disp": b"", "data": b""}

    def header_end() -> None:
        if state["name"].lower() == b"content-disposition":
            state["disp"] = state["value"]
        state["name"] = state["value"] = b""

    parser = MultipartParser(boundary.encode(), {
        "on_part_begin": lambda: state.update(disp=b"", data=b""),
        "on_header_field": lambda d, s, e: state.update(name=state["name"] + d[s:e]),
        "on_header_value": lambda d, s, e: state.update(value=state["value"] + d[s:e]),
        "on_header_end": header_end,
        "on_part_data": lambda d, s, e: state.update(data=state["data"] + d[s:e]),
        "on_part_end": lambda: parts.append((state["disp"], state["data"])),
    })
    parser.write(body)
    parser.finalize()
    return parts


@pytest.mark.parametrize("chunk_size", [1, 7, 1 << 20])
def test_the_body_has_its_declared_length_and_parses_back(chunk_size: int, tmp_path: Path) -> None:
    source = CORPUS / "c2pa" / "adobe-20220124-C.jpg"
    if chunk_size == 1:  # byte by byte is slow on a large file: a small real one
        source = tmp_path / "small.bin"
        source.write_bytes(bytes(range(256)) * 3)
    seen: list[tuple[int, int]] = []
    upload = MultipartUpload("file", source, filename='we"ird\r\nname.jpg',
                             fields=(("options", b'{"title": "x"}', "application/json"),
                                     ("source", b"camera", "text/plain")),
                             chunk_size=chunk_size, progress=lambda sent, total: seen.append((sent, total)))
    body = asyncio.run(_body(upload))
    assert len(body) == upload.content_length
    assert upload.content_type == f"multipart/form-data; boundary={upload.boundary}"
    parts = _parts(body, upload.boundary)
    assert [p[1] for p in parts] == [b'{"title": "x"}', b"camera", source.read_bytes()]
    assert parts[2][0] == b'form-data; name="file"; filename="we%22ird%0D%0Aname.jpg"', "no header injection"
    size = source.stat().st_size
    assert seen[-1] == (size, size) and all(a <= b for (a, _), (b, _) in zip(seen, seen[1:], strict=False))
    assert asyncio.run(_body(upload)) [len(body) - 40:] == body[len(body) - 40:], "a fresh stream for each retry"


def test_each_upload_has_its_own_boundary(tmp_path: Path) -> None:
    f = tmp_path / "a.bin"
    f.write_bytes(b"x")
    assert MultipartUpload("file", f).boundary != MultipartUpload("file", f).boundary


def test_a_file_that_shrinks_while_sent_is_refused(tmp_path: Path) -> None:
    f = tmp_path / "growing.bin"
    f.write_bytes(os.urandom(64 * 1024))
    upload = MultipartUpload("file", f, chunk_size=4096)

    async def send() -> None:
        async for _ in upload.stream():
            f.write_bytes(b"short")  # the photographer saved over it mid-upload

    with pytest.raises(SourceChangedError, match="shorter"):
        asyncio.run(send())


def test_a_file_that_grows_while_sent_is_refused(tmp_path: Path) -> None:
    f = tmp_path / "growing.bin"
    f.write_bytes(b"a" * 10_000)
    upload = MultipartUpload("file", f, chunk_size=1000)

    async def send() -> None:
        async for _ in upload.stream():
            with f.open("ab") as more:
                more.write(b"b")

    with pytest.raises(SourceChangedError, match="changed"):
        asyncio.run(send())


def test_a_fifo_is_never_opened_for_sending(tmp_path: Path) -> None:
    f = tmp_path / "a.bin"
    f.write_bytes(b"data")
    upload = MultipartUpload("file", f)
    f.unlink()
    os.mkfifo(f)  # swapped for a pipe after it was chosen: reading it would block forever
    with pytest.raises(OSError):
        asyncio.run(_body(upload))
