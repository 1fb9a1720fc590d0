"""Parsing files we did not make — inspection, previews, manifest thumbnails, the credentials a file
carries before we protect it — in isolated workers.

The tasks run inside the worker processes of runtime.isolation and live in engine.untrusted_tasks
(TASKS_MODULE), which loads c2pa, Pillow and the second validator; this module, the *_isolated helpers
the rest of the app calls, loads none of them, so a process that only sends files to the workers (a
local `trustnxt inspect`, the window before its first protect) never does. They never raise for a
problem with the file: a crash, hang or memory blow-up of the parser becomes an `error` report
(inspect) or no picture (previews).

What crosses back from a worker is plain data: a task returns JSON values (a report as its
"trustnxt.inspection/1" dict, pictures and archives as base64 text), and the calling side turns them
into domain types with the strict decoders below (report_from_worker, …). An answer that does not
decode is treated like a crash of that worker: the worker is killed and the file gets an `error`.

A path that is not a regular file (a FIFO, socket or device, or a link to one) is never sent to a
worker and never opened here: it gets its `error` report, "not a regular file (…)", at once.
"""

from __future__ import annotations

import atexit
import base64
import dataclasses
import hashlib
import os
import pickle
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..domain.privacy import FieldKind, FileInventory, PrivacyChoices, RevealedField
from ..domain.regular_files import not_regular
from ..domain.report import InspectionReport, Verdict
from ..domain.soft_binding import ISCC_IMAGE, PDQ, Fingerprint, FingerprintResult, Orientation, PictureFingerprints
from ..domain.typed_fields import check_typed
from ..runtime.isolation import IsolatedPool, Limits, TaskError, WorkerFailure
from .cross_check import SecondValidator, not_run
from .privacy.geocode import City
from .trust import TrustConfig

if TYPE_CHECKING:  # each loads c2pa: imported where a worker's answer becomes one of them
    from .parent import ParentCredentials
    from .privacy.rewrite import Cleaned

# The module the workers import (runtime.isolation): the tasks, and c2pa and Pillow with them.
TASKS_MODULE = f"{__package__}.untrusted_tasks"

CRASH_SUMMARY = "this file crashed or stalled the parser"
# Reading and hashing a big video legitimately takes a while: each file gets the pool's time limit plus
# this much per byte (50 s per GB, several times what validation of a local file needs).
SECONDS_PER_BYTE = 50 / 1024 ** 3


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


def inspect_isolated(pool: IsolatedPool, path: Path, trust: TrustConfig,
                     second: SecondValidator | None = None) -> InspectionReport:
    """`second`: also run the second validator (engine.cross_check) on the same bytes in the same worker."""
    refused = not_regular(path)
    if refused is not None:
        return _failed_report(path, trust, refused, identify=False)
    args = _inspect_args(path, second)
    result: InspectionReport | BaseException
    try:
        result = pool.call("inspect", *args, shared=_shared_trust(trust), seconds=time_limit(pool, path),
                           decode=report_from_worker)
    except (WorkerFailure, RuntimeError) as e:  # RuntimeError: TaskError, or the pool was shut down
        result = e
    return _checked_report(pool, path, trust, args, result)


def _inspect_args(path: Path, second: SecondValidator | None) -> tuple[Any, ...]:
    """The inspect task's arguments; with the cross-check, its settings with a marker of this call's own."""
    return (str(path),) if second is None else (str(path), dataclasses.asdict(second.for_call()))


def _checked_report(pool: IsolatedPool, path: Path, trust: TrustConfig, args: tuple[Any, ...],
                    result: InspectionReport | BaseException) -> InspectionReport:
    """The report of one call. When its worker died inside the second validator (its marker is there), the
    main validator inspects the file again alone: a failure of the second validator costs only the
    cross-check. When it died in the main validator, the file gets the `error` it gets without the
    cross-check, and the report says the second validator was not asked."""
    second = SecondValidator(**args[1]) if len(args) > 1 else None
    if second is None or not isinstance(result, WorkerFailure):
        return _report(path, trust, result)
    if second.was_running():
        return not_run(inspect_isolated(pool, path, trust), f"it {_what(result)} on this file")
    return not_run(_report(path, trust, result), "the main validator's parser failed on this file first")


