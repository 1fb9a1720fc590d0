"""ui/crash.py: an unexpected error is logged with secrets redacted and hidden characters escaped, and a short
dialog says the files are safe and where the details are (one dialog at a time)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication, QMessageBox

from trustnxt_desktop.ui.crash import CrashHandler

SECRET = "tnxt_secret_" + "s3cr3tv4lu3" * 3


def _raise(message: str) -> tuple[type[BaseException], BaseException, Any]:
    try:
        raise RuntimeError(message)
    except RuntimeError:
        kind, error, tb = sys.exc_info()
        assert kind is not None and error is not None
        return kind, error, tb


def _boxes() -> list[QMessageBox]:
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()]


def test_the_log_has_the_traceback_without_secrets_or_escape_codes(qtbot: Any, tmp_path: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    handler = CrashHandler(tmp_path / "logs", secrets=lambda: [SECRET])
    handler(*_raise(f"failed with key {SECRET} on \x1b[32mphoto.jpg"))
    assert handler.last_log is not None and handler.last_log.parent == tmp_path / "logs"
    text = handler.last_log.read_text("utf-8")
    assert "RuntimeError: failed with key" in text and "Traceback" in text
    assert SECRET not in text and "\x1b" not in text and "\\x1b[32mphoto.jpg" in text
    assert SECRET not in capsys.readouterr().err
    (box,) = _boxes()
    assert "Your files are safe" in box.text() and str(handler.last_log) in box.text()
    handler(*_raise("a second error while the first dialog is open"))
    assert len(_boxes()) == 1  # one dialog at a time
    box.done(0)
    assert _boxes() == []


def test_a_failing_keyring_does_not_stop_the_log(qtbot: Any, tmp_path: Path) -> None:
    def broken() -> list[str]:
        raise OSError("keyring locked")

    handler = CrashHandler(tmp_path, secrets=broken)
    handler(*_raise("boom"))
    assert handler.last_log is not None and "RuntimeError: boom" in handler.last_log.read_text()
    for box in _boxes():
        box.done(0)


def test_install_makes_it_the_excepthook(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(sys, "excepthook", sys.__excepthook__)
    handler = CrashHandler(tmp_path)
    handler.install()
    assert sys.excepthook is handler
