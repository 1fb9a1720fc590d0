"""Render each main view with real data to docs/screenshots/*.png (offscreen, throwaway profile).

Run: bench/run docs/screenshots.py          (needs the keyring sandbox because protecting signs for real)
     bench/run docs/screenshots.py --dark   (only the inspection view, in the dark palette)
     bench/run docs/screenshots.py --scale=1.5   (only Settings › Trust, at 150 % display scaling)
     bench/run docs/screenshots.py --validators [--dark]   (only the two-validator cross-check of Inspect)
     bench/run docs/screenshots.py --identity [--dark]   (only a protected copy's CAWG identity, inspected)
     bench/run docs/screenshots.py --copies [--dark]   (only Export for web, Edit caption and the web copy's history)
     bench/run docs/screenshots.py --privacy [--dark]   (only the Protect view's privacy check)
     bench/run docs/screenshots.py --timestamps [--dark]   (only Add timestamps for copies protected offline)
     bench/run docs/screenshots.py --certificates [--dark]   (only a certificate from a CA and a signed PDF report)
     bench/run docs/screenshots.py --recovered [--dark]   (only credentials recovered for a stripped copy, inspected)
     bench/run docs/screenshots.py --watch [--dark]   (only the Watch page: watch folders and a camera card)
"""

from __future__ import annotations

import asyncio
import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from trustnxt_desktop.ui.main_window import MainWindow
    from trustnxt_desktop.ui.report_view import ReportView

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("TRUSTNXT_TRUST_BASE_URL", "http://127.0.0.1:9/trust")  # no internet while rendering
os.environ.setdefault("TRUSTNXT_TSA_URL", "")  # nor a public timestamp authority (the --timestamps views run one)
PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))
CORPUS = PROJECT.parent / "shared" / "corpus"
OUT = PROJECT / "docs" / "screenshots"
DARK = "--dark" in sys.argv
if DARK:
    os.environ["TRUSTNXT_COLOR_SCHEME"] = "dark"
# --scale=1.5: only Settings › Trust, at that display scaling (must be set before Qt starts)
SCALE = next((a.split("=", 1)[1] for a in sys.argv if a.startswith("--scale=")), None)
VALIDATORS = "--validators" in sys.argv
IDENTITY = "--identity" in sys.argv
COPIES = "--copies" in sys.argv
PRIVACY = "--privacy" in sys.argv
TIMESTAMPS = "--timestamps" in sys.argv
CERTIFICATES = "--certificates" in sys.argv
RECOVERED = "--recovered" in sys.argv
WATCH = "--watch" in sys.argv
if SCALE:
    os.environ["QT_SCALE_FACTOR"] = SCALE


async def settle(seconds: float = 0.3) -> None:
    await asyncio.sleep(seconds)


def shot(name: str) -> Path:
    """docs/screenshots/<name>.png, or <name>-dark.png in the dark run."""
    return OUT / f"{name}{'-dark' if DARK else ''}.png"


async def shoot_shipped_trust(window: MainWindow, target: Path) -> str:
    """Settings › Trust as a new installation shows it, the picture the user guide uses: the lists shipped with
    the app, never checked, no mirror (the published addresses). Taken while the welcome is open, so the
    automatic check has not run yet. Returns the page's status line."""
    mirror = os.environ.pop("TRUSTNXT_TRUST_BASE_URL", None)  # the published locations, as a user has them
    try:
        dialog = window.open_trust_settings()
        await dialog.trust_page.refresh_async()
        await settle(0.5)
        dialog.grab().save(str(target))
        status: str = dialog.trust_page.update_status.text()
        dialog.reject()
    finally:
        if mirror is not None:
            os.environ["TRUSTNXT_TRUST_BASE_URL"] = mirror
    return status


async def shoot_trust(window: MainWindow, work: Path, name: str) -> None:
    """Settings › Trust after a real download of the lists (from a mirror of ../shared/trust on 127.0.0.1)."""
    from tests.trust_server import trust_mirror

    with trust_mirror(work / "mirror") as mirror:
        os.environ["TRUSTNXT_TRUST_BASE_URL"] = mirror.url
        dialog = window.open_trust_settings()
        await dialog.trust_page.update_async()
        await settle(0.5)
        dialog.grab().save(str(OUT / name))
        dialog.reject()


