"""Each way a connection fails is named for what failed, against real sockets on loopback, and the check
that Settings runs stores nothing and never calls a failure "Connected"."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cloud.failing_servers import (
    UNRESOLVABLE,
    closed_port_url,
    html_page,
    invalid_names,  # noqa: F401 - fixture
    never_answers,
    self_signed_tls,
    serving,
)
from tests.sandbox.process import KEY, OTHER_KEY, SECRET, SECRET_KEY, SandboxProcess
from trustnxt_desktop.cloud import contract
from trustnxt_desktop.cloud.auth import ApiCredentials
from trustnxt_desktop.cloud.client import CloudClient, Timeouts
from trustnxt_desktop.cloud.errors import (
    CloudAuthError,
    CloudNameNotFoundError,
    CloudNotTrustNXTError,
    CloudRefusedError,
    CloudTimeoutError,
    CloudTLSError,
)
from trustnxt_desktop.cloud.retry import RetryPolicy
from trustnxt_desktop.services.account.connection_check import Failure, check_connection
from trustnxt_desktop.services.account.credentials import CredentialStore

QUICK = Timeouts(connect=2.0, read=0.5, write=0.5, pool=2.0)
ONCE = RetryPolicy(max_attempts=1)


def store(secret_store) -> CredentialStore:
    return CredentialStore(secret_store, "connection-check", environ={})


async def usage_error(url: str, key: str = KEY, timeouts: Timeouts = QUICK) -> Exception:
    async with CloudClient(url, ApiCredentials(key), retry=ONCE, timeouts=timeouts) as client:
        with pytest.raises(Exception) as caught:
            await client.usage()
    return caught.value


# -- the client names what failed ----------------------------------------------------------------

async def test_a_closed_port_is_refused() -> None:
    url = closed_port_url()
    error = await usage_error(url)
    assert isinstance(error, CloudRefusedError) and error.retryable
    assert "refused" in str(error) and url in str(error)


async def test_a_server_that_never_answers_times_out() -> None:
    with serving(never_answers) as port:
        error = await usage_error(f"http://127.0.0.1:{port}")
    assert isinstance(error, CloudTimeoutError) and not error.retryable
    assert "stopped responding" in str(error) and "0.5 s" in str(error), "the short read timeout applied"


async def test_a_self_signed_certificate_is_a_tls_problem(tmp_path: Path) -> None:
    with serving(never_answers, tls=self_signed_tls(tmp_path)) as port:
        error = await usage_error(f"https://127.0.0.1:{port}")
    assert isinstance(error, CloudTLSError) and not error.retryable
    assert "could not be verified" in str(error) and "certificate" in str(error)


async def test_a_name_that_does_not_resolve_is_a_dns_problem(invalid_names: list[str]) -> None:  # noqa: F811
    error = await usage_error(UNRESOLVABLE)
    assert invalid_names == ["nonexistent.invalid"], "the client looked the name up (answered on this machine)"
    assert isinstance(error, CloudNameNotFoundError) and not error.retryable
    assert "nonexistent.invalid was not found (DNS)" in str(error)


async def test_a_web_page_is_not_a_trustnxt_answer() -> None:
    with serving(html_page()) as port:
        error = await usage_error(f"http://127.0.0.1:{port}")
    assert isinstance(error, CloudNotTrustNXTError) and not error.retryable
    assert "not a TrustNXT service" in str(error)


async def test_a_wrong_key_is_refused_by_the_sandbox(sandbox: SandboxProcess) -> None:
    error = await usage_error(sandbox.url, key="tnxt_live_not-a-key-this-sandbox-knows-0000")
    assert isinstance(error, CloudAuthError) and error.status == 401
    assert "not-a-key" not in str(error)


# -- Settings' check: what failed, and nothing stored ----------------------------------------------

async def test_check_names_each_failure_and_stores_nothing(sandbox: SandboxProcess, secret_store, tmp_path: Path,
                                                           invalid_names: list[str]) -> None:  # noqa: F811
    credentials = store(secret_store)
    credentials.set(SECRET_KEY, SECRET)
    with serving(never_answers) as silent, serving(html_page()) as web, \
            serving(never_answers, tls=self_signed_tls(tmp_path)) as tls:
        cases = {
            Failure.REFUSED: (closed_port_url(), KEY),
            Failure.TIMEOUT: (f"http://127.0.0.1:{silent}", KEY),
            Failure.TLS: (f"https://127.0.0.1:{tls}", KEY),
            Failure.DNS: (UNRESOLVABLE, KEY),
            Failure.NOT_TRUSTNXT: (f"http://127.0.0.1:{web}", KEY),
            Failure.AUTH: (sandbox.url, "tnxt_live_this-key-was-revoked-000000000000"),
            Failure.ADDRESS: ("http://api.example.invalid", KEY),  # plain http off this machine: never sent
        }
        for expected, (url, key) in cases.items():
            check = await check_connection(url, key, "", credentials, timeouts=QUICK, environ={})
            assert check.failure is expected, (expected, check)
            assert not check.ok and check.usage is None and "Connected" not in check.message
            assert key not in check.message
    assert invalid_names == ["nonexistent.invalid"]
    stored = credentials.load()
    assert stored is not None and (stored.key, stored.secret) == (SECRET_KEY, SECRET), "nothing was stored"


async def test_check_uses_typed_values_else_the_stored_ones(sandbox: SandboxProcess, secret_store) -> None:
    credentials = store(secret_store)
    nothing = await check_connection(sandbox.url, "", "", credentials, environ={})
    assert nothing.failure is Failure.NO_KEY
    typed = await check_connection(sandbox.url, KEY, "", credentials, environ={})
    assert typed.ok and typed.usage is not None and typed.usage.source == "TrustNXT usage API"
    assert typed.key_masked == "tnxt_test_…5e6d" and credentials.load() is None, "a test stores nothing"

    credentials.set(SECRET_KEY, SECRET)
    stored = await check_connection(sandbox.url, "", "", credentials, environ={})
    assert stored.ok, stored.message  # the stored key with its stored secret
    # The key typed again with an empty secret field: the stored secret goes with it, as Save would keep it.
    retyped = await check_connection(sandbox.url, SECRET_KEY, "", credentials, environ={})
    assert retyped.ok, retyped.message
    wrong_secret = await check_connection(sandbox.url, "", "tnxt_secret_wrong0000000000000000000000", credentials,
                                          environ={})
    assert wrong_secret.failure is Failure.AUTH, "a typed secret is tried instead of the stored one"
    other = await check_connection(sandbox.url, OTHER_KEY, "", credentials, environ={})
    assert other.ok and other.key_masked == "tnxt_test_…cccc"
    loaded = credentials.load()
    assert loaded is not None and (loaded.key, loaded.secret) == (SECRET_KEY, SECRET)


async def test_environment_address_wins_as_it_does_for_the_engine(sandbox: SandboxProcess, secret_store) -> None:
    check = await check_connection(closed_port_url(), KEY, "", store(secret_store),
                                   environ={contract.API_URL_ENV: sandbox.url})
    assert check.ok and check.service == sandbox.url
