"""Text from a file or its manifest in the places where Qt guesses whether text is markup.

A tooltip has no text format of its own: Qt shows it as rich text when it looks like markup
(Qt.mightBeRichText), so a file named `<img src=…>.jpg` would be drawn, not shown. `tip` makes such text
plain for good: hidden characters escaped (domain.display.visible), markup quoted, line breaks kept.
"""

from __future__ import annotations

from PySide6.QtGui import Qt

from ..domain.display import visible


def tip(text: str) -> str:
    """`text` as a tooltip that shows exactly these characters (with visible escapes), wrapped by Qt."""
    return Qt.convertFromPlainText(visible(text, keep_newlines=True), Qt.WhiteSpaceMode.WhiteSpaceNormal)
