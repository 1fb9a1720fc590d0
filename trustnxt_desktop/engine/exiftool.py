"""ExifTool (https://exiftool.org), run as a program: reads the metadata of every format we protect and
writes it in most of them (JPEG, PNG, WebP, TIFF, GIF, AVIF, HEIC/HEIF, JPEG XL, DNG, MP4, MOV, M4A).

Debian and Ubuntu ship it as `libimage-exiftool-perl`; `TRUSTNXT_EXIFTOOL` names another copy (e.g. the
Windows executable). It runs as its own process with a time limit and no user configuration file
(`-config ''`), and is only ever given absolute paths, so a file name cannot pass for an option.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from ..domain.privacy import EXIFTOOL_MISSING

ENV = "TRUSTNXT_EXIFTOOL"
TIMEOUT_SECONDS = 60.0


class ExifToolError(Exception):
    """ExifTool is missing, failed, stalled or answered something that is not its JSON."""


def executable() -> str | None:
    """The ExifTool to run, or None when this computer has none."""
    named = os.environ.get(ENV)
    if named:
        return named if Path(named).is_file() else None
    return shutil.which("exiftool")


def missing_sentence(platform: str = sys.platform) -> str:
    """Why the privacy check cannot read or rewrite metadata, and how to install ExifTool on `platform` (a
    sys.platform value): the Linux packages install it; on Windows and macOS it is not bundled with the app."""
    if platform == "win32":
        how = ("download the Windows executable from https://exiftool.org, rename exiftool(-k).exe to exiftool.exe "
               "and put it with its exiftool_files folder on PATH")
    elif platform == "darwin":
        how = "install the macOS package from https://exiftool.org, or run: brew install exiftool"
    else:
        how = ("Debian/Ubuntu: apt install libimage-exiftool-perl; Fedora: dnf install perl-Image-ExifTool; "
               "elsewhere: https://exiftool.org")
    return f"{EXIFTOOL_MISSING}, so file metadata cannot be checked or rewritten ({how}; or set {ENV} to its path)."


def run(args: list[str], *, timeout: float = TIMEOUT_SECONDS, stdin: bytes | None = None) -> bytes:
    """ExifTool's standard output for these arguments (paths in them must be absolute).

    Raises ExifToolError when it is missing, exits with an error, or runs longer than `timeout` seconds
    (it is then killed)."""
    tool = executable()
    if tool is None:
        raise ExifToolError(missing_sentence())
    try:
        done = subprocess.run([tool, "-config", "", *args], input=stdin, capture_output=True, timeout=timeout,
                              check=False)
    except subprocess.TimeoutExpired:
        raise ExifToolError(f"ExifTool took longer than {timeout:.0f} s and was stopped") from None
    except OSError as e:
        raise ExifToolError(f"ExifTool could not be started ({e.strerror or e})") from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise ExifToolError(f"ExifTool failed: {message[-1] if message else f'exit status {done.returncode}'}")
    return done.stdout


def read_tag_pairs(path: Path | None, *, data: bytes | None = None) -> list[tuple[str, Any]]:
    """Every tag of a file (or of `data` when path is None) as (key, value) pairs in ExifTool's order, keys
    "Family0:Family1:Family2:Tag" (e.g. "EXIF:GPS:Location:GPSLatitude"; a group name equal to the one
    before it is written once), numbers unconverted (-n). Duplicates (-a) are all kept."""
    target = "-" if path is None else str(_absolute(path))
    out = run(["-json", "-a", "-s", "-n", "-G0:1:2", "-charset", "filename=utf8", "--", target], stdin=data)
    try:
        parsed = json.loads(out.decode("utf-8", "replace"), object_pairs_hook=_Pairs)
    except ValueError:
        raise ExifToolError("ExifTool's answer was not JSON") from None
    if not isinstance(parsed, list) or not parsed or not isinstance(parsed[0], _Pairs):
        raise ExifToolError("ExifTool's answer was not one JSON object per file")
    return [(str(k), v) for k, v in parsed[0]]


class _Pairs(list[tuple[str, Any]]):
    """A JSON object kept as its pairs (ExifTool repeats a key for duplicate tags)."""


def extract_binary(path: Path, tag: str) -> bytes:
    """The bytes of one binary tag (e.g. ThumbnailImage), empty when the file has none."""
    return run(["-b", f"-{tag}", "--", str(_absolute(path))])


def write(source: Path, target: Path, assignments: list[str]) -> None:
    """Copy `source` to the new file `target` with these assignments ("-TAG=", "-TAG=value"); never
    touches the source. Raises ExifToolError when ExifTool cannot write this file."""
    if target.exists():
        raise ExifToolError(f"{target} exists")
    run(["-m", "-q", "-q", "-charset", "filename=utf8", *assignments, "-o", str(_absolute(target)), "--",
         str(_absolute(source))])
    if not target.is_file():
        raise ExifToolError("ExifTool wrote no file")


def _absolute(path: Path) -> Path:
    return Path(os.path.abspath(path))
