"""A copy of a file with the privacy choices applied to its unsigned metadata, checked before it is signed.

`clean_copy` takes the file's inventory (engine.privacy.inventory), removes or coarsens what the choices
say (engine.privacy.formats: ExifTool, or our RIFF, ID3 and FLAC rewriting), reads the copy again and
refuses it when a removed field is still there. It also returns the byte patterns of the removed values
(`Cleaned.needles`: serial numbers and names as UTF-8 and UTF-16, GPS coordinates as decimal and XMP
degree-minute text), which protect searches for in the signed copy before it is published: no removed
value survives anywhere in the bytes, in the manifest neither.

Runs in an isolated worker in the app (engine.untrusted, task "privacy_clean"): it parses the original.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ...domain.errors import ProtectError
from ...domain.privacy import Fate, FieldKind, FileInventory, LocationChoice, PrivacyChoices, RevealedField, Where
from .. import exiftool
from . import containers as privacy_containers
from .formats import Rewriter, rewriter
from .geocode import City, city_of
from .inventory import take_inventory

_PLACEHOLDERS = {"unknown", "none", "n/a", "not available", "null", "undefined"}
MIN_NEEDLE_CHARS = 4  # shorter values (e.g. "N/A", "12") are removed but not searched for in the bytes


class PrivacyError(ProtectError):
    """The choices cannot be applied to this file (its format cannot be rewritten, its metadata cannot be
    read, or a removed value is still in the copy): the file is not protected."""


@dataclass(frozen=True)
class Cleaned:
    """What clean_copy did. `rewritten`: the copy at the target path is what gets signed (False: nothing
    unsigned had to change, sign the original). `changed`: the kinds removed or coarsened, anywhere.
    `withhold_parent`: the original's own manifest holds a removed value, so it must not travel with the
    copy as its parent ingredient. `needles`: byte patterns that must not occur in the signed copy."""

    rewritten: bool = False
    changed: tuple[FieldKind, ...] = ()
    city: City | None = None
    notes: tuple[str, ...] = ()
    withhold_parent: bool = False
    needles: tuple[bytes, ...] = field(default=(), repr=False)


def clean_copy(source: Path, target: Path, media_type: str, choices: PrivacyChoices) -> Cleaned:
    """Write `target` (a new file) from `source` with the choices applied, when anything unsigned must
    change. Raises PrivacyError (a sentence for the person) when that cannot be done safely."""
    if not choices.changes_anything:
        return Cleaned()
    inventory = take_inventory(source, media_type)
    if inventory.error is not None:
        raise PrivacyError(f"The file's metadata could not be read ({inventory.error}), so what it reveals "
                           "could not be removed. The file was not protected.")
    affected = inventory.affected(choices)
    if not affected:
        return Cleaned()
    changed = tuple(sorted({f.kind for f, _ in affected}, key=list(FieldKind).index))
    withhold = any(f.where.signed for f, _ in affected)
    unsigned = [(f, fate) for f, fate in affected if not f.where.signed]
    city, notes = _city(inventory, choices)
    if city is not None and rewriter(media_type) in (Rewriter.ID3, Rewriter.FLAC) and any(
            f.kind is FieldKind.LOCATION and not f.where.signed for f, _ in affected):
        city = None  # ID3 and Vorbis comments have no agreed place fields to write it in
        notes.append(f"The city cannot be written into {media_type} files, so the location was removed.")
    needles = tuple(_needles([f for f, _ in affected], city))
    if not unsigned:
        return Cleaned(False, changed, city, tuple(notes), withhold, needles)
    how = rewriter(media_type)
    if how is None:
        kinds = ", ".join(sorted({f.kind.label.lower() for f, _ in unsigned}))
        raise PrivacyError(f"This file's metadata holds {kinds}, which cannot be removed from {media_type} "
                           "files here. The file was not protected; choose to keep them to protect it as it is.")
    try:
        _rewrite(how, source, target, unsigned, city, needles)
    except (exiftool.ExifToolError, privacy_containers.ContainerError) as e:
        raise PrivacyError(f"The file's metadata could not be rewritten ({e}). The file was not protected.") from None
    _check(target, media_type, choices, inventory, city)
    if city is None and not notes and choices.location is LocationChoice.CITY and FieldKind.LOCATION in changed:
        notes.append("No city was found for the file's position, so its location was removed.")
    return Cleaned(True, changed, city, tuple(notes), withhold, needles)


def _rewrite(how: Rewriter, source: Path, target: Path, unsigned: list[tuple[RevealedField, Fate]],
             city: City | None, needles: tuple[bytes, ...]) -> None:
    assignments = exiftool_assignments(unsigned, city)
    if how is Rewriter.EXIFTOOL:
        exiftool.write(source, target, assignments)
        if target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n":
            privacy_containers.drop_png_text(target, needles)
    elif how is Rewriter.RIFF:
        privacy_containers.clean_riff(source, target, assignments, needles)
    elif how is Rewriter.ID3:
        privacy_containers.clean_id3(source, target, needles)
    else:
        privacy_containers.clean_flac(source, target, needles)


def exiftool_assignments(fields: Iterable[tuple[RevealedField, Fate]], city: City | None) -> list[str]:
    """ExifTool arguments that delete these fields and, for a coarsened location, write the city."""
    out: list[str] = []
    coarsen = False
    for f, fate in fields:
        if f.where is Where.MAKER_NOTES:
            args = ["-MakerNotes:all="]  # their layout is the camera maker's: they go as a whole
        elif f.where is Where.THUMBNAIL:
            args = [f"-{f.name.split(' › ', 1)[0]}="]  # the preview goes: its own EXIF cannot be edited in place
        else:
            args = [f"-{f.name}="]
        if f.kind is FieldKind.LOCATION:
            args.insert(0, "-Location:all=")
            coarsen = coarsen or fate is Fate.COARSENED
        out += [a for a in args if a not in out]
    if coarsen and city is not None:
        out += city_assignments(city)
    return out


def city_assignments(city: City) -> list[str]:
    """The city's centre as EXIF, XMP and QuickTime GPS, and its name as XMP (IPTC Photo Metadata's
    City, State/Province, Country, Country Code in the photoshop and Iptc4xmpCore namespaces)."""
    return [f"-GPSLatitude={abs(city.lat)}", f"-GPSLatitudeRef={'N' if city.lat >= 0 else 'S'}",
            f"-GPSLongitude={abs(city.lon)}", f"-GPSLongitudeRef={'E' if city.lon >= 0 else 'W'}",
            f"-XMP-exif:GPSLatitude={city.lat}", f"-XMP-exif:GPSLongitude={city.lon}",
            f"-Keys:GPSCoordinates={city.lat}, {city.lon}", f"-XMP-photoshop:City={city.name}",
            f"-XMP-photoshop:State={city.region}", f"-XMP-photoshop:Country={city.country}",
            f"-XMP-iptcCore:CountryCode={city.country_code}"]


def _city(inventory: FileInventory, choices: PrivacyChoices) -> tuple[City | None, list[str]]:
    if choices.location is not LocationChoice.CITY:
        return None, []
    position = position_of(inventory.fields)
    if position is None:
        return None, []
    return city_of(*position), []


def position_of(fields: Iterable[RevealedField]) -> tuple[float, float] | None:
    """The file's own position (decimal degrees, south and west negative), from the first source that has
    both halves: EXIF GPS, XMP, then QuickTime's ISO 6709 coordinates."""
    fields = [f for f in fields if f.kind is FieldKind.LOCATION and not f.where.signed]
    for where in (Where.EXIF, Where.XMP, Where.CONTAINER, Where.MAKER_NOTES):
        here = {f.name.rsplit(":", 1)[-1].lower(): f.value for f in fields if f.where is where}
        lat, lon = _number(here.get("gpslatitude")), _number(here.get("gpslongitude"))
        if lat is not None and lon is not None:
            if here.get("gpslatituderef", "N").upper().startswith("S") and lat > 0:
                lat = -lat
            if here.get("gpslongituderef", "E").upper().startswith("W") and lon > 0:
                lon = -lon
            return lat, lon
        for key in ("gpscoordinates", "gpsposition", "location"):
            parts = (here.get(key) or "").replace(",", " ").split()
            if len(parts) >= 2 and (a := _number(parts[0])) is not None and (b := _number(parts[1])) is not None:
                return a, b
    return None