def inspect_many_isolated(pool: IsolatedPool, paths: Sequence[Path], trust: TrustConfig, slots: int | None = None,
                          gather: float = 0.0, stop: threading.Event | None = None,
                          second: SecondValidator | None = None, abandon: threading.Event | None = None
                          ) -> Iterator[list[tuple[int, InspectionReport]]]:
    """Inspect a batch with calls queued ahead on each worker (IsolatedPool.imap); yields groups of
    (index into paths, report) as they land. Same reports, limits and failure handling as inspect_isolated:
    the paths that are not regular files come first, as one group, without going to a worker.
    Setting `stop` sends no further file to any worker; setting `abandon` also drops the files under way
    (IsolatedPool.imap)."""
    refused: list[tuple[int, InspectionReport]] = []
    sent: list[int] = []  # indices into paths of the files sent to workers
    for i, path in enumerate(paths):
        reason = not_regular(path)
        if reason is None:
            sent.append(i)
        else:
            refused.append((i, _failed_report(path, trust, reason, identify=False)))
    if refused:
        yield refused
    if not sent:
        return
    calls = [_inspect_args(paths[i], second) for i in sent]
    for group in pool.imap("inspect", calls, shared=_shared_trust(trust), slots=slots, gather=gather,
                           seconds=lambda args: time_limit(pool, Path(args[0])), stop=stop, decode=report_from_worker,
                           abandon=abandon):
        yield [(sent[j], _checked_report(pool, paths[sent[j]], trust, calls[j], result)) for j, result in group]


def _refuse_special(path: Path) -> None:
    reason = not_regular(path)
    if reason is not None:
        raise TaskError(reason)


def _failed_report(path: Path, trust: TrustConfig, reason: str, *, identify: bool = True) -> InspectionReport:
    """engine.inspect.failed_report, loaded (with c2pa, for the report's engine version) only when a file fails."""
    from .inspect import failed_report

    return failed_report(path, trust, reason, identify=identify)


def _report(path: Path, trust: TrustConfig, result: InspectionReport | BaseException) -> InspectionReport:
    if isinstance(result, WorkerFailure):
        # A stalled worker may be stuck on the file itself (a slow or hung disk): it is not read here then.
        return _failed_report(path, trust, f"{CRASH_SUMMARY}: the parser {_what(result)}",
                                            identify=result.kind != "timeout")
    if isinstance(result, BaseException):  # inspect_file never raises for the file; a bug, still not fatal
        return _failed_report(path, trust, f"the validator failed ({result})")
    return result


# -- what a worker's plain-data answer must be -------------------------------------------------------------

def report_from_worker(value: Any) -> InspectionReport:
    """An InspectionReport from a worker's answer to "inspect": a "trustnxt.inspection/1" dict whose every
    field has its annotated type (domain.typed_fields). Raises ValueError, TypeError or KeyError otherwise."""
    if not isinstance(value, dict):
        raise TypeError(f"a report is a JSON object, not {type(value).__name__}")
    report = InspectionReport.from_dict(value)
    check_typed(report)
    return report