async def shoot_welcome(window: MainWindow) -> None:
    """The first-run welcome, page by page, as a new user sees it (before any identity exists); then Finish."""
    from PySide6.QtWidgets import QWizard

    wizard = window.open_welcome()
    await settle(0.5)
    wizard.grab().save(str(shot("welcome")))
    await shoot_shipped_trust(window, shot("settings-trust-shipped"))  # a new user's state, before any check
    wizard.next()
    wizard.name.setText("Ana Lima")
    wizard.organisation.setText("Diário do Sul")
    await settle(0.2)
    wizard.grab().save(str(shot("welcome-identity")))
    for name in ("welcome-engine", "welcome-trust", "welcome-timestamps"):
        wizard.next()
        await settle(0.2)
        wizard.grab().save(str(shot(name)))
    finished = asyncio.Event()
    wizard.finished.connect(lambda _result: finished.set())
    wizard.button(QWizard.WizardButton.FinishButton).click()  # the later shots show Ana Lima, not the login
    await asyncio.wait_for(finished.wait(), 60)


async def shoot_help(window: MainWindow) -> None:
    """Help › User guide and Help › Keyboard shortcuts."""
    guide = window.open_user_guide()
    await settle(0.5)
    guide.grab().save(str(shot("user-guide")))
    guide.close()
    shortcuts = window.open_shortcuts()
    await settle(0.3)
    shortcuts.grab().save(str(shot("shortcuts")))
    shortcuts.close()


GUIDE_PICTURE_WIDTH = 720  # the guide's text column; the packaged copies stay small


def guide_pictures() -> None:
    """Copy the screenshots the user guide shows into the package, scaled to the guide's width."""
    import re

    from PySide6.QtCore import Qt
    from PySide6.QtGui import QColor, QImage, QPainter

    from trustnxt_desktop.ui.user_guide import GUIDE

    for name in re.findall(r"!\[[^\]]*\]\(([^)]+\.png)\)", GUIDE.read_text("utf-8")):
        image = QImage(str(OUT / name))
        assert not image.isNull(), f"the guide shows {name}, which docs/screenshots.py did not render"
        small = image.scaledToWidth(min(GUIDE_PICTURE_WIDTH, image.width()), Qt.TransformationMode.SmoothTransformation)
        painter = QPainter(small)  # a thin frame: in the guide a picture of a window must not pass for the window
        painter.setPen(QColor("#9e9e9e"))
        painter.drawRect(0, 0, small.width() - 1, small.height() - 1)
        painter.end()
        small.save(str(GUIDE.parent / name))


def scroll_to_section(report_view: ReportView, title: str) -> None:
    """Scroll the report's overview so the section headed `title` is at the top."""
    from PySide6.QtCore import QPoint
    from PySide6.QtWidgets import QLabel

    label = next(w for w in report_view.overview.findChildren(QLabel) if w.text() == title)
    report_view._scroll.verticalScrollBar().setValue(label.mapTo(report_view.overview, QPoint(0, 0)).y() - 8)


async def shoot_identity(window: MainWindow, work: Path) -> None:
    """A photo protected with an identity made here for a named photographer, then inspected: the CAWG identity
    assertion naming her, trusted under her identity's own root (the second validator's judgement)."""
    from trustnxt_desktop.domain.protect import ContentSource
    from trustnxt_desktop.ui.main_window import INSPECT_PAGE

    source = work / "harbour.jpg"
    shutil.copy(CORPUS / "media" / "P1000827.jpg", source)
    await window.context.identity.create("Ana Lima", "Diário do Sul", replace=False)
    await window.protect.add_paths_async([source], ContentSource.CAMERA)
    await window.protect.queue.wait_idle()
    window.nav.setCurrentRow(INSPECT_PAGE)
    await window.inspect.open_paths_async(sorted(work.glob("harbour.protected.jpg")))
    window.inspect.select_row(0)
    await settle(0.8)
    scroll_to_section(window.inspect.report, "Identity (CAWG)")
    await settle(0.2)
    window.grab().save(str(shot("inspect-photographer-identity")))


