"""Adding or changing a watch folder: the folder, where its protected copies go, and what they say and reveal."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ..domain.privacy import LocationChoice
from ..domain.protect import ContentSource
from ..services.watch.folders import WatchFolder, folder_problem

CLAIM_KEY, LOCATION_KEY, SERIALS_KEY = "content_source", "location", "strip_serials"  # ProtectOptions fields


class WatchFolderDialog(QDialog):
    def __init__(self, others: list[WatchFolder], default_claim: ContentSource, default_location: LocationChoice,
                 default_strip: bool, folder: WatchFolder | None = None, parent: QWidget | None = None) -> None:
        """`others`: the folders already watched (a folder is watched once); `folder`: the one being changed
        (None: a new one, with the defaults)."""
        super().__init__(parent)
        self.setWindowTitle("Change watch folder" if folder else "Add watch folder")
        self._others = others
        options = folder.options if folder else {}
        self.folder_edit = QLineEdit(str(folder.folder) if folder else "")
        self.folder_edit.setAccessibleName("Watched folder")
        self.out_edit = QLineEdit(str(folder.out_dir) if folder else "")
        self.out_edit.setAccessibleName("Output folder")
        self.claim = QComboBox()
        self.claim.setAccessibleName("What the copies say the files are")
        for source in ContentSource:
            self.claim.addItem(source.label, source.value)
        self.claim.setCurrentIndex(self.claim.findData(options.get(CLAIM_KEY, default_claim.value)))
        self.location = QComboBox()
        self.location.setAccessibleName("Location in the copies")
        for choice in LocationChoice:
            self.location.addItem(choice.label, choice.value)
        self.location.setCurrentIndex(self.location.findData(options.get(LOCATION_KEY, default_location.value)))
        self.strip = QCheckBox("Remove serial numbers and owner names")
        self.strip.setChecked(bool(options.get(SERIALS_KEY, default_strip)))
        self.recursive = QCheckBox("Include subfolders")
        self.recursive.setChecked(folder.recursive if folder else True)
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: #c62828;")
        self.problem.setAccessibleName("Problem")
        self.problem.hide()

        form = QFormLayout()
        form.addRow("&Watch:", self._with_browse(self.folder_edit, "Folder to watch"))
        form.addRow("Protected copies &go to:", self._with_browse(self.out_edit, "Folder for protected copies"))
        form.addRow("The copies &say the files are:", self.claim)
        form.addRow("&Location:", self.location)
        form.addRow("", self.strip)
        form.addRow("", self.recursive)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        explain = QLabel("New files in the folder are protected as soon as they are complete. The originals are "
                         "never changed; the protected copies go to their own folder.")
        explain.setWordWrap(True)
        layout.addWidget(explain)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)
        self.resize(620, self.sizeHint().height())

    def _with_browse(self, edit: QLineEdit, title: str) -> QWidget:
        button = QPushButton("Browse…")
        button.setAccessibleName(f"Browse for {edit.accessibleName().lower()}")
        button.clicked.connect(lambda: self._browse(edit, title))
        row = QWidget()
        layout = QHBoxLayout(row)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(edit, 1)
        layout.addWidget(button)
        return row

    def _browse(self, edit: QLineEdit, title: str) -> None:
        chosen = QFileDialog.getExistingDirectory(self, title, edit.text() or str(Path.home()))
        if chosen:
            edit.setText(chosen)

    def watch_folder(self) -> WatchFolder:
        """The folder as the dialog shows it now (not checked)."""
        options = {CLAIM_KEY: self.claim.currentData(), LOCATION_KEY: self.location.currentData(),
                   SERIALS_KEY: self.strip.isChecked()}
        return WatchFolder(Path(self.folder_edit.text().strip()).expanduser(),
                           Path(self.out_edit.text().strip()).expanduser(), options, self.recursive.isChecked())

    def accept(self) -> None:
        """Only a folder that can be watched is accepted; otherwise the dialog says why and stays open."""
        folder = self.watch_folder()
        if not self.folder_edit.text().strip() or not self.out_edit.text().strip():
            problem: str | None = "Choose the folder to watch and the folder for its protected copies."
        else:
            problem = folder_problem(folder.folder, folder.out_dir, self._others)
        if problem:
            self.problem.setText(problem)
            self.problem.show()
            return
        super().accept()


__all__ = ["WatchFolderDialog"]
