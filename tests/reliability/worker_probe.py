"""Tasks for a parser worker taken over by a hostile file (tests only): it tries what such code would try,
through the same worker machinery (runtime.isolation) the app uses. The real inspection tasks are here
too, so a probe pool inspects like the app's own."""

from __future__ import annotations

import gc
import os
import pickle
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from trustnxt_desktop.engine.untrusted_tasks import TASKS as REAL_TASKS
from trustnxt_desktop.engine.untrusted_tasks import prepare_shared  # noqa: F401 - the pool asks the module for it


class Planted:
    """Unpickling this runs code: it creates `marker` in whatever process unpickles it."""

    def __init__(self, marker: str) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[Any, ...]:
        return (os.mkdir, (self.marker,))


def _own_pipe() -> Connection:
    """The worker's end of its pipe to the app: code running in a worker can always find it."""
    return next(o for o in gc.get_objects() if isinstance(o, Connection) and not o.closed)


def send_pickle(marker: str) -> str:
    """Answer with a pickle that would run code in the app if the app unpickled it."""
    payload = pickle.dumps(("ok", Planted(marker), 0))
    _own_pipe().send_bytes(payload)
    return "sent"


# Answers to "inspect" that are JSON, and shaped almost like a report, but are not one.
_NOT_REPORTS: dict[str, Any] = {
    "list": ["trusted"],
    "no-file": {"verdict": "trusted", "summary": "Trusted.", "engine": {"name": "x", "version": "1"}},
    "size-as-text": {"file": {"path": "a", "name": "a", "size": "big", "sha256": "", "media_type": None},
                     "verdict": "trusted", "summary": "", "engine": {"name": "x", "version": "1"}},
    "unknown-verdict": {"file": {"path": "a", "name": "a", "size": 1, "sha256": "", "media_type": None},
                        "verdict": "certainly fine", "summary": "", "engine": {"name": "x", "version": "1"}},
    "ingredient-is-a-number": {"file": {"path": "a", "name": "a", "size": 1, "sha256": "", "media_type": None},
                               "verdict": "trusted", "summary": "", "engine": {"name": "x", "version": "1"},
                               "ingredients": [7]},
    "extra-field": {"file": {"path": "a", "name": "a", "size": 1, "sha256": "", "media_type": None, "run": "x"},
                    "verdict": "trusted", "summary": "", "engine": {"name": "x", "version": "1"}},
}


def forged_inspect(trust: object, path: str, *_: object) -> Any:
    """The real inspection, except for files named after one of _NOT_REPORTS."""
    stem = Path(path).stem
    if stem in _NOT_REPORTS:
        return _NOT_REPORTS[stem]
    return REAL_TASKS["inspect"](trust, path, *_)


def environment() -> dict[str, Any]:
    """What the worker's environment holds, as the process sees it and as the kernel started it."""
    with open(f"/proc/{os.getpid()}/environ", "rb") as f:
        initial = [e.decode("utf-8", "replace") for e in f.read().split(b"\0") if e]
    return {"pid": os.getpid(), "os.environ": dict(os.environ), "initial": initial}


def read_keyring(service: str, name: str) -> dict[str, Any]:
    """Try to read a secret from the user's keyring, as code in a worker would."""
    try:
        import keyring

        backend = keyring.get_keyring()
        value = keyring.get_password(service, name)
        return {"backend": type(backend).__name__, "value": value, "error": None}
    except Exception as e:  # noqa: BLE001 - whatever stops it is the answer
        return {"backend": None, "value": None, "error": f"{type(e).__name__}: {e}"}


TASKS = {**REAL_TASKS, "inspect": forged_inspect, "send_pickle": send_pickle, "environment": environment,
         "read_keyring": read_keyring}
