"""ui/user_guide.py: the offline guide shipped in the package opens with its pictures found beside it."""

from __future__ import annotations

import re
from typing import Any

from PySide6.QtCore import QUrl
from PySide6.QtGui import QImage, QPixmap, QTextDocument

from trustnxt_desktop.ui.user_guide import GUIDE, UserGuideDialog


def test_the_guide_opens_with_every_picture_it_names(qtbot: Any) -> None:
    dialog = UserGuideDialog()
    qtbot.addWidget(dialog)
    plain = dialog.browser.toPlainText()
    first_heading = next(line.lstrip("# ").strip() for line in GUIDE.read_text("utf-8").splitlines()
                         if line.startswith("#"))
    assert first_heading in plain and len(plain) > 1000
    pictures = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", GUIDE.read_text("utf-8"))
    assert pictures
    document = dialog.browser.document()
    for name in pictures:
        assert (GUIDE.parent / name).is_file(), name
        loaded = document.resource(QTextDocument.ResourceType.ImageResource, QUrl(name))
        assert isinstance(loaded, (QImage, QPixmap)) and not loaded.isNull(), name  # found beside the guide
    assert not dialog.isModal() and dialog.browser.openExternalLinks()
