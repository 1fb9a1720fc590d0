"""Every format the local engine can inspect or protect: c2pa's own lists, named and described.

c2pa-python reports the media types (and bare extensions) its Reader and Builder accept. Each of
those is matched to what engine.media knows about a format (our media type, extensions, how to tell
it from its bytes). A type the pinned c2pa adds later and we do not know yet still gets a row, named
from the standard library's MIME table, so it is inspected the day the library can read it.

The same table feeds the GUI's file dialogs (through services.files), the Linux .desktop file, the
macOS document types and the Windows "Open with" entries (packaging/formats.py).
"""

from __future__ import annotations

import mimetypes
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import TypeGuard

from . import c2pa_formats
from .media import KNOWN_FORMATS, KnownFormat

# Formats c2pa writes that a person would not want "protected": a manifest store is not media.
_NOT_PROTECTED = {"application/c2pa": "a C2PA manifest store on its own is not media to protect"}


@dataclass(frozen=True)
class Format:
    media_type: str  # what reports name it
    extensions: tuple[str, ...]  # lower case, no dot
    description: str
    c2pa_name: str  # the spelling from c2pa's own list that is handed to c2pa for this format
    readable: bool  # c2pa's Reader accepts it: inspect
    writable: bool  # c2pa's Builder accepts it and it is media: protect
    aliases: tuple[str, ...] = ()  # other names c2pa lists for it

    @property
    def kind(self) -> str:
        """"image", "audio", "video" or "document" (for grouping in file dialogs)."""
        top = self.media_type.split("/")[0]
        return top if top in ("image", "audio", "video") else "document"


def _names(known: KnownFormat) -> list[str]:
    return [known.media_type.lower(), *(a.lower() for a in known.aliases), *known.extensions]


def build_table(readable: Iterable[str], writable: Iterable[str]) -> tuple[Format, ...]:
    """The table for these c2pa lists (media types or bare extensions, as c2pa reports them)."""
    can_read = {n.lower() for n in readable}
    can_write = {n.lower() for n in writable}
    table: list[Format] = []
    covered: set[str] = set()
    for known in KNOWN_FORMATS:
        names = _names(known)
        c2pa_name = next((n for n in names if n in can_read or n in can_write), None)
        if c2pa_name is None:
            continue  # this c2pa cannot handle it at all
        covered.update(names)
        table.append(Format(known.media_type, known.extensions, known.description, c2pa_name,
                            readable=any(n in can_read for n in names),
                            writable=any(n in can_write for n in names) and known.media_type not in _NOT_PROTECTED,
                            aliases=tuple(a.lower() for a in known.aliases)))
    for name in sorted((can_read | can_write) - covered):
        table.extend(_unknown(name, can_read, can_write, covered))
    return tuple(table)


def _unknown(name: str, can_read: set[str], can_write: set[str], covered: set[str]) -> list[Format]:
    """A row for a name c2pa lists that KNOWN_FORMATS does not (a newer c2pa): named from the MIME table."""
    if "/" in name:
        media_type = name
        extensions = tuple(sorted({e.lstrip(".") for e in mimetypes.guess_all_extensions(name, strict=False)}))
    else:
        guessed = mimetypes.guess_type(f"x.{name}", strict=False)[0]
        if guessed and guessed.lower() in covered:
            return []  # a second extension of a type that has its row
        media_type, extensions = (guessed or f"application/x-{name}"), (name,)
    covered.add(name)
    covered.add(media_type.lower())
    covered.update(extensions)
    return [Format(media_type, extensions, f"{media_type} file", name,
                   readable=name in can_read, writable=name in can_write)]


@lru_cache(maxsize=1)
def supported_formats() -> tuple[Format, ...]:
    """The table for the c2pa library installed: from its snapshot (engine.c2pa_formats) while that is the one
    installed, so a process that only picks files for the parser workers does not load c2pa; else its own lists."""
    if c2pa_formats.current():
        return build_table(c2pa_formats.READABLE, c2pa_formats.WRITABLE)
    from .c2pa_loader import c2pa

    return build_table(c2pa.Reader.get_supported_mime_types(), c2pa.Builder.get_supported_mime_types())


@lru_cache(maxsize=256)
def find(media_type: str | None) -> Format | None:
    if not media_type:
        return None
    wanted = media_type.lower()
    return next((f for f in supported_formats() if f.media_type.lower() == wanted), None)


def can_inspect(media_type: str | None) -> bool:
    found = find(media_type)
    return found is not None and found.readable


def can_protect(media_type: str | None) -> TypeGuard[str]:
    found = find(media_type)
    return found is not None and found.writable


def why_not_protected(media_type: str) -> str | None:
    """Our reason for not protecting a format c2pa could write, if we have one."""
    return _NOT_PROTECTED.get(media_type)


def c2pa_name(media_type: str) -> str:
    """The name c2pa is given for this media type (c2pa spells some differently, e.g. ZIP)."""
    found = find(media_type)
    return found.c2pa_name if found else media_type
