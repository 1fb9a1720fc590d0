"""cli/caption_cmd.py: `trustnxt caption FILE...` — shows the caption fields, or writes new ones into a signed copy
whose history shows the metadata edit with the file kept as its valid parent."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from tests.cli.conftest import Trustnxt
from tests.conftest import CORPUS
from tests.geotagged import CAPTION, CREDIT, KEYWORDS, geotagged_jpeg
from trustnxt_desktop.domain.report import Verdict
from trustnxt_desktop.engine.inspect import inspect_file
from trustnxt_desktop.engine.trust import TrustConfig


def test_the_fields_are_shown_then_edited_into_a_signed_copy(trustnxt: Trustnxt, secret_store,
                                                              tmp_path: Path) -> None:
    photo = geotagged_jpeg(tmp_path / "harbour.jpg")
    assert trustnxt("protect", photo, "--quiet").code == 0
    protected = tmp_path / "harbour.protected.jpg"
    shown = trustnxt("caption", protected)
    assert shown.code == 0
    assert f"  caption:  {CAPTION}" in shown.out and f"  credit:   {CREDIT}" in shown.out
    assert f"  keywords: {', '.join(KEYWORDS)}" in shown.out
    ran = trustnxt("caption", protected, "--caption", "Kräne im Morgenlicht", "--keyword", "Hamburg",
                   "--keyword", "Hafen", "--json")
    assert ran.code == 0, ran.err
    (result,) = json.loads(ran.out)
    copy = Path(result["output"])
    assert copy == tmp_path / "harbour.protected.captioned.jpg" and result["parent_verdict"] == "valid"
    report = inspect_file(copy, TrustConfig())
    assert report.verdict is Verdict.VALID
    assert [(a.action, a.description) for a in report.actions][1] == (
        "c2pa.edited.metadata", "Edited the caption and the keywords (IPTC and XMP)")
    (parent,) = report.ingredients
    assert (parent.title, parent.verdict) == ("harbour.protected.jpg", Verdict.VALID)
    after = json.loads(trustnxt("caption", copy, "--json").out)
    assert after == [{"file": str(copy), "caption": "Kräne im Morgenlicht", "credit": CREDIT,
                      "keywords": ["Hamburg", "Hafen"]}]


def test_clearing_the_keywords_and_files_that_take_no_caption(trustnxt: Trustnxt, secret_store,
                                                              tmp_path: Path) -> None:
    photo = geotagged_jpeg(tmp_path / "a.jpg")
    shutil.copy(CORPUS / "media" / "trustnxt-icon.heic", tmp_path / "b.heic")
    ran = trustnxt("caption", photo, tmp_path / "b.heic", "--clear-keywords", "--out", tmp_path / "out")
    assert ran.code == 0, ran.err
    assert "skipped: " in ran.out and "JPEG, PNG, WebP and TIFF" in ran.out
    shown = trustnxt("caption", tmp_path / "out" / "a.captioned.jpg")
    assert "  keywords: (none)" in shown.out and CAPTION in shown.out


def test_usage_errors(trustnxt: Trustnxt, tmp_path: Path) -> None:
    photo = tmp_path / "a.jpg"
    shutil.copy(CORPUS / "media" / "trustnxt-icon.jpg", photo)
    ran = trustnxt("caption", photo, "--keyword", "x", "--clear-keywords")
    assert ran.code == 2 and "contradict" in ran.err
    ran = trustnxt("caption", photo, "--caption", "x" * 2001)
    assert ran.code == 2 and "at most 2000 characters" in ran.err
    ran = trustnxt("caption", tmp_path / "nope.jpg", "--caption", "x")
    assert ran.code == 2 and "not a file" in ran.err
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "trustnxt-home") == ["a.jpg"]
