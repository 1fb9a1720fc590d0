"""The privacy check before protecting: what a protected copy would reveal, and what the person chose to keep.

A file tells more than its pixels: the camera writes where it was (GPS), which body and lens took it
(serial numbers), whose camera it is (owner name), which software touched it, when, and identifiers
that link copies of the same picture. Before signing, every such field is listed per file (a
`FileInventory`) and per batch (`BatchSummary`), with where it sits — the signed manifest, EXIF, XMP,
IPTC, maker notes, container tags (QuickTime, ID3, RIFF, Vorbis comments), an embedded thumbnail's own
EXIF, or an ingredient's manifest — and what the person's choices (`PrivacyChoices`) do to it.

The choices cover what can identify a person or a place: the location (keep it, coarsen it to the city,
remove it) and serial numbers and owner names (remove them). Dates, software and unique IDs are shown
so nothing is a surprise; they are not offered for removal (a date is part of a photograph's record).

Field names follow ExifTool's tag names (https://exiftool.org/TagNames/), the ones photographers see in
their other tools.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import Enum


class LocationChoice(str, Enum):
    """What a protected copy keeps of where a file was made.

    - keep: every location field as the file has it;
    - city: the exact position is replaced by the centre of the nearest city (GeoNames, cities of at
      least 15,000 people, looked up offline) and its name, region and country;
    - remove: no location field at all.
    """

    KEEP = "keep"
    CITY = "city"
    REMOVE = "remove"

    @property
    def label(self) -> str:
        return _LOCATION_LABELS[self]


_LOCATION_LABELS = {
    LocationChoice.KEEP: "Keep the exact location",
    LocationChoice.CITY: "Coarsen the location to the city",
    LocationChoice.REMOVE: "Remove the location",
}
DEFAULT_LOCATION = LocationChoice.KEEP


class FieldKind(str, Enum):
    """What a revealed field says about the person or the picture."""

    LOCATION = "location"
    DEVICE = "device"  # camera or recorder make and model, lens
    SERIAL = "serial"  # serial numbers of a body, lens or recorder
    OWNER = "owner"  # the camera's owner, the artist, creator or copyright holder
    SOFTWARE = "software"
    DATE = "date"
    UNIQUE_ID = "unique_id"  # identifiers that link copies of the same file (XMP document IDs, EXIF ImageUniqueID)

    @property
    def label(self) -> str:
        return _KIND_TITLES[self]


_KIND_TITLES = {
    FieldKind.LOCATION: "Location",
    FieldKind.DEVICE: "Device make and model",
    FieldKind.SERIAL: "Serial numbers",
    FieldKind.OWNER: "Owner and artist",
    FieldKind.SOFTWARE: "Software",
    FieldKind.DATE: "Dates",
    FieldKind.UNIQUE_ID: "Unique IDs",
}


class Where(str, Enum):
    """Where in the file a field sits."""

    MANIFEST = "manifest"  # the signed manifest the protected copy will carry (ours)
    INGREDIENT = "ingredient"  # the original's own manifest, kept as the parent ingredient
    INGREDIENT_THUMBNAIL = "ingredient_thumbnail"  # EXIF inside a thumbnail stored in that manifest
    EXIF = "exif"
    XMP = "xmp"
    IPTC = "iptc"
    MAKER_NOTES = "maker_notes"
    CONTAINER = "container"  # QuickTime/MP4 tags, ID3, RIFF INFO, Vorbis comments, PNG text, PDF info
    THUMBNAIL = "thumbnail"  # EXIF inside an embedded thumbnail or preview image

    @property
    def label(self) -> str:
        return _WHERE_TITLES[self]

    @property
    def signed(self) -> bool:
        """Whether the field is covered by a C2PA signature (the rest is the file's unsigned metadata)."""
        return self in (Where.MANIFEST, Where.INGREDIENT, Where.INGREDIENT_THUMBNAIL)


_WHERE_TITLES = {
    Where.MANIFEST: "signed manifest",
    Where.INGREDIENT: "original's manifest",
    Where.INGREDIENT_THUMBNAIL: "ingredient thumbnail",
    Where.EXIF: "EXIF",
    Where.XMP: "XMP",
    Where.IPTC: "IPTC",
    Where.MAKER_NOTES: "maker notes",
    Where.CONTAINER: "file tags",
    Where.THUMBNAIL: "embedded thumbnail",
}


class Fate(str, Enum):
    """What happens to a field in the protected copy."""

    KEPT = "kept"
    COARSENED = "coarsened"  # replaced by the city
    REMOVED = "removed"


@dataclass(frozen=True)
class PrivacyChoices:
    """A batch's choices. `strip_serials` removes serial numbers and owner names (camera owner, artist,
    creator, by-line, copyright holder) wherever they are stored."""

    location: LocationChoice = DEFAULT_LOCATION
    strip_serials: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "location", LocationChoice(self.location))

    @property
    def changes_anything(self) -> bool:
        return self.location is not LocationChoice.KEEP or self.strip_serials

    def fate(self, kind: FieldKind, where: Where) -> Fate:
        """What these choices do to a field of this kind stored there. Our own manifest's fields are the
        person's own settings (author, signer) and are never rewritten here."""
        if where is Where.MANIFEST:
            return Fate.KEPT
        if kind is FieldKind.LOCATION and self.location is LocationChoice.REMOVE:
            return Fate.REMOVED
        if kind is FieldKind.LOCATION and self.location is LocationChoice.CITY:
            return Fate.COARSENED
        if kind in (FieldKind.SERIAL, FieldKind.OWNER) and self.strip_serials:
            return Fate.REMOVED
        return Fate.KEPT

    def removes(self, kind: FieldKind) -> bool:
        """Whether an original value of this kind must not survive anywhere in the copy's bytes."""
        return self.fate(kind, Where.EXIF) is not Fate.KEPT


