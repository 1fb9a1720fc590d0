"""Where a file keeps its Content Credentials, read from its bytes by our own code (no parser of c2pa's).

- `count_stores`: how many embedded C2PA manifest stores the bytes hold. A store is a JUMBF superbox
  whose description box carries the manifest-store UUID 63327061-0011-0010-8000-00AA00389B71 and the
  label "c2pa" (C2PA specification 2.x, "Manifest store" and the embedding sections of each format;
  ISO/IEC 19566-5 for the description box). The standard allows one per file; c2pa-rs validates one
  and reports the bytes of another as a hard-binding mismatch, which must not read as "the picture
  was changed". Stores kept in compressed streams (possible in PDF) are not seen: the count is a
  lower bound.
- `provenance_url`: the remote manifest address a file declares in its XMP as `dcterms:provenance`
  (C2PA specification 2.x, "External manifests"), for files whose credentials are not embedded and
  were not fetched: c2pa-rs gives the address only once it has fetched the manifest.

Both work on the file's bytes in memory, or stream it in chunks when it was too big to hold; `first_offset` finds
where a marker (e.g. the manifest store's description box) lies in a file too big to hold.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from ..domain.regular_files import open_regular

STORE_MARKER = b"jumd" + bytes.fromhex("6332706100110010800000aa00389b71") + b"\x03c2pa\x00"
DCTERMS_NS = "http://purl.org/dc/terms/"
CHUNK = 4 * 1024 ** 2
XMP_LIMIT = 1024 ** 2  # an XMP packet bigger than this is not read (it is not a provenance reference)
_PREFIX = re.compile(rb'xmlns:([A-Za-z_][\w.-]*)\s*=\s*["\']' + re.escape(DCTERMS_NS.encode()) + rb'["\']')
_PACKET = re.compile(rb"<x:xmpmeta\b.*?</x:xmpmeta>", re.DOTALL)


def _chunks(data: bytes | None, path: Path, overlap: int) -> Iterator[bytes]:
    """The file in overlapping pieces (a match across a boundary is seen once, in the later piece)."""
    if data is not None:
        yield data
        return
    with open_regular(path) as f:
        tail = b""
        while piece := f.read(CHUNK):
            yield tail + piece
            tail = (tail + piece)[-overlap:]


def first_offset(f: BinaryIO, marker: bytes) -> int | None:
    """Where `marker` first occurs in the open file `f`, read from its current position to its end in
    CHUNK pieces (an offset from that position); None when it does not occur."""
    done, tail = 0, b""  # done: bytes read before `tail + piece`
    while piece := f.read(CHUNK):
        window = tail + piece
        if (at := window.find(marker)) != -1:
            return done + at
        keep = min(len(window), len(marker) - 1)  # too short to hold the marker: searched again with the next piece
        done += len(window) - keep
        tail = window[len(window) - keep:]
    return None


def count_stores(data: bytes | None, path: Path) -> int:
    """Embedded C2PA manifest stores in the file (`data` when it is in memory, else read from `path`)."""
    # The overlap is one byte shorter than the marker, so no marker is wholly inside it: none is counted twice.
    return sum(piece.count(STORE_MARKER) for piece in _chunks(data, path, len(STORE_MARKER) - 1))


def provenance_url(data: bytes | None, path: Path) -> str | None:
    """The `dcterms:provenance` value of the file's first XMP packet that has one, as written (XML
    entities decoded, surrounding white space removed); None when there is none."""
    for piece in _chunks(data, path, XMP_LIMIT):
        for packet in _PACKET.finditer(piece):
            xmp = packet.group(0)
            if len(xmp) > XMP_LIMIT:
                continue
            for prefix in {m.group(1) for m in _PREFIX.finditer(xmp)}:
                name = re.escape(prefix) + rb":provenance"
                found = (re.search(rb"\s" + name + rb'\s*=\s*"([^"]*)"', xmp)
                         or re.search(rb"\s" + name + rb"\s*=\s*'([^']*)'", xmp)
                         or re.search(rb"<" + name + rb"\s*>([^<]*)</" + name + rb"\s*>", xmp))
                if found:
                    value = html.unescape(found.group(1).decode("utf-8", "replace")).strip()
                    if value:
                        return value
    return None
