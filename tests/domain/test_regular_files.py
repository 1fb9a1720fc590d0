"""Only regular files are opened, also when the path changes between the look and the open."""

from __future__ import annotations

import errno
import os
import socket
from pathlib import Path

import pytest

from trustnxt_desktop.domain import regular_files
from trustnxt_desktop.domain.regular_files import (
    NotRegularFile,
    not_regular,
    open_regular,
    problem_sentence,
    read_regular,
)


def test_regular_files_and_links_to_them_open(tmp_path: Path) -> None:
    (tmp_path / "a.jpg").write_bytes(b"\xff\xd8data")
    (tmp_path / "link.jpg").symlink_to(tmp_path / "a.jpg")
    for name in ("a.jpg", "link.jpg"):
        with open_regular(tmp_path / name) as f:
            assert f.read() == b"\xff\xd8data" and os.get_blocking(f.fileno())
        assert not_regular(tmp_path / name) is None and problem_sentence(tmp_path / name) is None


def test_every_other_kind_is_refused_without_opening_it(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe")
    with socket.socket(socket.AF_UNIX) as s:
        s.bind(str(tmp_path / "sock"))
    (tmp_path / "zero").symlink_to("/dev/zero")
    (tmp_path / "dir").mkdir()
    kinds = {"pipe": "a named pipe", "sock": "a socket", "zero": "a character device", "dir": "a folder"}
    for name, kind in kinds.items():
        with pytest.raises(NotRegularFile) as caught:
            open_regular(tmp_path / name)
        assert caught.value.strerror == f"not a regular file ({kind})" and caught.value.kind == kind
        assert not_regular(tmp_path / name) == f"not a regular file ({kind})"
        assert problem_sentence(tmp_path / name) == f"Not a regular file ({kind})."
    assert not_regular(tmp_path / "missing") is None, "a missing file is its reader's to report"
    assert problem_sentence(tmp_path / "missing") == "The file no longer exists."


def test_a_fifo_swapped_in_after_the_look_is_caught_on_the_open_descriptor(tmp_path: Path,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    os.mkfifo(tmp_path / "photo.jpg")  # nobody writes to it: a blocking open would never return
    monkeypatch.setattr(regular_files, "regular_stat", lambda path: None)  # the look saw a regular file
    with pytest.raises(NotRegularFile, match="a named pipe"):
        open_regular(tmp_path / "photo.jpg")


def test_a_link_swapped_in_after_resolving_is_not_followed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "real.jpg").write_bytes(b"x")
    (tmp_path / "photo.jpg").symlink_to("/dev/zero")
    monkeypatch.setattr(regular_files, "regular_stat", lambda path: None)  # it was a regular file when looked at
    monkeypatch.setattr(os.path, "realpath", lambda path: os.fspath(path))  # and when resolved
    with pytest.raises(OSError) as caught:
        open_regular(tmp_path / "photo.jpg")
    assert caught.value.errno == errno.ELOOP, "the link was not followed to the device"


def test_read_regular_is_bounded(tmp_path: Path) -> None:
    (tmp_path / "small.json").write_bytes(b"{}")
    (tmp_path / "big.json").write_bytes(b" " * 2000)
    assert read_regular(tmp_path / "small.json", 1000) == b"{}"
    with pytest.raises(ValueError):
        read_regular(tmp_path / "big.json", 1000)
