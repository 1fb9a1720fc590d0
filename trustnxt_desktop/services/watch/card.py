"""Camera cards: find a mounted card (a volume with a DCIM folder, DCF / CIPA DC-009) and import it in one
action — its originals copied into a dated folder, then the copies protected.

The card is only read. Each file is copied through a hidden temporary file in the target folder, fsynced
and then given its name without replacing anything (runtime/atomic.py), with the original's modification
time. Importing the same card again copies nothing twice: a file already there with the same size and
sha256 is taken as copied; a different file of the same name gets the next free name ("IMG_0001 (2).JPG").
So an import interrupted by a crash is finished by importing again, and the watch service's store skips the
copies already queued.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import shutil
import string
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import platformdirs

from ...runtime.atomic import atomic_output, finish, fit_name, link_no_replace, name_limit
from .complete import is_candidate

DCIM = "DCIM"  # Design rule for Camera File system (CIPA DC-009): every camera writes its pictures below it
PROTECTED_FOLDER = "Protected"  # inside the dated folder: the protected copies
_CHUNK = 1024 * 1024


@dataclass(frozen=True)
class Card:
    root: Path  # the mounted volume
    name: str  # its label as the system shows it (the mount point's name)
    files: int  # files below DCIM
    size: int  # their bytes


@dataclass
class CardImport:
    folder: Path  # the dated folder the originals were copied into
    copies: list[Path] = field(default_factory=list)  # every original's copy (also those copied before)
    failed: list[tuple[Path, str]] = field(default_factory=list)  # an original that could not be copied, and why

    def to_protect(self) -> list[tuple[Path, Path]]:
        """(copy, output folder) for each copy the engine can protect (raw files are only copied)."""
        out = self.folder / PROTECTED_FOLDER
        return [(c, out / c.parent.relative_to(self.folder)) for c in self.copies if is_candidate(c)]


def imports_dir() -> Path:
    """Default folder for card imports (inside TRUSTNXT_HOME when it is set)."""
    override = os.environ.get("TRUSTNXT_HOME")
    if override:
        return Path(override).expanduser() / "Imports"
    return Path(platformdirs.user_pictures_dir()) / "TrustNXT Imports"


def mount_points() -> list[Path]:
    """Where removable volumes are mounted on this system (their roots; not checked for a DCIM folder)."""
    if sys.platform == "win32":
        return [Path(f"{letter}:\\") for letter in string.ascii_uppercase[3:] if os.path.exists(f"{letter}:\\")]
    user = os.environ.get("USER") or os.environ.get("LOGNAME") or ""
    parents = [Path("/Volumes")] if sys.platform == "darwin" else [
        Path("/media") / user, Path("/run/media") / user, Path("/media"), Path("/mnt")]
    found: list[Path] = []
    for parent in parents:
        try:
            found.extend(p for p in sorted(parent.iterdir()) if p.is_dir() and p not in found)
        except OSError:
            continue
    return found


def find_cards(roots: Iterable[Path] | None = None) -> list[Card]:
    """The mounted volumes (default: mount_points()) that hold a DCIM folder. Never raises: a volume that
    cannot be read is left out."""
    cards = []
    for root in mount_points() if roots is None else roots:
        dcim = root / DCIM
        try:
            if not dcim.is_dir():
                continue
            files = originals(root)
            cards.append(Card(root, root.name, len(files), sum(f.stat().st_size for f in files)))
        except OSError:
            continue
    return cards


def originals(card_root: Path) -> list[Path]:
    """Every file below the card's DCIM folder, in name order (hidden files and folders left out)."""
    found: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(card_root / DCIM, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        found.extend(Path(dirpath) / n for n in sorted(filenames) if not n.startswith("."))
    return found


def dated_folder(dest_root: Path, day: dt.date) -> Path:
    return dest_root / day.isoformat()


def import_card(card_root: Path, dest_root: Path, day: dt.date | None = None,
                progress: Callable[[int, int], None] | None = None) -> CardImport:
    """Copy every original below the card's DCIM into `dest_root/<YYYY-MM-DD>/` (the card's own subfolders
    kept, e.g. 100CANON/). `progress(done, total)` after each file. A file that cannot be copied is listed
    in `failed` with the reason and the others are still copied. Raises OSError only when the dated folder
    cannot be made."""
    folder = dated_folder(dest_root, day or dt.date.today())
    folder.mkdir(parents=True, exist_ok=True)
    result = CardImport(folder)
    files = originals(card_root)
    for n, original in enumerate(files, 1):
        target_dir = folder / original.parent.relative_to(card_root / DCIM)
        try:
            result.copies.append(_copy(original, target_dir))
        except OSError as e:
            result.failed.append((original, e.strerror or str(e)))
        if progress is not None:
            progress(n, len(files))
    return result


def _copy(original: Path, target_dir: Path) -> Path:
    size = original.stat().st_size
    digest: str | None = None
    limit = name_limit(target_dir)
    for n in range(1, 10_000):
        name = original.name if n == 1 else fit_name(original.stem, f" ({n}){original.suffix}", limit)
        target = target_dir / name
        if target.exists():
            if target.stat().st_size == size:
                digest = digest or _sha256(original)
                if _sha256(target) == digest:
                    return target  # copied by an earlier import
            continue
        with atomic_output(target_dir, name) as (f, tmp):
            with original.open("rb") as src:
                shutil.copyfileobj(src, f, _CHUNK)
            finish(f)
            f.close()
            shutil.copystat(original, tmp)  # the camera's time stays the file's time
            if link_no_replace(tmp, target):
                return target
    raise OSError(f"no free name for {original.name} in {target_dir}")


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(_CHUNK):
            h.update(chunk)
    return h.hexdigest()


__all__ = ["Card", "CardImport", "DCIM", "PROTECTED_FOLDER", "dated_folder", "find_cards", "import_card",
           "imports_dir", "mount_points", "originals"]
