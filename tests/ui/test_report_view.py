"""One report in the Inspect view: author, training choices, CAWG identity, the file's picture, the history."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from PySide6.QtCore import QMarginsF, QRectF
from PySide6.QtGui import QColor, QPageLayout, QPageSize, QPainter, QPdfWriter, QTextDocument
from PySide6.QtWidgets import QLabel

from tests.cawg_identity import decoded_ica, did_jwk, sign_with_ica, sign_x509_identity
from tests.certs import TestCA
from tests.conftest import CORPUS, SHARED
from tests.engine.test_pictures import RED, near, oriented_jpeg
from tests.expect import protected_copy
from tests.ui.conftest import until
from trustnxt_desktop.domain.protect import ProtectOptions
from trustnxt_desktop.engine.attribution import identities
from trustnxt_desktop.engine.protect import protect_file
from trustnxt_desktop.services.records.exports import evidence_request
from trustnxt_desktop.ui.pdf_report import build_html

UNSIGNED = CORPUS / "media" / "no_manifest.jpg"


def pdf_text(reports) -> str:
    """The words of the PDF evidence report's pages for these reports."""
    doc = QTextDocument()
    doc.setHtml(build_html(evidence_request(reports), {})[0])
    return doc.toPlainText()


def texts(widget) -> str:
    return "\n".join(label.text() for label in widget.findChildren(QLabel))


def loaded(picture: QLabel) -> bool:
    return not picture.pixmap().isNull() or picture.text() == "no preview"


async def show(window, path: Path):
    (report,) = await window.inspect.open_paths_async([path])
    view = window.inspect.report
    await until(lambda: loaded(view.file_picture) and (not report.thumbnail or loaded(view.manifest_picture)))
    return report, view


def labelled(view, name: str) -> QLabel:
    """The one label of the overview with this accessible name."""
    (label,) = [w for w in view.overview.findChildren(QLabel) if w.accessibleName() == name]
    assert isinstance(label, QLabel)
    return label


async def test_author_do_not_train_and_x509_identity(window, tmp_path: Path) -> None:
    _, view = await show(window, CORPUS / "c2pa" / "adobe-20220124-C.jpg")
    (author,) = [w for w in view.overview.findChildren(QLabel) if w.accessibleName() == "Author"]
    assert "Adobe make_test" in author.text() and "as the signer states it" in author.text()

    report, view = await show(window, CORPUS / "c2pa" / "C_with_CAWG_data.jpg")
    overview = texts(view.overview)
    assert "AI training and data mining" in overview
    headline = view.overview.findChild(QLabel, "trainingSummary")
    assert "Do not train" in headline.text()
    assert "Training generative AI" in overview and "Use as input to AI (inference)" in overview
    assert "not allowed" in overview
    assert "Identity (CAWG)" in overview and "C2PA Signer" in overview
    assert "issue #2599" in overview  # the engine's limitation is named, not hidden
    assert labelled(view, "Status").text().startswith("<b>Intact; not vouched for by anyone you trust</b>")

    _, view = await show(window, sign_x509_identity(UNSIGNED, tmp_path / "x509.jpg", TestCA("Newsroom Test CA")))
    assert "Ana Lima" in labelled(view, "Named").text()
    assert labelled(view, "Status").text().startswith("<b>Intact; not vouched for by anyone you trust</b>")
    assert "issue #2599" in labelled(view, "Status").text()


