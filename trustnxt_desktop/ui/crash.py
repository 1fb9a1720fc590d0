"""Last line of defence: an unexpected error is logged (secrets redacted) and explained in a short dialog."""

from __future__ import annotations

import datetime as dt
import sys
import traceback
from collections.abc import Callable, Iterable
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from .. import APP_NAME, __version__
from ..domain.display import visible
from ..services.redact import redact


class CrashHandler:
    def __init__(self, log_dir: Path, secrets: Callable[[], Iterable[str]] = lambda: ()) -> None:
        self.log_dir = log_dir
        self._secrets = secrets  # values known to be secret right now (e.g. the stored API key)
        self.last_log: Path | None = None
        self._box: QMessageBox | None = None  # the dialog on screen: held here, or Python would delete it at once

    def install(self) -> None:
        sys.excepthook = self

    def __call__(self, kind: type[BaseException], error: BaseException, tb: TracebackType | None) -> None:
        text = "".join(traceback.format_exception(kind, error, tb))
        try:
            known = list(self._secrets())
        except Exception:  # noqa: BLE001 - the keyring itself may be what failed
            known = []
        clean = visible(redact(text, known), keep_newlines=True)  # a file name in a message must not drive a terminal
        self.log_dir.mkdir(parents=True, exist_ok=True)
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
        self.last_log = self.log_dir / f"crash-{stamp}.log"
        self.last_log.write_text(f"{APP_NAME} {__version__}\n{clean}", "utf-8")
        print(clean, file=sys.stderr)
        if QApplication.instance() is not None and self._box is None:
            box = QMessageBox(QMessageBox.Icon.Critical, APP_NAME,
                              "Something went wrong inside TrustNXT Desktop. Your files are safe: originals are "
                              "never changed and unfinished copies are discarded.\n\n"
                              f"Details were saved to {self.last_log} (without any secrets).")
            box.setTextFormat(Qt.TextFormat.PlainText)
            box.finished.connect(self._closed)
            self._box = box
            box.open()

    def _closed(self, _result: int) -> None:
        box, self._box = self._box, None
        if box is not None:
            box.deleteLater()
