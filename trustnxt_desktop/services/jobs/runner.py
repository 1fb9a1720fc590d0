"""Run stored protect jobs so that a crash at any instant neither loses a job nor duplicates its output.

One attempt of one job:
1. An earlier attempt may have got further: if the final name it journalled exists with the sha256 it
   journalled, the job is done (the crash fell between publishing and recording it); if only its staged
   output survives intact, that is published now; anything else is swept and the job starts over.
2. The source must still be what was queued (present, same size and modification time).
3. The backend writes into a private hidden folder inside the output folder (same file system), with
   the job's lifelong Idempotency-Key, so a cloud call repeated after a crash is replayed, not billed.
4. The staged output's sha256 is journalled, then each final name just before it is tried; the
   publish is a hard link that never replaces an existing file. Only then is the job marked done.
"""

from __future__ import annotations

import asyncio
import dataclasses
import errno
import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

from ...cloud.errors import CloudQuotaError
from ...domain.errors import ConfigurationError, IdentityError
from ...domain.jobs import JobState
from ...domain.protect import PROTECTED_SUFFIX, ProtectOptions, ProtectResult, ProtectStatus
from ...engine.media import sha256_file
from ...runtime import atomic as output
from ...runtime.threads import run_to_end
from .store import Fingerprint, JobRecord, JobStore


class Protector(Protocol):
    """What the runner asks of an engine: one protection, as Backend.protect (services/backends/protocol.py)
    promises it. Every Backend is a Protector; so is a test's engine that only protects."""

    async def protect(self, src: Path, options: ProtectOptions, *,
                      idempotency_key: str | None = None) -> ProtectResult: ...


STAGING_PREFIX = ".trustnxt-job-"
# Problems every other file would hit too (no keyring, no or refused key, quota used up): the batch
# stops and its jobs stay queued for a later resume.
STOPS_BATCH: tuple[type[BaseException], ...] = (ConfigurationError, IdentityError, CloudQuotaError)

_NO_SPACE = os.strerror(errno.ENOSPC)


def staging_dir(job: JobRecord) -> Path:
    out_dir = job.out_dir or job.source.parent
    return out_dir / f"{STAGING_PREFIX}{job.idempotency_key.rsplit('-', 1)[-1][:16]}"


def result_of(job: JobRecord) -> ProtectResult:
    """A stored job as the result type the rest of the app shows."""
    status = job.state.status or ProtectStatus.FAILED
    error = job.error
    if not job.state.finished:
        error = "Not finished yet; run it again to continue."
    return ProtectResult(source=job.source, status=status, output=job.output, error=error,
                         media_type=job.media_type, warnings=list(job.warnings), seconds=job.seconds or 0.0,
                         engine=job.engine or "")


async def run_protect_job(store: JobStore, backend: Protector, job: JobRecord,
                          options: ProtectOptions) -> ProtectResult:
    """Returns the job's result (also recorded). Raises STOPS_BATCH errors and cancellation, leaving the
    job waiting; any other exception from the backend is recorded as this job's failure."""
    started = time.perf_counter()
    job = await asyncio.to_thread(store.start, job.id)
    try:
        recovered = await run_to_end(_recover, store, job)
        if recovered is not None:
            return recovered
        if problem := await asyncio.to_thread(_source_problem, job):
            return await run_to_end(_finish, store, job, ProtectResult(job.source, ProtectStatus.FAILED, error=problem),
                                  started)
        staging = staging_dir(job)
        await asyncio.to_thread(store.set_staging, job.id, staging)
        try:
            await run_to_end(_make_folder, staging)  # a cancel must not sweep before the folder exists
        except OSError as e:
            problem = _write_problem(e, job.out_dir or job.source.parent)
            failed = ProtectResult(job.source, ProtectStatus.FAILED, error=problem)
            return await run_to_end(_finish, store, job, failed, started)
        key = {"idempotency_key": job.idempotency_key}
        result = await backend.protect(job.source, dataclasses.replace(options, out_dir=staging), **key)
        if result.status is not ProtectStatus.DONE or result.output is None:
            result.output = None
            return await run_to_end(_finish, store, job, result, started)
        digest = await asyncio.to_thread(sha256_file, result.output)
        return await run_to_end(_publish, store, job, result.output, digest, result, started)
    except STOPS_BATCH:
        await run_to_end(_back_to_waiting, store, job)
        raise
    except asyncio.CancelledError:
        await run_to_end(_back_to_waiting, store, job)  # a job already recorded as done stays done
        raise
    except Exception as e:  # noqa: BLE001 - one job's unexpected failure is its own, not the batch's
        failed = ProtectResult(job.source, ProtectStatus.FAILED, error=str(e) or type(e).__name__)
        return await run_to_end(_finish, store, job, failed, started)


