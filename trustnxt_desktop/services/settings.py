"""Typed user settings, stored as JSON under the data root. Never holds a secret."""

from __future__ import annotations

import contextlib
import json
import os
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from ..domain.protect import DEFAULT_THUMBNAIL_EDGE, THUMBNAIL_EDGES, ProtectOptions

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
    remote_manifest_fetch: bool = False
    trust_mirror_url: str = ""  # fetch every trust list from this base URL instead of where it is published
    trust_auto_update: bool = True  # the app checks for new trust lists at most weekly
    backend: str = "local"
    api_url: str = ""
    jobs: int = 2
    extra: dict[str, Any] = field(default_factory=dict)  # keys written by newer versions, kept as they are

    def validate(self) -> None:
        if self.thumbnail_edge not in THUMBNAIL_EDGES:
            self.thumbnail_edge = DEFAULT_THUMBNAIL_EDGE
        if self.backend not in BACKENDS:
            self.backend = "local"
        self.jobs = max(1, min(int(self.jobs), 16))

    def protect_options(self, out_dir: Path | None = None) -> ProtectOptions:
        chosen = out_dir or (Path(self.output_dir).expanduser() if self.output_dir else None)
        return ProtectOptions(
            out_dir=chosen,
            thumbnail_edge=self.thumbnail_edge,
            author=self.author or None,
            do_not_train=self.do_not_train,
            tsa_url=self.tsa_url or None,
        )


class SettingsStore:
    def __init__(self, root: Path) -> None:
        self.path = root / FILE_NAME

    def load(self) -> Settings:
        try:
            data = json.loads(self.path.read_text("utf-8"))
        except FileNotFoundError:
            return Settings()
        except (OSError, ValueError):
            # A damaged settings file must not stop the app; keep it for the user and start fresh.
            with contextlib.suppress(OSError):
                self.path.replace(self.path.with_suffix(".damaged.json"))
            return Settings()
        known = {f.name for f in fields(Settings)} - {"extra"}
        settings = Settings(**{k: v for k, v in data.items() if k in known})
        settings.extra = {k: v for k, v in data.items() if k not in known}
        settings.validate()
        return settings

    def save(self, settings: Settings) -> None:
        settings.validate()
        data = {k: v for k, v in asdict(settings).items() if k != "extra"}
        data.update(settings.extra)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(data, indent=2, sort_keys=True), "utf-8")
        with open(tmp, "rb+") as f:
            os.fsync(f.fileno())
        os.replace(tmp, self.path)
