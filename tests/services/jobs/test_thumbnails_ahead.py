"""Thumbnails decoded ahead for a protect batch: used only for the very file they came from, and the
protected copies are what they were without them (trusted, thumbnail present and upright)."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from PIL import Image

from tests.engine.test_pictures import BLUE, RED, decoded, near, oriented_jpeg
from tests.expect import protected_copy
from trustnxt_desktop.domain.protect import ProtectOptions, ProtectStatus
from trustnxt_desktop.domain.report import Verdict
from trustnxt_desktop.engine.thumbnails import make_thumbnail
from trustnxt_desktop.runtime.isolation import IsolatedPool
from trustnxt_desktop.services.account.settings import Settings
from trustnxt_desktop.services.backends.local import LocalBackend
from trustnxt_desktop.services.jobs.queue import run_jobs
from trustnxt_desktop.services.jobs.store import JobStore
from trustnxt_desktop.services.jobs.thumbnails_ahead import MAX_AHEAD, ThumbnailsAhead
from trustnxt_desktop.services.previews import manifest_picture


class Decoder:
    """The real in-process thumbnailer, counting its calls (and able to wait for a go)."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str]] = []
        self.entered = threading.Event()
        self.go = threading.Event()
        self.go.set()
        self.done = threading.Event()

    def __call__(self, source: Path, media_type: str, edge: int) -> bytes | None:
        self.entered.set()
        self.go.wait(30)
        self.calls.append((source.name, threading.current_thread().name))
        try:
            return make_thumbnail(source, media_type, edge)
        finally:
            self.done.set()


def colour_jpeg(path: Path, colour: tuple[int, int, int], size: tuple[int, int] = (120, 80)) -> Path:
    Image.new("RGB", size, colour).save(path, "JPEG", quality=95)
    return path


def test_a_thumbnail_decoded_ahead_is_used_once_and_decoded_once(tmp_path: Path) -> None:
    src = colour_jpeg(tmp_path / "a.jpg", RED)
    decode = Decoder()
    ahead = ThumbnailsAhead(decode, threads=1)
    try:
        ahead.start(src, 64)
        ahead.start(src, 64)  # a second hint for the same file and size: still one decoding
        data = ahead.thumbnail(src, "image/jpeg", 64)
        assert near(decoded(data).getpixel((10, 10)), RED)
        assert decode.calls == [("a.jpg", decode.calls[0][1])] and decode.calls[0][1].startswith("trustnxt-thumbnails")
        ahead.thumbnail(src, "image/jpeg", 64)  # not hinted again: decoded now, on the asking thread
        assert len(decode.calls) == 2 and decode.calls[1][1] == threading.current_thread().name
    finally:
        ahead.close()


def test_a_file_changed_after_its_hint_gets_a_thumbnail_of_what_it_is_now(tmp_path: Path) -> None:
    src = colour_jpeg(tmp_path / "a.jpg", RED)
    decode = Decoder()
    ahead = ThumbnailsAhead(decode, threads=1)
    here = threading.current_thread().name
    try:
        decode.go.clear()
        ahead.start(src, 64)
        assert decode.entered.wait(30)  # decoding ahead, of the red picture
        before = os.stat(src)
        colour_jpeg(tmp_path / "new.jpg", BLUE).replace(src)  # replaced meanwhile, same name
        os.utime(src, ns=(before.st_atime_ns, before.st_mtime_ns))  # even with the old modification time
        decode.go.set()
        assert near(decoded(ahead.thumbnail(src, "image/jpeg", 64)).getpixel((10, 10)), BLUE)
        ahead.thumbnail(tmp_path / "a.jpg", "image/jpeg", 32)  # another size is another thumbnail: decoded now

        colour_jpeg(src, RED)
        ahead.start(src, 64)
        assert ahead.thumbnail(src, "image/png", 64) is not None  # protect found another type: decoded again
        assert [thread for _, thread in decode.calls].count(here) == 3
    finally:
        ahead.close()


