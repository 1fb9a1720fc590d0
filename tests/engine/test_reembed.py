"""engine/reembed.py: a received copy re-associated with credentials recovered by fingerprint carries them as a
componentOf ingredient, described and named by a "re-associated by fingerprint" action, beside the received file
opened as its parent without credentials; our engine and c2pa-ts validate the copy; the received file is untouched,
an existing file is never overwritten, and a store that is not one is refused."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest
from PIL import Image

from tests import c2pa_ts
from tests.conftest import CORPUS
from trustnxt_desktop.domain.actions import OPENED, REASSOCIATED
from trustnxt_desktop.domain.errors import ProtectError
from trustnxt_desktop.domain.report import Verdict
from trustnxt_desktop.engine.inspect import inspect_file
from trustnxt_desktop.engine.manifest_store import store_of
from trustnxt_desktop.engine.reembed import reembed
from trustnxt_desktop.engine.trust import TrustConfig
from trustnxt_desktop.engine.untrusted import shared_pool

SIGNED = CORPUS / "c2pa" / "adobe-20220124-CAI.jpg"  # valid; its store is what a repository would hold
HOW = "Found in the manifest repository of this computer: PDQ distance 4 of 256 bits."


@pytest.fixture
def received(tmp_path: Path) -> Path:
    out = tmp_path / "received.jpg"
    with Image.open(SIGNED) as picture:
        buffer = io.BytesIO()
        picture.convert("RGB").save(buffer, "JPEG", quality=70)  # stripped and re-encoded by a platform
    out.write_bytes(buffer.getvalue())
    return out


def test_the_copy_carries_the_recovered_credentials_as_re_associated(tmp_path: Path, received: Path,
                                                                       identity) -> None:
    found = store_of(SIGNED)
    assert found is not None
    before = hashlib.sha256(received.read_bytes()).hexdigest()
    copy = reembed(received, found[0], identity, tmp_path / "out", HOW, shared_pool())
    assert copy.name == "received.reassociated.jpg"
    assert hashlib.sha256(received.read_bytes()).hexdigest() == before, "the received file is left as it is"

    report = inspect_file(copy, TrustConfig())
    assert report.verdict in (Verdict.VALID, Verdict.TRUSTED), report.summary
    assert [a.action for a in report.actions] == [OPENED, REASSOCIATED]
    assert report.actions[1].description is not None
    assert report.actions[1].description.startswith("re-associated by fingerprint: ")
    relations = {i.relationship: i for i in report.ingredients}
    assert relations["parentOf"].verdict is Verdict.NONE, "the received file carried nothing"
    recovered = relations["componentOf"]
    assert recovered.verdict in (Verdict.VALID, Verdict.TRUSTED), recovered.failure_codes
    assert "assertion.dataHash.mismatch" not in recovered.failure_codes

    verdict = c2pa_ts.validate(copy)
    assert verdict.readable and verdict.valid, verdict.failures()
    assert verdict.actions == [OPENED, REASSOCIATED]
    assert {i["relationship"] for i in verdict.ingredients} == {"parentOf", "componentOf"}

    again = reembed(received, found[0], identity, tmp_path / "out", HOW, shared_pool())
    assert again != copy, "never overwrites"
    assert copy.exists()


def test_bytes_that_are_no_manifest_store_are_refused(tmp_path: Path, received: Path, identity) -> None:
    with pytest.raises(ProtectError, match="could not be read"):
        reembed(received, b"\x00\x00\x00\x08jumb", identity, tmp_path / "out", HOW, shared_pool())
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())
