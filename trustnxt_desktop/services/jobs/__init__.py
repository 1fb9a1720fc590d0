"""Durable protect jobs: the job store, the queues that drive it (GUI, capture, CLI) and the runner."""
