"""Window-level behaviour: shortcuts, accessible names, about, crash handling, files opened by the system,
damaged stores said. The program run from its start (arguments, start and quit) is in tests/test_app.py."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QAbstractButton, QLabel, QLineEdit, QTabBar

from tests.conftest import CORPUS, PROJECT
from tests.expect import present
from tests.ui.conftest import until


async def test_shortcuts_and_accessible_names(window) -> None:
    shortcuts = {a.text().replace("&", ""): a.shortcut().toString() for a in window.actions()}
    assert shortcuts["Open files to inspect…"] == QKeySequence(QKeySequence.StandardKey.Open).toString()
    assert shortcuts["Protect files…"] == "Ctrl+P" and shortcuts["Settings…"] == "Ctrl+,"
    assert shortcuts["Inspect"] == "Ctrl+2" and shortcuts["Next file"] == "Ctrl+J"
    for view in (window.protect, window.inspect):
        for button in view.findChildren(QAbstractButton):
            # Qt's own internals: table corner button, line-edit clear button, tab-bar scroll arrows.
            if button.objectName().startswith("qt_") or isinstance(button.parent(), (QLineEdit, QTabBar)):
                continue
            assert button.text() or button.accessibleName(), button
    assert window.protect.table.accessibleName() and window.inspect.table.accessibleName()
    assert "Engine: local" in window.engine_status.text()


async def test_about_lists_component_versions(window) -> None:
    dialog = window.open_about()
    text = "\n".join(label.text() for label in dialog.findChildren(QLabel))
    assert "c2pa-python" in text and "PySide6" in text and "0.1.0" in text
    dialog.reject()


HOSTILE_NAME = "\x1b[2J\x1b[32mall good\x1b[0m\u202egpj.exe"
HOSTILE_SHOWN = "\\x1b[2J\\x1b[32mall good\\x1b[0m\\u202egpj.exe"


async def test_unexpected_error_is_logged_redacted(window, context, qtbot) -> None:
    from trustnxt_desktop.ui.crash import CrashHandler

    handler = CrashHandler(context.root / "logs")
    try:
        raise RuntimeError("boom while sending X-API-Key: tnxt_live_abcdef123456 to the server")
    except RuntimeError as e:
        handler(type(e), e, e.__traceback__)
    log = present(handler.last_log, "crash log").read_text()
    assert "boom" in log and "abcdef123456" not in log

    try:  # a file name carrying terminal escape codes, quoted in an error
        raise OSError(f"cannot read {HOSTILE_NAME}")
    except OSError as e:
        handler(type(e), e, e.__traceback__)
    log = present(handler.last_log, "crash log").read_text()
    assert f"cannot read {HOSTILE_SHOWN}" in log and "Traceback (most recent call last):\n" in log
    assert "\x1b" not in log and "\u202e" not in log


async def test_files_opened_by_the_system_are_inspected(window) -> None:
    """macOS sends a FileOpen event for a file dropped on the Dock icon; the app inspects it."""
    from PySide6.QtGui import QFileOpenEvent
    from PySide6.QtWidgets import QApplication

    from trustnxt_desktop.app import _open_files_from_the_system

    app = QApplication.instance()
    assert app is not None
    _open_files_from_the_system(app, window)
    QApplication.sendEvent(app, QFileOpenEvent(str(CORPUS / "c2pa" / "adobe-20220124-C.jpg")))
    await until(lambda: len(window.inspect.reports()) == 1)
    assert window.inspect.reports()[0].file.name == "adobe-20220124-C.jpg"
    assert window.pages.currentWidget() is window.inspect


async def test_damaged_stores_are_said_once_when_the_window_opens(home, secret_store, qtbot) -> None:
    from PySide6.QtWidgets import QMessageBox

    from tests.damaged_files import damage_sqlite, filled_stores, set_aside_copies
    from trustnxt_desktop.services.app_context import AppContext
    from trustnxt_desktop.ui.main_window import MainWindow

    filled_stores(home, secret_store)
    for name in ("jobs.sqlite3", "usage.sqlite3", "verification-log.sqlite3"):
        damage_sqlite(home / name, "corrupted pages")
    context = AppContext.create(home)  # before: sqlite3.DatabaseError, and no window at all
    window = MainWindow(context)
    window.show()
    try:
        box = window.findChild(QMessageBox, "storeNotice")
        assert box is not None and box.isVisible()
        (jobs_aside,) = set_aside_copies(home / "jobs.sqlite3")
        (ledger_aside,) = set_aside_copies(home / "usage.sqlite3")
        assert f"moved to {jobs_aside}" in box.text() and f"moved to {ledger_aside}" in box.text()
        assert f"{home / 'verification-log.sqlite3'} is damaged" in box.text() and "left where it is" in box.text()
        assert window.statusBar().currentMessage() == (
            "Damaged and set aside: usage ledger, verification log, job queue.")
        if os.environ.get("TRUSTNXT_SCREENSHOT_DIR"):
            box.grab().save(os.path.join(os.environ["TRUSTNXT_SCREENSHOT_DIR"], "store-notice.png"))
        box.accept()
        assert window.show_store_notices() is None, "said once"
    finally:
        await window.aclose()
        await context.aclose()  # before the window closes: closing the last window ends the event loop
        window.close()
        window.deleteLater()


def test_building_the_window_loads_no_parser_no_http_client_and_no_multimedia(tmp_path: Path) -> None:
    """The first paint waits for nothing the window does not draw: c2pa and Pillow load in the parser workers (or
    with the first protect), httpx with the first network call, Qt Multimedia when Capture is first shown."""
    code = (
        "import json, sys\n"
        "from PySide6.QtWidgets import QApplication\n"
        "app = QApplication([])\n"
        "from trustnxt_desktop.services.app_context import AppContext\n"
        "from trustnxt_desktop.ui.main_window import MainWindow\n"
        "window = MainWindow(AppContext.create())\n"
        "window.show()\n"
        "app.processEvents()\n"
        "print(json.dumps([m for m in ('c2pa', 'PIL', 'httpx', 'encypher_c2pa', 'PySide6.QtMultimedia')"
        " if m in sys.modules]))\n"
        "import os; os._exit(0)\n"  # only what was loaded matters here, not an orderly quit
    )
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "TRUSTNXT_HOME": str(tmp_path / "home")}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120,
                         cwd=PROJECT)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout.splitlines()[-1]) == []


async def test_the_window_fits_a_1280_pixel_wide_screen(window) -> None:
    """Every page's rows of buttons together used to need 1,309 pixels: the window was cut off on 1280×800
    laptops. Each page's minimum width, with the navigation beside it, now fits."""
    assert window.minimumSizeHint().width() <= 1280, window.minimumSizeHint()
