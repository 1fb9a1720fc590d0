"""ui/about_dialog.py: the exact versions of every component, as a bug report needs them."""

from __future__ import annotations

from typing import Any

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import qVersion
from PySide6.QtWidgets import QLabel

from trustnxt_desktop import APP_NAME, __version__
from trustnxt_desktop.ui.about_dialog import AboutDialog, component_versions


def test_the_versions_listed_are_the_running_ones(qtbot: Any) -> None:
    import c2pa

    listed = dict(component_versions())
    assert listed["Qt"] == qVersion() and listed["PySide6"] == pyside_version
    assert any(v == c2pa.__version__ or c2pa.__version__ in v for v in listed.values())
    dialog = AboutDialog()
    qtbot.addWidget(dialog)
    text = " ".join(label.text() for label in dialog.findChildren(QLabel))
    assert f"{APP_NAME} {__version__}" in text
    for name, version in listed.items():
        assert f"<td>{name}</td><td>&nbsp;{version}</td>" in text