async def test_verified_accounts_of_an_identity_claims_aggregator(window, tmp_path: Path) -> None:
    """Accounts of a credential signed here (bound to nothing, so refused), then those of an intact one
    as c2pa-rs reports it: no correctly bound sample can be signed here (tests/cawg_identity.py)."""
    report, view = await show(window, sign_with_ica(UNSIGNED, tmp_path / "ica.jpg"))
    overview = texts(view.overview)
    assert "Accounts verified by" in overview and "did:jwk:" in overview
    social = labelled(view, "Social media account")
    assert "Ana Lima @analima" in social.text()
    assert "href='https://social.example/@analima'" in social.text()
    assert "Social Example" in social.text() and "verified 2026-02-14" in social.text()
    for kind in ("Identity document checked", "Member of an organisation", "Crypto wallet"):
        assert kind in overview
    assert labelled(view, "Status").text().startswith("<b>Failed verification</b>")
    assert "not tied to the file" in labelled(view, "Status").text()

    intact = identities(*decoded_ica(did_jwk(Ed25519PrivateKey.generate())))
    view.show_report(dataclasses.replace(report, identity=intact))
    await until(lambda: loaded(view.file_picture))
    assert "which is not one you trust" in labelled(view, "Status").text()
    assert "Ana Lima @analima" in labelled(view, "Social media account").text()


def landscape_red_pdf(path: Path) -> Path:
    """A one-page A5 landscape PDF drawn by Qt, the page filled red."""
    writer = QPdfWriter(str(path))
    writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A5), QPageLayout.Orientation.Landscape,
                                     QMarginsF(0, 0, 0, 0)))
    painter = QPainter(writer)
    painter.fillRect(QRectF(0, 0, writer.width(), writer.height()), QColor(*RED))
    painter.end()
    return path


