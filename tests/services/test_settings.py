from __future__ import annotations

import json
from pathlib import Path

from trustnxt_desktop.services.settings import Settings, SettingsStore


def test_round_trip_keeps_unknown_keys_and_repairs_bad_values(tmp_path: Path) -> None:
    store = SettingsStore(tmp_path)
    assert store.load() == Settings()
    s = Settings(author="Ada", thumbnail_edge=1024, output_dir="~/out", jobs=4)
    s.extra = {"future_key": [1, 2]}
    store.save(s)
    loaded = store.load()
    assert loaded.author == "Ada" and loaded.thumbnail_edge == 1024 and loaded.extra == {"future_key": [1, 2]}
    assert loaded.protect_options().out_dir == Path("~/out").expanduser()
    raw = json.loads(store.path.read_text())
    raw.update(thumbnail_edge=333, backend="carrier-pigeon", jobs=500)
    store.path.write_text(json.dumps(raw))
    repaired = store.load()
    assert (repaired.thumbnail_edge, repaired.backend, repaired.jobs) == (512, "local", 16)


def test_damaged_file_is_kept_aside_not_fatal(tmp_path: Path) -> None:
    store = SettingsStore(tmp_path)
    store.path.write_text("{not json")
    assert store.load() == Settings()
    assert (tmp_path / "settings.damaged.json").read_text() == "{not json"
