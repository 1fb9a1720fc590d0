"""Turning what a person dropped or typed (files and folders) into the files to work on."""

from __future__ import annotations

import functools
import os
import re
from dataclasses import dataclass
from pathlib import Path

from ..domain.protect import PROTECTED_SUFFIX
from ..engine.formats import supported_formats
from ..runtime.atomic import PARTIAL_SUFFIX

_OUR_OUTPUT = re.compile(re.escape(PROTECTED_SUFFIX) + r"( \(\d+\))?\.[^.]+$")


@dataclass(frozen=True)
class FoundFile:
    path: Path
    relative_dir: Path  # where it sits below the folder that was dropped ("." for files given directly)
    from_folder: bool


def is_protected_copy(path: Path) -> bool:
    return bool(_OUR_OUTPUT.search(path.name))


def expand(paths: list[Path], *, skip_protected_copies: bool = False) -> list[FoundFile]:
    """Files as given, folders walked recursively in name order. Hidden files and our temp files are skipped
    inside folders; symlinked folders are not followed (no loops)."""
    found: list[FoundFile] = []
    seen: set[Path] = set()
    for given in paths:
        if given.is_dir():
            base = given
            for dirpath, dirnames, filenames in os.walk(given, followlinks=False):
                dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
                for name in sorted(filenames):
                    path = Path(dirpath) / name
                    if name.startswith(".") or name.endswith(PARTIAL_SUFFIX):
                        continue
                    if skip_protected_copies and is_protected_copy(path):
                        continue
                    if path not in seen:
                        seen.add(path)
                        found.append(FoundFile(path, Path(dirpath).relative_to(base), True))
        elif given not in seen:
            seen.add(given)
            found.append(FoundFile(given, Path("."), False))
    return found


def media_kind(path: Path) -> str | None:
    """"image", "audio", "video" or "document" by the file's extension (any case), from the engine's format
    table (engine.formats: the one list of types, which the installers use too); None for an extension it
    does not list. A name only: what the file is, the engine decides from its bytes."""
    return _kinds_by_extension().get(path.suffix.lower().lstrip("."))


@functools.cache
def _kinds_by_extension() -> dict[str, str]:
    return {e: f.kind for f in supported_formats() for e in f.extensions}


_KIND_TITLES = (("image", "Images"), ("audio", "Audio"), ("video", "Video"), ("document", "Documents"))


def file_dialog_filters(action: str) -> str:
    """Name filters for the "Add files…" / "Open files…" dialogs, from the engine's format table.

    `action` is "protect" (formats the engine can sign) or "inspect" (formats it can read). First every
    such extension, then one filter per kind, then all files: the engine goes by content, not by name.
    Each pattern is given in lower and upper case (cameras write .JPG; some file dialogs match case).
    """
    rows = [f for f in supported_formats() if (f.writable if action == "protect" else f.readable)]

    def patterns(exts: list[str]) -> str:
        return " ".join(f"*.{e} *.{e.upper()}" for e in exts)

    every = [e for f in rows for e in f.extensions]
    title = "Files that can be protected" if action == "protect" else "Files that can be inspected"
    parts = [f"{title} ({patterns(every)})"]
    for kind, name in _KIND_TITLES:
        exts = [e for f in rows if f.kind == kind for e in f.extensions]
        if exts:
            parts.append(f"{name} ({patterns(exts)})")
    parts.append("All files (*)")
    return ";;".join(parts)
