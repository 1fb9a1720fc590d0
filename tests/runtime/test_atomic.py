"""Writing files safely: output names fit the file system and stay unique; replacing a file's content is
all or nothing, a crash halfway leaves the old file; publishing never overwrites."""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
import sys
from itertools import islice
from pathlib import Path

import pytest

from tests.conftest import CORPUS
from trustnxt_desktop.domain.protect import ProtectOptions, ProtectStatus
from trustnxt_desktop.engine.protect import protect_file
from trustnxt_desktop.runtime import atomic
from trustnxt_desktop.runtime.atomic import (
    PARTIAL_SUFFIX,
    candidate_paths,
    fit_name,
    link_no_replace,
    name_limit,
    replace_folder,
    replacing,
    sweep_partials,
    write_atomic,
)

# 250 bytes of UTF-8 (83 three-byte characters and a byte) plus ".jpg": a name the camera-roll export of a
# phone set to Japanese can produce, and 22 bytes short of what ".protected" needs.
LONG_STEM = "写真" * 41 + "の" + "x"
LONG_NAME = LONG_STEM + ".jpg"


def size(name: str) -> int:
    return len(os.fsencode(name))


def test_the_limit_is_the_file_systems(tmp_path: Path) -> None:
    assert name_limit(tmp_path) == os.pathconf(tmp_path, "PC_NAME_MAX") == 255
    assert name_limit(tmp_path / "not" / "made" / "yet") == 255, "asks the nearest existing folder"


def test_a_long_name_is_shortened_keeping_marker_counter_and_extension(tmp_path: Path) -> None:
    assert size(LONG_NAME) == 254
    first, second = (p.name for p in islice(candidate_paths(Path(LONG_NAME), tmp_path, ".protected"), 2))
    for name in (first, second):
        assert size(name) <= 255 and name.startswith("写真写真") and "…" in name
        name.encode("utf-8")  # whole characters only: never an invalid UTF-8 name
    assert first.endswith(".protected.jpg") and second.endswith(".protected (2).jpg")
    assert first != second
    assert fit_name("photo", ".protected.jpg") == "photo.protected.jpg", "short names are left alone"


def test_long_names_that_differ_only_after_the_cut_stay_different() -> None:
    a = fit_name(LONG_STEM + "-a", ".protected.jpg")
    b = fit_name(LONG_STEM + "-b", ".protected.jpg")
    assert a != b and size(a) <= 255 and size(b) <= 255
    assert fit_name(LONG_STEM + "-a", ".protected.jpg") == a, "the same source always gets the same name"


def test_protecting_a_file_with_a_250_byte_name_twice(tmp_path: Path, identity) -> None:
    source = tmp_path / "in" / LONG_NAME
    source.parent.mkdir()
    shutil.copy(CORPUS / "media" / "trustnxt-icon.jpg", source)
    out = tmp_path / "out"
    first = protect_file(source, identity, ProtectOptions(out_dir=out))
    second = protect_file(source, identity, ProtectOptions(out_dir=out))
    assert first.status is ProtectStatus.DONE and second.status is ProtectStatus.DONE, (first.error, second.error)
    assert first.output and second.output and first.output != second.output
    assert first.output.name.endswith(".protected.jpg") and second.output.name.endswith(".protected (2).jpg")
    assert all(size(p.name) <= 255 for p in out.iterdir())
    assert not list(out.glob(f".*{PARTIAL_SUFFIX}")), "the temporary name fitted too, and is gone"


def leftovers(folder: Path) -> list[Path]:
    return list(folder.glob(f".*{PARTIAL_SUFFIX}"))


def test_write_atomic_replaces_the_content_exactly_and_leaves_nothing_behind(tmp_path: Path) -> None:
    target = tmp_path / "state" / "settings.json"
    assert write_atomic(target, "first\r\nline ✓") == target, "the folder is made when missing"
    assert target.read_bytes() == "first\r\nline ✓".encode(), "text as UTF-8, newlines as given"
    write_atomic(target, b"\x00second")
    assert target.read_bytes() == b"\x00second"
    assert leftovers(target.parent) == [] and [p.name for p in target.parent.iterdir()] == ["settings.json"]


def test_private_files_are_owner_only_and_others_follow_the_umask(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        write_atomic(tmp_path / "private.json", "{}", private=True)
        write_atomic(tmp_path / "export.csv", "a,b\r\n")
    finally:
        os.umask(old)
    assert (tmp_path / "private.json").stat().st_mode & 0o777 == 0o600
    assert (tmp_path / "export.csv").stat().st_mode & 0o777 == 0o644


def test_a_write_that_fails_halfway_leaves_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "state.json"
    target.write_text("old, complete")
    with pytest.raises(RuntimeError), replacing(target) as f:
        f.write(b"new, but only ha")
        raise RuntimeError("the writer failed halfway")
    assert target.read_text() == "old, complete" and leftovers(tmp_path) == []


def test_a_full_disk_leaves_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "state.json"
    target.write_text("old, complete")

    def disk_full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    with pytest.raises(OSError, match="No space left"):
        write_atomic(target, "new content")
    assert target.read_text() == "old, complete" and leftovers(tmp_path) == []


def test_a_process_killed_halfway_leaves_the_old_file_and_a_partial_that_is_swept(tmp_path: Path) -> None:
    target = tmp_path / "state.json"
    target.write_text("old, complete")
    crash = ("import os, sys\nfrom pathlib import Path\nfrom trustnxt_desktop.runtime.atomic import replacing\n"
             "with replacing(Path(sys.argv[1])) as f:\n"
             "    f.write(b'new, but only ha'); f.flush()\n"
             "    os._exit(9)  # killed: no cleanup runs\n")
    done = subprocess.run([sys.executable, "-c", crash, str(target)], check=False)
    assert done.returncode == 9
    assert target.read_text() == "old, complete"
    (partial,) = leftovers(tmp_path)
    assert partial.read_bytes() == b"new, but only ha"
    assert sweep_partials(tmp_path) == 1 and leftovers(tmp_path) == []


def test_the_folder_is_synced_after_the_rename(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    synced: list[tuple[Path, bool]] = []
    real = atomic._fsync_dir

    def spy(folder: Path) -> None:
        synced.append((folder, (tmp_path / "a.txt").exists()))
        real(folder)

    monkeypatch.setattr(atomic, "_fsync_dir", spy)
    write_atomic(tmp_path / "a.txt", "x")
    assert synced == [(tmp_path, True)], "once, after the new name exists"


def test_replace_folder_publishes_a_complete_folder(tmp_path: Path) -> None:
    staging = tmp_path / ".incoming"
    (staging / "deep").mkdir(parents=True)
    (staging / "a.pem").write_text("A")
    (staging / "deep" / "b.json").write_text("{}")
    final = tmp_path / "snapshot"
    replace_folder(staging, final)
    assert not staging.exists() and (final / "a.pem").read_text() == "A" and (final / "deep" / "b.json").exists()
    (staging2 := tmp_path / ".again").mkdir()
    (staging2 / "c").write_text("C")
    with pytest.raises(OSError):
        replace_folder(staging2, final)  # a non-empty folder is never replaced
    assert (final / "a.pem").read_text() == "A"


def test_link_no_replace_never_overwrites(tmp_path: Path) -> None:
    tmp, final = tmp_path / ".new.partial", tmp_path / "volume-2.sqlite"
    tmp.write_text("new")
    final.write_text("someone else's")
    assert link_no_replace(tmp, final) is False and final.read_text() == "someone else's"
    final.unlink()
    assert link_no_replace(tmp, final) is True and final.read_text() == "new"
