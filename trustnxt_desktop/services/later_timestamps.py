"""Timestamps added later to copies protected offline ("no timestamp yet"), for the GUI and the CLI.

A copy protected while the timestamp authority could not be used carries the NO_TIMESTAMP_YET warning in the job
store (domain.timestamps). `waiting()` lists those copies; `add()` timestamps one with engine.timestamp.add_timestamp
(an update manifest with a `c2pa.time-stamp` assertion, C2PA 2.2), signed with this computer's signing identity,
and drops the warning from every job that published that copy; `authority_answers()` says whether the chosen
authority grants tokens again. All of it runs off the event loop's thread: c2pa, the network, sqlite and the
keyring.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from ..domain.errors import IdentityError
from ..domain.jobs import JobState
from ..domain.secrets import SecretStore
from ..domain.timestamps import NO_TIMESTAMP_YET, lacks_timestamp
from ..engine.identity import IdentityStore, SigningIdentity
from .account.settings import Settings
from .jobs.store import JobStore

TIMESTAMPED, ALREADY, FAILED = "timestamped", "already timestamped", "failed"
NO_AUTHORITY = ("Timestamps are off (Settings › Protect): choose a timestamp authority there, or pass one with "
                "--tsa-url, to add timestamps.")


def _engine() -> ModuleType:
    """engine.timestamp, loaded (with c2pa) on the worker thread of the first timestamp, not with the window."""
    from ..engine import timestamp

    return timestamp


@dataclass(frozen=True)
class WaitingCopy:
    """A protected copy the job store marks "no timestamp yet": its job, the copy, the original it was made from."""

    job_id: int
    output: Path
    source: Path


@dataclass(frozen=True)
class TimestampOutcome:
    """What happened to one copy: `status` TIMESTAMPED, ALREADY or FAILED; `authority` the URL asked (None when
    none was); `error` one sentence when it failed; `jobs` the job-store rows whose warning was dropped."""

    path: Path
    status: str
    authority: str | None = None
    error: str | None = None
    jobs: tuple[int, ...] = ()

    def to_dict(self) -> dict[str, object]:
        return {"file": str(self.path), "status": self.status, "authority": self.authority, "error": self.error}


class LaterTimestamps:
    def __init__(self, root: Path, secrets: SecretStore, settings: Callable[[], Settings],
                 store: JobStore | None = None) -> None:
        """`root`: the data root with the signing identity; `settings`: the current settings (the timestamp
        authority); `store`: the job store whose "no timestamp yet" copies are listed and updated (None: none)."""
        self._identities = IdentityStore(root, secrets)
        self._settings = settings
        self._store = store
        self._lock = threading.Lock()  # one copy at a time: the same file is never stamped twice at once

    def authority(self) -> str | None:
        """The timestamp authority in use (Settings), None when timestamps are off."""
        return self._settings().timestamp_authority()

    async def waiting(self) -> list[WaitingCopy]:
        """The copies the job store marks "no timestamp yet" that are still where they were written, oldest first."""
        return await asyncio.to_thread(self._waiting)

    def _waiting(self) -> list[WaitingCopy]:
        if self._store is None:
            return []
        return [WaitingCopy(j.id, j.output, j.source) for j in self._store.jobs(states=[JobState.DONE])
                if j.output is not None and lacks_timestamp(j.warnings) and j.output.is_file()]

    async def authority_answers(self, tsa_url: str | None = None) -> bool:
        """Whether the authority (default: the one in use) grants a timestamp now; False when timestamps are off."""
        url = tsa_url or self.authority()
        return bool(url) and await asyncio.to_thread(_engine().authority_answers, url)

    async def add(self, path: Path, tsa_url: str | None = None) -> TimestampOutcome:
        """Timestamp the copy at `path` with `tsa_url` (default: the authority in use). Never raises for the file's
        sake: a copy that cannot be timestamped is a FAILED outcome that says why (the file is then unchanged).
        Raises IdentityError or ConfigurationError when there is no usable signing identity (no keyring)."""
        return await asyncio.to_thread(self._add, path, tsa_url or self.authority())

    def _add(self, path: Path, url: str | None) -> TimestampOutcome:
        if not url:
            return TimestampOutcome(path, FAILED, None, NO_AUTHORITY)
        engine = _engine()
        with self._lock:
            identity = self._identity()
            try:
                engine.add_timestamp(path, identity, url)
            except engine.AlreadyTimestamped:
                return TimestampOutcome(path, ALREADY, url, jobs=self._drop_warning(path))
            except engine.TimestampError as e:
                return TimestampOutcome(path, FAILED, url, str(e))
            except OSError as e:
                why = e.strerror or str(e)
                return TimestampOutcome(path, FAILED, url, f"The timestamped copy could not be written ({why}); the "
                                        "file is unchanged.")
            return TimestampOutcome(path, TIMESTAMPED, url, jobs=self._drop_warning(path))

    def _identity(self) -> SigningIdentity:
        if not self._identities.exists():
            raise IdentityError("No signing identity yet: only copies signed with your own identity can be "
                                "timestamped later.")
        return self._identities.load()

    def _drop_warning(self, path: Path) -> tuple[int, ...]:
        """The copy has its timestamp: the jobs that published it no longer say "no timestamp yet"."""
        if self._store is None:
            return ()
        dropped = []
        for job in self._store.jobs(states=[JobState.DONE]):
            if job.output is not None and _same(job.output, path) and lacks_timestamp(job.warnings):
                self._store.set_warnings(job.id, [w for w in job.warnings if not w.startswith(NO_TIMESTAMP_YET)])
                dropped.append(job.id)
        return tuple(dropped)


def _same(a: Path, b: Path) -> bool:
    try:
        return a == b or a.samefile(b)
    except OSError:
        return False
