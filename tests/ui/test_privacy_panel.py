"""ui/privacy_panel.py in the real window: a dropped geotagged photo is listed with what its copy would reveal,
the choices change what happens to each field, are remembered, and travel with the files added next."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from tests.expect import present
from tests.revealing_media import SERIAL, found_in, needles, revealing_file
from tests.ui.conftest import drop_paths, until
from trustnxt_desktop.domain.jobs import JobState
from trustnxt_desktop.domain.privacy import FileInventory, LocationChoice, PrivacyChoices
from trustnxt_desktop.engine import exiftool
from trustnxt_desktop.engine.privacy.inventory import take_inventory
from trustnxt_desktop.services.account.settings import SettingsStore
from trustnxt_desktop.ui.privacy_panel import PrivacyPanel


def _rows(item) -> dict[str, tuple[str, str, str]]:
    return {item.child(i).text(0): (item.child(i).text(1), item.child(i).text(2), item.child(i).text(3))
            for i in range(item.childCount())}


async def test_checked_files_show_fields_and_the_choices_change_their_fate(window, tmp_path: Path, home: Path,
                                                                           qtbot) -> None:
    photo = revealing_file("sample1.jpg", tmp_path / "shoot")
    panel = window.protect.privacy
    assert panel is not None and panel.isVisible()
    await panel.check_async([photo])
    (item,) = [panel.tree.topLevelItem(i) for i in range(panel.tree.topLevelItemCount())]
    rows = _rows(item)
    assert rows["Serial numbers: ExifIFD:SerialNumber"] == ("EXIF", SERIAL, "kept")
    assert rows["Location: GPS:GPSLatitude"] == ("EXIF", "38.691584", "kept")
    assert rows["Location: ThumbnailImage › GPS:GPSLatitude"][0] == "embedded thumbnail"
    assert any(k.startswith("Software: claim_generator") and v[0] == "signed manifest" for k, v in rows.items())
    assert "1 file checked — location in 1" in panel.summary.text()

    panel.location.setCurrentIndex(panel.location.findData(LocationChoice.CITY.value))
    panel.location.activated.emit(panel.location.currentIndex())
    qtbot.mouseClick(panel.strip, Qt.MouseButton.LeftButton)
    rows = _rows(panel.tree.topLevelItem(0))
    assert rows["Location: GPS:GPSLatitude"][2] == "coarsened to the city"
    assert rows["Serial numbers: ExifIFD:SerialNumber"][2] == "removed"
    assert rows["Device make and model: IFD0:Make"][2] == "kept"
    assert "will differ from the original" in panel.summary.text()
    saved = SettingsStore(home).load()
    assert (saved.privacy_location, saved.privacy_strip_serials) == ("city", True), "choices are remembered"

    window.protect.grab().save(str(tmp_path / "privacy.png"))
    if os.environ.get("TRUSTNXT_SCREENSHOT_DIR"):
        window.protect.grab().save(str(Path(os.environ["TRUSTNXT_SCREENSHOT_DIR"]) / "privacy-panel.png"))


async def test_files_added_carry_the_choices_of_their_batch(window, tmp_path: Path) -> None:
    photo = revealing_file("sample1.jpg", tmp_path / "shoot")
    view = window.protect
    panel = view.privacy
    panel.location.setCurrentIndex(panel.location.findData(LocationChoice.REMOVE.value))
    panel.location.activated.emit(panel.location.currentIndex())
    panel.strip.setChecked(True)
    drop_paths(view.drop, [photo])
    await until(lambda: any(j.state is JobState.DONE for j in view.queue.items.values()))
    (job,) = view.queue.items.values()
    assert job.privacy is not None and job.privacy.location is LocationChoice.REMOVE
    assert job.result is not None and job.result.output is not None, job.message
    assert found_in(job.result.output, needles(photo)) == []
    await until(lambda: panel.tree.topLevelItemCount() == 1)
    assert panel.tree.topLevelItem(0).text(3) != "as it is"


async def test_without_exiftool_the_panel_says_it_is_needed_and_how_to_get_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, qtbot) -> None:
    monkeypatch.setenv(exiftool.ENV, str(tmp_path / "no-exiftool"))  # as on a computer without ExifTool
    photo = revealing_file("sample1.jpg", tmp_path / "shoot")

    async def check(paths: list[Path]) -> list[FileInventory]:  # the engine's reader, in-process and off the loop
        return await asyncio.to_thread(lambda: [take_inventory(p, "image/jpeg") for p in paths])

    panel = PrivacyPanel(check, PrivacyChoices(), lambda _choices: None, lambda _error: None)
    qtbot.addWidget(panel)
    await panel.check_async([photo])
    assert panel.summary.text().startswith(exiftool.missing_sentence())
    assert "apt install libimage-exiftool-perl" in panel.summary.text()
    assert panel.summary.text().endswith("1 file checked; 1 could not be read.")
    row = present(panel.tree.topLevelItem(0), "the file's row")
    assert row.text(2).startswith("could not be read: ExifTool is not installed")
    await panel.aclose()
