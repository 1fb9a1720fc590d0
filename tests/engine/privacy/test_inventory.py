"""engine/privacy/inventory.py: ExifTool's tags sorted into kinds and places, on real files."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import CORPUS
from tests.expect import present
from tests.revealing_media import revealing_file
from trustnxt_desktop.domain.privacy import FieldKind, LocationChoice, Where
from trustnxt_desktop.domain.protect import ProtectOptions
from trustnxt_desktop.engine import exiftool
from trustnxt_desktop.engine.privacy.inventory import classify, split_key, take_inventory
from trustnxt_desktop.engine.protect import protect_file


def test_tags_are_classified_by_name_and_group() -> None:
    assert classify("SerialNumber") is FieldKind.SERIAL and classify("ExifBodySerialNumber") is FieldKind.SERIAL
    assert classify("GPSLatitude", "Location") is FieldKind.LOCATION and classify("GPSVersionID") is None
    assert classify("CreatorTool") is FieldKind.SOFTWARE and classify("Creator") is FieldKind.OWNER
    assert classify("CreateDate", "Time") is FieldKind.DATE and classify("OffsetTime", "Time") is None
    assert classify("exif:BodySerialNumber") is FieldKind.SERIAL, "a manifest key's namespace is ignored"
    assert split_key("EXIF:GPS:Location:GPSLatitude") == ("EXIF", "GPS", "Location", "GPSLatitude")
    assert split_key("PNG:Image:ExifBodySerialNumber") == ("PNG", "PNG", "Image", "ExifBodySerialNumber")


def test_a_camera_photo_reveals_its_serial_and_camera() -> None:
    inv = take_inventory(CORPUS / "media" / "P1000827.jpg", "image/jpeg")
    assert inv.error is None and inv.rewritable
    values = {(f.kind, f.where, f.value) for f in inv.fields}
    assert (FieldKind.SERIAL, Where.EXIF, "XCR1705250548") in values
    assert (FieldKind.DEVICE, Where.EXIF, "Panasonic") in values
    assert (FieldKind.SOFTWARE, Where.EXIF, "Adobe Lightroom 5.3 (Macintosh)") in values


def test_a_protected_copy_s_manifest_is_listed_as_the_ingredient_it_becomes(tmp_path: Path, identity) -> None:
    photo = revealing_file("sample1.jpg", tmp_path / "in")
    copy = present(protect_file(photo, identity, ProtectOptions(out_dir=tmp_path, author="Ana Lima",
                                                                location=LocationChoice.KEEP)).output, "copy")
    inv = take_inventory(copy, "image/jpeg")
    signed = {(f.kind, f.value) for f in inv.fields if f.where is Where.INGREDIENT}
    assert (FieldKind.OWNER, "Ana Lima") in signed and (FieldKind.SOFTWARE, "TrustNXT Desktop 0.1.0") in signed


def test_without_exiftool_the_inventory_says_so(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv(exiftool.ENV, str(tmp_path / "no-such-exiftool"))
    inv = take_inventory(CORPUS / "media" / "P1000827.jpg", "image/jpeg")
    assert inv.fields == () and inv.error is not None and "ExifTool is not installed" in inv.error
