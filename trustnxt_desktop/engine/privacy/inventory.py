"""What a file would reveal: every location, device, serial, owner, software, date and unique-ID field in its
unsigned metadata (EXIF, XMP, IPTC, maker notes, container tags, embedded thumbnails' own EXIF) and in the
Content Credentials it already carries (which a protected copy keeps as its parent ingredient).

Reads files someone else made: in the app it runs in an isolated worker (engine.untrusted, task
"privacy"); ExifTool itself runs as a child process of that worker, under its limits.
Tag names and groups are ExifTool's (https://exiftool.org/TagNames/); the manifest's assertion keys
follow the C2PA specification's metadata assertions (EXIF/XMP namespaces, e.g. `exif:GPSLatitude`).
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from ...domain.privacy import FieldKind, FileInventory, RevealedField, Where
from ...domain.regular_files import open_regular
from .. import exiftool
from ..c2pa_loader import c2pa
from .formats import rewritable

# ExifTool's family-2 groups (what a tag is about); the last group in a key is one of these.
_FAMILY2 = {"Audio", "Author", "Camera", "Document", "ExifTool", "Image", "Location", "Other", "Preview",
            "Printing", "Time", "Unknown", "Video", "Device"}
# Groups that describe the file system or ExifTool, or profiles and encoders that say nothing about a person.
_SKIPPED = {"ExifTool", "File", "Composite", "System", "ICC_Profile", "JFIF", "APP14", "Photoshop"}
_WHERE = {"EXIF": Where.EXIF, "XMP": Where.XMP, "IPTC": Where.IPTC, "MakerNotes": Where.MAKER_NOTES}
_THUMBNAIL_TAGS = ("ThumbnailImage", "PreviewImage", "JpgFromRaw", "OtherImage")

_DEVICE = {"make", "model", "lensmake", "lensmodel", "lens", "lensid", "lensinfo", "uniquecameramodel",
           "cameramodelname", "androidmodel", "androidmanufacturer", "cameramake", "cameramodel", "devicemake",
           "devicemodel", "localizedcameramodel"}
_OWNER = {"ownername", "cameraownername", "artist", "creator", "by-line", "author", "copyright", "copyrightnotice",
          "rights", "photographer", "xpauthor", "albumartist", "writer-editor", "captionwriter"}
_SOFTWARE = {"software", "creatortool", "processingsoftware", "historysoftwareagent", "encoder", "encodedby",
             "encodingsettings", "writingapp", "producer", "creatorapp", "application"}
_LOCATION = {"location", "locationname", "city", "country", "countryname", "sub-location", "sublocation",
             "province-state", "state", "countrycode", "country-primarylocationname", "country-primarylocationcode",
             "locationcreated", "locationshown", "worldregion", "gpscoordinates", "gpsposition"}
_NOT_REVEALING = {"gpsversionid"}


def classify(name: str, family2: str = "") -> FieldKind | None:
    """The kind of a field from its tag name (ExifTool's, or a manifest key's part after its namespace
    prefix) and ExifTool's family-2 group; None for a field that says nothing listed here."""
    key = name.rsplit(":", 1)[-1].lower()
    if key in _NOT_REVEALING:
        return None
    if "serialnumber" in key or key in ("serial", "cameraserial", "bodyserial"):
        return FieldKind.SERIAL
    if key.startswith("gps") or key in _LOCATION or key.startswith(("locationcreated", "locationshown")) \
            or family2 == "Location":
        return FieldKind.LOCATION
    if key in _OWNER or key.endswith("ownername"):
        return FieldKind.OWNER
    if key in _DEVICE:
        return FieldKind.DEVICE
    if key in _SOFTWARE:
        return FieldKind.SOFTWARE
    if key.endswith(("documentid", "instanceid", "uniqueid", "uuid")) or key in ("contentidentifier", "imageuniqueid"):
        return FieldKind.UNIQUE_ID
    if family2 == "Time" and ("date" in key or key == "timecreated"):
        return FieldKind.DATE
    if "date" in key and family2 == "":  # a manifest key such as exif:DateTimeOriginal
        return FieldKind.DATE
    return None


def split_key(key: str) -> tuple[str, str, str, str]:
    """ExifTool's "Family0:Family1:Family2:Tag" key (duplicate group names are written once) as its four
    parts, e.g. "PNG:Image:ExifSerialNumber" -> ("PNG", "PNG", "Image", "ExifSerialNumber")."""
    *groups, tag = key.split(":")
    if not groups:
        return "", "", "", tag
    family2 = groups[-1] if len(groups) > 1 and groups[-1] in _FAMILY2 else ""
    rest = groups[:-1] if family2 else groups
    family0 = rest[0]
    family1 = rest[1] if len(rest) > 1 else family0
    return family0, family1, family2, tag


def fields_from_tags(pairs: Iterable[tuple[str, Any]], where: Where | None = None,
                     prefix: str = "") -> list[RevealedField]:
    """The revealing fields among ExifTool's (key, value) pairs; `where` overrides the place (thumbnails),
    `prefix` is put before each name (the thumbnail's tag)."""
    found: list[RevealedField] = []
    for key, value in pairs:
        family0, family1, family2, tag = split_key(key)
        if family0 in _SKIPPED or not family0 or isinstance(value, (dict, list)) and not value:
            continue
        kind = classify(tag, family2)
        if kind is None:
            continue
        text = _text(value)
        if not text or text.startswith("(Binary data"):
            continue
        place = where or _WHERE.get(family0, Where.CONTAINER)
        found.append(RevealedField(kind, place, f"{prefix}{family1}:{tag}", text))
    return found


