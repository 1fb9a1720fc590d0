"""Whether a file may carry Content Credentials, from its bytes alone: the cheap test that spares most files
protect's isolated read of their existing credentials (engine.parent).

Every embedded manifest store is a JUMBF box labelled "c2pa" (PDF names it C2PA_Manifest); a remote
reference sits in XMP as dcterms:provenance. A file in which none of these bytes occur has no manifest.
The bytes are searched for over a read-only map, and in a JPEG only where a reader can find a manifest:
in the marker segments (the manifest store is in APP11 segments, C2PA specification "Embedding manifests
into JPEG", after ISO/IEC 18477-3; XMP is in APP1) and after the end of the image, never in the
entropy-coded picture data (ITU-T T.81), which is most of the file. A JPEG whose segments do not add up
is searched whole, as any other file.
"""

from __future__ import annotations

import mmap
import os
import re
from pathlib import Path

from ..domain.regular_files import open_regular

HINTS = (b"c2pa", b"C2PA", b"provenance")
PRESCAN_LIMIT = 64 * 1024 * 1024  # above this, c2pa's own box walk beats scanning every byte
# The next marker after entropy-coded data (ITU-T T.81 B.1.1.5): 0xFF not followed by a stuffed 0x00, a
# restart marker RST0-7 or another 0xFF (fill).
_MARKER_AFTER_SCAN = re.compile(rb"\xff[^\x00\xd0-\xd7\xff]")
_STANDALONE = frozenset({0x01, *range(0xD0, 0xD8)})  # TEM, RSTn: no length field
_SOS, _EOI = 0xDA, 0xD9


def may_have_manifest(source: Path) -> bool:
    """False only when `source` certainly carries no embedded or referenced manifest. Raises OSError
    (NotRegularFile for a FIFO, socket or device, which is never opened)."""
    with open_regular(source) as f:
        size = os.fstat(f.fileno()).st_size
        if size == 0 or size > PRESCAN_LIMIT:
            return size > 0
        with mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as data:
            regions = _jpeg_segments(data) if data[:3] == b"\xff\xd8\xff" else None
            return any(data.find(hint, start, end) != -1 for start, end in regions or [(0, size)] for hint in HINTS)


def _jpeg_segments(data: mmap.mmap) -> list[tuple[int, int]] | None:
    """The byte ranges of a JPEG outside its entropy-coded data: from the start of the file to the end of
    each scan header, between scans, and from the end of the image to the end of the file. None when
    the marker structure is broken (then the whole file is searched)."""
    size = len(data)
    regions: list[tuple[int, int]] = []
    start = pos = 0
    while True:
        while pos < size and data[pos] == 0xFF and pos + 1 < size and data[pos + 1] == 0xFF:
            pos += 1  # fill bytes before a marker
        if pos + 1 >= size or data[pos] != 0xFF:
            return None
        marker = data[pos + 1]
        if marker == 0xD8 and pos == 0 or marker in _STANDALONE:
            pos += 2
            continue
        if marker == _EOI:
            regions.append((start, size))  # the rest of the file: whatever follows the image is searched
            return regions
        if pos + 4 > size:
            return None
        end = pos + 2 + int.from_bytes(data[pos + 2:pos + 4], "big")
        if end <= pos + 3 or end > size:
            return None
        if marker != _SOS:
            pos = end
            continue
        regions.append((start, end))
        found = _MARKER_AFTER_SCAN.search(data, end)
        if found is None:  # the picture data runs to the end of the file: nothing after it to search
            return regions
        start = pos = found.start()
