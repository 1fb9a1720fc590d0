"""cli/export_web_cmd.py: `trustnxt export-web FILE...` — web copies signed with the file as their parent, the
options on the command line in the copy and its history, usage errors before any work, files never changed."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from PIL import Image

from tests.cli.conftest import Trustnxt
from tests.conftest import CORPUS
from tests.geotagged import LOCATION_TEXTS, geotagged_jpeg
from trustnxt_desktop.domain.report import Verdict
from trustnxt_desktop.engine.inspect import inspect_file
from trustnxt_desktop.engine.trust import TrustConfig


def test_a_protected_photo_is_exported_as_webp_without_location(trustnxt: Trustnxt, secret_store,
                                                                 tmp_path: Path) -> None:
    photo = geotagged_jpeg(tmp_path / "harbour.jpg")
    assert trustnxt("protect", photo, "--quiet").code == 0
    protected = tmp_path / "harbour.protected.jpg"
    before = protected.read_bytes()
    ran = trustnxt("export-web", protected, "--long-edge", "500", "--format", "webp", "--quality", "70",
                   "--remove-location", "--out", tmp_path / "web", "--json")
    assert ran.code == 0, ran.err
    (result,) = json.loads(ran.out)
    assert result["status"] == "done" and result["parent_verdict"] == "valid"
    copy = Path(result["output"])
    assert copy == tmp_path / "web" / "harbour.protected.web.webp"
    assert protected.read_bytes() == before
    with Image.open(copy) as im:
        assert im.format == "WEBP" and max(im.size) == 500
    report = inspect_file(copy, TrustConfig())
    assert report.verdict is Verdict.VALID
    assert [a.action for a in report.actions] == ["c2pa.opened", "c2pa.resized", "c2pa.transcoded",
                                                  "c2pa.edited.metadata"]
    assert "at quality 70" in (report.actions[2].description or "")
    assert not any(text in copy.read_bytes() for text in LOCATION_TEXTS)
    assert "signed with your own signing identity" in ran.err


def test_several_files_with_one_that_cannot_be_exported(trustnxt: Trustnxt, secret_store, tmp_path: Path) -> None:
    shutil.copy(CORPUS / "media" / "trustnxt-icon.jpg", tmp_path / "icon.jpg")
    shutil.copy(CORPUS / "media" / "sample1.wav", tmp_path / "sound.wav")
    ran = trustnxt("export-web", tmp_path / "icon.jpg", tmp_path / "sound.wav", "--format", "avif")
    assert ran.code == 0, ran.err  # a skipped file is said, not a failure
    lines = ran.out.splitlines()
    assert lines[0] == f"done: {tmp_path / 'icon.jpg'} -> {tmp_path / 'icon.web.avif'}"
    assert lines[1].startswith(f"skipped: {tmp_path / 'sound.wav'} (Only still pictures")
    assert "1 exported, 1 skipped, 0 failed" in ran.err


def test_a_damaged_picture_fails_with_exit_4(trustnxt: Trustnxt, secret_store, tmp_path: Path) -> None:
    broken = tmp_path / "broken.jpg"
    broken.write_bytes((CORPUS / "media" / "trustnxt-icon.jpg").read_bytes()[:400])
    ran = trustnxt("export-web", broken)
    assert ran.code == 4 and "could not be decoded" in ran.out
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "trustnxt-home") == ["broken.jpg"]


def test_usage_errors_come_before_any_work(trustnxt: Trustnxt, tmp_path: Path) -> None:
    photo = tmp_path / "a.jpg"
    shutil.copy(CORPUS / "media" / "trustnxt-icon.jpg", photo)
    for args, words in ((("--long-edge", "10"), "64–16384"), (("--quality", "0"), "1–100"),
                        (("--quality", "high"), "not a number"), (("--format", "gif"), "invalid choice")):
        ran = trustnxt("export-web", photo, *args)
        assert ran.code == 2 and words in ran.err, ran.err
    ran = trustnxt("export-web", tmp_path / "missing.jpg")
    assert ran.code == 2 and "not a file" in ran.err
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "trustnxt-home") == ["a.jpg"]
