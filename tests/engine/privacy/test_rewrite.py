"""The privacy choices really remove: in every protectable media format, no original GPS value, serial number or
owner name is left anywhere in the signed copy's bytes; the copy validates in c2pa-rs and in c2pa-ts and records
the removal as a c2pa.edited.metadata action."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from tests import c2pa_ts
from tests.expect import present
from tests.revealing_media import FORMATS, found_in, needles, revealing_file
from trustnxt_desktop.domain.privacy import FieldKind, LocationChoice, PrivacyChoices
from trustnxt_desktop.domain.protect import ProtectOptions, ProtectStatus
from trustnxt_desktop.domain.report import Verdict
from trustnxt_desktop.engine.inspect import inspect_file
from trustnxt_desktop.engine.media import sniff
from trustnxt_desktop.engine.privacy.inventory import take_inventory
from trustnxt_desktop.engine.privacy.rewrite import PrivacyError, clean_copy, position_of, search_needles
from trustnxt_desktop.engine.protect import protect_file
from trustnxt_desktop.engine.trust import TrustConfig

C2PA_TS_READS = {".jpg", ".png", ".heic", ".avif"}  # the check script finds no manifest in our MP4/MOV/M4A


def _actions(path: Path) -> list[dict[str, object]]:
    raw = present(inspect_file(path, TrustConfig()).raw, "manifest store")
    manifest = raw["manifests"][raw["active_manifest"]]
    return next(a["data"]["actions"] for a in manifest["assertions"] if a["label"].startswith("c2pa.actions"))


@pytest.mark.parametrize("name", list(FORMATS))
def test_removed_values_are_nowhere_in_the_signed_copy(name: str, tmp_path: Path, identity, local_trust) -> None:
    original = revealing_file(name, tmp_path / "in")
    patterns = needles(original)
    assert len(found_in(original, patterns)) >= 4, "the original reveals position, serial and owner"
    before = hashlib.sha256(original.read_bytes()).hexdigest()
    result = protect_file(original, identity, ProtectOptions(out_dir=tmp_path / "out", location=LocationChoice.REMOVE,
                                                             strip_serials=True))
    assert result.status is ProtectStatus.DONE, result.error
    copy = present(result.output, "protected copy")
    assert found_in(copy, patterns) == [], "no removed value may survive anywhere in the bytes"
    assert hashlib.sha256(original.read_bytes()).hexdigest() == before, "the original is never changed"
    left = take_inventory(copy, sniff(copy))
    assert not left.of_kind(FieldKind.LOCATION) and not left.of_kind(FieldKind.SERIAL)
    assert inspect_file(copy, local_trust).verdict is Verdict.TRUSTED
    edit = [a for a in _actions(copy) if a["action"] == "c2pa.edited.metadata"]
    assert edit and "location removed" in str(edit[0]["description"]).lower()
    if copy.suffix in C2PA_TS_READS:
        verdict = c2pa_ts.validate(copy)
        assert verdict.readable and verdict.valid, verdict.failures()
        assert "c2pa.edited.metadata" in verdict.actions


def test_coarsened_copy_carries_the_city_not_the_position(tmp_path: Path, identity) -> None:
    original = revealing_file("sample1.jpg", tmp_path / "in")
    result = protect_file(original, identity, ProtectOptions(out_dir=tmp_path, location=LocationChoice.CITY))
    copy = present(result.output, "protected copy")
    assert result.status is ProtectStatus.DONE, result.error
    assert found_in(copy, [b"38.6915", b"38,41.4", b"9,12.9"]) == []
    position = present(position_of(take_inventory(copy, "image/jpeg").fields), "the city's position")
    assert position == (38.7, -9.23), "the nearest city of 15,000 people (Algés), to two decimals"
    values = {f.value for f in take_inventory(copy, "image/jpeg").of_kind(FieldKind.LOCATION)}
    assert {"Algés", "Portugal", "PT"} <= values
    assert b"SN7734XQ19" in copy.read_bytes(), "serial numbers are kept unless asked"
    (edit,) = [a for a in _actions(copy) if a["action"] == "c2pa.edited.metadata"]
    assert edit["description"] == ("Location coarsened to Algés, Lisbon, Portugal from the file's metadata "
                                   "before signing")


def test_keep_changes_nothing_and_records_no_edit(tmp_path: Path, identity) -> None:
    original = revealing_file("sample1.jpg", tmp_path / "in")
    result = protect_file(original, identity, ProtectOptions(out_dir=tmp_path))
    copy = present(result.output, "protected copy")
    assert b"SN7734XQ19" in copy.read_bytes() and b"38,41.4" in copy.read_bytes()
    assert [a["action"] for a in _actions(copy)] == ["c2pa.created"]


def test_a_format_that_cannot_be_rewritten_fails_instead_of_keeping_the_values(tmp_path: Path) -> None:
    svg = tmp_path / "map.svg"
    svg.write_text('<svg xmlns="http://www.w3.org/2000/svg"><metadata><rdf:RDF '
                   'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description '
                   'xmlns:exif="http://ns.adobe.com/exif/1.0/" exif:GPSLatitude="38,41.49504N"/></rdf:RDF>'
                   '</metadata></svg>')
    inventory = take_inventory(svg, "image/svg+xml")
    if not inventory.of_kind(FieldKind.LOCATION):
        pytest.skip("ExifTool lists no XMP in this SVG")
    with pytest.raises(PrivacyError, match="cannot be removed from image/svg"):
        clean_copy(svg, tmp_path / "out.svg", "image/svg+xml", PrivacyChoices(LocationChoice.REMOVE))
    assert not (tmp_path / "out.svg").exists()


def test_a_serial_in_a_copy_is_found_across_read_chunks(tmp_path: Path) -> None:
    f = tmp_path / "big.bin"
    f.write_bytes(b"x" * 10 + b"SN7734XQ19" + b"y" * 10)
    assert search_needles(f, [b"SN7734XQ19"], chunk=13) == b"SN7734XQ19", "a needle split across two chunks"
    assert search_needles(f, [b"absent"], chunk=13) is None
