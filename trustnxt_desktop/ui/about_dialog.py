"""About: what this is, and the exact versions of every component (useful in bug reports)."""

from __future__ import annotations

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import Qt, qVersion
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from .. import APP_NAME, __version__
from ..services import versions
from .icons import app_icon


def qt_versions() -> list[tuple[str, str]]:
    return [("Qt", qVersion()), ("PySide6", pyside_version)]


def component_versions() -> list[tuple[str, str]]:
    return [*qt_versions(), *versions.component_versions()]


class AboutDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"About {APP_NAME}")
        icon = QLabel()
        icon.setPixmap(app_icon().pixmap(72, 72))
        rows = "".join(f"<tr><td>{n}</td><td>&nbsp;{v}</td></tr>" for n, v in component_versions())
        text = QLabel(
            f"<h2>{APP_NAME} {__version__}</h2>"
            "<p>Protect your media with a signed Trust Label (C2PA Content Credentials) and inspect the media "
            "you receive. Works offline; uses the TrustNXT APIs when you have an account.</p>"
            f"<table>{rows}</table><p><small>{versions.operating_system()}</small></p>")
        text.setWordWrap(True)
        text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        layout = QVBoxLayout(self)
        layout.addWidget(icon, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addWidget(text)
        layout.addWidget(buttons)
