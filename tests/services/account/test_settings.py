from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.damaged_files import set_aside_copies
from trustnxt_desktop.services.account.settings import Settings, SettingsStore
from trustnxt_desktop.services.store_health import take_notices


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


@pytest.mark.parametrize("content", ["{not json", "[1, 2]", '{"jobs": "many"}'])
def test_damaged_file_is_kept_aside_not_fatal(tmp_path: Path, content: str) -> None:
    take_notices()
    store = SettingsStore(tmp_path)
    store.path.write_text(content)
    assert store.load() == Settings()  # before: a list or a wrong type ended every command in a traceback
    (aside,) = set_aside_copies(store.path)
    assert aside.read_text() == content
    (notice,) = take_notices()
    assert notice.store == "settings file" and "reset to the defaults" in notice.text
