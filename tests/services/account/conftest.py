"""The connection check talks real HTTP to the sandbox running as its own process on a loopback port."""

from tests.sandbox.process import sandbox  # noqa: F401 - fixture
