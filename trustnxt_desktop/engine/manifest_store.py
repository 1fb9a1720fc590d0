"""The embedded C2PA manifest store of a file, as its bytes (`application/c2pa`, a JUMBF superbox), so that the
credentials of a received file can be kept in the manifest repository (services/repository/recovery.py).

Read by our own code from the file's bytes, per the C2PA specification's embedding sections:
- JPEG (C2PA 2.x "Embedding manifests into JPEG"): JPEG-1 XT APP11 segments (ISO/IEC 19566-5): `FF EB`, length,
  `JP`, box instance number (En), packet sequence number (Z), then the box; packets after the first repeat the
  box's LBox/TBox (and XLBox) header, which is dropped when they are joined;
- PNG: the `caBX` chunk holds the superbox;
- WebP: the RIFF `C2PA` chunk holds the superbox.
Other formats give None (their credentials are not kept). The bytes are checked by c2pa-rs before they are kept
(`store_of`): run it in an isolated worker, like every parser of someone else's file.
"""

from __future__ import annotations

import io
import struct
from pathlib import Path
from typing import Any

from ..domain.regular_files import open_regular

STORE_LABEL = b"c2pa"
MAX_BYTES = 256 * 1024 ** 2  # a file larger than this is not read for its store


def embedded_store(data: bytes) -> bytes | None:
    """The manifest store embedded in a JPEG, PNG or WebP file's bytes, or None (no store, another format)."""
    if data.startswith(b"\xff\xd8"):
        return _jpeg(data)
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return _png(data)
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return _webp(data)
    return None


def _jpeg(data: bytes) -> bytes | None:
    boxes: dict[int, list[tuple[int, bytes]]] = {}
    at = 2
    while at + 4 <= len(data):
        if data[at] != 0xFF:
            return None
        marker = data[at + 1]
        if marker in (0xD9, 0xDA):  # end of image, start of scan: no metadata segments after this
            break
        if marker == 0x01 or 0xD0 <= marker <= 0xD7:
            at += 2
            continue
        length = struct.unpack(">H", data[at + 2:at + 4])[0]
        segment = data[at + 4:at + 2 + length]
        if marker == 0xEB and segment[:2] == b"JP" and len(segment) >= 16:
            instance, sequence = struct.unpack(">HI", segment[2:8])
            boxes.setdefault(instance, []).append((sequence, segment[8:]))
        at += 2 + length
    for packets in boxes.values():
        packets.sort()
        first = packets[0][1]
        header = 16 if struct.unpack(">I", first[:4])[0] == 1 else 8
        joined = first + b"".join(p[header:] for _, p in packets[1:])
        if _is_store(joined):
            return joined
    return None


def _png(data: bytes) -> bytes | None:
    at = 8
    while at + 12 <= len(data):
        length, kind = struct.unpack(">I4s", data[at:at + 8])
        if kind == b"caBX":
            box = data[at + 8:at + 8 + length]
            return box if _is_store(box) else None
        if kind == b"IEND":
            break
        at += 12 + length
    return None


def _webp(data: bytes) -> bytes | None:
    at = 12
    while at + 8 <= len(data):
        kind, length = struct.unpack("<4sI", data[at:at + 8])
        if kind == b"C2PA":
            box = data[at + 8:at + 8 + length]
            return box if _is_store(box) else None
        at += 8 + length + (length & 1)
    return None


def _is_store(box: bytes) -> bool:
    """A JUMBF superbox ("jumb") whose description box is labelled "c2pa" (the manifest store)."""
    return box[4:8] == b"jumb" and STORE_LABEL + b"\x00" in box[8:80]


def store_of(path: Path) -> tuple[bytes, str] | None:
    """The file's embedded manifest store and its active manifest's label, or None when it has none that c2pa-rs
    reads as a manifest store. Raises OSError for a file that cannot be read."""
    from .c2pa_loader import c2pa

    with open_regular(path) as f:
        data = f.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        return None
    store = embedded_store(data)
    if store is None:
        return None
    try:
        reader = c2pa.Reader("application/c2pa", io.BytesIO(store))
        label = reader.get_active_manifest().get("label")
    except (c2pa.C2paError, AttributeError, TypeError):
        return None
    return (store, label) if isinstance(label, str) else None


# Failures of a manifest store checked without the media it was signed into: its hard binding cannot be checked.
HARD_BINDING_CODES = frozenset({"assertion.dataHash.mismatch", "assertion.boxesHash.mismatch",
                                "assertion.bmffHash.mismatch", "assertion.collectionHash.mismatch"})


def store_results(path: Path) -> dict[str, Any] | None:
    """A `.c2pa` manifest store file read alone by c2pa-rs: {"label": its active manifest, "validation_results": what
    c2pa-rs found (C2PA 2.1 validationResults), without the hard-binding failures that any store checked without its
    media has}; None when it is not a manifest store c2pa-rs reads. For an ingredient's validationResults."""
    import json

    from .c2pa_loader import c2pa

    with open_regular(path) as f:
        data = f.read(MAX_BYTES + 1)
    try:
        reader = c2pa.Reader("application/c2pa", io.BytesIO(data))
        found = json.loads(reader.json())
    except (c2pa.C2paError, ValueError):
        return None
    label, results = found.get("active_manifest"), found.get("validation_results")
    if not isinstance(label, str) or not isinstance(results, dict):
        return None
    active = results.get("activeManifest")
    if isinstance(active, dict) and isinstance(active.get("failure"), list):
        active["failure"] = [c for c in active["failure"] if not (isinstance(c, dict)
                                                                  and c.get("code") in HARD_BINDING_CODES)]
    return {"label": label, "validation_results": results}
