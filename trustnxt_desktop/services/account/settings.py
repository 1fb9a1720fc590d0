"""Typed user settings, stored as JSON under the data root. Never holds a secret."""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from ...domain.protect import (
    DEFAULT_CONTENT_SOURCE,
    DEFAULT_THUMBNAIL_EDGE,
    THUMBNAIL_EDGES,
    ContentSource,
    ProtectOptions,
)
from ..store_health import read_index

FILE_NAME = "settings.json"
BACKENDS = ("local", "cloud")


@dataclass
class Settings:
    display_name: str = ""  # signing identity name; empty: the OS account's name
    organisation: str = ""
    author: str = ""  # written into protected files when set
    do_not_train: bool = True
    thumbnail_edge: int = DEFAULT_THUMBNAIL_EDGE
    output_dir: str = ""  # empty: next to the original
    tsa_url: str = ""
    protect_source: str = DEFAULT_CONTENT_SOURCE.value  # what protected copies claim by default (ContentSource)
    remote_manifest_fetch: bool = False
    cross_check: bool = True  # a second, independent validator checks every file inspected here
    trust_mirror_url: str = ""  # fetch every trust list from this base URL instead of where it is published
    trust_auto_update: bool = True  # the app checks for new trust lists at most weekly
    backend: str = "local"
    api_url: str = ""
    jobs: int = 2
    welcome_done: bool = False  # the first-run welcome was finished or skipped (Help › Welcome… reopens it)
    export_dir: str = ""  # the folder of the last export (reports, the log); empty: the Documents folder
    extra: dict[str, Any] = field(default_factory=dict)  # keys written by newer versions, kept as they are

    def validate(self) -> None:
        if self.thumbnail_edge not in THUMBNAIL_EDGES:
            self.thumbnail_edge = DEFAULT_THUMBNAIL_EDGE
        if self.backend not in BACKENDS:
            self.backend = "local"
        if self.protect_source not in {s.value for s in ContentSource}:
            self.protect_source = DEFAULT_CONTENT_SOURCE.value
        self.jobs = max(1, min(int(self.jobs), 16))

    def protect_options(self, out_dir: Path | None = None) -> ProtectOptions:
        chosen = out_dir or (Path(self.output_dir).expanduser() if self.output_dir else None)
        return ProtectOptions(
            out_dir=chosen,
            thumbnail_edge=self.thumbnail_edge,
            author=self.author or None,
            do_not_train=self.do_not_train,
            tsa_url=self.tsa_url or None,
            content_source=ContentSource(self.protect_source),
        )


def _parse(data: bytes) -> Settings:
    values = json.loads(data)
    known = {f.name for f in fields(Settings)} - {"extra"}
    settings = Settings(**{k: v for k, v in values.items() if k in known})  # AttributeError: not an object
    settings.extra = {k: v for k, v in values.items() if k not in known}
    settings.validate()  # TypeError / ValueError: a value of the wrong type
    return settings


class SettingsStore:
    def __init__(self, root: Path) -> None:
        self.path = root / FILE_NAME

    def load(self) -> Settings:
        """The saved settings; defaults when there are none. A damaged file (not JSON, not an object, values
        of the wrong type, a folder) must not stop the app: it is set aside and said (store_health.py)."""
        return read_index(self.path, "settings file", _parse, "Your settings were reset to the defaults.") or Settings()

    def save(self, settings: Settings) -> None:
        settings.validate()
        data = {k: v for k, v in asdict(settings).items() if k != "extra"}
        data.update(settings.extra)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(data, indent=2, sort_keys=True), "utf-8")
        with open(tmp, "rb+") as f:
            os.fsync(f.fileno())
        os.replace(tmp, self.path)
