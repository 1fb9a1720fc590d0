"""services/privacy_check.py: per file, what its protected copy would reveal — read in the isolated workers from the
file's EXIF, XMP and IPTC, led by what the copy's own manifest will say from the settings — in order, off the
event loop's thread; a file that cannot be read says why."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from tests.conftest import CORPUS
from tests.geotagged import CITY, geotagged_jpeg
from trustnxt_desktop.domain.privacy import FieldKind, RevealedField, Where
from trustnxt_desktop.engine.manifest import claim_generator
from trustnxt_desktop.services.account.settings import Settings
from trustnxt_desktop.services.privacy_check import check_file, check_files, manifest_fields

SETTINGS = Settings(author="Ada Lovelace", display_name="Ada L.", organisation="Harbour Desk")


def test_the_copys_own_manifest_fields_come_from_the_settings() -> None:
    assert manifest_fields(SETTINGS) == [
        RevealedField(FieldKind.SOFTWARE, Where.MANIFEST, "claim_generator", claim_generator()),
        RevealedField(FieldKind.OWNER, Where.MANIFEST, "CreativeWork author", "Ada Lovelace"),
        RevealedField(FieldKind.OWNER, Where.MANIFEST, "signer", "Ada L."),
        RevealedField(FieldKind.OWNER, Where.MANIFEST, "signer organisation", "Harbour Desk")]
    assert [f.name for f in manifest_fields(Settings())] == ["claim_generator"]


def test_a_geotagged_photo_reveals_its_place_after_the_manifests_fields(tmp_path: Path) -> None:
    photo = geotagged_jpeg(tmp_path / "harbour.jpg", 320, 240)
    found = check_file(photo, SETTINGS)
    assert found.error is None and found.media_type == "image/jpeg" and found.rewritable
    assert list(found.fields[:4]) == manifest_fields(SETTINGS)
    places = found.of_kind(FieldKind.LOCATION)
    assert {f.where for f in places} >= {Where.EXIF, Where.XMP, Where.IPTC}
    assert any(CITY in f.value for f in places)
    assert any(f.kind is FieldKind.DEVICE and "TestCam" in f.value for f in found.fields)
    bare = check_file(photo)
    assert not [f for f in bare.fields if f.where is Where.MANIFEST]
    assert bare.of_kind(FieldKind.LOCATION) == places


async def test_files_are_checked_in_order_and_an_unreadable_one_says_why(tmp_path: Path) -> None:
    photo = geotagged_jpeg(tmp_path / "harbour.jpg", 320, 240)
    plain = tmp_path / "plain.png"
    shutil.copy(CORPUS / "media" / "trustnxt-icon.png", plain)
    missing = tmp_path / "missing.jpg"
    fifo = tmp_path / "pipe.jpg"
    os.mkfifo(fifo)
    found = await check_files([photo, missing, plain, fifo], SETTINGS)
    assert [f.path for f in found] == [str(photo), str(missing), str(plain), str(fifo)]
    assert found[0].of_kind(FieldKind.LOCATION) and found[0].error is None
    assert found[1].error is not None and found[1].error.startswith("the file could not be read")
    assert found[1].fields == () and found[3].error is not None and found[3].fields == ()
    assert found[2].error is None and not found[2].of_kind(FieldKind.LOCATION)
    assert list(found[2].fields[:4]) == manifest_fields(SETTINGS)
