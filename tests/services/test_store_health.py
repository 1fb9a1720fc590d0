"""Damaged store files: found on open, set aside with a timestamp, replaced, and said — never a traceback."""

from __future__ import annotations

import json
import os
import re
import sqlite3
import threading
from pathlib import Path

import pytest

from tests.damaged_files import SQLITE_DAMAGE, damage_sqlite, set_aside_copies
from trustnxt_desktop.services.store_health import (
    StoreNotice,
    StoreUnavailableError,
    check_sqlite,
    damage,
    listen,
    read_index,
    set_aside,
    take_notices,
)


@pytest.fixture(autouse=True)
def fresh_notices() -> None:
    take_notices()


def real_database(path: Path, rows: int = 3000) -> Path:
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT)")
    db.execute("CREATE INDEX t_body ON t (body)")
    db.executemany("INSERT INTO t (body) VALUES (?)", [(f"row {i:06d} " * 4,) for i in range(rows)])
    db.close()
    return path


@pytest.mark.parametrize("kind", SQLITE_DAMAGE)
def test_each_kind_of_damage_is_set_aside_and_said(tmp_path: Path, kind: str) -> None:
    path = real_database(tmp_path / "store.sqlite3")
    damage_sqlite(path, kind)
    damaged_bytes = path.read_bytes() if path.is_file() else None
    heard: list[StoreNotice] = []
    listen(heard.append)

    notice = check_sqlite(path, "test store", "Its rows are gone.")

    if kind == "zero length":  # an empty database to sqlite (what a crash right after creating it leaves)
        assert notice is None and set_aside_copies(path) == [] and take_notices() == []
        return
    (aside,) = set_aside_copies(path)
    assert re.fullmatch(r"store\.sqlite3\.damaged-\d{8}T\d{6}", aside.name)
    assert notice is not None and notice.damaged == aside and notice.replaced_by == path
    assert str(path) in notice.text and str(aside) in notice.text and notice.text.endswith("Its rows are gone.")
    assert heard[-1] == notice and take_notices() == [notice] and take_notices() == []
    if damaged_bytes is not None:
        assert aside.read_bytes() == damaged_bytes, "the damaged file is kept as it was"
    else:
        assert (aside / "stray.txt").is_file()
    assert path.is_file() and path.stat().st_size == 0 and oct(path.stat().st_mode & 0o777) == "0o600"
    db = sqlite3.connect(path)  # the new, empty store is usable
    db.execute("CREATE TABLE t (a)")
    db.close()


def test_an_intact_database_is_left_alone_and_checked_once(tmp_path: Path) -> None:
    path = real_database(tmp_path / "store.sqlite3")
    before = path.read_bytes()
    assert check_sqlite(path, "test store") is None and damage(path) is None
    assert path.read_bytes() == before and set_aside_copies(path) == []


def test_wal_and_shm_go_with_the_damaged_file(tmp_path: Path) -> None:
    path = tmp_path / "jobs.sqlite3"
    for suffix, data in (("", b"main"), ("-wal", b"wal"), ("-shm", b"shm")):
        Path(f"{path}{suffix}").write_bytes(data)
    aside = set_aside(path)
    assert [Path(f"{aside}{s}").read_bytes() for s in ("", "-wal", "-shm")] == [b"main", b"wal", b"shm"]
    assert not any(Path(f"{path}{s}").exists() for s in ("", "-wal", "-shm"))
    path.write_bytes(b"again")
    second = set_aside(path)
    assert second != aside and second.name.startswith(aside.name) and aside.read_bytes() == b"main"


def test_a_store_another_process_already_replaced_is_not_set_aside(tmp_path: Path) -> None:
    path = tmp_path / "jobs.sqlite3"
    path.write_bytes(b"damaged")
    found = os.stat(path).st_ino
    os.rename(path, tmp_path / "someone-else-moved-it")
    path.write_bytes(b"")  # the other process's new store
    with pytest.raises(FileNotFoundError):
        set_aside(path, inode=found)
    assert path.exists() and set_aside_copies(path) == []


def test_a_store_locked_by_another_program_is_unavailable_not_damaged(tmp_path: Path, monkeypatch) -> None:
    from trustnxt_desktop.services import store_health

    monkeypatch.setattr(store_health, "OPEN_TIMEOUT", 0.2)
    path = tmp_path / "jobs.sqlite3"
    holder = sqlite3.connect(path, isolation_level=None)  # rollback journal: an exclusive lock stops readers
    holder.execute("CREATE TABLE t (a)")
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(StoreUnavailableError, match="database is locked"):
            check_sqlite(path, "job queue")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert set_aside_copies(path) == [] and take_notices() == [] and damage(path) is None


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX FIFOs")
def test_a_fifo_is_damage_and_is_never_opened(tmp_path: Path) -> None:
    path = tmp_path / "usage.sqlite3"
    os.mkfifo(path)
    done: list[StoreNotice | None] = []
    worker = threading.Thread(target=lambda: done.append(check_sqlite(path, "usage ledger")), daemon=True)
    worker.start()
    worker.join(10)
    assert not worker.is_alive(), "opening a FIFO would have blocked"
    assert done[0] is not None and "not a regular file" in done[0].problem and path.is_file()


@pytest.mark.parametrize("content", [b"", b"{\"a\": 1", b"\xff\xfe\x00garbage", b"[1, 2]"])
def test_a_damaged_index_file_is_set_aside(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "state.json"
    path.write_bytes(content)

    def parse(data: bytes) -> dict[str, int]:
        value = json.loads(data)
        if not isinstance(value, dict):
            raise ValueError("not an object")
        return value

    assert read_index(path, "update record", parse) is None
    (aside,) = set_aside_copies(path)
    assert aside.read_bytes() == content and not path.exists()
    (notice,) = take_notices()
    assert notice.store == "update record" and str(aside) in notice.text
    path.write_text('{"a": 1}')
    assert read_index(path, "update record", parse) == {"a": 1} and take_notices() == []
    assert read_index(tmp_path / "absent.json", "update record", parse) is None
