"""The offline user guide (Help › User guide): Markdown shipped inside the package, pictures beside it."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

from .. import APP_NAME

# Inside a frozen bundle too: packaging/trustnxt-desktop.spec copies the folder to the same place.
GUIDE = Path(__file__).resolve().parents[1] / "resources" / "guide" / "guide.md"


class UserGuideDialog(QDialog):
    """Not modal: people read it while they work. Links to web pages open in the browser."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"{APP_NAME} user guide")
        self.resize(860, 760)
        self.browser = QTextBrowser()
        self.browser.setAccessibleName("User guide")
        self.browser.setOpenExternalLinks(True)
        self.browser.setSearchPaths([str(GUIDE.parent)])
        self.browser.setSource(QUrl.fromLocalFile(str(GUIDE)), QTextDocument.ResourceType.MarkdownResource)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser, 1)
        layout.addWidget(buttons)
