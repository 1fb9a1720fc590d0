"""The sandbox receives a multipart upload straight to disk: the body the client streams arrives whole, under a
safe name; a malformed, oversized or stalled body is refused with its status and leaves nothing behind."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from starlette.requests import Request

from tests.conftest import CORPUS
from trustnxt_desktop.cloud.multipart import MultipartUpload
from trustnxt_desktop.sandbox.uploads import Upload, UploadError, receive_upload, safe_filename

SOURCE = CORPUS / "c2pa" / "adobe-20220124-C.jpg"


def _request(content_type: str, chunks: AsyncIterator[bytes], length: int | None = None) -> Request:
    headers = [(b"content-type", content_type.encode())]
    if length is not None:
        headers.append((b"content-length", str(length).encode()))

    async def receive() -> dict[str, object]:
        try:
            chunk = await anext(chunks)
        except StopAsyncIteration:
            return {"type": "http.request", "body": b"", "more_body": False}
        return {"type": "http.request", "body": chunk, "more_body": True}

    return Request({"type": "http", "method": "POST", "path": "/v1/protect", "headers": headers}, receive)


async def _from_bytes(*parts: bytes) -> AsyncIterator[bytes]:
    for p in parts:
        yield p


def _receive(work: Path, upload: MultipartUpload, **kw: float) -> Upload:
    max_file = int(kw.pop("max_file", 10 * 1024 * 1024))
    request = _request(upload.content_type, upload.stream(), upload.content_length)
    return asyncio.run(receive_upload(request, work, max_file, **kw))


def test_the_clients_body_arrives_whole_under_a_safe_name(tmp_path: Path) -> None:
    sent = MultipartUpload("file", SOURCE, filename="../../etc/pass\x00wd.jpg", chunk_size=1000,
                           fields=(("options", b'{"title": "t"}', "application/json"), ("source", b"ai", "text/plain")))
    got = _receive(tmp_path / "work", sent)
    assert got.path is not None and got.path.read_bytes() == SOURCE.read_bytes()
    assert got.filename == "pass_wd.jpg" and got.path.parent == got.folder and got.folder.parent == tmp_path / "work"
    assert got.size == SOURCE.stat().st_size
    assert got.fields == {"options": b'{"title": "t"}', "source": b"ai"}
    got.discard()
    assert not got.folder.exists()


def _refused(work: Path, request: Request, max_file: int = 10 * 1024 * 1024, **kw: float) -> UploadError:
    with pytest.raises(UploadError) as caught:
        asyncio.run(receive_upload(request, work, max_file, **kw))
    assert not work.exists() or not any(work.iterdir()), "a refused upload leaves nothing behind"
    return caught.value


def test_an_oversized_file_is_refused_before_or_while_it_arrives(tmp_path: Path) -> None:
    sent = MultipartUpload("file", SOURCE)
    declared = _refused(tmp_path / "a", _request(sent.content_type, sent.stream(), sent.content_length), max_file=10)
    assert declared.status == 413
    # A client that does not declare its length is stopped once the file part passes the limit.
    counted = _refused(tmp_path / "b", _request(sent.content_type, sent.stream()), max_file=1000)
    assert counted.status == 413 and "larger than this service accepts" in counted.message


def test_malformed_bodies_are_bad_requests(tmp_path: Path) -> None:
    assert _refused(tmp_path / "a", _request("application/json", _from_bytes(b"{}"))).status == 400
    no_file = b"--xyz\r\nContent-Disposition: form-data; name=\"options\"\r\n\r\n{}\r\n--xyz--\r\n"
    err = _refused(tmp_path / "b", _request("multipart/form-data; boundary=xyz", _from_bytes(no_file)))
    assert (err.status, "no 'file' file part" in err.message) == (400, True)
    garbage = _refused(tmp_path / "c", _request("multipart/form-data; boundary=xyz", _from_bytes(b"\x00" * 100)))
    assert garbage.status == 400
    two = b"".join(b"--xyz\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a\"\r\n\r\nA\r\n" for _ in "12")
    assert "one file" in _refused(tmp_path / "d", _request("multipart/form-data; boundary=xyz",
                                                           _from_bytes(two + b"--xyz--\r\n"))).message
    many = b"".join(b"--xyz\r\nContent-Disposition: form-data; name=\"f%d\"\r\n\r\nx\r\n" % i for i in range(9))
    assert "Too many parts" in _refused(tmp_path / "e", _request("multipart/form-data; boundary=xyz",
                                                                 _from_bytes(many + b"--xyz--\r\n"))).message


def test_a_stalled_body_is_answered_408_and_cleaned_up(tmp_path: Path) -> None:
    sent = MultipartUpload("file", SOURCE, chunk_size=4096)

    async def trickle() -> AsyncIterator[bytes]:
        async for chunk in sent.stream():
            yield chunk
            await asyncio.Event().wait()  # then nothing more, ever

    err = _refused(tmp_path / "w", _request(sent.content_type, trickle()), pause_limit=0.2)
    assert err.status == 408


@given(st.text(max_size=300))
def test_a_safe_filename_is_one_plain_visible_component(name: str) -> None:
    safe = safe_filename(name)
    assert safe and len(safe) <= 200
    assert not any(c in safe for c in '/\\:*?"<>|') and all(ord(c) >= 0x20 and c != "\x7f" for c in safe)
    assert not safe.startswith((".", " ")) and not safe.endswith((".", " "))


