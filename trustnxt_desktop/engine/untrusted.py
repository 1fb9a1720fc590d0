"""Parsing files we did not make — inspection, previews, manifest thumbnails, the credentials a file
carries before we protect it — in isolated workers.

The functions in TASKS run inside the worker processes of engine.isolation; the *_isolated helpers
are what the rest of the app calls. They never raise for a problem with the file: a crash, hang or
memory blow-up of the parser becomes an `error` report (inspect) or no picture (previews).
"""

from __future__ import annotations

import atexit
import dataclasses
import hashlib
import io
import os
import pickle
import threading
import warnings
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from ..domain.report import InspectionReport, Verdict
from . import inspect as engine_inspect
from .isolation import IsolatedPool, Limits, WorkerFailure
from .media import sniff, sniff_bytes
from .parent import ParentCredentials, examine_parent
from .pictures import make_preview
from .thumbnails import make_thumbnail, register_heif
from .trust import TrustConfig

CRASH_SUMMARY = "this file crashed or stalled the parser"
# Reading and hashing a big video legitimately takes a while: each file gets the pool's time limit plus
# this much per byte (50 s per GB, several times what validation of a local file needs).
SECONDS_PER_BYTE = 50 / 1024 ** 3


# -- inside a worker --------------------------------------------------------------------------------

def worker_init() -> None:
    # Pillow and others warn about every damaged file on stderr; the report already says what is wrong.
    warnings.simplefilter("ignore")


def prepare_shared(fields: dict[str, Any]) -> TrustConfig:
    return TrustConfig(**fields)


def _inspect(trust: TrustConfig, path: str) -> InspectionReport:
    return engine_inspect.inspect_file(Path(path), trust)


def _thumbnail(path: str, media_type: str | None, edge: int) -> bytes | None:
    p = Path(path)
    return make_preview(p, media_type if media_type is not None else sniff(p), edge)


def _resource(trust: TrustConfig, path: str, identifier: str) -> bytes:
    buf = io.BytesIO()
    engine_inspect.extract_resource(Path(path), identifier, buf, trust)
    return buf.getvalue()


def _resource_picture(trust: TrustConfig, path: str, identifier: str, edge: int) -> bytes | None:
    """A manifest thumbnail decoded here and re-encoded upright (EXIF orientation applied) at `edge`."""
    data = _resource(trust, path, identifier)
    return make_thumbnail(io.BytesIO(data), sniff_bytes(data[:64]), edge) if data else None


def _parent(trust: TrustConfig, path: str, media_type: str, title: str) -> ParentCredentials:
    return examine_parent(Path(path), media_type, title, trust)


TASKS: dict[str, Callable[..., Any]] = {"inspect": _inspect, "thumbnail": _thumbnail, "resource": _resource,
                                        "resource_picture": _resource_picture, "parent": _parent}

register_heif()  # once in the fork server, not once per worker


# -- in the calling process -------------------------------------------------------------------------

_trust_keys: dict[int, tuple[TrustConfig, str, dict[str, Any]]] = {}
_trust_lock = threading.Lock()


def _shared_trust(trust: TrustConfig) -> tuple[str, dict[str, Any]]:
    """A trust configuration as (digest, constructor fields): workers receive each one once."""
    with _trust_lock:
        known = _trust_keys.get(id(trust))
        if known is not None and known[0] is trust:
            return known[1], known[2]
        fields = {f.name: getattr(trust, f.name) for f in dataclasses.fields(trust) if not f.name.startswith("_")}
        digest = hashlib.sha256(pickle.dumps(fields)).hexdigest()
        if len(_trust_keys) > 32:
            _trust_keys.clear()
        _trust_keys[id(trust)] = (trust, digest, fields)
        return digest, fields


def inspect_isolated(pool: IsolatedPool, path: Path, trust: TrustConfig) -> InspectionReport:
    try:
        result = pool.call("inspect", str(path), shared=_shared_trust(trust), seconds=time_limit(pool, path))
    except (WorkerFailure, RuntimeError) as e:  # RuntimeError: TaskError, or the pool was shut down
        result = e
    return _report(path, trust, result)


