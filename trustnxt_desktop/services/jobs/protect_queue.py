"""The Protect panel's queue: a JobQueue (services/jobs/queue.py) whose jobs carry the claim chosen when
they were added.

Every job is a row in `<data root>/jobs.sqlite3` and runs through services.jobs.runner (crash-safe
publishing, a lifelong Idempotency-Key per job); `resume()` after a restart picks up whatever an earlier
run of the same origin left unfinished, and closing the queue suspends running jobs instead of
cancelling them.

Every job carries the claim chosen when it was added (ContentSource: camera, edited, ai, …). In the
store, jobs with different claims go to different batches whose options record the claim, so a
resumed job says what it was queued to say, whatever the panel shows by then.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from ...domain.privacy import LocationChoice, PrivacyChoices
from ...domain.protect import ContentSource, ProtectOptions
from .queue import Job, JobQueue, QueueCounts
from .session import BatchSession
from .store import BatchRecord, JobRecord, JobStore

if TYPE_CHECKING:
    from .runner import Protector

__all__ = ["ProtectJob", "ProtectQueue", "QueueCounts"]

CLAIM_KEY = "content_source"  # in a stored batch's options: ProtectOptions' own field name
log = logging.getLogger(__name__)  # failed jobs reach the app's log (services/records/app_log.py)


def _stored_privacy(options: dict[str, object]) -> PrivacyChoices | None:
    try:
        return PrivacyChoices(LocationChoice(options["location"]), bool(options["strip_serials"]))
    except (KeyError, ValueError):
        return None  # a batch stored without the privacy check's choices: the settings' apply


def _stored_claim(options: dict[str, object]) -> ContentSource | None:
    try:
        return ContentSource(options[CLAIM_KEY])
    except (KeyError, ValueError):
        return None  # a batch stored before claims were recorded


@dataclass(eq=False)
class ProtectJob(Job):
    content_source: ContentSource = ContentSource.CAMERA  # what the protected copy claims the file is
    privacy: PrivacyChoices | None = None  # the privacy check's choices when it was added (None: the settings')


class ProtectQueue(JobQueue[ProtectJob]):
    def __init__(self, backend: Callable[[], Protector], options: Callable[[], ProtectOptions], jobs: int,
                 on_change: Callable[[ProtectJob], None] | None = None, *, store: JobStore,
                 origin: str = "gui") -> None:
        """`backend`: the active backend (asked for each job); `options`: the settings' protect options;
        `jobs`: how many files are protected at once; `origin`: whose batches these are ("gui")."""
        super().__init__(BatchSession(store, "protect", origin), backend, self._job_options, jobs, on_change,
                         logger=log)
        self._base_options = options
        # this queue's own store batch for each claim and privacy choices
        self._batches: dict[tuple[ContentSource, PrivacyChoices | None], int] = {}

    async def add(self, sources: list[tuple[Path, Path | None]], content_source: ContentSource | None = None,
                  privacy: PrivacyChoices | None = None) -> list[ProtectJob]:
        """(source, output folder or None) pairs, recorded in the store (off the event loop's thread); work
        starts at once. `content_source`: what their protected copies claim (default: the options' claim);
        `privacy`: the privacy check's choices for them (default: the options' at the time each runs)."""
        claim = content_source or self._base_options().content_source

        async def add() -> list[ProtectJob]:
            records = await self._serially(self._record, (claim, privacy), sources)
            return self.enqueue(ProtectJob(r.id, r.source, r.out_dir, content_source=claim, privacy=privacy)
                                for r in records)

        return await self._arrival(add())

    async def resume(self) -> list[ProtectJob]:
        """Take up the unfinished jobs an earlier run of this queue's origin left in the store (after a
        quit, crash or power cut) and run them; batches another living process holds are left alone."""
        return await self.take_up(self._stored_job)

    def _stored_job(self, batch: BatchRecord, record: JobRecord) -> ProtectJob:
        claim = _stored_claim(batch.options) or self._base_options().content_source
        return ProtectJob(record.id, record.source, record.out_dir, content_source=claim,
                          privacy=_stored_privacy(batch.options))

    def _record(self, key: tuple[ContentSource, PrivacyChoices | None],
                sources: list[tuple[Path, Path | None]]) -> list[JobRecord]:
        """(worker thread) The jobs, in this queue's own batch for the claim and privacy choices."""
        if key not in self._batches:
            claim, privacy = key
            stored: dict[str, object] = {CLAIM_KEY: claim.value}
            if privacy is not None:  # ProtectOptions' own field names
                stored.update(location=privacy.location.value, strip_serials=privacy.strip_serials)
            self._batches[key] = self.session.create(options=stored).id
        return self.store.add_jobs(self._batches[key], sources)

    def _job_options(self, job: ProtectJob) -> ProtectOptions:
        options = replace(self._base_options(), out_dir=job.out_dir, content_source=job.content_source)
        if job.privacy is not None:
            options = replace(options, location=job.privacy.location, strip_serials=job.privacy.strip_serials)
        return options
