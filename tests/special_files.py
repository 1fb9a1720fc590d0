"""Real special files where a person's files should be: a FIFO nobody writes to, a socket, devices, and
links to them, named like pictures. Opening any of them for reading blocks for ever or never ends."""

from __future__ import annotations

import os
import shutil
import socket
from pathlib import Path

from tests.conftest import CORPUS

# name -> the kind the app names it by ("not a regular file (<kind>)")
SPECIAL = {"pipe.jpg": "a named pipe", "socket.jpg": "a socket", "zero.jpg": "a character device",
           "null.jpg": "a character device", "link-to-pipe.jpg": "a named pipe"}
REGULAR = "photo.jpg"  # a real signed picture beside them (valid with the shipped trust lists)


def make_special_files(folder: Path) -> dict[str, Path]:
    """SPECIAL's files in `folder` (created), plus REGULAR; returns name -> path."""
    folder.mkdir(parents=True, exist_ok=True)
    os.mkfifo(folder / "pipe.jpg")
    with socket.socket(socket.AF_UNIX) as s:  # the socket file stays after the socket is closed
        s.bind(str(folder / "socket.jpg"))
    (folder / "zero.jpg").symlink_to("/dev/zero")
    (folder / "null.jpg").symlink_to("/dev/null")
    (folder / "link-to-pipe.jpg").symlink_to(folder / "pipe.jpg")
    shutil.copy(CORPUS / "c2pa" / "adobe-20220124-CA.jpg", folder / REGULAR)
    return {p.name: p for p in folder.iterdir()}


def reason(name: str) -> str:
    return f"not a regular file ({SPECIAL[name]})"
