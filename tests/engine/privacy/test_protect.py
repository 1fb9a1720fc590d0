"""engine/privacy/protect.py with the real cleaner (engine.privacy.rewrite.clean_copy in an isolated worker, as
protect runs it) on a geotagged photo: the file signed is a private rewritten copy only when the choices change
something, and it is gone after the block; the options record the metadata edit; the original's manifest is
withheld as parent when it records a removed value; and a signed copy still holding a removed value is refused."""

from __future__ import annotations

import hashlib
import stat
from pathlib import Path

import pytest

from tests.geotagged import CITY, LOCATION_TEXTS, geotagged_jpeg
from trustnxt_desktop.domain.privacy import FieldKind, LocationChoice, PrivacyChoices
from trustnxt_desktop.domain.protect import ProtectOptions
from trustnxt_desktop.domain.report import Verdict
from trustnxt_desktop.engine.parent import ParentCredentials
from trustnxt_desktop.engine.privacy.protect import (
    check_signed,
    privacy_applied,
    with_edit,
    without_withheld,
)
from trustnxt_desktop.engine.privacy.rewrite import Cleaned, PrivacyError
from trustnxt_desktop.engine.untrusted import privacy_clean_isolated, shared_pool


def clean_copy(source: Path, media_type: str, choices: PrivacyChoices, target: Path) -> Cleaned:
    return privacy_clean_isolated(shared_pool(), source, media_type, choices, target)


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_without_choices_the_original_is_signed_and_nothing_is_written(tmp_path: Path) -> None:
    photo = geotagged_jpeg(tmp_path / "harbour.jpg", 320, 240)
    with privacy_applied(photo, "image/jpeg", ProtectOptions(), clean_copy) as (signed, cleaned):
        assert signed == photo and cleaned == Cleaned()
    options = ProtectOptions()
    assert with_edit(options, Cleaned()) is options


def test_removing_the_location_signs_a_private_rewritten_copy(tmp_path: Path) -> None:
    photo = geotagged_jpeg(tmp_path / "harbour.jpg", 320, 240)
    before = _sha(photo)
    options = ProtectOptions(location=LocationChoice.REMOVE)
    with privacy_applied(photo, "image/jpeg", options, clean_copy) as (signed, cleaned):
        assert signed != photo and signed.is_file() and cleaned.rewritten
        assert stat.S_IMODE(signed.parent.stat().st_mode) == 0o700, "a private temporary folder"
        assert FieldKind.LOCATION in cleaned.changed and cleaned.needles
        data = signed.read_bytes()
        assert not [t for t in LOCATION_TEXTS if t in data]
        check_signed(signed, cleaned)  # nothing removed is left: no error
        folder = signed.parent
    assert not folder.exists(), "the rewritten copy lives only for the block"
    assert _sha(photo) == before
    edited = with_edit(options, cleaned)
    assert edited.metadata_edit is not None and "location removed" in edited.metadata_edit.lower()
    assert edited.location is LocationChoice.REMOVE and options.metadata_edit is None

    with pytest.raises(PrivacyError, match="still found in the signed copy"):
        check_signed(photo, cleaned)  # the original still holds what was removed


def test_the_original_manifest_is_withheld_when_it_records_a_removed_value() -> None:
    parent = ParentCredentials(Verdict.TRUSTED, archive=b"single-ingredient archive")
    warnings: list[str] = []
    assert without_withheld(parent, Cleaned(changed=(FieldKind.LOCATION,)), warnings) is parent and not warnings
    assert without_withheld(None, Cleaned(withhold_parent=True), warnings) is None
    withheld = without_withheld(parent, Cleaned(changed=(FieldKind.LOCATION, FieldKind.SERIAL),
                                                withhold_parent=True), warnings)
    assert withheld is not None and withheld.archive is None and withheld.verdict is Verdict.TRUSTED
    assert len(warnings) == 1
    assert f"{FieldKind.LOCATION.label.lower()} and {FieldKind.SERIAL.label.lower()}" in warnings[0]
    no_archive = ParentCredentials(Verdict.INVALID)
    assert without_withheld(no_archive, Cleaned(withhold_parent=True), warnings) is no_archive


def test_coarsening_to_the_city_names_it_in_the_edit(tmp_path: Path) -> None:
    photo = geotagged_jpeg(tmp_path / "harbour.jpg", 320, 240)
    options = ProtectOptions(location=LocationChoice.CITY)
    with privacy_applied(photo, "image/jpeg", options, clean_copy) as (signed, cleaned):
        assert cleaned.city is not None and cleaned.rewritten
        assert CITY.encode() not in signed.read_bytes()
    edited = with_edit(options, cleaned)
    assert edited.metadata_edit is not None and cleaned.city.label in edited.metadata_edit
