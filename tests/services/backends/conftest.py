"""The cloud backend's tests talk real HTTP to the sandbox running as its own process on a loopback port."""

from tests.sandbox.process import sandbox, sandbox_factory  # noqa: F401 - fixtures
