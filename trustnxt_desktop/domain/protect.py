"""What a protect request asks for and what came of it."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path

from .privacy import DEFAULT_LOCATION, LocationChoice, PrivacyChoices
from .report import Verdict
from .soft_binding import Fingerprint

THUMBNAIL_EDGES = (0, 256, 512, 1024)
DEFAULT_THUMBNAIL_EDGE = 512
PROTECTED_SUFFIX = ".protected"

# IPTC digital source types (https://cv.iptc.org/newscodes/digitalsourcetype/).
IPTC = "http://cv.iptc.org/newscodes/digitalsourcetype/"
DIGITAL_CAPTURE = IPTC + "digitalCapture"
DIGITAL_CREATION = IPTC + "digitalCreation"
HUMAN_EDITS = IPTC + "humanEdits"
SCREEN_CAPTURE = IPTC + "screenCapture"
TRAINED_ALGORITHMIC = IPTC + "trainedAlgorithmicMedia"
COMPOSITE_ALGORITHMIC = IPTC + "compositeSynthetic"
# Whether a source type declares AI is decided in domain.ai, for every view.


class ContentSource(str, Enum):
    """What the person says a file is: the claim a protected copy makes about where it came from.

    Each choice is written as the IPTC Digital Source Type of the manifest's first action
    (`c2pa.created`, or `c2pa.opened` when the original is kept as the parent ingredient); the C2PA
    specification's actions assertion takes `digitalSourceType` from the IPTC vocabulary
    (http://cv.iptc.org/newscodes/digitalsourcetype/, release of 2024-10-23). The IPTC definitions:

    - camera: `digitalCapture` — "the media was captured from a real-life source using a digital
      camera or digital recording device" (photos, audio and video recordings);
    - edited: `humanEdits` — "augmentation, correction or enhancement by one or more humans using
      non-generative tools" (retouched, cropped, colour-graded);
    - ai: `trainedAlgorithmicMedia` — "digital media created algorithmically using a model derived
      from sampled content" (made with generative AI);
    - screen: `screenCapture` — a capture of the contents of a computer's or phone's screen;
    - other: `digitalCreation` — "media created by a human using non-generative tools" (graphics,
      layouts, exports; IPTC retired `digitalArt` in its favour on 2024-09-17).

    The file's own, unsigned metadata (EXIF naming a camera) is never taken as this claim.
    """

    CAMERA = "camera"
    EDITED = "edited"
    AI = "ai"
    SCREEN = "screen"
    OTHER = "other"

    @property
    def digital_source_type(self) -> str:
        return _SOURCE_TYPES[self]

    @property
    def label(self) -> str:
        """A few words for a choice list or a table cell."""
        return _SOURCE_LABELS[self][0]

    @property
    def claim(self) -> str:
        """The claim as a phrase: "the file was …"."""
        return _SOURCE_LABELS[self][1]


_SOURCE_TYPES = {
    ContentSource.CAMERA: DIGITAL_CAPTURE,
    ContentSource.EDITED: HUMAN_EDITS,
    ContentSource.AI: TRAINED_ALGORITHMIC,
    ContentSource.SCREEN: SCREEN_CAPTURE,
    ContentSource.OTHER: DIGITAL_CREATION,
}
_SOURCE_LABELS = {
    # "device", not "camera": the same claim covers sound and video recordings.
    ContentSource.CAMERA: ("Captured by a device", "captured with a camera or recorder"),
    ContentSource.EDITED: ("Edited", "edited by a person, without generative AI"),
    ContentSource.AI: ("AI-generated", "generated with AI"),
    ContentSource.SCREEN: ("Screen capture", "a screenshot or screen recording"),
    ContentSource.OTHER: ("Other", "made by a person with software"),
}
DEFAULT_CONTENT_SOURCE = ContentSource.CAMERA


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
    # When the timestamp authority cannot be used (offline), protect without a timestamp and say "no timestamp
    # yet" (domain.timestamps) instead of failing the file; one can be added later (engine.timestamp).
    timestamp_later: bool = False
    title: str | None = None  # default: the source file name
    content_source: ContentSource = DEFAULT_CONTENT_SOURCE  # what the copy claims the file is
    capture_device: str | None = None  # e.g. "Logitech C920 (camera)" for captures
    captured_at: str | None = None  # ISO time of capture; the created action's "when" (default: signing time)
    # A CAWG X.509 identity assertion (cawg.identity, CAWG identity assertion 1.1 §8.2) naming the person the
    # signing certificate names, signed with that certificate, vouching for the actions and the hard binding.
    # Off by default: a service signing for others (the cloud, the sandbox) must not name itself as the creator.
    identity_assertion: bool = False
    # A derived copy (engine.derive: a web export, a caption edit): what was done after opening the original, as
    # (C2PA action name, description) pairs, written after `c2pa.opened` in the actions assertion (C2PA 2.1).
    edits: tuple[tuple[str, str], ...] = ()
    # The privacy check's choices for the copy's metadata (domain.privacy): keep, coarsen to the city or remove
    # the location; remove serial numbers and owner names.
    location: LocationChoice = DEFAULT_LOCATION
    strip_serials: bool = False
    # Soft binding (domain.soft_binding): a picture's ISCC image code written as a c2pa.soft-binding assertion, and
    # its fingerprints kept with the manifest in the manifest repository, so a stripped copy can be matched back.
    soft_binding: bool = True
    # Set by protect, not chosen: what the privacy choices removed from this file's metadata, recorded as a
    # `c2pa.edited.metadata` action (C2PA 2.1 actions) with this description.
    metadata_edit: str | None = None

    def __post_init__(self) -> None:
        # Stored options (job store, the cloud form) hold the plain value; an unknown one raises ValueError.
        object.__setattr__(self, "content_source", ContentSource(self.content_source))
        object.__setattr__(self, "location", LocationChoice(self.location))
        if self.thumbnail_edge not in THUMBNAIL_EDGES:
            raise ValueError(f"thumbnail size must be one of {THUMBNAIL_EDGES}, not {self.thumbnail_edge}")

    @property
    def privacy(self) -> PrivacyChoices:
        """The privacy check's choices these options carry."""
        return PrivacyChoices(self.location, self.strip_serials)


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
    # The original's own Content Credentials, kept as the copy's parent ingredient: their verdict as Inspect gives
    # it (trusted, valid, invalid, unverified, error); None when the original carries none (or the engine does
    # not say).
    parent_verdict: Verdict | None = None
    # Soft binding (domain.soft_binding): the protected picture's fingerprints (ISCC written into the manifest, PDQ
    # kept for the repository), the signed manifest store (application/c2pa) and its label, and the thumbnail signed
    # into it: what the manifest repository keeps. Empty for what is not a picture or was refused (warnings say so).
    # Handed to the repository by the protect that made them, never stored with a job: not part of a result's
    # equality (a job's recorded result equals the live one) nor of to_dict().
    fingerprints: tuple[Fingerprint, ...] = field(default=(), compare=False)
    manifest_store: bytes | None = field(default=None, compare=False)
    manifest_label: str | None = field(default=None, compare=False)
    thumbnail: bytes | None = field(default=None, compare=False)

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
            "parent_verdict": self.parent_verdict.value if self.parent_verdict else None,
        }
