"""What a protect request asks for and what came of it."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path

THUMBNAIL_EDGES = (0, 256, 512, 1024)
DEFAULT_THUMBNAIL_EDGE = 512
PROTECTED_SUFFIX = ".protected"

# IPTC digital source types (https://cv.iptc.org/newscodes/digitalsourcetype/).
IPTC = "http://cv.iptc.org/newscodes/digitalsourcetype/"
DIGITAL_CAPTURE = IPTC + "digitalCapture"
DIGITAL_CREATION = IPTC + "digitalCreation"
TRAINED_ALGORITHMIC = IPTC + "trainedAlgorithmicMedia"
COMPOSITE_ALGORITHMIC = IPTC + "compositeSynthetic"
AI_SOURCE_TYPES = frozenset(
    {
        TRAINED_ALGORITHMIC,
        IPTC + "compositeWithTrainedAlgorithmicMedia",
        IPTC + "algorithmicMedia",
        COMPOSITE_ALGORITHMIC,
        "http://c2pa.org/digitalsourcetype/trainedAlgorithmicData",
    }
)


class ProtectStatus(str, Enum):
    DONE = "done"
    FAILED = "failed"
    SKIPPED = "skipped"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class ProtectOptions:
    """Everything a protect call may vary. Defaults are what a photographer expects."""

    out_dir: Path | None = None  # None: next to the original
    thumbnail_edge: int = DEFAULT_THUMBNAIL_EDGE  # 0 turns the thumbnail off
    author: str | None = None
    do_not_train: bool = True
    tsa_url: str | None = None
    title: str | None = None  # default: the source file name
    digital_source_type: str | None = None  # default: chosen from the file (see engine.manifest)
    capture_device: str | None = None  # e.g. "Logitech C920 (camera)" for captures
    captured_at: str | None = None  # ISO time of capture; the created action's "when" (default: signing time)

    def __post_init__(self) -> None:
        if self.thumbnail_edge not in THUMBNAIL_EDGES:
            raise ValueError(f"thumbnail size must be one of {THUMBNAIL_EDGES}, not {self.thumbnail_edge}")


@dataclass
class ProtectResult:
    source: Path
    status: ProtectStatus
    output: Path | None = None
    error: str | None = None
    media_type: str | None = None
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0
    engine: str = ""

    def to_dict(self) -> dict[str, object]:
        return {
            "source": str(self.source),
            "output": str(self.output) if self.output else None,
            "status": self.status.value,
            "error": self.error,
            "media_type": self.media_type,
            "warnings": list(self.warnings),
            "seconds": round(self.seconds, 4),
            "engine": self.engine,
        }
