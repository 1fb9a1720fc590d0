"""Words on real widgets: devices named once, counts with the right plural, plain action names, and a first
status-bar message that does not speak of trust lists in use when none is downloaded."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QTextDocumentFragment
from PySide6.QtWidgets import QLabel

from tests.conftest import CORPUS
from tests.trust_server import trust_mirror
from tests.ui.conftest import until
from trustnxt_desktop.services.records import text_report
from trustnxt_desktop.services.trust import lists as trust_lists
from trustnxt_desktop.services.trust.lists import BASE_URL_ENV, TrustLists
from trustnxt_desktop.ui import main_window as main_window_module

CANON_EXIF = CORPUS / "c2pa" / "adobe-20220124-A.jpg"  # no credentials; EXIF Make "Canon", Model "Canon EOS REBEL T3"
ONE_INGREDIENT = CORPUS / "c2pa" / "adobe-20220124-CA.jpg"  # opened + colour adjustments, one source file


def texts(widget) -> str:
    return "\n".join(label.text() for label in widget.findChildren(QLabel))


async def test_inspect_view_names_devices_once_and_counts_right(window) -> None:
    view = window.inspect
    (canon,) = await view.open_paths_async([CANON_EXIF])
    assert view.count_label.text() == "1 file"
    view.select_row(0)
    overview = texts(view.report.overview)
    assert "Canon EOS REBEL T3" in overview and "Canon Canon" not in overview
    assert view.proxy.index(0, 5).data() == "Canon EOS REBEL T3"  # the table's Device column
    assert "Canon EOS REBEL T3" in text_report.render(canon) and "Canon Canon" not in text_report.render(canon)

    (ca,) = await view.open_paths_async([ONE_INGREDIENT])
    assert view.count_label.text() == "2 files"
    view.select_row(1)
    problems = len(ca.validation.failure)
    assert view.report.tabs.tabText(3) == f"Evidence ({problems} problem{'' if problems == 1 else 's'})"
    ingredients = next(c for c in ca.checks if c.id == "ingredients").detail
    assert "1 source files" not in ingredients and "source file" in ingredients
    history = view.report.history
    shown = [history.topLevelItem(i).text(0) for i in range(history.topLevelItemCount())]
    assert shown == ["Opened an existing file", "Colours adjusted"]
    # the raw name stays one hover away (the tooltip is plain text made safe for Qt's markup guess)
    shown_tip = QTextDocumentFragment.fromHtml(history.topLevelItem(1).toolTip(0)).toPlainText()
    assert shown_tip == "c2pa.color_adjustments"
    cli = text_report.render(ca)
    assert "history: Opened an existing file; Colours adjusted" in cli and "color_adjustments" not in cli


async def _first_check_message(qtbot, context) -> str:
    """Open the window on a fresh profile, offline (the list addresses point at a closed port, see
    tests/conftest.py), and return the status-bar message of its first trust-list check."""
    w = main_window_module.MainWindow(context)
    qtbot.addWidget(w)
    w.show()
    try:
        await until(lambda: "trust lists" in w.statusBar().currentMessage(), timeout=30)
        return w.statusBar().currentMessage()
    finally:
        await w.aclose()


async def test_first_status_message_names_the_lists_shipped_with_the_app(qtbot, context, monkeypatch) -> None:
    monkeypatch.setattr(main_window_module, "TRUST_CHECK_DELAY_MS", 50)
    message = await _first_check_message(qtbot, context)
    assert message == ("Could not check for newer trust lists; the lists shipped with the app stay in use "
                       "(see Settings › Trust).")


async def test_first_status_message_without_any_list(qtbot, context, monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setattr(main_window_module, "TRUST_CHECK_DELAY_MS", 50)
    monkeypatch.setattr(trust_lists, "BUNDLED_DIR", tmp_path / "missing")  # an installation without them
    message = await _first_check_message(qtbot, context)
    assert "in use" not in message and "in force" not in message, message
    assert "none is available" in message and "Settings › Trust" in message


async def test_a_failed_check_keeps_the_lists_downloaded_before(window, context, tmp_path: Path,
                                                                monkeypatch) -> None:
    with trust_mirror(tmp_path / "mirror") as mirror:
        monkeypatch.setenv(BASE_URL_ENV, mirror.url)
        await window.check_trust_lists_async()
        assert window.statusBar().currentMessage().startswith("Trust lists updated.")
    monkeypatch.setattr(TrustLists, "due", lambda self: True)  # the weekly check comes round, now offline
    await window.check_trust_lists_async()
    assert window.statusBar().currentMessage() == ("Could not check for newer trust lists; the lists downloaded "
                                                   "before stay in use (see Settings › Trust).")
