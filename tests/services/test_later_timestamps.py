"""services/later_timestamps.py: the copies the job store marks "no timestamp yet" are listed while they exist,
timestamped with this computer's identity once the authority (RFC 3161, openssl on 127.0.0.1) answers, and their
jobs' warning dropped; a second time says "already timestamped"; without an authority, for a file that is not a
protected copy, or without a signing identity, it says why and changes nothing."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from tests.c2pa_signing import local_tsa
from tests.certs import TestCA
from tests.conftest import CORPUS
from trustnxt_desktop.domain.errors import IdentityError
from trustnxt_desktop.domain.jobs import JobState
from trustnxt_desktop.domain.protect import ProtectOptions, ProtectStatus
from trustnxt_desktop.domain.secrets import SecretStore
from trustnxt_desktop.domain.timestamps import no_timestamp_warning
from trustnxt_desktop.engine.identity import SigningIdentity
from trustnxt_desktop.engine.protect import protect_file
from trustnxt_desktop.services.account.settings import Settings
from trustnxt_desktop.services.jobs.store import JobStore
from trustnxt_desktop.services.later_timestamps import (
    ALREADY,
    FAILED,
    NO_AUTHORITY,
    TIMESTAMPED,
    LaterTimestamps,
    WaitingCopy,
)

OFFLINE = "http://127.0.0.1:9/tsa"  # nothing listens on the discard port
OTHER_WARNING = "The author field was left empty."


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _protected(folder: Path, name: str, identity: SigningIdentity) -> tuple[Path, Path]:
    source = folder / name
    shutil.copy(CORPUS / "media" / "trustnxt-icon.jpg", source)
    result = protect_file(source, identity, ProtectOptions(tsa_url=None))
    assert result.status is ProtectStatus.DONE and result.output is not None, result.error
    return source, result.output


def _finished(store: JobStore, source: Path, output: Path, warnings: list[str]) -> int:
    batch = store.create_batch()
    job = store.add_jobs(batch.id, [(source, None)])[0]
    store.start(job.id)
    store.finish(job.id, JobState.DONE, output=output, warnings=warnings)
    return job.id


async def test_waiting_copies_get_their_timestamp_and_lose_the_warning(home: Path, identity: SigningIdentity,
                                                                       secret_store: SecretStore,
                                                                       tmp_path: Path) -> None:
    photos = tmp_path / "photos"
    photos.mkdir()
    store = JobStore(home)
    waiting_source, waiting = _protected(photos, "harbour.jpg", identity)
    gone_source, gone = _protected(photos, "gone.jpg", identity)
    stamped_source, stamped = _protected(photos, "stamped.jpg", identity)
    warning = no_timestamp_warning(OFFLINE, "connection refused")
    waiting_job = _finished(store, waiting_source, waiting, [warning, OTHER_WARNING])
    _finished(store, gone_source, gone, [warning])
    gone.unlink()  # moved away since: nothing to timestamp
    _finished(store, stamped_source, stamped, [OTHER_WARNING])
    settings = [Settings(timestamps=True, tsa_url=OFFLINE)]
    later = LaterTimestamps(home, secret_store, lambda: settings[0], store)
    try:
        assert await later.waiting() == [WaitingCopy(waiting_job, waiting, waiting_source)]
        assert later.authority() == OFFLINE
        assert not await later.authority_answers()
        offline = await later.add(waiting)
        assert (offline.status, offline.authority) == (FAILED, OFFLINE) and offline.error
        assert len(await later.waiting()) == 1, "a failed attempt leaves the warning"

        with local_tsa(TestCA()) as tsa:
            assert await later.authority_answers(tsa)
            settings[0] = Settings(timestamps=True, tsa_url=tsa)
            before = _sha(waiting)
            outcome = await later.add(waiting)
            assert (outcome.status, outcome.authority, outcome.error, outcome.jobs) == (
                TIMESTAMPED, tsa, None, (waiting_job,))
            assert _sha(waiting) != before
            assert outcome.to_dict() == {"file": str(waiting), "status": TIMESTAMPED, "authority": tsa, "error": None}
            job = store.job(waiting_job)
            assert job is not None and job.warnings == [OTHER_WARNING]
            assert await later.waiting() == []
            again = await later.add(waiting)
            assert (again.status, again.jobs) == (ALREADY, ())
    finally:
        store.close()


async def test_what_cannot_be_timestamped_says_why_and_stays_unchanged(home: Path, identity: SigningIdentity,
                                                                       secret_store: SecretStore,
                                                                       tmp_path: Path) -> None:
    later = LaterTimestamps(home, secret_store, lambda: Settings(timestamps=False))
    assert later.authority() is None and not await later.authority_answers()
    assert await later.waiting() == [], "no job store: nothing is waiting"
    unprotected = tmp_path / "plain.jpg"
    shutil.copy(CORPUS / "media" / "no_manifest.jpg", unprotected)
    before = _sha(unprotected)
    off = await later.add(unprotected)
    assert (off.status, off.authority, off.error) == (FAILED, None, NO_AUTHORITY)
    with local_tsa(TestCA()) as tsa:
        refused = await later.add(unprotected, tsa)
    assert refused.status == FAILED and refused.authority == tsa and refused.error
    assert _sha(unprotected) == before


async def test_without_a_signing_identity_nothing_is_timestamped(tmp_path: Path, secret_store: SecretStore) -> None:
    root = tmp_path / "no-identity"
    root.mkdir()
    copy = tmp_path / "copy.jpg"
    shutil.copy(CORPUS / "media" / "trustnxt-icon.jpg", copy)
    later = LaterTimestamps(root, secret_store, lambda: Settings(timestamps=True, tsa_url=OFFLINE))
    with pytest.raises(IdentityError, match="No signing identity yet"):
        await later.add(copy)
