"""The main window. Its protect, inspect and usage views arrive with the desktop-app work."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QMainWindow, QVBoxLayout, QWidget

from .. import APP_NAME, __version__
from ..services.settings import Settings


class MainWindow(QMainWindow):
    def __init__(self, settings: Settings) -> None:
        super().__init__()
        self.settings = settings
        self.setWindowTitle(APP_NAME)
        self.resize(960, 640)
        body = QWidget(self)
        layout = QVBoxLayout(body)
        title = QLabel(f"<h1>{APP_NAME}</h1><p>Version {__version__} · engine: {settings.backend}</p>")
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        title.setAccessibleName("Application title")
        layout.addWidget(title)
        self.setCentralWidget(body)
        self.statusBar().showMessage("Ready")
