"""The capture store reads around a damaged sidecar: the capture is still found and protected."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tests.damaged_files import JSON_DAMAGE, damage_json
from trustnxt_desktop.services.jobs.capture_store import CaptureStore


@pytest.mark.parametrize("kind", JSON_DAMAGE)
def test_a_damaged_sidecar_falls_back_to_the_raw_file(tmp_path: Path, kind: str) -> None:
    store = CaptureStore(tmp_path / "Captures")
    pending = store.reserve("photo", ".jpg", "Test camera", dt.datetime(2026, 11, 29, 17, tzinfo=dt.UTC))
    store.write_raw(pending, b"\xff\xd8 a photo")
    damage_json(pending.sidecar, kind)
    (found,) = CaptureStore(tmp_path / "Captures").pending()
    assert found.raw == pending.raw and found.info.kind == "photo" and found.info.device == ""
    assert dt.datetime.fromisoformat(found.info.captured_at).tzinfo is not None