async def shoot_copies(window: MainWindow, work: Path) -> None:
    """A geotagged photo protected, then the Export for web and Edit caption dialogs on its row, and the web copy
    inspected: its history opens the protected file (parent ingredient) and says it was resized and re-encoded."""
    from tests.geotagged import geotagged_jpeg
    from trustnxt_desktop.ui.copy_dialogs import CaptionDialog, ExportWebDialog
    from trustnxt_desktop.ui.main_window import INSPECT_PAGE

    photo = geotagged_jpeg(work / "harbour.jpg", 2400, 1600)
    window.context.settings.timestamps = False  # offline here: no "no timestamp yet" note in the shots
    await window.protect.add_paths_async([photo])
    await window.protect.queue.wait_idle()
    view = window.protect
    view.table.setCurrentIndex(view.model.index(0, 0))
    actions = view.copy_actions
    assert actions is not None
    view.caption_button.click()
    while not isinstance(actions.dialog, CaptionDialog):
        await settle(0.05)
    await settle(0.3)
    actions.dialog.grab().save(str(shot("edit-caption")))
    actions.dialog.reject()
    view.export_web_button.click()
    while not isinstance(actions.dialog, ExportWebDialog):
        await settle(0.05)
    dialog = actions.dialog
    dialog.long_edge.setValue(1600)
    dialog.format.setCurrentIndex(dialog.format.findData("webp"))
    dialog.remove_location.setChecked(True)
    await settle(0.3)
    dialog.grab().save(str(shot("export-web")))
    dialog.accept()
    while "Saved" not in view.summary.text():
        await settle(0.1)
    await settle(0.5)
    window.grab().save(str(shot("protect-copies")))
    window.nav.setCurrentRow(INSPECT_PAGE)
    await window.inspect.open_paths_async(sorted(work.glob("harbour.protected.web.webp")))
    while not window.inspect.model.reports or window.inspect.model.reports[0] is None:
        await settle(0.1)
    window.inspect.table.setCurrentIndex(window.inspect.proxy.index(0, 0))
    window.inspect.report.tabs.setCurrentIndex(1)
    await settle(0.8)
    window.grab().save(str(shot("inspect-web-copy")))


async def shoot_privacy(window: MainWindow, work: Path) -> None:
    """The Protect view's privacy check on a small shoot that reveals a position, serial numbers and an owner
    (tests/revealing_media.py), with the location coarsened to the city and serials and owner removed."""
    from tests.revealing_media import revealing_file
    from trustnxt_desktop.domain.privacy import LocationChoice

    files = [revealing_file(name, work / "card") for name in ("sample1.jpg", "sample1.png", "c.mov", "sample1.wav")]
    panel = window.protect.privacy
    assert panel is not None
    panel.location.setCurrentIndex(panel.location.findData(LocationChoice.CITY.value))
    panel.strip.setChecked(True)
    await panel.check_async(files)
    first = panel.tree.topLevelItem(0)
    assert first is not None, "the privacy check listed no file"
    first.setExpanded(True)
    await settle(0.5)
    window.grab().save(str(shot("privacy-check")))


async def shoot_timestamps(window: MainWindow, work: Path) -> None:
    """Two copies protected while the timestamp authority was unreachable ("no timestamp yet"), the notice once it
    answers again (a timestamp authority on 127.0.0.1, tests/c2pa_signing.py), then one copy inspected after Add
    timestamps: its timestamp check."""
    import dataclasses

    from tests.c2pa_signing import local_tsa
    from tests.certs import TestCA
    from trustnxt_desktop.ui.main_window import INSPECT_PAGE

    context = window.context
    context.apply_settings(dataclasses.replace(context.settings, timestamps=True, tsa_url="http://127.0.0.1:9/tsa"))
    photos = work / "Harbour"
    photos.mkdir()
    for name in ("P1000827.jpg", "trustnxt-icon.jpg"):
        shutil.copy(CORPUS / "media" / name, photos / name)
    await window.protect.add_paths_async([photos])
    await window.protect.queue.wait_idle()
    actions = window.protect.timestamps
    assert actions is not None
    with local_tsa(TestCA("Harbour Test CA")) as tsa:
        context.apply_settings(dataclasses.replace(context.settings, tsa_url=tsa))
        await actions.check_async()
        await settle(0.6)
        window.grab().save(str(shot("protect-add-timestamps")))
        await actions.add_async()
    window.nav.setCurrentRow(INSPECT_PAGE)
    await window.inspect.open_paths_async([photos / "P1000827.protected.jpg"])
    window.inspect.select_row(0)
    window.inspect.report.tabs.setCurrentIndex(0)
    await settle(0.8)
    scroll_to_section(window.inspect.report, "Checks")
    await settle(0.2)
    window.grab().save(str(shot("inspect-timestamp-added")))


