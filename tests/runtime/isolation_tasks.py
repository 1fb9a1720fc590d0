"""A tasks module for the isolated pool's own tests (tests/runtime/test_isolation.py): small tasks that say
what a worker sees (its process, environment, shared values) or misbehave in one way each."""

from __future__ import annotations

import os
import time
from typing import Any

prepared = 0  # shared values this worker has prepared
initialised = 0  # times worker_init ran in this worker


def worker_init() -> None:
    global initialised
    initialised += 1


def prepare_shared(value: Any) -> dict[str, Any]:
    global prepared
    prepared += 1
    return {"prepared": value}


def echo(*args: Any) -> list[Any]:
    return list(args)


def whoami() -> dict[str, Any]:
    return {"pid": os.getpid(), "initialised": initialised, "prepared": prepared}


def with_shared(value: dict[str, Any], suffix: str) -> dict[str, Any]:
    return {**value, "suffix": suffix, "prepared_here": prepared, "pid": os.getpid()}


def environment() -> dict[str, str]:
    return dict(os.environ)


def refuse(text: str) -> None:
    raise ValueError(text)


def not_plain_data() -> object:
    return object()


def sleep(seconds: float) -> float:
    time.sleep(seconds)
    return seconds


def wait_for(path: str) -> str:
    """Returns once `path` exists: holds a worker until the test lets it go."""
    while not os.path.exists(path):
        time.sleep(0.01)
    return path


def abort() -> None:
    os.abort()


def exit_with(code: int) -> None:
    os._exit(code)


def hog(mib: int) -> int:
    blocks = [bytearray(1024 * 1024) for _ in range(mib)]
    return len(blocks)


TASKS = {f.__name__: f for f in (echo, whoami, with_shared, environment, refuse, not_plain_data, sleep, wait_for,
                                  abort, exit_with, hog)}