@dataclass(frozen=True)
class RevealedField:
    """One field the copy would reveal: its kind, where it is, its name (ExifTool's tag name, or the
    manifest's key) and its value as text."""

    kind: FieldKind
    where: Where
    name: str
    value: str

    def to_dict(self) -> dict[str, str]:
        return {"kind": self.kind.value, "where": self.where.value, "name": self.name, "value": self.value}

    @classmethod
    def from_dict(cls, data: dict[str, str]) -> RevealedField:
        return cls(FieldKind(data["kind"]), Where(data["where"]), str(data["name"]), str(data["value"]))


@dataclass(frozen=True)
class FileInventory:
    """Every field one file would reveal. `error`: why the file could not be read (the list is then empty
    and says nothing about the file); `rewritable`: whether the local engine can remove fields from this
    format (when it cannot, a protect that must remove one fails for that file instead of leaving it)."""

    path: str
    media_type: str | None
    fields: tuple[RevealedField, ...] = ()
    error: str | None = None
    rewritable: bool = True

    def of_kind(self, kind: FieldKind) -> list[RevealedField]:
        return [f for f in self.fields if f.kind is kind]

    def kinds(self) -> set[FieldKind]:
        return {f.kind for f in self.fields}

    def affected(self, choices: PrivacyChoices) -> list[tuple[RevealedField, Fate]]:
        """The fields the choices change, with what happens to each."""
        return [(f, fate) for f in self.fields if (fate := choices.fate(f.kind, f.where)) is not Fate.KEPT]

    def to_dict(self) -> dict[str, object]:
        return {"path": self.path, "media_type": self.media_type, "error": self.error,
                "rewritable": self.rewritable, "fields": [f.to_dict() for f in self.fields]}


@dataclass(frozen=True)
class KindCount:
    kind: FieldKind
    files: int  # files that reveal at least one field of the kind
    examples: tuple[str, ...]  # up to three distinct values, for a glance


