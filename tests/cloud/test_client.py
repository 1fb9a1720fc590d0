"""The REST client against the sandbox over real HTTP: results, typed errors, retries, cancellation."""

from __future__ import annotations

import asyncio
import io
import json
import logging
import shutil
import socket
import time
from pathlib import Path

import httpx
import pytest

from tests.conftest import CORPUS, EXPECTED
from tests.sandbox.process import KEY, OTHER_KEY, SECRET, SECRET_KEY, SandboxProcess
from trustnxt_desktop.cloud import contract
from trustnxt_desktop.cloud.auth import ApiCredentials
from trustnxt_desktop.cloud.client import CloudClient
from trustnxt_desktop.cloud.errors import (
    CloudAuthError,
    CloudNetworkError,
    CloudQuotaError,
    CloudTooLargeError,
    CloudUnsupportedError,
)
from trustnxt_desktop.cloud.retry import RetryPolicy
from trustnxt_desktop.domain.errors import TrustNXTError
from trustnxt_desktop.domain.protect import ProtectOptions
from trustnxt_desktop.domain.report import Verdict
from trustnxt_desktop.engine.inspect import inspect_file
from trustnxt_desktop.engine.trust import TrustConfig, TrustSource

FAST = RetryPolicy(max_attempts=4, base_delay=0.05, max_delay=0.2, total_seconds=5)
CORPUS_FILES = [(group, name) for group in ("c2pa", "hostile") for name in EXPECTED[group]]


def attempts(caplog: pytest.LogCaptureFixture, method: str, path: str) -> list[str]:
    """What the client logged about each failed attempt of `method path`: retrying, giving up, or failed."""
    return [r.getMessage() for r in caplog.records
            if r.name == "trustnxt_desktop.cloud.client" and r.getMessage().startswith(f"{method} {path}")]


def client_for(server: SandboxProcess, key: str = KEY, secret: str | None = None,
               retry: RetryPolicy = FAST) -> CloudClient:
    return CloudClient(server.url, ApiCredentials(key, secret), retry=retry)


async def test_protect_download_then_local_inspect_is_trusted(sandbox: SandboxProcess, tmp_path: Path) -> None:
    before = sandbox.usage()["protect"]["calls"]
    out = tmp_path / "icon.protected.jpg"
    async with client_for(sandbox) as client:
        with open(out, "wb") as sink:
            answer = await client.protect(CORPUS / "media" / "trustnxt-icon.jpg", sink,
                                          ProtectOptions(author="Ada Lovelace"))
    assert answer.media_type == "image/jpeg" and answer.size == out.stat().st_size
    assert answer.asset_id and answer.asset_id.startswith("ast_") and not answer.replayed
    anchor = TrustSource("Sandbox root", anchors_pem=sandbox.root_pem())
    report = inspect_file(out, TrustConfig(sources=(anchor,)))
    assert report.verdict is Verdict.TRUSTED, report.summary
    assert report.signer is not None and report.signer.common_name == "TrustNXT Sandbox Signer"
    assert report.title == "trustnxt-icon.jpg"  # the title is the original's name, not the server's temp name
    assert inspect_file(out, TrustConfig()).verdict is Verdict.VALID  # without the anchor: intact, not trusted
    assert sandbox.usage()["protect"]["calls"] == before + 1


@pytest.mark.parametrize(("group", "name"), CORPUS_FILES, ids=[n for _, n in CORPUS_FILES])
async def test_api_inspect_gives_the_local_verdict(sandbox: SandboxProcess, group: str, name: str) -> None:
    path = CORPUS / group / name
    async with client_for(sandbox) as client:
        remote = await client.inspect(path)
    local = inspect_file(path, TrustConfig())
    assert remote.verdict is local.verdict
    assert remote.verdict.value == EXPECTED[group][name]["verdict"]
    assert remote.file.sha256 == local.file.sha256 and remote.file.name == name
    assert remote.file.path == name, "the service must not reveal its own file paths"
    assert [c.code for c in remote.validation.failure] == [c.code for c in local.validation.failure]


async def test_inspect_of_own_output_is_trusted_by_the_service(sandbox: SandboxProcess, tmp_path: Path) -> None:
    out = tmp_path / "o.png"
    async with client_for(sandbox) as client:
        with open(out, "wb") as sink:
            await client.protect(CORPUS / "media" / "trustnxt-icon.png", sink)
        report = await client.inspect(out)
    assert report.verdict is Verdict.TRUSTED and report.engine.trust_lists == ["TrustNXT sandbox root"]


async def test_wrong_key_is_an_auth_error_at_once_without_retries(sandbox: SandboxProcess,
                                                                  caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, "trustnxt_desktop.cloud.client")
    route = f"POST {contract.PROTECT_PATH}"
    before = sandbox.requests(route).get("401", 0)
    patient = RetryPolicy(max_attempts=10, base_delay=1, total_seconds=60)
    async with client_for(sandbox, key="tnxt_live_not-a-key-the-sandbox-knows", retry=patient) as client:
        with pytest.raises(CloudAuthError) as caught:
            await client.protect(CORPUS / "media" / "trustnxt-icon.jpg", io.BytesIO())
    assert sandbox.requests(route).get("401", 0) == before + 1, "an auth error must not be retried"
    logged = attempts(caplog, "POST", contract.PROTECT_PATH)
    assert len(logged) == 1 and " failed: " in logged[0], "no backoff wait before giving up"
    assert caught.value.status == 401 and caught.value.code == contract.ERR_UNAUTHORIZED