def _number(text: str | None) -> float | None:
    try:
        value = float(text) if text is not None else None
    except ValueError:
        return None
    return value if value is not None and math.isfinite(value) else None


def _check(target: Path, media_type: str, choices: PrivacyChoices, before: FileInventory, city: City | None) -> None:
    """Read the copy again: no unsigned field of a removed kind may remain; a coarsened location may hold
    only the city's values."""
    after = take_inventory(target, media_type)
    if after.error is not None:
        raise PrivacyError(f"The rewritten copy could not be read back ({after.error}). The file was not protected.")
    originals = {f.value for f in before.fields if f.kind is FieldKind.LOCATION}
    allowed = set(city_values(city)) if city else set()
    for f in after.fields:
        if f.where.signed or choices.fate(f.kind, f.where) is Fate.KEPT:
            continue
        if choices.fate(f.kind, f.where) is Fate.COARSENED and (f.value in allowed or f.value not in originals):
            continue
        raise PrivacyError(f"{f.name} ({f.kind.label.lower()}) was still in the copy after rewriting its "
                           "metadata. The file was not protected.")


def city_values(city: City) -> list[str]:
    return [city.name, city.region, city.country, city.country_code, str(city.lat), str(city.lon),
            str(abs(city.lat)), str(abs(city.lon)), f"{city.lat}, {city.lon}", f"{city.lat} {city.lon}",
            "N", "S", "E", "W"]


