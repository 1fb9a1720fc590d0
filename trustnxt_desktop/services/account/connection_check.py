"""Settings' "Test connection": try the service address, key and secret as typed, storing nothing.

The check asks the service for this month's usage (an unbilled call) with exactly the credentials the
app would use after Save (see CredentialStore.candidate): a typed field wins, an empty one falls back
to what is stored. Unlike CloudBackend.usage it never falls back to the local ledger: any failure is
a failure, said with what failed.
"""

from __future__ import annotations

import asyncio
import enum
import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ...cloud.contract import resolve_base_url
from ...cloud.errors import (
    CloudAuthError,
    CloudConfigError,
    CloudError,
    CloudNameNotFoundError,
    CloudNotTrustNXTError,
    CloudQuotaError,
    CloudRefusedError,
    CloudRequestError,
    CloudTimeoutError,
    CloudTLSError,
)
from ...cloud.retry import RetryPolicy
from ...domain.usage import UsageSnapshot
from .credentials import CredentialStore

if TYPE_CHECKING:  # the HTTP client loads when a check is made (_client), not with the Settings dialog
    from ...cloud.auth import ApiCredentials
    from ...cloud.client import CloudClient, Timeouts

# One attempt and a short wait: the person is looking at the dialog, and a retry would only hide a fault.
CHECK_RETRY = RetryPolicy(max_attempts=1, max_rate_limited=1, total_seconds=15.0)
CHECK_TIMEOUTS = {"connect": 10.0, "read": 15.0, "write": 15.0, "pool": 10.0}  # seconds (cloud.client.Timeouts)


class Failure(enum.Enum):
    """What failed, in the order a connection is made."""

    ADDRESS = "address"  # not a usable https:// address
    NO_KEY = "no_key"  # no key typed and none stored
    DNS = "dns"
    REFUSED = "refused"
    TIMEOUT = "timeout"
    TLS = "tls"
    NETWORK = "network"  # the connection broke another way
    AUTH = "auth"  # 401/403: key or secret refused
    NOT_TRUSTNXT = "not_trustnxt"  # it answered, but not as a TrustNXT service
    QUOTA = "quota"
    SERVICE = "service"  # the service failed (5xx, another 4xx)


@dataclass(frozen=True)
class ConnectionCheck:
    service: str  # the base URL that was tried
    key_masked: str | None  # `tnxt_live_…9f3a`, None when there was no key to try
    failure: Failure | None  # None: connected, the key was accepted
    message: str  # what happened, in plain words; for a failure the typed error's text
    usage: UsageSnapshot | None = None  # the service's figures when connected

    @property
    def ok(self) -> bool:
        return self.failure is None


def classify(error: CloudError) -> Failure:
    """The typed error of the cloud client as the kind of failure a person can act on."""
    for kind, failure in ((CloudTLSError, Failure.TLS), (CloudNameNotFoundError, Failure.DNS),
                          (CloudRefusedError, Failure.REFUSED), (CloudTimeoutError, Failure.TIMEOUT),
                          (CloudAuthError, Failure.AUTH), (CloudNotTrustNXTError, Failure.NOT_TRUSTNXT),
                          (CloudQuotaError, Failure.QUOTA), (CloudConfigError, Failure.ADDRESS)):
        if isinstance(error, kind):
            return failure
    if isinstance(error, CloudRequestError) and error.status is not None and (
            error.status in (404, 405) or 300 <= error.status < 400):
        return Failure.NOT_TRUSTNXT  # no such API here, or it sends us elsewhere: not a TrustNXT address
    if error.status is None:
        return Failure.NETWORK
    return Failure.SERVICE


async def check_connection(api_url: str, key: str | None, secret: str | None, credentials: CredentialStore, *,
                           timeouts: Timeouts | None = None, environ: Mapping[str, str] | None = None
                           ) -> ConnectionCheck:
    """Try `api_url` (empty: the default; TRUSTNXT_API_URL in the environment wins, as for the engine)
    with the typed key and secret. Stores nothing, raises nothing for a service problem: the answer says
    what failed. Keyring errors (KeyringUnavailableError) propagate. The keyring is read in a worker thread."""
    base_url = resolve_base_url(api_url, os.environ if environ is None else environ)
    candidate = await asyncio.to_thread(credentials.candidate, key, secret)
    if candidate is None:
        return ConnectionCheck(base_url, None, Failure.NO_KEY,
                               "No API key to test: type the key from your TrustNXT account.")
    masked = candidate.masked_key()
    try:
        client = await asyncio.to_thread(_client, base_url, candidate, timeouts)
    except CloudError as e:
        return ConnectionCheck(base_url, masked, classify(e), str(e))
    try:
        usage = await client.usage()
    except CloudError as e:
        return ConnectionCheck(base_url, masked, classify(e), str(e))
    finally:
        await client.aclose()
    return ConnectionCheck(base_url, masked, None,
                           f"Connected to {base_url}; the key {masked} was accepted.", usage)


def _client(base_url: str, candidate: ApiCredentials, timeouts: Timeouts | None) -> CloudClient:
    """The check's client, built in a worker thread: importing the HTTP client and loading the system's CA
    certificates take tens of milliseconds the window's thread does not wait for. Raises CloudError."""
    from ...cloud.client import CloudClient, Timeouts

    return CloudClient(base_url, candidate, retry=CHECK_RETRY, timeouts=timeouts or Timeouts(**CHECK_TIMEOUTS),
                       max_connections=1)


__all__ = ["CHECK_RETRY", "CHECK_TIMEOUTS", "ConnectionCheck", "Failure", "check_connection", "classify"]
