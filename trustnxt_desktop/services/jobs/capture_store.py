"""Where captures wait for their Trust Label, so that none is ever lost.

A raw photo or recording is written into <capture folder>/.pending/ (private: never shown as a
result) with a small JSON sidecar (device, time, kind) *before* protection starts. Its protection is
then a job in the persistent job store (services/jobs/capture_queue.py), published crash-safely next to the
pending folder. The raw file is deleted only after its protected copy is published; a crash, a failed
protection or a quit leaves it there, and the Capture view finishes it when it next opens.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import threading
from dataclasses import asdict, dataclass
from pathlib import Path

from ...domain.protect import ContentSource, ProtectOptions
from ...domain.regular_files import read_regular
from ...runtime import atomic as output

PENDING = ".pending"
_SIDECAR_LIMIT = 64 * 1024  # a sidecar holds a device name and a time


@dataclass(frozen=True)
class CaptureInfo:
    kind: str  # "photo" or "audio"
    device: str  # the capture device's description, as the OS names it
    captured_at: str  # ISO 8601, UTC


@dataclass(frozen=True)
class PendingCapture:
    raw: Path
    info: CaptureInfo

    @property
    def sidecar(self) -> Path:
        return self.raw.with_name(self.raw.name + ".json")


class CaptureStore:
    def __init__(self, folder: Path) -> None:
        # Resolved once, and everything derives from it: jobs in the store name their raw file by this path,
        # which must still be right when the app next starts from another working directory.
        self.folder = Path(os.path.abspath(folder))
        self.pending_dir = self.folder / PENDING
        self._reserved: set[str] = set()  # names this store handed out: captures still being made here
        self._reserved_lock = threading.Lock()  # reserve() and in_progress() run in worker threads

    def reserve(self, kind: str, extension: str, device: str, now: dt.datetime | None = None) -> PendingCapture:
        """Reserve a fresh raw file name (never an existing file) and record device and time beside it,
        before a single byte is captured."""
        now = now or dt.datetime.now(dt.UTC)
        self.pending_dir.mkdir(parents=True, exist_ok=True)
        # Milliseconds keep names apart for bursts: a name is free again once its raw file is protected.
        stem = f"{'photo' if kind == 'photo' else 'recording'}-{now:%Y%m%d-%H%M%S}-{now.microsecond // 1000:03d}"
        for n in range(1, 10_000):
            raw = self.pending_dir / (f"{stem}{extension}" if n == 1 else f"{stem}-{n}{extension}")
            try:
                # O_EXCL reserves the name even if two captures land in the same second.
                os.close(os.open(raw, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644))
            except FileExistsError:
                continue
            with self._reserved_lock:
                self._reserved.add(raw.name)
            pending = PendingCapture(raw, CaptureInfo(kind, device, now.isoformat(timespec="seconds")))
            output.write_atomic(pending.sidecar, json.dumps(asdict(pending.info)))
            return pending
        raise OSError("no free capture name")

    def pending(self) -> list[PendingCapture]:
        """Captures still waiting for protection, oldest first (including ones a crash left behind)."""
        if not self.pending_dir.is_dir():
            return []
        found = []
        for raw in sorted(self.pending_dir.iterdir()):
            if raw.suffix == ".json" or raw.name.endswith(output.PARTIAL_SUFFIX) or not raw.is_file():
                continue
            if raw.stat().st_size == 0:  # reserved, never written: nothing was captured
                continue
            found.append(self.load(raw))
        return found

    def in_progress(self, raw: Path) -> bool:
        """Whether this raw file was reserved by this store in this run: a photo still being saved or a
        recording still being made (a recorder may add to the name) is never taken for one a crash left."""
        with self._reserved_lock:
            names = list(self._reserved)
        return raw.parent == self.pending_dir and any(raw.name.startswith(name) for name in names)

    @staticmethod
    def load(raw: Path) -> PendingCapture:
        """A raw capture with what its sidecar says (or what the file itself tells, without one)."""
        try:
            # Never a FIFO or device put in place of a sidecar: it would block or never end.
            info = CaptureInfo(**json.loads(read_regular(raw.with_name(raw.name + ".json"), _SIDECAR_LIMIT)))
        except (OSError, ValueError, TypeError):
            try:
                taken = dt.datetime.fromtimestamp(raw.stat().st_mtime, dt.UTC)
            except OSError:
                taken = dt.datetime.now(dt.UTC)
            info = CaptureInfo("photo" if raw.suffix.lower() in (".jpg", ".jpeg") else "audio", "",
                               taken.isoformat(timespec="seconds"))
        return PendingCapture(raw, info)

    def write_raw(self, pending: PendingCapture, data: bytes) -> None:
        """Fill a reserved capture atomically: a crash leaves the empty reservation, never half a photo."""
        output.write_atomic(pending.raw, data)

    def adopt(self, pending: PendingCapture, produced: Path) -> None:
        """A recorder wrote to its own file name (e.g. added an extension): move it onto the reservation."""
        if produced != pending.raw:
            output.replace_file(produced, pending.raw)

    def abandon(self, pending: PendingCapture) -> None:
        """A capture that produced nothing (device error): remove its reservation."""
        if pending.raw.is_file() and pending.raw.stat().st_size == 0:
            self.discard(pending)

    def options(self, pending: PendingCapture, base: ProtectOptions) -> ProtectOptions:
        """Protect options that say what a capture is: always a camera or microphone capture (IPTC
        digitalCapture), whatever the Protect panel's choice, with device and time."""
        from dataclasses import replace

        return replace(base, out_dir=self.folder, content_source=ContentSource.CAMERA,
                       capture_device=pending.info.device or None, captured_at=pending.info.captured_at,
                       title=pending.raw.name)

    @staticmethod
    def discard(pending: PendingCapture) -> None:
        """Only after the protected copy is published: the raw capture and its sidecar go."""
        for path in (pending.raw, pending.sidecar):
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