async def shoot_certificates(window: MainWindow, work: Path) -> None:
    """Settings › Signing identity › Request a certificate from a CA: a request waiting, the chain a CA issued for it
    checked (a throwaway CA, tests/issuing_ca.py); then the cover of a PDF evidence report signed with it, drawn
    as the first page of the file (pypdfium2)."""
    import pypdfium2

    from tests.issuing_ca import IssuingCA
    from trustnxt_desktop.ui.main_window import INSPECT_PAGE

    settings = window.open_settings()
    settings.display_name.setText("Ana Lima")
    settings.organisation.setText("Diário do Sul")
    settings.tabs.setCurrentIndex(1)
    dialog = settings.open_certificate_request()
    dialog.email.setText("ana.lima@diariodosul.example")
    dialog.country.setText("BR")
    await dialog.create_async(work / "ana-lima.csr")
    ca = IssuingCA("Press Photo Root CA")
    chain = work / "issued.pem"
    chain.write_bytes(ca.chain_pem(ca.answer((work / "ana-lima.csr").read_bytes())))
    dialog.chain_file.setText(str(chain))
    await dialog.check_async(chain)
    await settle(0.4)
    dialog.grab().save(str(shot("certificate-request")))
    await dialog.import_async()
    await settle(0.4)
    dialog.reject()
    await settle(0.4)
    settings.grab().save(str(shot("settings-identity-ca")))
    settings.reject()

    window.context.settings.timestamps = False  # offline here: the report is signed PAdES B-B
    window.context.apply_settings(window.context.settings)
    window.nav.setCurrentRow(INSPECT_PAGE)
    await window.inspect.open_paths_async([CORPUS / "c2pa" / "adobe-20220124-CAI.jpg",
                                           CORPUS / "media" / "sample1.png"])
    report = work / "evidence.pdf"
    await window.inspect.export_async("pdf", report)
    await settle(0.4)
    window.grab().save(str(shot("inspect-signed-report")))
    pdf = pypdfium2.PdfDocument(str(report))
    pdf[0].render(scale=1.4).to_pil().save(shot("report-cover-signed"))
    pdf.close()


async def shoot_validators(window: MainWindow) -> None:
    """Inspect with the second validator: files on which they disagree (a signed .docx, a file only the
    second can read), both say invalid but differ on trust (the Truepic capture), and agree."""
    from trustnxt_desktop.ui.main_window import INSPECT_PAGE

    window.nav.setCurrentRow(INSPECT_PAGE)
    cases = PROJECT.parent / "shared" / "cases"
    await window.inspect.open_paths_async([cases / "ai-report.docx", CORPUS / "hostile" / "no_alg.jpg",
                                           CORPUS / "c2pa" / "truepic-20230212-camera.jpg",
                                           CORPUS / "c2pa" / "adobe-20220124-C.jpg"])
    shots = [(0, "inspect-validators-disagree", "Two validators"), (1, "inspect-validators-readable", None),
             (2, "inspect-validators-truepic", "Two validators"), (3, "inspect-validators-agree", None)]
    for row, name, section in shots:
        window.inspect.select_row(row)
        window.inspect.report.tabs.setCurrentIndex(0)
        await settle(0.6)
        if section:
            scroll_to_section(window.inspect.report, section)
            await settle(0.2)
        window.grab().save(str(shot(name)))
    window.inspect.select_row(0)
    window.inspect.report.tabs.setCurrentIndex(3)
    await settle(0.4)
    window.grab().save(str(shot("inspect-validators-evidence")))
    log = window.open_verification_log()  # the same four files, as the log keeps them
    while log.verified is None:
        await settle(0.1)
    docx = next(r for r in range(log.proxy.rowCount()) if log.proxy.index(r, 2).data() == "ai-report.docx")
    log.table.selectRow(docx)
    await settle(0.3)
    log.grab().save(str(shot("verification-log-validators")))
    log.reject()


