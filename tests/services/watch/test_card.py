"""Camera cards: found by their DCIM folder, imported into a dated folder without touching the card, imported
again without copying anything twice, and the copies protected once through the watch service."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import shutil
from pathlib import Path

from tests.conftest import CORPUS
from tests.media_tools import make_jpeg
from trustnxt_desktop.domain.jobs import JobState
from trustnxt_desktop.domain.protect import ProtectOptions
from trustnxt_desktop.domain.report import Verdict
from trustnxt_desktop.services.account.settings import Settings
from trustnxt_desktop.services.backends.local import LocalBackend
from trustnxt_desktop.services.jobs.store import JobStore
from trustnxt_desktop.services.watch.card import PROTECTED_FOLDER, find_cards, import_card
from trustnxt_desktop.services.watch.service import WatchService

DAY = dt.date(2026, 11, 29)


def make_card(volumes: Path, name: str = "EOS_DIGITAL") -> Path:
    card = volumes / name
    (card / "DCIM" / "100CANON").mkdir(parents=True)
    (card / "DCIM" / "101CANON").mkdir()
    make_jpeg(card / "DCIM" / "100CANON" / "IMG_0001.JPG", 640, 427, seed=1)
    make_jpeg(card / "DCIM" / "101CANON" / "IMG_0001.JPG", 640, 427, seed=2)  # same name, next folder
    (card / "DCIM" / "100CANON" / "IMG_0001.CR3").write_bytes(b"raw sensor data" * 100)
    (card / "DCIM" / "100CANON" / ".hidden").write_bytes(b"x")
    (card / "MISC").mkdir()
    (card / "MISC" / "settings.dat").write_bytes(b"not a picture")
    return card


def tree(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_card_is_a_volume_with_a_dcim_folder(tmp_path: Path) -> None:
    volumes = tmp_path / "media"
    make_card(volumes)
    (volumes / "BACKUP").mkdir()
    (volumes / "BACKUP" / "photo.jpg").write_bytes(b"x")
    (card,) = find_cards(sorted(volumes.iterdir()))
    assert card.name == "EOS_DIGITAL" and card.files == 3
    assert card.size == sum(p.stat().st_size for p in (volumes / "EOS_DIGITAL" / "DCIM").rglob("*")
                            if p.is_file() and not p.name.startswith("."))
    assert find_cards([tmp_path / "not-mounted"]) == []


def test_import_copies_into_a_dated_folder_and_never_twice(tmp_path: Path) -> None:
    card = make_card(tmp_path / "media")
    before = tree(card)
    seen: list[tuple[int, int]] = []
    result = import_card(card, tmp_path / "imports", DAY, progress=lambda n, total: seen.append((n, total)))
    assert result.folder == tmp_path / "imports" / "2026-11-29" and result.failed == []
    assert tree(result.folder) == {k.removeprefix("DCIM/"): v for k, v in before.items()
                                   if k.startswith("DCIM/") and not k.endswith(".hidden")}
    assert seen[-1] == (3, 3)
    original = card / "DCIM" / "100CANON" / "IMG_0001.JPG"
    assert os.stat(result.folder / "100CANON" / "IMG_0001.JPG").st_mtime_ns == original.stat().st_mtime_ns
    assert tree(card) == before, "the card is only read"
    # Only what the engine can sign is protected; raw files are copied and left as they are.
    assert [(c.relative_to(result.folder).as_posix(), o.relative_to(result.folder).as_posix())
            for c, o in result.to_protect()] == [("100CANON/IMG_0001.JPG", f"{PROTECTED_FOLDER}/100CANON"),
                                                 ("101CANON/IMG_0001.JPG", f"{PROTECTED_FOLDER}/101CANON")]
    again = import_card(card, tmp_path / "imports", DAY)
    assert again.copies == result.copies and len(tree(result.folder)) == 3, "nothing copied twice"
    # A different picture of the same name already there is kept; the card's gets the next free name.
    make_jpeg(result.folder / "100CANON" / "IMG_0001.JPG", 320, 200, seed=9)
    third = import_card(card, tmp_path / "imports", DAY)
    assert result.folder / "100CANON" / "IMG_0001 (2).JPG" in third.copies


def test_a_card_that_cannot_be_read_whole_still_imports_the_rest(tmp_path: Path) -> None:
    card = make_card(tmp_path / "media")
    broken = card / "DCIM" / "100CANON" / "IMG_0002.JPG"
    broken.symlink_to(tmp_path / "gone.jpg")  # a file the card lists but that cannot be read
    result = import_card(card, tmp_path / "imports", DAY)
    assert [p.name for p, _ in result.failed] == ["IMG_0002.JPG"] and len(result.copies) == 3


async def test_the_copies_are_protected_once(home: Path, secret_store, tmp_path: Path) -> None:
    card = make_card(tmp_path / "media")
    shutil.copy(CORPUS / "media" / "trustnxt-icon.jpg", card / "DCIM" / "100CANON" / "IMG_0003.JPG")
    backend = LocalBackend(home, secret_store, Settings())
    store = JobStore(tmp_path / "store")
    service = WatchService(store, lambda: backend, ProtectOptions, 2, events=False)
    await service.start([])
    try:
        result = import_card(card, tmp_path / "imports", DAY)
        jobs = await service.add_files("EOS_DIGITAL", result.to_protect())
        assert len(jobs) == 3
        await service.wait_settled()
        assert all(j.state is JobState.DONE for j in jobs)
        protected = sorted((result.folder / PROTECTED_FOLDER).rglob("*.JPG"))
        assert [p.relative_to(result.folder / PROTECTED_FOLDER).as_posix() for p in protected] == [
            "100CANON/IMG_0001.protected.JPG", "100CANON/IMG_0003.protected.JPG", "101CANON/IMG_0001.protected.JPG"]
        for p in protected:
            assert (await backend.inspect(p)).verdict in (Verdict.VALID, Verdict.TRUSTED)
        # The same card imported again: nothing new to copy, nothing queued again.
        again = import_card(card, tmp_path / "imports", DAY)
        assert await service.add_files("EOS_DIGITAL", again.to_protect()) == []
        assert len(store.batches()) == 1, "no empty batch either"
    finally:
        await service.aclose()
        await backend.aclose()
        store.close()