def _text(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(_text(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value).strip()


def _pairs(tags: list[tuple[str, Any]] | dict[str, Any]) -> list[tuple[str, Any]]:
    return list(tags.items()) if isinstance(tags, dict) else tags


def take_inventory(path: Path, media_type: str | None) -> FileInventory:
    """Every revealing field of one file. Never raises for a problem with the file: `error` says it."""
    try:
        tags = exiftool.read_tag_pairs(path)
        fields = fields_from_tags(tags)
        for tag in _THUMBNAIL_TAGS:
            if any(split_key(k)[3] == tag for k, _ in tags):
                fields += _thumbnail_fields(exiftool.extract_binary(path, tag), Where.THUMBNAIL, f"{tag} › ")
    except exiftool.ExifToolError as e:
        return FileInventory(str(path), media_type, error=str(e), rewritable=rewritable(media_type))
    fields += manifest_fields(path, media_type)
    return FileInventory(str(path), media_type, tuple(_unique(fields)), rewritable=rewritable(media_type))


def _thumbnail_fields(data: bytes, where: Where, prefix: str) -> list[RevealedField]:
    if len(data) < 4:
        return []
    try:
        return fields_from_tags(exiftool.read_tag_pairs(None, data=data), where, prefix)
    except exiftool.ExifToolError:
        return []  # an unreadable preview reveals nothing ExifTool could list


def _unique(fields: Iterable[RevealedField]) -> Iterator[RevealedField]:
    seen: set[RevealedField] = set()
    for f in fields:
        if f not in seen:
            seen.add(f)
            yield f


# -- the Content Credentials the file already carries ---------------------------------------------------

def manifest_fields(path: Path, media_type: str | None) -> list[RevealedField]:
    """Revealing values in the manifests of the file's own manifest store (they travel with the protected
    copy inside its parent ingredient) and in the thumbnails stored there. Empty when it has none."""
    if not media_type:
        return []
    context = c2pa.Context.from_dict({"verify": {"remote_manifest_fetch": False, "verify_trust": False}})
    try:
        with open_regular(path) as f:
            reader = c2pa.Reader.try_create(media_type, f, context=context)
            if reader is None:
                return []
            with reader:
                store = json.loads(reader.json())
                found = _store_fields(store)
                for identifier in _thumbnail_ids(store):
                    buf = io.BytesIO()
                    try:
                        reader.resource_to_stream(identifier, buf)
                    except c2pa.C2paError:
                        continue
                    found += _thumbnail_fields(buf.getvalue(), Where.INGREDIENT_THUMBNAIL, "thumbnail › ")
                return found
    except (c2pa.C2paError, OSError, ValueError):
        return []  # unreadable credentials are not attached to the copy (engine.parent)


def _store_fields(store: dict[str, Any]) -> list[RevealedField]:
    found: list[RevealedField] = []
    for manifest in (store.get("manifests") or {}).values():
        if not isinstance(manifest, dict):
            continue
        for generator in manifest.get("claim_generator_info") or []:
            if isinstance(generator, dict) and generator.get("name"):
                version = f" {generator['version']}" if generator.get("version") else ""
                found.append(RevealedField(FieldKind.SOFTWARE, Where.INGREDIENT, "claim_generator",
                                           f"{generator['name']}{version}"))
        for assertion in manifest.get("assertions") or []:
            if isinstance(assertion, dict):
                found += _assertion_fields(str(assertion.get("label", "")), assertion.get("data"))
    return found


def _assertion_fields(label: str, data: Any, prefix: str = "", inherited: FieldKind | None = None
                      ) -> list[RevealedField]:
    """`inherited`: the kind of the structure this is inside (e.g. an `author` person: its `name` is an owner)."""
    if label.startswith(("c2pa.hash", "c2pa.actions", "c2pa.ingredient", "c2pa.thumbnail", "c2pa.soft-binding")):
        return []  # bindings and history: no metadata about the person
    found: list[RevealedField] = []
    if isinstance(data, dict):
        for key, value in data.items():
            if str(key).startswith("@"):
                continue
            name = f"{prefix}{key}"
            kind = classify(str(key)) or (inherited if str(key) in ("name", "value", "identifier") else None)
            if isinstance(value, (dict, list)):
                found += _assertion_fields(label, value, f"{name}.", kind or inherited)
                continue
            if kind is not None and _text(value):
                found.append(RevealedField(kind, Where.INGREDIENT, f"{label}: {name}", _text(value)))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            found += _assertion_fields(label, value, f"{prefix.rstrip('.')}[{i}].", inherited)
    return found


def _thumbnail_ids(store: dict[str, Any]) -> list[str]:
    ids: list[str] = []
    for manifest in (store.get("manifests") or {}).values():
        if not isinstance(manifest, dict):
            continue
        holders = [manifest, *[i for i in manifest.get("ingredients") or [] if isinstance(i, dict)]]
        for holder in holders:
            thumb = holder.get("thumbnail")
            if isinstance(thumb, dict) and isinstance(thumb.get("identifier"), str):
                ids.append(thumb["identifier"])
    return ids
