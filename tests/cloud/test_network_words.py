"""Failed transfers named in plain words, from real failures on loopback: never an exception's class name."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import pytest

from tests.cloud.failing_servers import (  # noqa: F401 - fixture
    UNRESOLVABLE,
    closed_port_url,
    invalid_names,
    self_signed_tls,
    serving,
)
from trustnxt_desktop.cloud.network_words import network_failure


async def _failure(url: str, *, timeout: float = 5.0) -> str:
    async with httpx.AsyncClient(timeout=timeout, trust_env=False) as client:
        with pytest.raises(httpx.HTTPError) as caught:
            await client.get(url)
    return network_failure(caught.value)


async def _hangs_up(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    await reader.readuntil(b"\r\n\r\n")
    writer.close()  # reads the request, then closes without a word


async def _not_http(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    await reader.readuntil(b"\r\n\r\n")
    writer.write(b"SSH-2.0-OpenSSH_9.2\r\n\r\n")
    await writer.drain()
    writer.close()


async def test_each_failure_has_its_words(tmp_path: Path, invalid_names: list[str]) -> None:  # noqa: F811
    assert await _failure(closed_port_url()) == "the connection was refused"
    assert await _failure(UNRESOLVABLE) == "the server name could not be looked up (DNS)"
    assert invalid_names, "the name was really looked up"
    with serving(lambda r, w: asyncio.sleep(0), self_signed_tls(tmp_path)) as port:
        said = await _failure(f"https://127.0.0.1:{port}/")
        assert said.startswith("the secure connection could not be verified (TLS"), said
    broke_off = "the server broke off the connection or did not answer in HTTP"
    with serving(_hangs_up) as port:
        assert await _failure(f"http://127.0.0.1:{port}/") == broke_off
    with serving(_not_http) as port:
        assert await _failure(f"http://127.0.0.1:{port}/") == broke_off


async def test_no_words_name_a_class() -> None:
    for error in (httpx.ConnectError("x"), httpx.ReadError("x"), httpx.ReadTimeout("x"), httpx.ProxyError("x"),
                  httpx.TooManyRedirects("x"), httpx.DecodingError("x"), httpx.UnsupportedProtocol("x")):
        words = network_failure(error)
        assert "Error" not in words and "Exception" not in words and "Timeout" not in words, words
        assert words[0].islower() and " " in words, words  # words that follow "could not reach host: "