async def shoot_watch(window: MainWindow, work: Path) -> None:
    """The Watch page: two watch folders (one paused), photos that arrived in one, a camera card found and
    imported; then the dialog of a watch folder."""
    from tests.media_tools import make_jpeg
    from trustnxt_desktop.services.watch.folders import WatchFolder
    from trustnxt_desktop.ui.main_window import WATCH_PAGE

    inbox, studio = work / "Photos" / "Inbox", work / "Photos" / "Studio"
    inbox.mkdir(parents=True)
    studio.mkdir()
    card = work / "media" / "EOS_DIGITAL"
    (card / "DCIM" / "100CANON").mkdir(parents=True)
    for i in range(4):
        make_jpeg(card / "DCIM" / "100CANON" / f"IMG_{4711 + i}.JPG", 1200, 800, seed=i)
    window.watch.card_roots = lambda: [card]
    window.context.set_card_import_dir(work / "Photos" / "Imports")
    window.nav.setCurrentRow(WATCH_PAGE)
    await window.watch.start()
    await window.context.save_watch_folders([
        WatchFolder(inbox, work / "Photos" / "Protected", {"content_source": "camera", "location": "city",
                                                           "strip_serials": True}),
        WatchFolder(studio, work / "Photos" / "Studio protected", {"content_source": "edited"}, enabled=False)])
    window.watch.show_folders()
    for name in ("P1000827.jpg", "trustnxt-icon.jpg", "sample1.png"):
        shutil.copy(CORPUS / "media" / name, inbox / name)
    await window.watch.look_for_cards()
    await window.watch.import_card_async(window.watch.cards[0])
    await window.context.watch.wait_settled()
    if window.context.watch.counts().failed:  # a parser worker over its time cap on a loaded machine: once more
        await window.context.watch.queue.retry()
        await window.context.watch.wait_settled()
    await settle(0.8)
    window.grab().save(str(shot("watch")))
    dialog = window.watch.folder_dialog(window.context.watch_folders()[0])
    await settle(0.4)
    dialog.grab().save(str(shot("watch-folder")))
    dialog.reject()


