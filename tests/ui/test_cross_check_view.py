"""Inspect with two validators, in the real window: the banner says whether they agree, the overview
shows their findings side by side, the Evidence tab the second validator's codes, the batch table an
agreement column and a filter; the setting turns the second validator off."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel

from tests.conftest import CORPUS, SHARED
from trustnxt_desktop.domain.report import Verdict
from trustnxt_desktop.ui.report_table import COLUMNS

FILES = [SHARED / "cases" / "ai-report.docx", CORPUS / "hostile" / "no_alg.jpg",
         CORPUS / "c2pa" / "truepic-20230212-camera.jpg", CORPUS / "c2pa" / "adobe-20220124-C.jpg"]


def _show(window, name: str):
    view = window.inspect
    row = next(i for i in range(view.proxy.rowCount()) if view.proxy.index(i, 0).data() == name)
    view.select_row(row)
    return view.report


async def test_the_banner_and_details_say_where_the_validators_differ(window) -> None:
    window.nav.setCurrentRow(1)
    reports = await window.inspect.open_paths_async(FILES)
    assert all(r.cross_check and r.cross_check.ran for r in reports)

    report = _show(window, "ai-report.docx")
    line = report.banner.validators
    assert line.isVisibleTo(report) and line.text().startswith("Validators disagree (on media matches what was "
                                                              "signed): the main validator (c2pa-rs) says “valid”")
    assert "font-weight: bold" in line.styleSheet(), "a disagreement stands out"
    assert report.banner.title.text() == "Intact, signer unknown to you", "the main validator's verdict leads"
    details = report.overview.findChild(QLabel, "validatorsDifferences")
    assert details is not None and "finds the record of which bytes were signed (the hard binding) malformed" \
        in details.text() and "no uris field" in details.text()
    differing = [w.accessibleName() for w in report.overview.findChildren(QLabel) if w.accessibleName()
                 .endswith(", differs")]
    assert "Media matches what was signed, Main validator (c2pa-rs), differs" in differing
    assert "Verdict, Second validator (encypher-c2pa 1.7.1), differs" in differing
    assert not any(name.startswith("Signer,") for name in differing), "they agree on who signed"
    report.tabs.setCurrentIndex(3)
    evidence = report.evidence
    group = next(evidence.topLevelItem(i) for i in range(evidence.topLevelItemCount())
                 if evidence.topLevelItem(i).text(0).startswith("Second validator"))
    assert group.text(0) == "Second validator: encypher-c2pa 1.7.1" and group.text(1) == "differs"
    codes = [group.child(i).text(0) for i in range(group.childCount())]
    assert "assertion.collectionHash.malformed" in codes

    report = _show(window, "no_alg.jpg")
    assert report.banner.title.text() == "Failed verification"
    assert "only the second validator (encypher-c2pa) could read" in report.banner.validators.text()

    report = _show(window, "truepic-20230212-camera.jpg")
    assert report.banner.validators.text() == ("Checked by 2 independent validators: both say “invalid”, but they "
                                               "differ on trust in the signer.")

    report = _show(window, "adobe-20220124-C.jpg")
    assert report.banner.validators.text() == "Checked by 2 independent validators: they agree."
    assert report.banner.validators.styleSheet() == ""
    agree = report.overview.findChildren(QLabel)
    assert any("agree on every point compared" in w.text() for w in agree)


async def test_the_batch_table_has_an_agreement_column_and_a_filter(window) -> None:
    view = window.inspect
    await view.open_paths_async(FILES)
    column = COLUMNS.index("Validators")
    cells = {view.proxy.index(i, 0).data(): view.proxy.index(i, column).data() for i in range(view.proxy.rowCount())}
    assert cells == {"ai-report.docx": "differ", "no_alg.jpg": "differ", "truepic-20230212-camera.jpg": "differ",
                     "adobe-20220124-C.jpg": "agree"}
    view.filter_choice.setCurrentIndex(view.filter_choice.findData("disagree"))
    assert sorted(r.file.name for r in view.visible_reports()) == ["ai-report.docx", "no_alg.jpg",
                                                                   "truepic-20230212-camera.jpg"]
    assert view.count_label.text() == "3 of 4 files"


async def test_turning_the_second_validator_off(window, context) -> None:
    dialog = window.open_settings()
    assert dialog.cross_check.isChecked(), "on by default"
    dialog.cross_check.setChecked(False)
    dialog._save()
    assert context.settings.cross_check is False
    (report,) = await window.inspect.open_paths_async([SHARED / "cases" / "ai-report.docx"])
    assert report.cross_check is None and report.verdict is Verdict.VALID
    assert not window.inspect.report.banner.validators.isVisibleTo(window.inspect.report)
    assert window.inspect.proxy.index(0, COLUMNS.index("Validators")).data() == ""
