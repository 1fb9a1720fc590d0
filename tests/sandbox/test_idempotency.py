"""Stored answers for Idempotency-Key replays: one slot per key owner, endpoint and key; incomplete entries are
ignored; concurrent holders of one key wait for each other; old entries are pruned."""

from __future__ import annotations

import asyncio
import json
import os
import time
from pathlib import Path

from trustnxt_desktop.sandbox.idempotency import RETENTION_SECONDS, IdempotencyStore


def _body(tmp: Path, data: bytes) -> Path:
    p = tmp / f"body-{os.urandom(4).hex()}"
    p.write_bytes(data)
    return p


def test_a_stored_answer_is_served_again_and_survives_a_restart(tmp_path: Path) -> None:
    store = IdempotencyStore(tmp_path / "idem")

    async def first() -> str:
        async with store.hold("acct", "/v1/protect", "k1") as slot:
            assert store.get(slot) is None
            store.put(slot, _body(tmp_path, b"signed bytes"), "image/jpeg", {"X-TrustNXT-Asset-Id": "a1"})
            return slot

    slot = asyncio.run(first())
    again = IdempotencyStore(tmp_path / "idem").get(slot)
    assert again is not None and again.body.read_bytes() == b"signed bytes"
    assert (again.media_type, again.headers) == ("image/jpeg", {"X-TrustNXT-Asset-Id": "a1"})


def test_slots_are_apart_per_account_endpoint_and_key(tmp_path: Path) -> None:
    store = IdempotencyStore(tmp_path)

    async def slots() -> set[str]:
        found = set()
        for account, endpoint, key in [("a", "/p", "k"), ("b", "/p", "k"), ("a", "/i", "k"), ("a", "/p", "k2"),
                                       ("a\0/p", "", "k")]:
            async with store.hold(account, endpoint, key) as slot:
                found.add(slot)
        return found

    assert len(asyncio.run(slots())) == 5


def test_an_entry_without_its_meta_file_is_ignored(tmp_path: Path) -> None:
    store = IdempotencyStore(tmp_path)
    (tmp_path / "deadbeef").mkdir()
    (tmp_path / "deadbeef" / "body").write_bytes(b"half")  # crashed before meta.json was written
    assert store.get("deadbeef") is None
    (tmp_path / "deadbeef" / "meta.json").write_text("{not json")
    assert store.get("deadbeef") is None


def test_overlapping_requests_with_one_key_take_turns(tmp_path: Path) -> None:
    store = IdempotencyStore(tmp_path / "s")
    order: list[str] = []

    async def attempt(name: str, started: asyncio.Event | None) -> str:
        async with store.hold("acct", "/v1/protect", "same") as slot:
            order.append(f"{name} in")
            if started is not None:
                started.set()
            stored = store.get(slot)
            if stored is None:
                await asyncio.sleep(0.05)  # the work
                stored = store.put(slot, _body(tmp_path, name.encode()), "image/jpeg", {})
            order.append(f"{name} out")
            return stored.body.read_bytes().decode()

    async def both() -> list[str]:
        started = asyncio.Event()
        first = asyncio.create_task(attempt("first", started))
        await started.wait()
        return list(await asyncio.gather(first, attempt("retry", None)))

    assert asyncio.run(both()) == ["first", "first"], "the retry gets the first attempt's answer"
    assert order == ["first in", "first out", "retry in", "retry out"]


def test_entries_older_than_a_day_are_pruned(tmp_path: Path) -> None:
    store = IdempotencyStore(tmp_path)
    old, new = store.put("old", _body(tmp_path, b"1"), "a/b", {}), store.put("new", _body(tmp_path, b"2"), "a/b", {})
    now = time.time()
    os.utime(old.body.parent, (now - RETENTION_SECONDS - 60,) * 2)
    store.prune(now)
    assert store.get("old") is None and store.get("new") is not None
    assert json.loads((new.body.parent / "meta.json").read_text())["media_type"] == "a/b"
