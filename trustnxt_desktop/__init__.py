"""TrustNXT Desktop: protect media with Content Credentials and inspect what you receive."""

__version__ = "0.1.0"
APP_NAME = "TrustNXT Desktop"
