"""The privacy choices inside a protect: the copy that is signed, and the check of what was signed.

protect (engine.protect) signs the rewritten copy instead of the original when the choices change any of
its unsigned metadata, leaves out the original's own manifest as a parent ingredient when that manifest
records a removed value, records what was removed as a `c2pa.edited.metadata` action (C2PA 2.1, actions:
"edits to the asset's metadata"), and searches the signed copy's bytes for the removed values before it
is published.
"""

from __future__ import annotations

import contextlib
import dataclasses
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from ...domain.privacy import PrivacyChoices, removal_description
from ...domain.protect import ProtectOptions
from ..parent import ParentCredentials
from .rewrite import Cleaned, PrivacyError, search_needles

# (original, media type, choices, target path) -> what was done; raises PrivacyError.
Cleaner = Callable[[Path, str, PrivacyChoices, Path], Cleaned]
WITHHELD = ("The original's own Content Credentials record {what}, which you chose to remove, so the protected "
            "copy names the original as its source without them.")


@contextlib.contextmanager
def privacy_applied(source: Path, media_type: str, options: ProtectOptions,
                    cleaner: Cleaner) -> Iterator[tuple[Path, Cleaned]]:
    """(the file to sign, what was done). The rewritten copy lives in a private temporary folder (0700) for
    the duration of the block; without choices, or when nothing had to change, the original is signed."""
    choices = options.privacy
    if not choices.changes_anything:
        yield source, Cleaned()
        return
    folder = Path(tempfile.mkdtemp(prefix="trustnxt-privacy-"))
    try:
        cleaned = cleaner(source, media_type, choices, folder / f"copy{source.suffix}")
        yield (folder / f"copy{source.suffix}" if cleaned.rewritten else source), cleaned
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def with_edit(options: ProtectOptions, cleaned: Cleaned) -> ProtectOptions:
    """The options whose manifest records the metadata edit (ProtectOptions.metadata_edit)."""
    if not cleaned.changed:
        return options
    return dataclasses.replace(options, metadata_edit=removal_description(
        cleaned.changed, cleaned.city.label if cleaned.city else None))


def without_withheld(parent: ParentCredentials | None, cleaned: Cleaned, warnings: list[str]
                     ) -> ParentCredentials | None:
    """The parent ingredient without the original's manifest when that manifest records a removed value."""
    if parent is None or not cleaned.withhold_parent or parent.archive is None:
        return parent
    what = " and ".join(k.label.lower() for k in cleaned.changed)
    warnings.append(WITHHELD.format(what=what))
    return dataclasses.replace(parent, archive=None)


def check_signed(path: Path, cleaned: Cleaned) -> None:
    """Raises PrivacyError when any removed value is still somewhere in the signed copy's bytes."""
    found = search_needles(path, cleaned.needles)
    if found is not None:
        raise PrivacyError("A value you chose to remove was still found in the signed copy "
                           f"({found[:40].decode('utf-8', 'replace')!r}); the copy was not published.")
