"""Typed errors of the TrustNXT service, each with a sentence a photographer understands.

No message ever carries the API key or secret: the client scrubs anything the service echoes back.
"""

from __future__ import annotations

from ..domain.errors import ConfigurationError, TrustNXTError, UnsupportedMediaError


class CloudError(TrustNXTError):
    """Something went wrong talking to the TrustNXT service."""

    retryable = False

    def __init__(self, message: str, *, status: int | None = None, code: str | None = None,
                 retry_after: float | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.retry_after = retry_after  # seconds the service asked us to wait, when it said so

    def __repr__(self) -> str:
        return f"{type(self).__name__}({str(self)!r}, status={self.status}, code={self.code!r})"


class CloudConfigError(CloudError, ConfigurationError):
    """The service address or the credentials cannot be used as configured."""


class CloudAuthError(CloudConfigError):
    """401/403: the key or secret was refused. Never retried: it will not get better by itself."""


class CloudQuotaError(CloudError):
    """402, or 429 with code quota_exhausted: this month's calls are used up. Never retried."""


class CloudRateLimitedError(CloudError):
    """429: too many requests at once. Retried after the wait the service asks for."""

    retryable = True


class CloudTooLargeError(CloudError):
    """413: the file is larger than the service accepts."""


class CloudUnsupportedError(CloudError, UnsupportedMediaError):
    """415: the service cannot put Content Credentials into this file type."""


class CloudRequestError(CloudError):
    """Another 4xx: the service rejected this request (and repeating it will not help)."""


class CloudServerError(CloudError):
    """5xx, or an answer we could not understand. 502/503/504 are retried."""


class CloudUnavailableError(CloudServerError):
    """502/503/504: the service is briefly unavailable."""

    retryable = True


class CloudNotTrustNXTError(CloudServerError):
    """The address answered, but not as a TrustNXT service does (an HTML page, a captive portal, another
    API): the service address is probably wrong. Never retried."""


class CloudNetworkError(CloudError):
    """The service could not be reached, or the connection broke."""

    retryable = True


class CloudNameNotFoundError(CloudNetworkError):
    """DNS: the host name of the service address could not be resolved. A name that does not exist is not
    retried (the instance says so); a resolver that did not answer (no network) may answer next time."""


class CloudRefusedError(CloudNetworkError):
    """The host was reached but nothing accepts connections on that port (TCP RST, ECONNREFUSED)."""


class CloudTimeoutError(CloudNetworkError):
    """The service took too long to answer. A slow transfer is not retried (it would be slow again);
    a connection that could not be opened in time is (the instance sets retryable)."""

    retryable = False


class CloudTLSError(CloudNetworkError):
    """The service's certificate could not be verified: never retried, never bypassed."""

    retryable = False
