"""ui/shortcuts_dialog.py: menu texts without mnemonic marks, and every shortcut of an action as the platform
writes it (the dialog itself, made from the real window's actions, is tested in test_help.py)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication

from trustnxt_desktop.ui.shortcuts_dialog import keys, plain


def test_mnemonics_are_dropped_and_a_doubled_ampersand_stays_one() -> None:
    assert plain("&Protect files…") == "Protect files…"
    assert plain("Save && e&xport") == "Save & export"


@given(st.text(alphabet=st.characters(blacklist_characters="&\0"), max_size=30))
def test_text_without_ampersands_is_unchanged(text: str) -> None:
    assert plain(text) == text
    assert plain(text.replace(" ", " && ")) == text.replace(" ", " & ")


def test_every_shortcut_of_an_action_is_listed(qapp: QApplication) -> None:
    action = QAction("&Open")
    action.setShortcuts([QKeySequence("Ctrl+O"), QKeySequence(), QKeySequence("F3")])
    expected = ", ".join(QKeySequence(k).toString(QKeySequence.SequenceFormat.NativeText) for k in ("Ctrl+O", "F3"))
    assert keys(action) == expected
    assert keys(QAction("None")) == ""