def test_a_decoding_that_failed_ahead_fails_the_same_way_for_protect(tmp_path: Path) -> None:
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(b"\xff\xd8\xff\xe0" + os.urandom(2000))
    decode = Decoder()
    ahead = ThumbnailsAhead(decode, threads=1)
    try:
        ahead.start(broken, 64)
        with pytest.raises(OSError):  # Pillow's; protect turns it into "No thumbnail: …", as without the hint
            ahead.thumbnail(broken, "image/jpeg", 64)

        decode.done.clear()
        ahead.start(broken, 64)
        assert decode.done.wait(30)  # failed ahead; then the photographer saves the picture again
        colour_jpeg(tmp_path / "fixed.jpg", RED).replace(broken)
        assert near(decoded(ahead.thumbnail(broken, "image/jpeg", 64)).getpixel((10, 10)), RED)
    finally:
        ahead.close()


def test_hints_nobody_takes_are_bounded_and_close_forgets_them(tmp_path: Path) -> None:
    decode = Decoder()
    decode.go.clear()  # every decoding waits: the hints pile up
    ahead = ThumbnailsAhead(decode, threads=1)
    here = threading.current_thread().name
    files = [colour_jpeg(tmp_path / f"{i}.jpg", RED) for i in range(MAX_AHEAD + 3)]
    try:
        for f in files:
            ahead.start(f, 64)
        decode.go.set()
        ahead.thumbnail(files[0], "image/jpeg", 64)  # among the oldest three: let go, so decoded now
        ahead.thumbnail(files[-1], "image/jpeg", 64)  # kept: decoded ahead
        assert ("0.jpg", here) in decode.calls and (files[-1].name, here) not in decode.calls
        ahead.close()
        ahead.start(files[1], 64)  # closed: no new decoding ahead, but it still answers
        assert ahead.thumbnail(files[1], "image/jpeg", 64) is not None and ("1.jpg", here) in decode.calls
    finally:
        ahead.close()


async def test_a_batch_decodes_each_thumbnail_once_ahead_and_its_copies_are_trusted_and_upright(
        tmp_path: Path, home: Path, secret_store) -> None:
    sources = [oriented_jpeg(tmp_path / f"portrait{i}.jpg") for i in range(3)]
    pool = IsolatedPool("trustnxt_desktop.engine.untrusted_tasks", size=2)
    backend = LocalBackend(home, secret_store, Settings(jobs=1), pool=pool)
    store = JobStore(home)
    try:
        out = tmp_path / "out"
        batch = store.create_batch("protect", "cli", backend="local")
        jobs = store.add_jobs(batch.id, [(s, out) for s in sources])
        await backend.ready("protect")
        results = await run_jobs(store, backend, jobs, lambda job: ProtectOptions(out_dir=job.out_dir), 1)
        assert [r.status for r in results] == [ProtectStatus.DONE] * 3
        assert pool.stats.sent["thumbnail"] == 3, "one thumbnail decoding per file: every one decoded ahead and used"
        # Besides, per file: its soft binding's fingerprints, and the second validator's check of its copy.
        assert pool.stats.sent == {"thumbnail": 3, "fingerprint": 3, "second_check": 3}
        for r in results:
            report = await backend.inspect(protected_copy(r))
            assert report.verdict is Verdict.TRUSTED
            assert report.thumbnail is not None and report.thumbnail_shape is not None
            width, height = report.thumbnail_shape.shown_size()
            assert width < height, "the thumbnail is upright, as the photo is shown"
            picture = decoded(manifest_picture(protected_copy(r), report.thumbnail, 160, pool))
            assert near(picture.getpixel((picture.width // 2, 5)), RED)
            assert near(picture.getpixel((picture.width // 2, picture.height - 5)), BLUE)
    finally:
        store.close()
        await backend.aclose()
        pool.close()
