"""When a watched file is complete: names that are never taken, the settle rule on a clock the test turns, and
files a process holds open for writing or locked."""

from __future__ import annotations

import fcntl
from pathlib import Path

from trustnxt_desktop.services.jobs.store import Fingerprint
from trustnxt_desktop.services.watch.complete import SettleTracker, is_candidate, open_for_writing


def test_names_that_are_taken_and_names_that_are_not() -> None:
    taken = ["IMG_0001.JPG", "a.jpg", "b.png", "c.heic", "d.mp4", "e.wav", "f.webp", "g.tiff"]
    left = [".hidden.jpg", "a.jpg.part", "a.jpg.crdownload", "a.tmp", "~$a.jpg", "a.jpg~", "notes.txt",
            "a.protected.jpg", "a.protected (2).jpg", "raw.CR3", ".a.jpg.1a2b.trustnxt-partial"]
    assert [n for n in taken if not is_candidate(Path("/in") / n)] == []
    assert [n for n in left if is_candidate(Path("/in") / n)] == []
    assert not is_candidate(Path("/out/.trustnxt-job-0123456789abcdef/a.jpg"))


def test_a_file_is_settled_when_it_stays_the_same_for_the_settle_time() -> None:
    now = [1000.0]
    wall = 2_000_000_000.0
    tracker = SettleTracker(2.0, clock=lambda: now[0], wall=lambda: wall)
    path = Path("/in/a.jpg")
    fresh = Fingerprint(10, int(wall * 1e9))  # written just now
    assert not tracker.observe(path, fresh)
    now[0] += 1.0
    assert not tracker.observe(path, Fingerprint(20, int((wall + 1) * 1e9)))  # still growing: starts again
    now[0] += 1.9
    assert not tracker.observe(path, Fingerprint(20, int((wall + 1) * 1e9)))
    now[0] += 0.2
    assert tracker.observe(path, Fingerprint(20, int((wall + 1) * 1e9)))
    tracker.restart(path)  # a process still writes it
    assert not tracker.observe(path, Fingerprint(20, int((wall + 1) * 1e9)))
    assert not tracker.observe(path, None) and path not in tracker  # gone


def test_an_old_file_first_seen_is_settled_at_once_and_an_empty_one_never() -> None:
    wall = 2_000_000_000.0
    tracker = SettleTracker(2.0, clock=lambda: 5.0, wall=lambda: wall)
    assert tracker.observe(Path("/in/old.jpg"), Fingerprint(10, int((wall - 60) * 1e9)))  # renamed into place
    assert not tracker.observe(Path("/in/empty.jpg"), Fingerprint(0, int((wall - 60) * 1e9)))
    assert len(tracker) == 2


def test_files_open_for_writing_or_locked(tmp_path: Path) -> None:
    writing, locked, reading, closed = (tmp_path / n for n in ("w.jpg", "l.jpg", "r.jpg", "c.jpg"))
    for p in (writing, locked, reading, closed):
        p.write_bytes(b"x")
    with writing.open("ab"), reading.open("rb"), locked.open("rb") as held:
        fcntl.flock(held.fileno(), fcntl.LOCK_EX)
        assert open_for_writing([writing, locked, reading, closed]) == {writing, locked}
    assert open_for_writing([writing, locked, reading, closed]) == set()
    assert open_for_writing([]) == set()