async def test_a_key_with_a_secret_needs_the_secret(sandbox: SandboxProcess) -> None:
    async with client_for(sandbox, key=SECRET_KEY) as client:
        with pytest.raises(CloudAuthError):
            await client.usage()
    async with client_for(sandbox, key=SECRET_KEY, secret="tnxt_secret_wrong") as client:
        with pytest.raises(CloudAuthError):
            await client.usage()
    async with client_for(sandbox, key=SECRET_KEY, secret=SECRET) as client:
        usage = await client.usage()
    assert usage.source == "TrustNXT usage API"


async def test_usage_is_counted_per_key(sandbox: SandboxProcess) -> None:
    async with client_for(sandbox, key=OTHER_KEY) as client:
        before = await client.usage()
        await client.inspect(CORPUS / "media" / "trustnxt-icon.jpg")
        await client.inspect(CORPUS / "hostile" / "unsupported_type.txt")
        after = await client.usage()
    assert after.inspect_calls == before.inspect_calls + 2 and after.protect_calls == before.protect_calls
    today = [d for d in after.per_day if d.day == time.strftime("%Y-%m-%d", time.gmtime())]
    assert today and today[0].inspect >= 2
    assert after.period_start.endswith("-01") and after.period_start <= today[0].day <= after.period_end


async def test_server_down_is_a_network_error_within_the_time_budget(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, "trustnxt_desktop.cloud.client")
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    policy = RetryPolicy(max_attempts=100, base_delay=0.2, max_delay=0.5, total_seconds=2.0)
    async with CloudClient(f"http://127.0.0.1:{port}", ApiCredentials(KEY), retry=policy) as client:
        with pytest.raises(CloudNetworkError) as caught:
            await client.inspect(CORPUS / "media" / "trustnxt-icon.jpg")
        logged = attempts(caplog, "POST", contract.INSPECT_PATH)
        # It did retry, and it stopped because the time budget was spent, not after 100 attempts.
        assert len(logged) >= 3 and all("retrying in" in line for line in logged[:-1]), logged
        assert len(logged) < 100 and "the retry time budget is spent" in logged[-1], logged
        assert "could not be reached" in str(caught.value)
        with pytest.raises(CloudNetworkError):
            await client.usage()  # unbilled and informational: two attempts, then the caller falls back
        logged = attempts(caplog, "GET", contract.USAGE_PATH)
        assert len(logged) == 2 and "retrying in" in logged[0] and " failed: " in logged[1], logged


async def test_quota_exhausted_is_not_retried(sandbox_factory, tmp_path: Path,
                                              caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, "trustnxt_desktop.cloud.client")
    server = sandbox_factory("--protect-limit", "1")
    async with client_for(server, retry=RetryPolicy(max_attempts=8, base_delay=0.5, total_seconds=30)) as client:
        await client.protect(CORPUS / "media" / "trustnxt-icon.jpg", io.BytesIO())
        with pytest.raises(CloudQuotaError) as caught:
            await client.protect(CORPUS / "media" / "trustnxt-icon.png", io.BytesIO())
        usage = await client.usage()
    assert [" failed: " in line for line in attempts(caplog, "POST", contract.PROTECT_PATH)] == [True], \
        "no backoff wait before giving up"
    assert caught.value.status == 402
    assert server.requests(f"POST {contract.PROTECT_PATH}") == {"200": 1, "402": 1}
    assert (usage.protect_calls, usage.protect_limit) == (1, 1)


async def test_too_large_and_unsupported_are_typed_and_not_billed(sandbox_factory, tmp_path: Path) -> None:
    server = sandbox_factory("--max-upload-mb", "1")
    big = tmp_path / "big.jpg"
    with open(big, "wb") as f:
        f.write((CORPUS / "media" / "trustnxt-icon.jpg").read_bytes())
        f.truncate(3 * 1024 * 1024)
    async with client_for(server) as client:
        with pytest.raises(CloudTooLargeError):
            await client.protect(big, io.BytesIO())
        with pytest.raises(CloudUnsupportedError) as unsupported:
            await client.protect(CORPUS / "hostile" / "unsupported_type.txt", io.BytesIO())
        usage = await client.usage()
    assert server.requests(f"POST {contract.PROTECT_PATH}") == {"413": 1, "415": 1}
    assert usage.protect_calls == 0
    assert isinstance(unsupported.value, TrustNXTError)