async def test_pdf_first_page_and_video_frame_are_the_files_picture(window, tmp_path: Path) -> None:
    _, view = await show(window, landscape_red_pdf(tmp_path / "letter.pdf"))
    page = view.file_picture.pixmap().toImage()
    assert page.width() > page.height()  # landscape, as the page
    colour = page.pixelColor(page.width() // 2, page.height() // 2)
    assert near((colour.red(), colour.green(), colour.blue()), RED)

    _, view = await show(window, CORPUS / "c2pa" / "video1.mp4")
    frame = view.file_picture.pixmap().toImage()
    assert not frame.isNull() and frame.height() > frame.width()  # a 720 × 1280 frame


async def test_pictures_honour_exif_orientation_and_a_turned_thumbnail_is_explained(window, tmp_path: Path,
                                                                                   identity) -> None:
    # Truepic signs a thumbnail carrying the same orientation flag as the photo: both show upright.
    _, view = await show(window, CORPUS / "c2pa" / "truepic-20230212-camera.jpg")
    for picture in (view.file_picture, view.manifest_picture):
        shown = picture.pixmap()
        assert shown.height() > shown.width(), picture.accessibleName()
    assert view.thumbnail_note is None

    def raw_thumbnail(source: Path, media_type: str, edge: int) -> bytes:
        import io

        from PIL import Image  # the stored pixels without the orientation flag, as some tools sign them

        out = io.BytesIO()
        with Image.open(source) as im:
            im.convert("RGB").save(out, "JPEG")
        return out.getvalue()

    done = protect_file(oriented_jpeg(tmp_path / "portrait.jpg"), identity, ProtectOptions(out_dir=tmp_path),
                        thumbnailer=raw_thumbnail)
    report, view = await show(window, protected_copy(done))
    upright = view.file_picture.pixmap().toImage()
    assert upright.height() > upright.width()
    colour = upright.pixelColor(upright.width() // 2, upright.height() // 8)
    assert near((colour.red(), colour.green(), colour.blue()), RED), "turned clockwise: red on top"
    thumb = view.manifest_picture.pixmap()
    assert thumb.width() > thumb.height()
    note = view.overview.findChild(QLabel, "thumbnailNote")
    assert note is view.thumbnail_note and "turned 90°" in note.text() and "not a sign of manipulation" in note.text()
    words = pdf_text([report])
    assert "About the thumbnail:" in words and "turned 90°" in words


async def test_empty_history_says_why(window) -> None:
    await show(window, CORPUS / "media" / "no_manifest.jpg")
    view = window.inspect.report
    assert view.history_page.currentWidget() is view.history_note
    assert "carries no Content Credentials" in view.history_note.text()

    await show(window, CORPUS / "c2pa" / "trustnxt-icon-signed-timestamp.jpg")  # a manifest without actions
    assert view.history_page.currentWidget() is view.history_note
    assert "record no actions" in view.history_note.text()

    await show(window, CORPUS / "c2pa" / "adobe-20220124-C.jpg")
    assert view.history_page.currentWidget() is view.history and view.history.topLevelItemCount() == 2


def test_pdf_report_carries_author_identity_and_training(qapp, tmp_path: Path) -> None:
    from trustnxt_desktop.engine.inspect import inspect_file
    from trustnxt_desktop.engine.trust import TrustConfig

    reports = [inspect_file(p, TrustConfig()) for p in (CORPUS / "c2pa" / "C_with_CAWG_data.jpg",
                                                        sign_with_ica(UNSIGNED, tmp_path / "ica.jpg"),
                                                        CORPUS / "c2pa" / "video1.mp4")]
    text = pdf_text(reports)
    assert "Identity (CAWG)" in text and "issue #2599" in text
    assert "Do not train: the signer does not allow AI training on this file." in text
    assert "Ana Lima @analima on Social Example" in text and "not tied to the file's content" in text
    assert "Joe Bloggs (as the signer states it)" in text


async def test_names_and_manifest_strings_show_their_hidden_characters_escaped(window, tmp_path: Path) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QTreeWidgetItemIterator

    from tests.hostile_text import ATTACK_SHOWN, HIDDEN, invalid_file_with_attack_name, signed_with_hostile_strings

    def shown(view) -> str:
        items = []
        for tree in (view.history, view.ingredients):
            it = QTreeWidgetItemIterator(tree)
            while it.value():
                items += [it.value().text(c) for c in range(tree.columnCount())]
                it += 1
        model = window.inspect.model
        cells = [model.data(model.index(r, c)) or ""
                 for r in range(model.rowCount()) for c in range(model.columnCount())]
        return "\n".join([texts(view), *items, *map(str, cells)])

    _, view = await show(window, invalid_file_with_attack_name(tmp_path / "in"))
    text = shown(view)
    assert labelled(view, "Name").text() == ATTACK_SHOWN.replace("&", "&amp;")
    assert ATTACK_SHOWN in view.banner.meta.text() and ATTACK_SHOWN in text
    assert view.banner.title.text() == "Failed verification"
    assert window.statusBar().currentMessage() == f"{ATTACK_SHOWN}: Failed verification", \
        "the bidi override cannot turn it"

    _, view = await show(window, signed_with_hostile_strings(tmp_path / "in"))
    text += shown(view)
    assert "\\x1b[31mEvilCam\\x1b[0m 1.0" in labelled(view, "Made with").text()
    assert "Mallory \\u202eReuters" in labelled(view, "Signed by").text() and "Mallory \\u202eReuters" in text
    assert "Mallory\\x1b]0;owned\\x07 \\u200btrusted" in labelled(view, "Author").text()
    for hidden in HIDDEN:
        assert hidden not in text, repr(hidden)
    assert window.inspect.model.data(window.inspect.model.index(0, 0), Qt.ItemDataRole.DisplayRole) == ATTACK_SHOWN

    # A tooltip has no plain-text switch: Qt draws it as markup when it looks like markup.
    from PySide6.QtGui import QTextDocument

    from tests.hostile_text import MARKUP

    report, view = await show(window, signed_with_hostile_strings(tmp_path / "markup", signer=MARKUP))
    model = window.inspect.model
    row = next(r for r in range(model.rowCount()) if model.paths[r] == Path(report.file.path))
    tooltip = QTextDocument()
    tooltip.setHtml(model.data(model.index(row, 0), Qt.ItemDataRole.ToolTipRole))
    assert MARKUP in report.summary and tooltip.toPlainText() == report.summary, "characters, not markup"
    assert MARKUP in labelled(view, "Signed by").text().replace("&lt;", "<").replace("&gt;", ">").replace("&#x27;", "'")


async def test_the_integrity_check_is_named_for_what_failed(window) -> None:
    """A malformed actions statement is not "media changed": the check's title, in the app and the PDF,
    fits the failing code; a changed picture keeps "Media unchanged"."""
    statement, view = await show(window, SHARED / "cases" / "actions-key-renamed.jpg")
    names = [w.accessibleName() for w in view.overview.findChildren(QLabel)]
    assert "Signed statements intact: fail" in names and not any(n.startswith("Media unchanged") for n in names)
    assert "statement" in statement.check("integrity").detail and "media" not in statement.check("integrity").detail

    media, view = await show(window, CORPUS / "c2pa" / "truepic-20230212-camera.jpg")
    names = [w.accessibleName() for w in view.overview.findChildren(QLabel)]
    assert "Media unchanged: fail" in names and "Signed statements intact: fail" not in names

    words = " ".join(pdf_text([statement, media]).split())
    assert "✗ Signed statements intact fail The statement “c2pa.actions.v2”" in words
    assert "✗ Media unchanged fail The media was changed after it was signed" in words


async def test_each_check_explains_what_it_asks(window) -> None:
    """The check's name carries its definition's explanation (domain/checks.py), whatever it found."""
    from trustnxt_desktop.domain.checks import CHECKS

    report, view = await show(window, CORPUS / "c2pa" / "truepic-20230212-camera.jpg")
    tips = {w.accessibleName().rsplit(":", 1)[0]: w.toolTip() for w in view.overview.findChildren(QLabel)
            if w.toolTip()}
    assert tips["Media unchanged"] == CHECKS[0].explanation
    assert {tips[d.title] for d in CHECKS} == {d.explanation for d in CHECKS}
    assert len(report.checks) == len(CHECKS)


async def test_history_columns_are_never_squeezed_to_their_headers(window) -> None:
    """Actions without a time or a tool: the When and With columns still have room for one."""
    report, view = await show(window, CORPUS / "c2pa" / "adobe-20220124-E-dat-CA.jpg")
    assert report.actions and not any(a.when or a.software_agent for a in report.actions)
    metrics = view.history.fontMetrics()
    assert view.history.columnWidth(1) >= metrics.horizontalAdvance("2026-11-29 17:39:52+00:00")
    assert view.history.columnWidth(2) >= metrics.horizontalAdvance("TrustNXT Desktop 0.1.0")


async def test_a_protected_copy_names_the_photographer_and_who_judged_the_identity(window, tmp_path: Path) -> None:
    """Protected by the app with its own identity (settings: identity assertion on), then inspected: the identity
    section names the photographer, the CA that issued the certificate, and the validator and list that judged
    its trust; the same words go into the PDF."""
    await window.context.identity.create("Ana Lima", "Diário do Sul", replace=False)
    source = tmp_path / "harbour.jpg"
    source.write_bytes(UNSIGNED.read_bytes())
    backend = window.context.backend
    copy = protected_copy(await backend.protect(source, window.context.settings.protect_options()))
    report, view = await show(window, copy)
    assert "Ana Lima · Diário do Sul" in labelled(view, "Named").text()
    assert labelled(view, "Status").text().startswith("<b>Verified, by someone you trust</b>")
    assert "Ana Lima — TrustNXT Desktop Root CA" in labelled(view, "Certificate issued by").text()
    judged = labelled(view, "Trust judged by").text()
    assert judged.startswith("encypher-c2pa ") and "Your TrustNXT Desktop identity" in judged
    assert view.tabs.tabText(3) == "Evidence (0 problems)"
    words = pdf_text([report])
    assert "Certificate issued by" in words and "Trust judged by" in words and "encypher-c2pa" in words