async def shoot_recovered(window: MainWindow, work: Path) -> None:
    """A photo protected here, and a brighter edit of it protected too; a copy of the photo received stripped,
    re-encoded at JPEG quality 50 and turned: Inspect recovers both candidates from this computer's repository,
    ranked, each beside the file's own picture."""
    import io

    from PIL import Image, ImageEnhance

    from trustnxt_desktop.ui.main_window import INSPECT_PAGE

    originals = work / "originals"
    originals.mkdir()
    photo = originals / "harbour.jpg"
    shutil.copy(CORPUS / "media" / "P1000827.jpg", photo)
    with Image.open(photo) as picture:
        ImageEnhance.Brightness(picture.convert("RGB")).enhance(1.2).save(originals / "harbour-edit.jpg", quality=92)
    for source in (photo, originals / "harbour-edit.jpg"):
        await window.context.backend.protect(source, window.context.protect_options())
    received = work / "received-from-social-media.jpg"
    with Image.open(originals / "harbour.protected.jpg") as picture:
        out = io.BytesIO()
        picture.convert("RGB").transpose(Image.Transpose.ROTATE_90).save(out, "JPEG", quality=50)
    received.write_bytes(out.getvalue())
    window.resize(1280, 1000)
    window.nav.setCurrentRow(INSPECT_PAGE)
    await window.inspect.open_paths_async([received])
    await window.inspect.wait_idle()
    window.inspect.splitter.setSizes([70, 900])
    window.inspect.select_row(0)
    await settle(1.0)
    scroll_to_section(window.inspect.report, "Recovered Content Credentials — not embedded in this file")
    await settle(0.3)
    window.grab().save(str(shot("inspect-recovered")))


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
    if SCALE:
        await shoot_trust(window, work, f"settings-trust-{round(float(SCALE) * 100)}.png")
        await window.aclose()
        await context.aclose()
        window.close()
        QApplication.quit()
        return
    if WATCH:
        await shoot_watch(window, work)
        await window.aclose()
        await context.aclose()
        window.close()
        QApplication.quit()
        return
    if RECOVERED:
        await shoot_recovered(window, work)
        await window.aclose()
        await context.aclose()
        window.close()
        QApplication.quit()
        return
    if VALIDATORS or IDENTITY or COPIES or PRIVACY or TIMESTAMPS or CERTIFICATES:
        await (shoot_copies(window, work) if COPIES else shoot_identity(window, work) if IDENTITY
               else shoot_privacy(window, work) if PRIVACY else shoot_timestamps(window, work) if TIMESTAMPS
               else shoot_certificates(window, work) if CERTIFICATES else shoot_validators(window))
        await window.aclose()
        await context.aclose()
        window.close()
        QApplication.quit()
        return
    await shoot_welcome(window)
    # The welcome chose the default timestamp authority, which cannot be reached here: without this every row
    # would say "no timestamp yet" (the --timestamps views show that state on purpose).
    context.settings.timestamps = False
    context.apply_settings(context.settings)

    from trustnxt_desktop.domain.protect import ContentSource

    await window.protect.add_paths_async([shoot_dir], ContentSource.CAMERA)
    # A second batch, claimed as edited: a retouched file whose own credentials were broken by the edit.
    retouched = work / "retouched-by-agency.jpg"
    shutil.copy(CORPUS / "c2pa" / "adobe-20220124-E-dat-CA.jpg", retouched)
    window.protect.source_choice.setCurrentIndex(window.protect.source_choice.findData(ContentSource.EDITED.value))
    await window.protect.add_paths_async([retouched])
    await window.protect.queue.wait_idle()
    await window.usage.refresh_async()
    await settle(0.8)
    window.grab().save(str(shot("protect")))

    window.nav.setCurrentRow(INSPECT_PAGE)
    files = [CORPUS / "c2pa" / n for n in ("truepic-20230212-camera.jpg", "adobe-20240110-single_manifest_store.pdf",
                                          "adobe-20220124-CAI.jpg", "adobe-20220124-E-dat-CA.jpg",
                                          "trustnxt-icon-signed-timestamp.jpg")]
    protected = sorted(shoot_dir.glob("P1000827.protected.jpg"))
    from tests.cawg_identity import sign_with_ica

    # Verified accounts: a credential signed here that cannot be bound to the file (tests/cawg_identity.py
    # says why), so the shot shows the accounts and the identity refused.
    accounts = sign_with_ica(CORPUS / "media" / "P1000827.jpg", work / "verified-accounts.jpg")
    identities = [CORPUS / "c2pa" / "C_with_CAWG_data.jpg", accounts]  # X.509 identity and "do not train"; accounts
    await window.inspect.open_paths_async(protected + files + [CORPUS / "hostile" / "nested_moov_1000.mp4"]
                                          + identities)
    await window.usage.refresh_async()
    # (row, tab, file name, section of the overview scrolled to the top)
    shots = [(0, 0, "inspect-trusted.png", None), (1, 0, "inspect-truepic.png", None),
             (2, 0, "inspect-ai-generated.png", None), (3, 2, "inspect-ingredients.png", None),
             (4, 3, "inspect-tampered-evidence.png", None), (5, 1, "inspect-history-empty.png", None),
             (7, 0, "inspect-identity.png", "Identity (CAWG)"),
             (8, 0, "inspect-verified-accounts.png", "Identity (CAWG)")]
    if DARK:
        shots = [(1, 0, "inspect-dark.png", None), (8, 0, "inspect-verified-accounts-dark.png", "Identity (CAWG)")]
    for row, tab, name, section in shots:
        window.inspect.select_row(row)
        window.inspect.report.tabs.setCurrentIndex(tab)
        await settle(0.6)
        if section:
            scroll_to_section(window.inspect.report, section)
            await settle(0.2)
        window.grab().save(str(OUT / name))
    if DARK:
        await shoot_help(window)
        await shoot_trust(window, work, "settings-trust-dark.png")
        await window.aclose()
        await context.aclose()
        window.close()
        QApplication.quit()
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

    await shoot_trust(window, work, "settings-trust.png")
    log = window.open_verification_log()
    await settle(0.8)
    log.grab().save(str(OUT / "verification-log.png"))
    log.reject()
    about = window.open_about()
    await settle(0.2)
    about.grab().save(str(OUT / "about.png"))
    about.reject()
    guide_pictures()
    await shoot_help(window)
    await window.aclose()
    await context.aclose()
    window.close()
    QApplication.quit()
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