def inspect_many_isolated(pool: IsolatedPool, paths: Sequence[Path], trust: TrustConfig, slots: int | None = None,
                          gather: float = 0.0, stop: threading.Event | None = None
                          ) -> Iterator[list[tuple[int, InspectionReport]]]:
    """Inspect a batch with calls queued ahead on each worker (IsolatedPool.imap); yields groups of
    (index into paths, report) as they land. Same reports, limits and failure handling as inspect_isolated.
    Setting `stop` sends no further file to any worker."""
    calls = [(str(p),) for p in paths]
    for group in pool.imap("inspect", calls, shared=_shared_trust(trust), slots=slots, gather=gather,
                           seconds=lambda args: time_limit(pool, Path(args[0])), stop=stop):
        yield [(i, _report(paths[i], trust, result)) for i, result in group]


def _report(path: Path, trust: TrustConfig, result: InspectionReport | BaseException) -> InspectionReport:
    if isinstance(result, WorkerFailure):
        return engine_inspect.failed_report(path, trust, f"{CRASH_SUMMARY}: the parser {_what(result)}")
    if isinstance(result, BaseException):  # inspect_file never raises for the file; a bug, still not fatal
        return engine_inspect.failed_report(path, trust, f"the validator failed ({result})")
    return result


def thumbnail_isolated(pool: IsolatedPool, path: Path, edge: int, media_type: str | None = None) -> bytes | None:
    """Raises WorkerFailure when decoding crashed, hung or ran out of memory; RuntimeError when it failed."""
    return pool.call("thumbnail", str(path), media_type, edge, seconds=time_limit(pool, path))


def resource_isolated(pool: IsolatedPool, path: Path, identifier: str, trust: TrustConfig | None = None) -> bytes:
    return pool.call("resource", str(path), identifier, shared=_shared_trust(trust or TrustConfig()),
                     seconds=time_limit(pool, path))


def resource_picture_isolated(pool: IsolatedPool, path: Path, identifier: str, edge: int,
                              trust: TrustConfig | None = None) -> bytes | None:
    """A manifest thumbnail as a JPEG turned upright, at most `edge` pixels; raises like thumbnail_isolated."""
    return pool.call("resource_picture", str(path), identifier, edge, shared=_shared_trust(trust or TrustConfig()),
                     seconds=time_limit(pool, path))


def parent_isolated(pool: IsolatedPool, path: Path, media_type: str, title: str,
                    trust: TrustConfig) -> ParentCredentials:
    """The original's own credentials and its parent ingredient (engine.parent), read in a worker.

    Never raises for the file: when the reader crashed, stalled or failed, the result says the
    credentials could not be read (no archive), and protect records the original without them.
    """
    try:
        return pool.call("parent", str(path), media_type, title, shared=_shared_trust(trust),
                         seconds=time_limit(pool, path))
    except WorkerFailure as e:
        problem = f"{CRASH_SUMMARY}: the reader {_what(e)}"
    except RuntimeError as e:  # TaskError, or the pool was shut down
        problem = str(e)
    return ParentCredentials(Verdict.ERROR, reason=problem, problem=problem)


def time_limit(pool: IsolatedPool, path: Path) -> float:
    try:
        size = path.stat().st_size
    except OSError:
        size = 0
    return pool.limits.seconds + size * SECONDS_PER_BYTE


def _what(e: WorkerFailure) -> str:
    return {"timeout": "stalled and was stopped", "memory": "ran out of memory"}.get(e.kind, e.detail) \
        + ("" if e.kind == "crash" else f" ({e.detail})")


# -- one pool per process -----------------------------------------------------------------------------

_shared_pool: IsolatedPool | None = None
_shared_lock = threading.Lock()


def default_pool_size() -> int:
    return max(2, min(os.cpu_count() or 2, 8))


def shared_pool() -> IsolatedPool:
    """The process-wide pool for untrusted files (inspection and previews share its workers)."""
    global _shared_pool
    with _shared_lock:
        if _shared_pool is None:
            _shared_pool = IsolatedPool(__name__, size=default_pool_size(), limits=Limits())
            atexit.register(_shared_pool.close)
        return _shared_pool


__all__ = ["CRASH_SUMMARY", "inspect_isolated", "inspect_many_isolated", "parent_isolated", "resource_isolated",
           "resource_picture_isolated", "shared_pool", "thumbnail_isolated"]
