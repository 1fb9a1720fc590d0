"""The engines behind inspect and protect: the offline LocalBackend, the CloudBackend, the recording wrapper,
and the registry that builds them."""
