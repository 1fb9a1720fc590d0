"""A TrustNXT-compatible API server built on the local engine, for tests, demos and integrators."""
