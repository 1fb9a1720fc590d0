"""Render the app icon (drawn in code, see trustnxt_desktop/ui/icons.py) into the files installers need:
PNG at the hicolor sizes, a Windows .ico, and an .iconset folder that macOS' iconutil turns into .icns."""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def main(out: Path) -> None:
    from PIL import Image
    from PySide6.QtGui import QGuiApplication

    from trustnxt_desktop.ui.icons import app_icon

    app = QGuiApplication(sys.argv[:1])  # noqa: F841 - pixmaps need an application
    out.mkdir(parents=True, exist_ok=True)
    iconset = out / "trustnxt-desktop.iconset"
    iconset.mkdir(exist_ok=True)
    for size in SIZES:
        pixmap = app_icon().pixmap(size, size)
        pixmap.save(str(out / f"trustnxt-desktop-{size}.png"))
        pixmap.save(str(iconset / f"icon_{size}x{size}.png"))
        if size <= 256:
            app_icon().pixmap(size * 2, size * 2).save(str(iconset / f"icon_{size}x{size}@2x.png"))
    with Image.open(out / "trustnxt-desktop-256.png") as im:
        im.save(out / "trustnxt-desktop.ico", sizes=[(s, s) for s in SIZES if s <= 256])


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("build/icons"))