# -- the steps ---------------------------------------------------------------------------------------

def _recover(store: JobStore, job: JobRecord) -> ProtectResult | None:
    if job.staged_sha256 and job.intended and _sha256_or_none(job.intended) == job.staged_sha256:
        _sweep(job.staging)
        result = ProtectResult(job.source, ProtectStatus.DONE, output=job.intended, media_type=job.media_type,
                               warnings=list(job.warnings), engine=job.engine or "")
        store.finish(job.id, JobState.DONE, output=job.intended, warnings=result.warnings)
        return result
    if job.staged_sha256 and job.staged and _sha256_or_none(job.staged) == job.staged_sha256:
        result = ProtectResult(job.source, ProtectStatus.DONE, media_type=job.media_type,
                               warnings=list(job.warnings), engine=job.engine or "")
        return _publish(store, job, job.staged, job.staged_sha256, result, time.perf_counter())
    _sweep(job.staging)
    return None


def _source_problem(job: JobRecord) -> str | None:
    now = Fingerprint.of(job.source)
    if now is None:
        return "The file no longer exists." if not os.path.lexists(job.source) else "The file cannot be read."
    if job.fingerprint is not None and now != job.fingerprint:
        return "The file changed after it was queued; retry to protect it as it is now."
    return None


def _publish(store: JobStore, job: JobRecord, staged: Path, digest: str, result: ProtectResult,
             started: float) -> ProtectResult:
    store.set_staged(job.id, staged, digest, media_type=result.media_type, engine=result.engine,
                     warnings=result.warnings)
    out_dir = job.out_dir or job.source.parent

    def journalled() -> Iterator[Path]:
        for final in output.candidate_paths(job.source, out_dir, PROTECTED_SUFFIX, staged.suffix):
            if not os.path.lexists(final):
                store.set_intended(job.id, final)  # durable before the link: a crash after it is recognised
                yield final

    try:
        final = output.publish(staged, journalled())
    except OSError as e:
        _sweep(staging_dir(job))
        return _finish(store, job, ProtectResult(job.source, ProtectStatus.FAILED, error=_write_problem(e, out_dir)),
                       started)
    _sweep(staging_dir(job))
    result.output, result.status, result.error = final, ProtectStatus.DONE, None
    return _finish(store, job, result, started)


def _finish(store: JobStore, job: JobRecord, result: ProtectResult, started: float) -> ProtectResult:
    if result.status is not ProtectStatus.DONE:
        _sweep(staging_dir(job))
        folder = job.out_dir or job.source.parent
        if result.status is ProtectStatus.FAILED and _out_of_space(result.error, folder, job):
            # The engine may only say "write error": name the cause and the way out.
            result.error = _write_problem(OSError(errno.ENOSPC, _NO_SPACE), folder)
    result.seconds = time.perf_counter() - started
    store.finish(job.id, JobState.of(result.status), output=result.output, error=result.error,
                 warnings=result.warnings, media_type=result.media_type, engine=result.engine or None,
                 seconds=result.seconds)
    return result


def _out_of_space(error: str | None, folder: Path, job: JobRecord) -> bool:
    if error and _NO_SPACE in error:
        return True
    try:
        free = shutil.disk_usage(folder).free
    except OSError:
        return False
    return free < (job.fingerprint.size if job.fingerprint else 0) + 64 * 1024  # no room for the copy


def _back_to_waiting(store: JobStore, job: JobRecord) -> None:
    _sweep(staging_dir(job))
    store.set_waiting([job.id])


def _make_folder(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)


def _sweep(folder: Path | None) -> None:
    if folder is not None and folder.name.startswith(STAGING_PREFIX):
        shutil.rmtree(folder, ignore_errors=True)


def _sha256_or_none(path: Path) -> str | None:
    try:
        return sha256_file(path)
    except OSError:
        return None


def _write_problem(e: OSError, folder: Path) -> str:
    if e.errno == errno.ENOSPC:
        return f"The output folder {folder} is full (no space left on the disk); free some space and retry."
    if e.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return f"Cannot write to the output folder {folder} ({e.strerror}); choose another folder or retry."
    return f"Could not write to the output folder {folder}: {e.strerror or e}"


__all__ = ["STAGING_PREFIX", "STOPS_BATCH", "Protector", "result_of", "run_protect_job", "staging_dir"]