# How the reason a file could not be read begins when the program that reads metadata, ExifTool, is missing (its
# whole sentence, with how to install it on this system, is engine.exiftool.missing_sentence()).
EXIFTOOL_MISSING = "ExifTool is not installed"


@dataclass(frozen=True)
class BatchSummary:
    """A batch at a glance: per kind, how many files reveal it; and the files that could not be read.
    `tool_missing`: ExifTool's absence and how to install it, when that is why files could not be read."""

    total: int
    counts: tuple[KindCount, ...] = field(default=())
    unreadable: int = 0
    tool_missing: str | None = None

    def count(self, kind: FieldKind) -> int:
        return next((c.files for c in self.counts if c.kind is kind), 0)

    def sentence(self) -> str:
        """E.g. "3 files checked — location in 2, serial numbers in 3, software in 3." — the panel's headline."""
        if not self.total:
            return "No files to check."
        head = f"{self.total} file{'s' if self.total != 1 else ''} checked"
        if self.tool_missing and self.unreadable == self.total:  # nothing was read: only the reason, first
            return f"{self.tool_missing} {head}; {self.unreadable} could not be read."
        parts = [f"{c.kind.label.lower()} in {c.files}" for c in self.counts]
        text = f"{head} — {', '.join(parts)}" if parts else f"{head} — nothing listed here is revealed"
        if self.unreadable:
            text += f"; {self.unreadable} could not be read"
        return f"{self.tool_missing} {text}." if self.tool_missing else text + "."


def summarise(inventories: Sequence[FileInventory]) -> BatchSummary:
    """The batch summary of these files' inventories, kinds in FieldKind's order."""
    counts: list[KindCount] = []
    for kind in FieldKind:
        having = [inv for inv in inventories if kind in inv.kinds()]
        if having:
            counts.append(KindCount(kind, len(having), _examples(f.value for inv in having for f in inv.of_kind(kind))))
    missing = next((inv.error for inv in inventories if inv.error and inv.error.startswith(EXIFTOOL_MISSING)), None)
    return BatchSummary(len(inventories), tuple(counts), sum(inv.error is not None for inv in inventories), missing)


def _examples(values: Iterable[str]) -> tuple[str, ...]:
    seen: list[str] = []
    for v in values:
        if v not in seen:
            seen.append(v)
        if len(seen) == 3:
            break
    return tuple(seen)


def removal_description(removed: Iterable[FieldKind], city: str | None) -> str:
    """The sentence the manifest's `c2pa.edited.metadata` action carries, e.g. "Location coarsened to
    Berlin, Germany; serial numbers and owner names removed from the file's metadata before signing"."""
    kinds = set(removed)
    parts: list[str] = []
    if FieldKind.LOCATION in kinds:
        parts.append(f"location coarsened to {city}" if city else "location removed")
    gone = [k.label.lower() for k in (FieldKind.SERIAL, FieldKind.OWNER) if k in kinds]
    if gone:
        parts.append(" and ".join(gone) + " removed")
    text = "; ".join(parts) or "metadata changed"
    return text[0].upper() + text[1:] + " from the file's metadata before signing"


def own_manifest_fields(*, author: str | None, signer: str | None, organisation: str | None,
                        software: str) -> list[RevealedField]:
    """What the copy's own signed manifest will say about the person: the author (schema.org CreativeWork), the
    signing certificate's name and organisation, and the claim generator. None of it is rewritten by the
    choices: it comes from Settings."""
    fields = [RevealedField(FieldKind.SOFTWARE, Where.MANIFEST, "claim_generator", software)]
    if author:
        fields.append(RevealedField(FieldKind.OWNER, Where.MANIFEST, "CreativeWork author", author))
    if signer:
        fields.append(RevealedField(FieldKind.OWNER, Where.MANIFEST, "signer", signer))
    if organisation:
        fields.append(RevealedField(FieldKind.OWNER, Where.MANIFEST, "signer organisation", organisation))
    return fields
