"""cli/privacy_report.py and protect_cmd's privacy options: `trustnxt protect --check-privacy` lists what each
copy would reveal and what --location / --strip-serials do; `trustnxt protect --location remove --strip-serials`
writes copies without them."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.conftest import Trustnxt
from tests.revealing_media import OWNER, SERIAL, found_in, needles, revealing_file


def test_check_privacy_lists_fields_and_their_fate_and_protects_nothing(trustnxt: Trustnxt, tmp_path: Path) -> None:
    photo = revealing_file("sample1.jpg", tmp_path / "shoot")
    ran = trustnxt("protect", "--check-privacy", "--location", "city", "--strip-serials", "--json", photo)
    assert ran.code == 0, ran.err
    answer = json.loads(ran.out)
    assert answer["choices"] == {"location": "city", "strip_serials": True}
    (plain,) = answer["files"]
    fates = {(f["kind"], f["where"], f["value"]): f["fate"] for f in plain["fields"]}
    assert fates[("serial", "exif", SERIAL)] == "removed" and fates[("owner", "xmp", OWNER)] == "removed"
    assert fates[("location", "exif", "38.691584")] == "coarsened"
    assert fates[("location", "thumbnail", "38.691584")] == "coarsened", "the embedded thumbnail's own EXIF"
    assert fates[("device", "exif", "TestCam")] == "kept"
    assert not list((tmp_path / "shoot").glob("*.protected.*"))
    text = trustnxt("protect", "--check-privacy", photo)
    assert text.code == 0 and "1 file checked — location in 1" in text.out and "[kept]" in text.out


def test_location_remove_and_strip_serials_reach_the_copy(trustnxt: Trustnxt, secret_store, tmp_path: Path) -> None:
    photo = revealing_file("sample1.jpg", tmp_path / "shoot")
    ran = trustnxt("protect", "--location", "remove", "--strip-serials", "--out", tmp_path / "out", "--json", photo)
    assert ran.code == 0, ran.err
    (result,) = json.loads(ran.out)
    assert result["status"] == "done", result["error"]
    assert found_in(Path(result["output"]), needles(photo)) == []


def test_a_bad_location_choice_is_a_usage_error(trustnxt: Trustnxt, tmp_path: Path) -> None:
    ran = trustnxt("protect", "--location", "street", tmp_path)
    assert ran.code == 2 and "invalid choice" in ran.err
