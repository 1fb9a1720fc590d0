"""ui/plain_text.py: text from a file or a manifest in a tooltip shows exactly its characters, never markup."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from PySide6.QtGui import Qt, QTextDocument
from PySide6.QtWidgets import QApplication

from trustnxt_desktop.ui.plain_text import tip


def _shown(rich: str) -> str:
    document = QTextDocument()
    document.setHtml(rich)
    return document.toPlainText()


def test_a_file_name_that_looks_like_markup_is_shown_as_written(qapp: QApplication) -> None:
    name = '<img src="https://tracker.example/x.png"><b>valid</b>.jpg'
    rich = tip(name)
    assert Qt.mightBeRichText(rich) and "<img" not in rich
    assert _shown(rich) == name


def test_hidden_characters_are_escaped_and_line_breaks_kept(qapp: QApplication) -> None:
    shown = _shown(tip("line one\n\u202egpj.exe\x1b[31m"))
    assert shown.splitlines() == ["line one", "\\u202egpj.exe\\x1b[31m"]


@given(st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7e), max_size=60))
def test_printable_text_round_trips(qapp: QApplication, text: str) -> None:
    assert _shown(tip(text)).replace("\u00a0", " ").split() == text.split()
