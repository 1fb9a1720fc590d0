"""Render each main view with real data to docs/screenshots/*.png (offscreen, throwaway profile).

Run: bench/run docs/screenshots.py          (needs the keyring sandbox because protecting signs for real)
     bench/run docs/screenshots.py --dark   (only the inspection view, in the dark palette)
"""

from __future__ import annotations

import asyncio
import os
import shutil
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("TRUSTNXT_TRUST_BASE_URL", "http://127.0.0.1:9/trust")  # no internet while rendering
PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))
CORPUS = PROJECT.parent / "shared" / "corpus"
OUT = PROJECT / "docs" / "screenshots"
DARK = "--dark" in sys.argv
if DARK:
    os.environ["TRUSTNXT_COLOR_SCHEME"] = "dark"


async def settle(seconds: float = 0.3) -> None:
    await asyncio.sleep(seconds)


async def shoot() -> None:
    from PySide6.QtWidgets import QApplication

    from trustnxt_desktop.services.app_context import AppContext
    from trustnxt_desktop.ui.main_window import INSPECT_PAGE, MainWindow

    work = Path(tempfile.mkdtemp(prefix="trustnxt-shots-"))
    os.environ["TRUSTNXT_HOME"] = str(work / "home")
    shoot_dir = work / "Holiday shoot"
    shoot_dir.mkdir()
    for name in ("P1000827.jpg", "trustnxt-icon.jpg", "sample1.png", "sample1.heic", "sample1.webp", "c.mov",
                 "sample1.m4a"):
        shutil.copy(CORPUS / "media" / name, shoot_dir / name)
    shutil.copy(CORPUS / "hostile" / "no_alg.jpg", shoot_dir / "from-old-phone.jpg")

    context = AppContext.create()
    window = MainWindow(context)
    window.resize(1280, 800)
    window.show()
    OUT.mkdir(parents=True, exist_ok=True)

    await window.protect.add_paths_async([shoot_dir])
    await window.protect.queue.wait_idle()
    await window.usage.refresh_async()
    await settle(0.8)
    if not DARK:
        window.grab().save(str(OUT / "protect.png"))

    window.nav.setCurrentRow(INSPECT_PAGE)
    files = [CORPUS / "c2pa" / n for n in ("truepic-20230212-camera.jpg", "adobe-20240110-single_manifest_store.pdf",
                                          "adobe-20220124-CAI.jpg", "adobe-20220124-E-dat-CA.jpg",
                                          "trustnxt-icon-signed-timestamp.jpg")]
    protected = sorted(shoot_dir.glob("P1000827.protected.jpg"))
    await window.inspect.open_paths_async(protected + files + [CORPUS / "hostile" / "nested_moov_1000.mp4"])
    await window.usage.refresh_async()
    shots = [(0, 0, "inspect-trusted.png"), (1, 0, "inspect-truepic.png"), (2, 0, "inspect-ai-generated.png"),
             (3, 2, "inspect-ingredients.png"), (4, 3, "inspect-tampered-evidence.png")]
    if DARK:
        shots = [(1, 0, "inspect-dark.png")]
    for row, tab, name in shots:
        window.inspect.select_row(row)
        window.inspect.report.tabs.setCurrentIndex(tab)
        await settle(0.6)
        window.grab().save(str(OUT / name))
    if DARK:
        await window.aclose()
        await context.aclose()
        window.close()
        QApplication.instance().quit()  # type: ignore[union-attr]
        return

    from trustnxt_desktop.ui.frame_source import SyntheticFrameSource
    from trustnxt_desktop.ui.main_window import CAPTURE_PAGE

    window.nav.setCurrentRow(CAPTURE_PAGE)
    window.capture.use_frame_source(SyntheticFrameSource(size=(1600, 900)))
    for _ in range(2):
        await window.capture.take_photo_async()
    if window.capture.recorder is not None:
        await window.capture.record_for(1.0)
    await window.capture.protector.wait_idle()
    await settle(0.5)
    window.grab().save(str(OUT / "capture.png"))

    dialog = window.open_settings()
    await settle(0.8)
    dialog.grab().save(str(OUT / "settings.png"))
    dialog.tabs.setCurrentIndex(1)
    await settle(0.3)
    dialog.grab().save(str(OUT / "settings-identity.png"))
    dialog.reject()

    from tests.trust_server import trust_mirror  # ../shared/trust on 127.0.0.1: real downloads, no internet

    with trust_mirror(work / "mirror") as mirror:
        os.environ["TRUSTNXT_TRUST_BASE_URL"] = mirror.url
        dialog = window.open_trust_settings()
        await dialog.trust_page.update_async()
        await settle(0.5)
        dialog.grab().save(str(OUT / "settings-trust.png"))
        dialog.reject()
    log = window.open_verification_log()
    await settle(0.8)
    log.grab().save(str(OUT / "verification-log.png"))
    log.reject()
    about = window.open_about()
    await settle(0.2)
    about.grab().save(str(OUT / "about.png"))
    about.reject()
    await window.aclose()
    await context.aclose()
    window.close()
    QApplication.instance().quit()  # type: ignore[union-attr]
    shutil.rmtree(work, ignore_errors=True)
    print(f"screenshots in {OUT}")


def main() -> None:
    import qasync
    from PySide6.QtWidgets import QApplication

    from trustnxt_desktop.ui.theme import apply_palette

    app = QApplication(sys.argv[:1])
    apply_palette(app)
    qasync.run(shoot())


if __name__ == "__main__":
    main()