# -- what must not be found in the signed copy ---------------------------------------------------------

def _needles(fields: Iterable[RevealedField], city: City | None) -> list[bytes]:
    written = [t.encode() for t in _coordinate_texts(city.lat) + _coordinate_texts(city.lon)] if city else []
    written += [v.encode() for v in (city_values(city) if city else []) if v]
    found: list[bytes] = []
    for f in fields:
        for text in _field_texts(f):
            for encoded in (text.encode("utf-8"), text.encode("utf-16-le")):
                if encoded not in found and not any(encoded in w for w in written):
                    found.append(encoded)
    return found


def _field_texts(f: RevealedField) -> list[str]:
    if f.kind is FieldKind.LOCATION:
        tag = f.name.rsplit(":", 1)[-1].lower()
        if tag.endswith(("latitude", "longitude")) and (n := _number(f.value)) is not None:
            return _coordinate_texts(n)
        if tag in ("gpscoordinates", "gpsposition", "location"):
            return [t for p in f.value.replace(",", " ").split()[:2] if (n := _number(p)) is not None
                    for t in _coordinate_texts(n)]
    value = f.value.strip()
    if len(value) < MIN_NEEDLE_CHARS or value.lower() in _PLACEHOLDERS:
        return []
    if f.kind is FieldKind.LOCATION and _number(value) is not None:
        return []  # an altitude or a GPS time: removed, but too common a number to search the bytes for
    return [value]


def _coordinate_texts(degrees: float) -> list[str]:
    """A coordinate as it is written in text metadata: decimal degrees to 4 places (about 10 m), and XMP's
    "DDD,MM.mm" (XMP specification part 2, GPSCoordinate) to a tenth of a minute."""
    d = abs(degrees)
    whole = int(d)
    minutes = math.floor((d - whole) * 600) / 10
    return [f"{d:.5f}"[:-1], f"{whole},{minutes:.1f}"]


def search_needles(path: Path, needles: Iterable[bytes], chunk: int = 8 * 1024 * 1024) -> bytes | None:
    """The first needle found anywhere in the file's bytes (read in chunks that overlap by the longest
    needle), or None."""
    wanted = [n for n in needles if n]
    if not wanted:
        return None
    overlap = max(len(n) for n in wanted) - 1
    tail = b""
    with open(path, "rb") as f:
        while block := f.read(chunk):
            window = tail + block
            for n in wanted:
                if n in window:
                    return n
            tail = window[-overlap:] if overlap else b""
    return None
