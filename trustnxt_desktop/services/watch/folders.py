"""What a watch folder is: a folder whose new files are protected into an output folder, with its options.

Stored in the settings (`Settings.watch_folders`) as a list of JSON objects; `options` holds the protect
options this folder sets (any ProtectOptions field but `out_dir`, e.g. `content_source`, `thumbnail_edge`),
the rest come from the settings. Paths are kept as the person chose them (not resolved).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from ...domain.protect import ProtectOptions


@dataclass(frozen=True)
class WatchFolder:
    folder: Path  # watched; new files below it (subfolders too when `recursive`) are protected
    out_dir: Path  # protected copies go here, in the same subfolders as their originals
    options: dict[str, Any] = field(default_factory=dict)  # ProtectOptions overrides (JSON values)
    recursive: bool = True
    enabled: bool = True  # a paused folder keeps its place in the list but is not watched

    def protect_options(self, base: ProtectOptions) -> ProtectOptions:
        """`base` (the settings' options) with this folder's overrides. Raises ValueError for a stored
        value ProtectOptions refuses (an unknown claim, a thumbnail size it does not offer)."""
        known = {f.name for f in fields(ProtectOptions)} - {"out_dir"}
        overrides = {k: v for k, v in self.options.items() if k in known}
        return replace(base, out_dir=self.out_dir, **overrides)

    def to_json(self) -> dict[str, Any]:
        return {"folder": str(self.folder), "out_dir": str(self.out_dir), "options": dict(self.options),
                "recursive": self.recursive, "enabled": self.enabled}

    @classmethod
    def from_json(cls, data: object) -> WatchFolder:
        """Raises ValueError for anything but an object with text `folder` and `out_dir`."""
        if not isinstance(data, dict):
            raise ValueError("a watch folder is a JSON object")
        folder, out_dir, options = data.get("folder"), data.get("out_dir"), data.get("options", {})
        if not isinstance(folder, str) or not folder or not isinstance(out_dir, str) or not out_dir:
            raise ValueError("a watch folder needs a folder and an output folder")
        if not isinstance(options, dict):
            raise ValueError("a watch folder's options are a JSON object")
        return cls(Path(folder), Path(out_dir), dict(options), bool(data.get("recursive", True)),
                   bool(data.get("enabled", True)))

    def contains(self, path: Path) -> bool:
        """Whether `path` is a file this folder watches (below it, or directly in it when not recursive),
        and not inside its own output folder."""
        try:
            relative = path.relative_to(self.folder)
        except ValueError:
            return False
        if not self.recursive and len(relative.parts) != 1:
            return False
        return not _is_within(path, self.out_dir)

    def output_folder_for(self, source: Path) -> Path:
        """Where the protected copy of `source` goes: the output folder, in the source's own subfolder."""
        return self.out_dir / source.parent.relative_to(self.folder)


def _is_within(path: Path, folder: Path) -> bool:
    try:
        path.relative_to(folder)
    except ValueError:
        return False
    return True


def parse_folders(values: Iterable[object]) -> list[WatchFolder]:
    """The settings' stored list; entries that are not watch folders are dropped (never an error)."""
    found = []
    for value in values:
        try:
            found.append(WatchFolder.from_json(value))
        except ValueError:
            continue
    return found


def folder_problem(folder: Path, out_dir: Path, others: Iterable[WatchFolder] = ()) -> str | None:
    """Why this pair cannot be watched, in a sentence (None: it can). The folder must exist; the output
    folder must not be the watched folder itself nor hold it (its copies would be new files there); a
    folder is watched once."""
    if not folder.is_absolute() or not out_dir.is_absolute():
        return "Choose the folders with their full paths."
    if not folder.is_dir():
        return f"The folder {folder} does not exist."
    a, b = Path(os.path.abspath(folder)), Path(os.path.abspath(out_dir))
    if a == b:
        return "Protected copies need their own output folder, not the watched folder itself."
    if _is_within(a, b):
        return "The output folder must not contain the watched folder."
    for other in others:
        if Path(os.path.abspath(other.folder)) == a:
            return f"The folder {folder} is already watched."
    return None


__all__ = ["WatchFolder", "folder_problem", "parse_folders"]
