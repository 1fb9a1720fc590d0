"""Stored answers for Idempotency-Key replays: same key owner + endpoint + key gets the same answer, unbilled.

Each answer is a folder under the data dir holding the body and a meta.json written last, so a crash
mid-store leaves an incomplete entry that is simply ignored. Concurrent requests with one key wait for
each other (a client retrying after a timeout may overlap with its own first attempt).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import os
import shutil
import time
import weakref
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

RETENTION_SECONDS = 24 * 3600


@dataclass(frozen=True)
class StoredAnswer:
    body: Path
    media_type: str
    headers: dict[str, str]


class IdempotencyStore:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.folder.mkdir(parents=True, exist_ok=True)
        self._locks: weakref.WeakValueDictionary[str, asyncio.Lock] = weakref.WeakValueDictionary()

    def _slot(self, account: str, endpoint: str, key: str) -> str:
        return hashlib.sha256(f"{account}\0{endpoint}\0{key}".encode()).hexdigest()

    @contextlib.asynccontextmanager
    async def hold(self, account: str, endpoint: str, key: str) -> AsyncIterator[str]:
        slot = self._slot(account, endpoint, key)
        lock = self._locks.get(slot)
        if lock is None:
            lock = self._locks[slot] = asyncio.Lock()
        async with lock:
            yield slot

    def get(self, slot: str) -> StoredAnswer | None:
        meta_path = self.folder / slot / "meta.json"
        try:
            meta = json.loads(meta_path.read_text("utf-8"))
        except (OSError, ValueError):
            return None
        return StoredAnswer(body=self.folder / slot / "body", media_type=meta["media_type"], headers=meta["headers"])

    def put(self, slot: str, body: Path, media_type: str, headers: dict[str, str]) -> StoredAnswer:
        """Moves body into the store."""
        entry = self.folder / slot
        shutil.rmtree(entry, ignore_errors=True)
        entry.mkdir()
        os.replace(body, entry / "body")
        (entry / "meta.json").write_text(json.dumps({"media_type": media_type, "headers": headers,
                                                    "stored_at": time.time()}), "utf-8")
        return StoredAnswer(body=entry / "body", media_type=media_type, headers=headers)

    def prune(self, now: float | None = None) -> None:
        cutoff = (now or time.time()) - RETENTION_SECONDS
        for entry in self.folder.iterdir():
            with contextlib.suppress(OSError):
                if entry.stat().st_mtime < cutoff:
                    shutil.rmtree(entry, ignore_errors=True)