async def test_same_idempotency_key_replays_without_billing(sandbox: SandboxProcess, tmp_path: Path) -> None:
    before = sandbox.usage()["protect"]["calls"]
    first, second = io.BytesIO(), io.BytesIO()
    async with client_for(sandbox) as client:
        a = await client.protect(CORPUS / "media" / "sample1.webp", first, idempotency_key="tnxt-replay-test-1")
        b = await client.protect(CORPUS / "media" / "sample1.webp", second, idempotency_key="tnxt-replay-test-1")
    async with client_for(sandbox, key=OTHER_KEY) as client:  # another owner's key never sees this answer
        c = await client.protect(CORPUS / "media" / "sample1.webp", io.BytesIO(), idempotency_key="tnxt-replay-test-1")
    assert (a.replayed, b.replayed, c.replayed) == (False, True, False)
    assert first.getvalue() == second.getvalue() and a.asset_id == b.asset_id != c.asset_id
    assert sandbox.usage()["protect"]["calls"] == before + 1


async def test_cancelling_an_upload_stops_it_at_once(sandbox_factory, tmp_path: Path) -> None:
    server = sandbox_factory("--latency", "1500")  # the server reads nothing for 1.5 s: the upload stalls
    big = tmp_path / "big.mov"
    shutil.copy(CORPUS / "media" / "c.mov", big)
    with open(big, "r+b") as f:
        f.truncate(64 * 1024 * 1024)
    sent: list[int] = []
    uploading = asyncio.Event()
    route = f"POST {contract.PROTECT_PATH}"

    def progress(n: int, total: int) -> None:
        sent.append(n)
        uploading.set()

    async with client_for(server) as client:
        task = asyncio.ensure_future(client.protect(big, io.BytesIO(), progress=progress))
        await uploading.wait()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        # The call ended while the server still held the request in its delay, before it answered anything.
        assert await asyncio.to_thread(server.requests, route) == {}
        assert 0 < sent[-1] < big.stat().st_size, "the upload was under way and did not finish"
    await asyncio.to_thread(server.wait_for, f"POST {contract.PROTECT_PATH}", "499")  # it saw the client leave
    assert server.usage()["protect"]["calls"] == 0
    assert not any((server.data_dir / "uploads").iterdir()), "the sandbox keeps no half-received upload"


def test_retry_after_parsing_and_backoff_bounds() -> None:
    from trustnxt_desktop.cloud.retry import parse_retry_after

    assert parse_retry_after("3") == 3.0
    assert parse_retry_after(None) is None and parse_retry_after("soon") is None
    import datetime as dt

    now = dt.datetime(2026, 5, 1, 12, 0, 0, tzinfo=dt.UTC)
    assert parse_retry_after("Fri, 01 May 2026 12:00:30 GMT", now) == 30.0
    assert parse_retry_after("Fri, 01 May 2026 11:00:00 GMT", now) == 0.0
    policy = RetryPolicy(base_delay=0.5, max_delay=4)
    waits = [policy.backoff(n) for n in range(1, 8) for _ in range(50)]
    assert all(0 <= w <= 4 for w in waits)
    assert max(policy.backoff(1) for _ in range(200)) <= 0.5
    assert policy.delay(1, retry_after=2.0) >= 2.0


def test_error_bodies_follow_the_contract(sandbox: SandboxProcess) -> None:
    response = httpx.post(sandbox.url + contract.INSPECT_PATH, headers={contract.API_KEY_HEADER: "nope"},
                          files={contract.FILE_FIELD: ("a.jpg", b"x")})
    assert response.status_code == 401
    assert contract.parse_error_body(response.content) == (contract.ERR_UNAUTHORIZED, "Unknown API key.")
    assert json.loads(sandbox.get("/v1/nothing").content)["error"]["code"] == contract.ERR_NOT_FOUND


async def test_rate_limits_pace_the_client_without_using_up_attempts(sandbox_factory) -> None:
    server = sandbox_factory("--rate-limit", "1")
    once = RetryPolicy(max_attempts=1, base_delay=0.05, total_seconds=10)  # no retries for failures at all
    async with client_for(server, retry=once) as client:
        reports = [await client.inspect(CORPUS / "media" / "trustnxt-icon.jpg") for _ in range(2)]
    assert [r.verdict for r in reports] == [Verdict.NONE] * 2  # an unsigned file
    assert server.requests(f"POST {contract.INSPECT_PATH}") == {"200": 2, "429": 1}


async def test_the_claim_reaches_the_service_as_its_own_form_field(sandbox: SandboxProcess, tmp_path: Path) -> None:
    from trustnxt_desktop.domain.protect import ContentSource

    anchor = TrustConfig(sources=(TrustSource("Sandbox root", anchors_pem=sandbox.root_pem()),))
    async with client_for(sandbox) as client:
        for claim in (ContentSource.SCREEN, ContentSource.AI):
            out = tmp_path / f"{claim.value}.jpg"
            with open(out, "wb") as sink:
                await client.protect(CORPUS / "media" / "trustnxt-icon.jpg", sink, ProtectOptions(content_source=claim))
            report = inspect_file(out, anchor)
            assert report.verdict is Verdict.TRUSTED, report.summary
            assert [(a.action, a.digital_source_type) for a in report.actions] == [
                ("c2pa.created", claim.digital_source_type)]
