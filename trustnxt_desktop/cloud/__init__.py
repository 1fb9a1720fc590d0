"""TrustNXT REST client. contract.py alone knows the remote API's paths, headers and fields. No Qt."""
