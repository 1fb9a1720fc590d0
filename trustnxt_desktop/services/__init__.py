"""What the CLI and the GUI share: backends, credentials, settings, batches. No Qt."""
