"""The user guide's picture of Settings › Trust shows what a user sees after installing: the lists shipped
with the app at their published addresses, never checked; not a download from a test mirror dated today."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

from PySide6.QtGui import QImage

from tests.conftest import PROJECT
from trustnxt_desktop.ui.user_guide import GUIDE


def _screenshots_script():
    spec = importlib.util.spec_from_file_location("docs_screenshots", PROJECT / "docs" / "screenshots.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_guide_shows_the_shipped_trust_lists() -> None:
    pictures = re.findall(r"!\[([^\]]*)\]\(([^)]+\.png)\)", GUIDE.read_text("utf-8"))
    trust = [name for _alt, name in pictures if name.startswith("settings-trust")]
    assert trust == ["settings-trust-shipped.png"], trust
    assert not (GUIDE.parent / "settings-trust.png").exists(), "no leftover picture of a mirror download"
    for _alt, name in pictures:
        assert not QImage(str(GUIDE.parent / name)).isNull(), name


async def test_the_screenshot_script_takes_the_shipped_state(window, context, tmp_path: Path) -> None:
    shots = _screenshots_script()
    wizard = window.open_welcome()  # as the script does: a new user's first minutes
    status = await shots.shoot_shipped_trust(window, tmp_path / "shipped.png")
    assert status == "Last successful check: never.", status  # no mirror, no failed attempt, nothing downloaded
    assert not QImage(str(tmp_path / "shipped.png")).isNull()
    overview = await context.trust.overview()
    assert all(s.snapshot is not None and s.snapshot.bundled for s in overview.lists.lists)
    wizard.reject()
