"""sandbox/app.py in this process, through its ASGI interface (lifespan included): what the app itself
decides — checks in a real service's order, idempotent replays billed once, errors as the contract's JSON,
the optional usage route, leftovers of a killed run swept at start. The server process as integrators
reach it is in test_server.py."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import CORPUS
from tests.sandbox.process import KEY, OTHER_KEY, SECRET, SECRET_KEY
from trustnxt_desktop.cloud import contract
from trustnxt_desktop.sandbox.app import ApiError, RateLimiter, create_app
from trustnxt_desktop.sandbox.config import SandboxConfig, key_id, parse_keys

ICON = CORPUS / "media" / "trustnxt-icon.jpg"


@asynccontextmanager
async def running(data_dir: Path, on_ready: Callable[[], None] | None = None,
                  **config: Any) -> AsyncIterator[httpx.AsyncClient]:
    """The sandbox app started as its server starts it (lifespan), with a client speaking ASGI to it."""
    accounts = parse_keys([KEY, OTHER_KEY, f"{SECRET_KEY}:{SECRET}"])
    injector = create_app(SandboxConfig(data_dir=data_dir, accounts=accounts, **config), on_ready)
    app = injector.app
    async with app.router.lifespan_context(app):  # type: ignore[attr-defined]  # a Starlette app, see create_app
        transport = httpx.ASGITransport(app=injector)
        async with httpx.AsyncClient(transport=transport, base_url="http://sandbox", timeout=60) as client:
            yield client


async def post(client: httpx.AsyncClient, path: str, file: Path = ICON, key: str | None = KEY, *,
               name: str | None = None, headers: dict[str, str] | None = None,
               options: dict[str, Any] | None = None) -> httpx.Response:
    files = {contract.FILE_FIELD: (name or file.name, file.read_bytes(), "application/octet-stream")}
    if options is not None:
        files[contract.OPTIONS_FIELD] = ("options.json", json.dumps(options).encode(), "application/json")
    return await client.post(path, files=files,
                             headers={**({contract.API_KEY_HEADER: key} if key else {}), **(headers or {})})


def error_code(response: httpx.Response) -> str | None:
    return contract.parse_error_body(response.content)[0]


async def test_it_starts_clean_and_says_when_it_is_ready(tmp_path: Path) -> None:
    for folder in ("uploads", "results"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "left-by-a-killed-run").write_bytes(b"x")
    ready: list[bool] = []
    async with running(tmp_path, lambda: ready.append(True)) as client:
        assert ready == [True], "said once, before the first request"
        assert not any((tmp_path / "uploads").iterdir()) and not any((tmp_path / "results").iterdir())
        pem = (await client.get(contract.SANDBOX_ROOT_PATH)).text
        assert pem.startswith("-----BEGIN CERTIFICATE-----")
    assert ready == [True]


async def test_a_protected_file_inspects_as_trusted_by_the_sandbox_root_and_both_are_billed(tmp_path: Path) -> None:
    async with running(tmp_path) as client:
        protected = await post(client, contract.PROTECT_PATH, options={"author": "Ada Lovelace"})
        assert protected.status_code == 200 and protected.headers["content-type"] == "image/jpeg"
        assert protected.headers[contract.ASSET_ID_HEADER].startswith("ast_")
        signed = tmp_path / "signed.jpg"
        signed.write_bytes(protected.content)
        report = await post(client, contract.INSPECT_PATH, signed, name="photo.jpg")
        body = report.json()
        assert body["verdict"] == "trusted" and body["file"]["name"] == body["file"]["path"] == "photo.jpg"
        assert str(tmp_path) not in report.text, "the service never reveals its own paths"
        stats = (await client.get(contract.SANDBOX_STATS_PATH)).json()
        assert stats["billable"] == {"protect": 1, "inspect": 1}
        usage = (await client.get(contract.USAGE_PATH, headers={contract.API_KEY_HEADER: KEY})).json()
        assert (usage["protect"]["calls"], usage["inspect"]["calls"]) == (1, 1)


async def test_a_repeated_idempotency_key_is_replayed_not_billed_again(tmp_path: Path) -> None:
    async with running(tmp_path) as client:
        once = {contract.IDEMPOTENCY_HEADER: "tnxt-job-1"}
        first = await post(client, contract.PROTECT_PATH, headers=once)
        again = await post(client, contract.PROTECT_PATH, headers=once)
        other = await post(client, contract.PROTECT_PATH, headers={contract.IDEMPOTENCY_HEADER: "tnxt-job-2"})
        someone_else = await post(client, contract.PROTECT_PATH, key=OTHER_KEY, headers=once)
        assert [r.status_code for r in (first, again, other, someone_else)] == [200] * 4
        assert again.headers[contract.REPLAYED_HEADER] == "true" and contract.REPLAYED_HEADER not in first.headers
        assert again.content == first.content
        assert again.headers[contract.ASSET_ID_HEADER] == first.headers[contract.ASSET_ID_HEADER]
        assert other.headers[contract.ASSET_ID_HEADER] != first.headers[contract.ASSET_ID_HEADER]
        assert contract.REPLAYED_HEADER not in someone_else.headers, "keys are per account"
        stats = (await client.get(contract.SANDBOX_STATS_PATH)).json()
        assert stats["billable"] == {"protect": 3} and stats["replays"] == {"protect": 1}
        bad = await post(client, contract.PROTECT_PATH, headers={contract.IDEMPOTENCY_HEADER: "with spaces"})
        assert bad.status_code == 400 and error_code(bad) == contract.ERR_BAD_REQUEST


async def test_keys_and_secrets_are_checked_before_any_work(tmp_path: Path) -> None:
    async with running(tmp_path) as client:
        for key, headers in ((None, {}), ("tnxt_test_unknown", {}), (SECRET_KEY, {}),
                             (SECRET_KEY, {contract.API_SECRET_HEADER: "tnxt_secret_wrong"})):
            refused = await post(client, contract.INSPECT_PATH, key=key, headers=headers)
            assert refused.status_code == 401 and error_code(refused) == contract.ERR_UNAUTHORIZED, (key, headers)
        ok = await post(client, contract.INSPECT_PATH, key=SECRET_KEY, headers={contract.API_SECRET_HEADER: SECRET})
        assert ok.status_code == 200
        assert (await client.get(contract.SANDBOX_STATS_PATH)).json()["billable"] == {"inspect": 1}


async def test_files_it_cannot_protect_are_refused_unbilled(tmp_path: Path) -> None:
    async with running(tmp_path) as client:
        unsupported = await post(client, contract.PROTECT_PATH, CORPUS / "hostile" / "unsupported_type.txt")
        assert unsupported.status_code == 415 and error_code(unsupported) == contract.ERR_UNSUPPORTED
        damaged = await post(client, contract.PROTECT_PATH, CORPUS / "hostile" / "sample3.invalid.wav")
        assert damaged.status_code == 422 and error_code(damaged) == contract.ERR_PROTECT_FAILED
        assert "original is unchanged" in (contract.parse_error_body(damaged.content)[1] or "")
        options = await post(client, contract.PROTECT_PATH, options={"thumbnail_edge": "big"})
        assert options.status_code == 400 and "Bad options" in (contract.parse_error_body(options.content)[1] or "")
        assert (await client.get(contract.SANDBOX_STATS_PATH)).json()["billable"] == {}
        assert not any((tmp_path / "uploads").iterdir()) and not any((tmp_path / "results").iterdir())


async def test_routes_and_methods_it_does_not_have_answer_in_the_contracts_words(tmp_path: Path) -> None:
    async with running(tmp_path, usage_endpoint=False) as client:
        missing = await client.get(contract.USAGE_PATH, headers={contract.API_KEY_HEADER: KEY})
        assert missing.status_code == 404 and error_code(missing) == contract.ERR_NOT_FOUND
        wrong = await client.get(contract.PROTECT_PATH, headers={contract.API_KEY_HEADER: KEY})
        assert wrong.status_code == 405 and error_code(wrong) == contract.ERR_BAD_REQUEST


async def test_the_quota_is_checked_before_the_upload_is_read(tmp_path: Path) -> None:
    async with running(tmp_path, inspect_limit=1) as client:
        assert (await post(client, contract.INSPECT_PATH)).status_code == 200
        refused = await post(client, contract.INSPECT_PATH)
        assert refused.status_code == 402 and error_code(refused) == contract.ERR_QUOTA
        assert (await post(client, contract.PROTECT_PATH)).status_code == 200, "the other kind has no limit"


def test_the_rate_limit_is_per_key_and_per_second() -> None:
    limiter = RateLimiter(2)
    limiter.check(key_id(KEY))
    limiter.check(key_id(KEY))
    with pytest.raises(ApiError) as limited:
        limiter.check(key_id(KEY))
    assert limited.value.status == 429 and limited.value.code == contract.ERR_RATE_LIMITED
    assert limited.value.headers == {contract.RETRY_AFTER_HEADER: "1"}
    limiter.check(key_id(OTHER_KEY))  # another key has its own window
    time.sleep(1.05)  # the window moves on
    limiter.check(key_id(KEY))
    unlimited = RateLimiter(0)
    for _ in range(100):
        unlimited.check(key_id(KEY))
