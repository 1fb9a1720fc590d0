"""The app's start-up: damaged stores are replaced and said once; the data root is tightened."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from tests.conftest import CORPUS
from tests.damaged_files import SQLITE_DAMAGE, damage_json, damage_sqlite, filled_stores, set_aside_copies
from trustnxt_desktop.services.app_context import AppContext
from trustnxt_desktop.services.store_health import take_notices

STORES = {"jobs.sqlite3": "job queue", "usage.sqlite3": "usage ledger", "verification-log.sqlite3": "verification log"}


@pytest.mark.parametrize("kind", SQLITE_DAMAGE)
async def test_damaged_stores_are_replaced_and_said_once(home: Path, secret_store, kind: str) -> None:
    filled_stores(home, secret_store)
    for name in STORES:
        damage_sqlite(home / name, kind)
    take_notices()

    context = AppContext.create(home)  # before: sqlite3.DatabaseError from the first store it opened
    try:
        notices = context.take_notices()
        assert context.take_notices() == [], "each notice is given once"
        # Empty databases to sqlite; the log's anchor tells (tests/services/records/test_verification_log.py).
        if kind == "zero length":
            assert notices == []
        else:
            assert {n.store for n in notices} == set(STORES.values())
            for notice in notices:
                assert notice.damaged.exists() and str(notice.damaged) in notice.text
            assert [p.name for p in set_aside_copies(home / "jobs.sqlite3")] != []
            assert (home / "verification-log.sqlite3").exists(), "the damaged log stays where it was"
        context.jobs.create_batch()
        context.ledger.record("inspect", "local")
        report = await context.backend.inspect(CORPUS / "media" / "trustnxt-icon.jpg")
        assert report.file.name == "trustnxt-icon.jpg"
    finally:
        await context.aclose()
    assert context.verification_log().entries()[-1].sha256 == report.file.sha256, "inspections are still logged"


async def test_a_damaged_trust_list_record_is_said_at_start(home: Path, secret_store) -> None:
    state = home / "trust" / "lists" / "state.json"
    state.parent.mkdir(parents=True)
    state.write_text(json.dumps({"checked": {}}))
    damage_json(state, "wrong shape")
    take_notices()
    context = AppContext.create(home)
    try:
        assert context.trust.lists().due()
        (notice,) = context.take_notices()
        assert notice.store == "trust list update record" and notice.damaged.exists()
    finally:
        await context.aclose()


async def test_start_up_tightens_an_existing_root(home: Path, secret_store) -> None:
    (home / "settings.json").write_text("{}")
    os.chmod(home / "settings.json", 0o644)
    os.chmod(home, 0o755)
    context = AppContext.create(home)
    await context.aclose()
    assert stat.S_IMODE(home.stat().st_mode) == 0o700
    assert stat.S_IMODE((home / "settings.json").stat().st_mode) == 0o600
