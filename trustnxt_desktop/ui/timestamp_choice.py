"""The choice of timestamp authority (Settings › Protect and the first-run welcome): one of the authorities whose
operators are on the C2PA TSA trust list (domain.timestamps), your own, or none."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QVBoxLayout, QWidget

from ..domain.timestamps import DEFAULT_TSA_URL, TIMESTAMP_AUTHORITIES, WHAT_A_TIMESTAMP_PROVES, authority

OWN = "own"
NONE = "none"


class TimestampChoice(QWidget):
    """A list of authorities, a field for your own authority's URL (shown when chosen) and what a timestamp
    proves. `value()` gives (timestamps on, URL): the settings' `timestamps` and `tsa_url`."""

    def __init__(self, timestamps: bool, url: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.authority = QComboBox()
        for listed in TIMESTAMP_AUTHORITIES:
            self.authority.addItem(f"{listed.label} — {listed.url}", listed.url)
            self.authority.setItemData(self.authority.count() - 1,
                                       f"{listed.operator} is on the C2PA TSA trust list. {listed.note}",
                                       Qt.ItemDataRole.ToolTipRole)
        self.authority.addItem("Your own timestamp authority…", OWN)
        self.authority.addItem("No timestamps", NONE)
        self.own_url = QLineEdit()
        self.own_url.setPlaceholderText("http://… (an RFC 3161 timestamp authority)")
        note = QLabel(f"<small>{WHAT_A_TIMESTAMP_PROVES} Only a fingerprint of the signature is sent to the "
                      "authority, never your file. Offline, files are protected without one and marked "
                      "“no timestamp yet”.</small>")
        note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.authority)
        layout.addWidget(self.own_url)
        layout.addWidget(note)
        self.authority.currentIndexChanged.connect(self._show_own)
        self.set_value(timestamps, url)

    def set_value(self, timestamps: bool, url: str) -> None:
        url = url.strip()
        if not timestamps:
            choice = NONE
        elif not url or authority(url) is not None:
            choice = url or DEFAULT_TSA_URL
        else:
            choice = OWN
            self.own_url.setText(url)
        self.authority.setCurrentIndex(self.authority.findData(choice))
        self._show_own()

    def value(self) -> tuple[bool, str]:
        choice = str(self.authority.currentData())
        if choice == NONE:
            return False, ""
        if choice == OWN:
            own = self.own_url.text().strip()
            return True, own  # empty: the default authority (Settings.timestamp_authority)
        return True, choice

    def _show_own(self) -> None:
        self.own_url.setVisible(self.authority.currentData() == OWN)
