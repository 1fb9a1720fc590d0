"""`trustnxt inspect --recover --reembed DIR`: a stripped copy of a protected photo gets a signed copy in DIR that
carries the recovered credentials re-associated by fingerprint; the received file is not changed; --reembed alone is a
usage error."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

from PIL import Image

from tests.cli.conftest import Trustnxt
from tests.conftest import CORPUS
from tests.picture_changes import CHANGES
from trustnxt_desktop.domain.actions import REASSOCIATED


def test_a_recovered_picture_gets_a_re_associated_copy(trustnxt: Trustnxt, tmp_path: Path) -> None:
    photo = tmp_path / "photo.jpg"
    shutil.copy(CORPUS / "media" / "P1000827.jpg", photo)
    ran = trustnxt("protect", photo, "--out", tmp_path / "out", "--json")
    assert ran.code == 0, ran.err
    copy = Path(json.loads(ran.out)[0]["output"])
    received = tmp_path / "received.jpg"
    with Image.open(copy) as picture:
        received.write_bytes(CHANGES["resize_1080"](picture))
    before = hashlib.sha256(received.read_bytes()).hexdigest()
    ran = trustnxt("inspect", received, "--recover", "--reembed", tmp_path / "reassociated", "--json")
    assert ran.code == 0, ran.err
    made = tmp_path / "reassociated" / "received.reassociated.jpg"
    assert made.is_file() and "re-associated by fingerprint" in ran.err
    assert hashlib.sha256(received.read_bytes()).hexdigest() == before
    report = json.loads(trustnxt("inspect", made, "--json", "--quiet").out)[0]
    assert report["verdict"] in ("trusted", "valid")
    assert REASSOCIATED in [a["action"] for a in report["actions"]]
    assert {i["relationship"] for i in report["ingredients"]} == {"parentOf", "componentOf"}


def test_reembed_needs_recover(trustnxt: Trustnxt, tmp_path: Path) -> None:
    ran = trustnxt("inspect", CORPUS / "media" / "no_manifest.jpg", "--reembed", tmp_path)
    assert ran.code == 2 and "--reembed needs --recover" in ran.err
