from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.damaged_files import set_aside_copies
from trustnxt_desktop.services.account import settings as settings_module
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


def test_the_file_carries_its_schema_and_a_file_from_before_it_reads_the_same(tmp_path: Path) -> None:
    store = SettingsStore(tmp_path)
    store.path.write_text(json.dumps({"author": "Ada", "jobs": 3, "backend": "local"}))  # as versions before wrote
    before = store.load()
    assert (before.author, before.jobs, before.extra) == ("Ada", 3, {})
    store.save(before)
    raw = json.loads(store.path.read_text())
    assert raw["schema"] == settings_module.SCHEMA == 1 and raw["author"] == "Ada"
    assert store.load() == before, "the schema key is the file's, not a setting"
    assert store.path.stat().st_mode & 0o777 == 0o600


def test_migrations_run_in_order_from_the_files_own_version(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ran: list[str] = []

    def rename_author(values: dict[str, Any]) -> dict[str, Any]:  # 1 -> 2: "writer" became "author"
        ran.append("1->2")
        values = dict(values)
        values["author"] = values.pop("writer", "")
        return values

    def double_jobs(values: dict[str, Any]) -> dict[str, Any]:  # 2 -> 3: "jobs" counted differently
        ran.append("2->3")
        return {**values, "jobs": values["jobs"] * 2}

    monkeypatch.setattr(settings_module, "SCHEMA", 3)
    monkeypatch.setattr(settings_module, "MIGRATIONS", [*settings_module.MIGRATIONS, rename_author, double_jobs])
    store = SettingsStore(tmp_path)
    store.path.write_text(json.dumps({"schema": 1, "writer": "Ada", "jobs": 2}))
    first = store.load()
    assert (first.author, first.jobs, first.extra, ran) == ("Ada", 4, {}, ["1->2", "2->3"])
    ran.clear()
    store.path.write_text(json.dumps({"schema": 2, "author": "Bo", "jobs": 3}))
    assert (store.load().author, store.load().jobs, ran[:1]) == ("Bo", 6, ["2->3"])
    ran.clear()
    store.path.write_text(json.dumps({"author": "Cy", "writer": "old", "jobs": 1}))  # no schema: version 0
    assert store.load().author == "old" and ran[:2] == ["1->2", "2->3"]


def test_a_newer_versions_file_is_read_best_effort_said_and_kept_before_saving(tmp_path: Path) -> None:
    take_notices()
    store = SettingsStore(tmp_path)
    newer = {"schema": 7, "author": "Ada", "jobs": 4, "thumbnail_edge": {"edge": 1024}, "new_thing": True}
    text = json.dumps(newer)
    store.path.write_text(text)
    loaded = store.load()
    assert (loaded.author, loaded.jobs) == ("Ada", 4)
    assert loaded.thumbnail_edge == Settings().thumbnail_edge, "a value of a shape it does not know is not used"
    assert loaded.extra == {"new_thing": True}, "a key it does not know is kept as it is"
    (said,) = take_notices()
    assert said.store == "settings file" and "newer version" in said.text and said.damaged == store.path
    assert store.path.read_text() == text and not set_aside_copies(store.path), "reading changes nothing"
    store.load()
    assert take_notices() == [], "said once"

    loaded.author = "Ada Lovelace"
    store.save(loaded)
    (kept,) = tmp_path.glob("settings.json.newer-schema-7-*")
    assert kept.read_text() == text, "the newer version's file is kept whole"
    (saved,) = take_notices()
    assert str(kept) in saved.text and saved.damaged == kept
    raw = json.loads(store.path.read_text())
    assert raw["schema"] == 1 and raw["author"] == "Ada Lovelace"
    assert raw["new_thing"] is True and raw["thumbnail_edge"] == Settings().thumbnail_edge
    store.save(loaded)
    assert len(list(tmp_path.glob("settings.json.newer-schema-*"))) == 1, "our own file is not kept again"
    assert take_notices() == []


@pytest.mark.parametrize("schema", ['"two"', "-1", "1.5", "true"])
def test_a_schema_that_is_not_a_version_number_is_damage(tmp_path: Path, schema: str) -> None:
    take_notices()
    store = SettingsStore(tmp_path)
    store.path.write_text(f'{{"schema": {schema}, "author": "Ada"}}')
    assert store.load() == Settings()
    (aside,) = set_aside_copies(store.path)
    (notice,) = take_notices()
    assert "schema" in notice.problem and "reset to the defaults" in notice.text


def test_the_default_timestamp_authority_can_be_replaced_for_one_process(monkeypatch) -> None:
    from trustnxt_desktop.domain.timestamps import DEFAULT_TSA_URL
    from trustnxt_desktop.services.account.settings import TSA_URL_VARIABLE, Settings

    monkeypatch.delenv(TSA_URL_VARIABLE, raising=False)
    assert Settings().timestamp_authority() == DEFAULT_TSA_URL
    monkeypatch.setenv(TSA_URL_VARIABLE, "http://127.0.0.1:9/tsa")
    assert Settings().timestamp_authority() == "http://127.0.0.1:9/tsa"
    monkeypatch.setenv(TSA_URL_VARIABLE, "")
    assert Settings().timestamp_authority() is None  # no default: untimestamped unless one is chosen
    assert Settings(tsa_url="http://tsa.example/").timestamp_authority() == "http://tsa.example/"  # a choice wins
    assert Settings(tsa_url="http://tsa.example/", timestamps=False).timestamp_authority() is None
