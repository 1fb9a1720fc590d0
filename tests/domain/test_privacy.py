"""domain/privacy.py: what the choices do to each field, the batch summary and the action's description."""

from __future__ import annotations

from typing import Any

from trustnxt_desktop.domain.privacy import (
    EXIFTOOL_MISSING,
    Fate,
    FieldKind,
    FileInventory,
    LocationChoice,
    PrivacyChoices,
    RevealedField,
    Where,
    removal_description,
    summarise,
)

GPS = RevealedField(FieldKind.LOCATION, Where.EXIF, "GPS:GPSLatitude", "38.69")
SERIAL = RevealedField(FieldKind.SERIAL, Where.MAKER_NOTES, "Canon:SerialNumber", "0620")
AUTHOR = RevealedField(FieldKind.OWNER, Where.MANIFEST, "CreativeWork author", "Ana")


def test_fates_follow_the_choices_and_never_touch_our_own_manifest() -> None:
    keep, city = PrivacyChoices(), PrivacyChoices(LocationChoice.CITY, True)
    assert not keep.changes_anything and city.changes_anything
    assert keep.fate(GPS.kind, GPS.where) is Fate.KEPT
    assert city.fate(GPS.kind, GPS.where) is Fate.COARSENED
    assert city.fate(SERIAL.kind, SERIAL.where) is Fate.REMOVED
    assert city.fate(AUTHOR.kind, AUTHOR.where) is Fate.KEPT, "the person's own author setting"
    stored: Any = "remove"  # stored options hold the plain value
    assert PrivacyChoices(stored).location is LocationChoice.REMOVE
    inv = FileInventory("a.jpg", "image/jpeg", (GPS, SERIAL, AUTHOR))
    assert [f for f, _ in inv.affected(city)] == [GPS, SERIAL]
    assert RevealedField.from_dict(GPS.to_dict()) == GPS


def test_batch_summary_counts_files_per_kind() -> None:
    summary = summarise([FileInventory("a", None, (GPS, SERIAL)), FileInventory("b", None, (GPS,)),
                         FileInventory("c", None, error="damaged")])
    assert summary.count(FieldKind.LOCATION) == 2 and summary.count(FieldKind.SERIAL) == 1
    assert summary.sentence() == "3 files checked — location in 2, serial numbers in 1; 1 could not be read."
    assert summarise([]).sentence() == "No files to check."


def test_the_action_description_says_what_was_removed() -> None:
    assert removal_description([FieldKind.LOCATION], "Algés, Lisbon, Portugal") == \
        "Location coarsened to Algés, Lisbon, Portugal from the file's metadata before signing"
    assert removal_description([FieldKind.LOCATION, FieldKind.SERIAL, FieldKind.OWNER], None) == \
        "Location removed; serial numbers and owner and artist removed from the file's metadata before signing"


def test_batch_summary_leads_with_a_missing_exiftool_and_how_to_get_it() -> None:
    missing = f"{EXIFTOOL_MISSING}, so file metadata cannot be checked or rewritten (apt install …)."
    nothing = summarise([FileInventory("a", None, error=missing), FileInventory("b", None, error=missing)])
    assert nothing.tool_missing == missing
    assert nothing.sentence() == f"{missing} 2 files checked; 2 could not be read."
    some = summarise([FileInventory("a", None, (GPS,)), FileInventory("b", None, error=missing)])
    assert some.sentence() == f"{missing} 2 files checked — location in 1; 1 could not be read."
    assert summarise([FileInventory("c", None, error="damaged")]).tool_missing is None