def bytes_from_worker(value: Any) -> bytes | None:
    """Bytes (a picture, an archive) from a worker's answer: base64 text, or null for none."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise TypeError(f"expected base64 text, not {type(value).__name__}")
    return base64.b64decode(value, validate=True)


def _some_bytes(value: Any) -> bytes:
    data = bytes_from_worker(value)
    if data is None:
        raise TypeError("expected base64 text, not null")
    return data


_PARENT_FIELDS = frozenset({"verdict", "reason", "remote_url", "archive", "problem"})


def parent_from_worker(value: Any) -> ParentCredentials:
    """ParentCredentials from a worker's answer to "parent": {verdict, reason, remote_url, archive (base64),
    problem}, each text or null (the verdict one of InspectionReport's)."""
    if not isinstance(value, dict) or set(value) != _PARENT_FIELDS:
        raise TypeError("not the parent ingredient's fields")
    texts = {k: value[k] for k in ("reason", "remote_url", "problem")}
    if any(v is not None and type(v) is not str for v in texts.values()):
        raise TypeError("a text field that is not text")
    from .parent import ParentCredentials

    return ParentCredentials(Verdict(value["verdict"]), archive=bytes_from_worker(value["archive"]), **texts)


def thumbnail_isolated(pool: IsolatedPool, path: Path, edge: int, media_type: str | None = None) -> bytes | None:
    """Raises WorkerFailure when decoding crashed, hung or ran out of memory; RuntimeError when it failed
    (also for a path that is not a regular file, which is never opened)."""
    _refuse_special(path)
    return pool.call("thumbnail", str(path), media_type, edge, seconds=time_limit(pool, path),
                     decode=bytes_from_worker)


def _warning_or_none(value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return value
    raise TypeError("not a warning")


def second_check_isolated(pool: IsolatedPool, path: Path, media_type: str | None,
                          second: SecondValidator) -> str | None:
    """The second validator's warning about a copy this app has just signed (engine.second_check), read in a
    worker: the copy may carry someone else's manifest as its parent ingredient. None when it finds the copy
    intact. Never raises for the copy: a worker that crashed, stalled or failed is said in the warning."""
    try:
        _refuse_special(path)
        return pool.call("second_check", str(path), media_type, dataclasses.asdict(second),
                         seconds=time_limit(pool, path), decode=_warning_or_none)
    except WorkerFailure as e:
        return f"The second, independent validator could not check the protected copy: its reader {_what(e)}."
    except RuntimeError as e:  # TaskError, or the pool was shut down
        return f"The second, independent validator could not check the protected copy: {e}."


def resource_isolated(pool: IsolatedPool, path: Path, identifier: str, trust: TrustConfig | None = None) -> bytes:
    _refuse_special(path)
    return pool.call("resource", str(path), identifier, shared=_shared_trust(trust or TrustConfig()),
                     seconds=time_limit(pool, path), decode=_some_bytes)


def resource_picture_isolated(pool: IsolatedPool, path: Path, identifier: str, edge: int,
                              trust: TrustConfig | None = None) -> bytes | None:
    """A manifest thumbnail as a JPEG turned upright, at most `edge` pixels; raises like thumbnail_isolated."""
    _refuse_special(path)
    return pool.call("resource_picture", str(path), identifier, edge, shared=_shared_trust(trust or TrustConfig()),
                     seconds=time_limit(pool, path), decode=bytes_from_worker)


def parent_isolated(pool: IsolatedPool, path: Path, media_type: str, title: str,
                    trust: TrustConfig) -> ParentCredentials:
    """The original's own credentials and its parent ingredient (engine.parent), read in a worker.

    Never raises for the file: when the reader crashed, stalled or failed, the result says the
    credentials could not be read (no archive), and protect records the original without them.
    """
    try:
        _refuse_special(path)
        return pool.call("parent", str(path), media_type, title, shared=_shared_trust(trust),
                         seconds=time_limit(pool, path), decode=parent_from_worker)
    except WorkerFailure as e:
        problem = f"{CRASH_SUMMARY}: the reader {_what(e)}"
    except RuntimeError as e:  # TaskError, or the pool was shut down
        problem = str(e)
    from .parent import ParentCredentials

    return ParentCredentials(Verdict.ERROR, reason=problem, problem=problem)


def inventory_from_worker(value: Any) -> FileInventory:
    """A FileInventory from a worker's answer to "privacy": {path, media_type, error, rewritable, fields:
    [{kind, where, name, value}]}. Raises ValueError, TypeError or KeyError otherwise."""
    if not isinstance(value, dict) or not isinstance(value.get("fields"), list):
        raise TypeError("not a file's privacy inventory")
    texts = [value["path"], value["media_type"], value["error"]]
    if type(value["path"]) is not str or any(v is not None and type(v) is not str for v in texts[1:]) \
            or type(value["rewritable"]) is not bool:
        raise TypeError("an inventory field of the wrong type")
    fields = []
    for f in value["fields"]:
        if not isinstance(f, dict) or any(type(f.get(k)) is not str for k in ("kind", "where", "name", "value")):
            raise TypeError("a revealed field that is not four texts")
        fields.append(RevealedField.from_dict(f))
    return FileInventory(value["path"], value["media_type"], tuple(fields), value["error"], value["rewritable"])


_CLEANED_FIELDS = frozenset({"rewritten", "changed", "city", "notes", "withhold_parent", "needles"})


def cleaned_from_worker(value: Any) -> Cleaned:
    """Cleaned from a worker's answer to "privacy_clean" (needles as base64 texts)."""
    if not isinstance(value, dict) or set(value) != _CLEANED_FIELDS:
        raise TypeError("not the privacy step's fields")
    if type(value["rewritten"]) is not bool or type(value["withhold_parent"]) is not bool \
            or not all(type(n) is str for n in value["notes"]):
        raise TypeError("a privacy field of the wrong type")
    city = value["city"]
    if city is not None:
        if not isinstance(city, dict):
            raise TypeError("a city that is not an object")
        city = City(str(city["name"]), str(city["region"]), str(city["country"]), str(city["country_code"]),
                    float(city["lat"]), float(city["lon"]))
    from .privacy.rewrite import Cleaned

    return Cleaned(value["rewritten"], tuple(FieldKind(k) for k in value["changed"]), city, tuple(value["notes"]),
                   value["withhold_parent"], tuple(_some_bytes(n) for n in value["needles"]))


def privacy_isolated(pool: IsolatedPool, path: Path, media_type: str | None) -> FileInventory:
    """What the file would reveal (engine.privacy.inventory), read in a worker. Never raises for the file:
    a crash, stall or failure of the reader is the inventory's `error`."""
    try:
        _refuse_special(path)
        return pool.call("privacy", str(path), media_type, seconds=time_limit(pool, path),
                         decode=inventory_from_worker)
    except WorkerFailure as e:
        problem = f"{CRASH_SUMMARY}: the reader {_what(e)}"
    except RuntimeError as e:  # TaskError, or the pool was shut down
        problem = str(e)
    return FileInventory(str(path), media_type, error=problem)


def privacy_clean_isolated(pool: IsolatedPool, path: Path, media_type: str, choices: PrivacyChoices,
                           target: Path) -> Cleaned:
    """engine.privacy.rewrite.clean_copy in a worker, writing `target`. Raises PrivacyError (a sentence for the
    person) when the choices cannot be applied or the worker crashed, stalled or failed."""
    from .privacy.rewrite import PrivacyError

    try:
        _refuse_special(path)
        return pool.call("privacy_clean", str(path), media_type, choices.location.value, choices.strip_serials,
                         str(target), seconds=2 * time_limit(pool, path), decode=cleaned_from_worker)
    except WorkerFailure as e:
        raise PrivacyError(f"The file's metadata could not be rewritten: {CRASH_SUMMARY}: the rewriter {_what(e)}. "
                           "The file was not protected.") from None
    except RuntimeError as e:  # TaskError (PrivacyError's sentence, or a bug), or the pool was shut down
        text = str(e)
        prefix = f"{PrivacyError.__name__}: "
        raise PrivacyError(text[len(prefix):] if text.startswith(prefix) else f"The file's metadata could not be "
                           f"rewritten ({text}). The file was not protected.") from None


def fingerprint_isolated(pool: IsolatedPool, path: Path, all_orientations: bool = False) -> FingerprintResult:
    """A picture's soft binding fingerprints (engine.fingerprints), decoded in a worker. Raises WorkerFailure
    when decoding crashed, hung or ran out of memory; RuntimeError when the file is not a picture it can read."""
    _refuse_special(path)
    return pool.call("fingerprint", str(path), all_orientations, seconds=time_limit(pool, path),
                     decode=fingerprints_from_worker)


def manifest_store_isolated(pool: IsolatedPool, path: Path) -> tuple[bytes, str] | None:
    """The file's embedded manifest store and its active manifest's label (engine.manifest_store), read in a worker;
    None when it has none that c2pa-rs reads. Raises WorkerFailure or RuntimeError as the other tasks do."""
    _refuse_special(path)
    return pool.call("manifest_store", str(path), seconds=time_limit(pool, path), decode=_store_from_worker)


def _store_from_worker(value: Any) -> tuple[bytes, str] | None:
    if value is None:
        return None
    if not isinstance(value, dict) or not isinstance(value.get("label"), str):
        raise TypeError("not a manifest store and its label")
    return _some_bytes(value["store"]), value["label"]


def fingerprints_from_worker(value: Any) -> FingerprintResult:
    """A FingerprintResult from a worker's answer to "fingerprint". Raises ValueError, TypeError or KeyError."""
    if not isinstance(value, dict):
        raise TypeError("not the fingerprint fields")
    prints = tuple(PictureFingerprints(Orientation(p["orientation"]), Fingerprint.from_hex(ISCC_IMAGE, p["iscc"]),
                                       Fingerprint.from_hex(PDQ, p["pdq"]), int(p["quality"]))
                   for p in value["prints"])
    refused, width, height = value["refused"], value["width"], value["height"]
    if refused is not None and type(refused) is not str:
        raise TypeError("a refusal that is not text")
    if any(v is not None and type(v) is not int for v in (width, height)):
        raise TypeError("a size that is not a whole number")
    return FingerprintResult(prints, refused, width, height)


def time_limit(pool: IsolatedPool, path: Path) -> float:
    try:
        size = path.stat().st_size
    except OSError:
        size = 0
    return pool.limits.seconds + size * SECONDS_PER_BYTE


def _what(e: WorkerFailure) -> str:
    return {"timeout": "stalled and was stopped", "memory": "ran out of memory"}.get(e.kind, e.detail) \
        + ("" if e.kind in ("crash", "answer") else f" ({e.detail})")


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
            _shared_pool = IsolatedPool(TASKS_MODULE, size=default_pool_size(), limits=Limits())
            atexit.register(_shared_pool.close)
        return _shared_pool


__all__ = ["CRASH_SUMMARY", "TASKS_MODULE", "bytes_from_worker", "cleaned_from_worker", "fingerprint_isolated",
           "second_check_isolated",
           "fingerprints_from_worker", "inspect_isolated",
           "inspect_many_isolated", "inventory_from_worker", "parent_from_worker", "parent_isolated",
           "privacy_clean_isolated", "privacy_isolated", "report_from_worker", "resource_isolated",
           "resource_picture_isolated", "shared_pool", "thumbnail_isolated"]
