"""Recovery at inspect: Content Credentials for a file that carries none (or none that can be read), found in
manifest repositories by the file's fingerprints (C2PA 2.2 §9.3 soft bindings), and what protect and inspect
keep in the repository on this computer.

For such a file the picture is fingerprinted in all 8 orientations in an isolated worker, each repository is
searched (services/repository/soft_binding_match.py: the match rule of domain.soft_binding), and every matching
manifest store is inspected on its own, also in a worker: its signature and signer give the recovered
credentials' own verdict; their hard binding cannot hold for another file's bytes and is left out of it. The
report gets them in `recovered`, best first, never mixed with embedded credentials.

Everything here blocks (fingerprinting, repository calls, inspection): call it from a worker thread.
"""

from __future__ import annotations

import base64
import datetime as dt
import logging
import os
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ...domain.checks import UNTRUSTED
from ...domain.protect import ProtectOptions, ProtectResult, ProtectStatus
from ...domain.report import CheckStatus, InspectionReport, RecoveredCredentials, Verdict
from ...domain.soft_binding import PDQ, FingerprintResult, closeness
from .protocol import ManifestRepository, RepositoryError, RepositoryRecord, StoredManifest
from .soft_binding_match import ContentMatch, match_picture

if TYPE_CHECKING:
    from ...engine.trust import TrustConfig
    from ...runtime.isolation import IsolatedPool

log = logging.getLogger(__name__)

# Hard-binding failures: a manifest store checked without the media it was signed into always has one.
HARD_BINDING_CODES = frozenset({"assertion.dataHash.mismatch", "assertion.boxesHash.mismatch",
                                "assertion.bmffHash.mismatch", "assertion.collectionHash.mismatch"})
# The verdicts of a file whose own credentials say nothing: none at all, unreadable, or not fetched.
RECOVERABLE = (Verdict.NONE, Verdict.ERROR, Verdict.UNVERIFIED)
CAVEAT = ("These credentials are not embedded in this file: they were found because the picture looks like one "
          "they were signed for. A match says \"looks like\", not \"is\": compare the signed thumbnail with the file.")
HEADING = "Recovered Content Credentials — not embedded in this file"
PICTURES = ("image/",)

ALGORITHM_NAMES = {PDQ: "PDQ", "io.iscc.v0": "ISCC image code"}
# How the file had to be turned to match (domain.soft_binding.Orientation values), in words.
# (engine/fingerprints.py turns with Pillow's transposes: ROTATE_90 is anticlockwise.)
TURNED = {"rotate_90": "turned 90° anticlockwise", "rotate_180": "turned upside down",
          "rotate_270": "turned 90° clockwise", "flip": "mirrored", "flip_rotate_90": "mirrored and turned 90° "
          "anticlockwise", "flip_rotate_180": "mirrored top to bottom", "flip_rotate_270": "mirrored and turned 90° "
          "clockwise"}
Fingerprinter = Callable[[Path], FingerprintResult]  # a file's fingerprints in all 8 orientations
ManifestInspector = Callable[[Path], InspectionReport]  # inspects a .c2pa manifest store file (isolated)


@dataclass
class RecoverySearch:
    """What one look-up did: `report` (recovered filled in when something matched), the repositories `searched`
    and those `unreachable` (their names), and `refused`: why the picture was not looked up at all (featureless,
    undecodable), in plain language."""

    report: InspectionReport
    searched: list[str] = field(default_factory=list)
    unreachable: list[str] = field(default_factory=list)
    refused: str | None = None

    def sentence(self, problem: str | None = None) -> str:
        """What was searched, for people: "Manifest repositories searched: this computer." (`problem`: a further
        thing that could not be searched, said after it)."""
        said = [self.refused] if self.refused else []
        if self.searched:
            said.append(f"Manifest repositories searched: {', '.join(self.searched)}.")
        if self.unreachable:
            said.append(f"Could not be searched: {', '.join(self.unreachable)}.")
        if problem:
            said.append(problem[0].upper() + problem[1:] + ("" if problem.endswith(".") else "."))
        return " ".join(said)


def match_line(c: RecoveredCredentials) -> str:
    """The match in words: "PDQ distance 6 of 256 bits (ISCC image code 2 of 64), with this file turned 90°
    anticlockwise"."""
    bits = 256 if c.algorithm == PDQ else 64
    line = f"{ALGORITHM_NAMES.get(c.algorithm, c.algorithm)} distance {c.distance} of {bits} bits"
    if c.algorithm == PDQ and c.iscc_distance is not None:
        line += f" (ISCC image code {c.iscc_distance} of 64)"
    if c.orientation != "upright":
        line += f", with this file {TURNED.get(c.orientation, c.orientation.replace('_', ' '))}"
    return line


def how_found(c: RecoveredCredentials) -> str:
    """Where and how a candidate was found, in a sentence (written into a re-associated copy's manifest)."""
    return f"Found in the manifest repository of {c.source}: {match_line(c)}. {c.meaning}"


def recovered_label(report: InspectionReport) -> str:
    """The best recovered candidate in a few words, for a table cell and a CSV column: "trusted, PDQ 2 bits (+1
    more)"; "" when nothing was recovered."""
    if not report.recovered:
        return ""
    best = report.recovered[0]
    more = f" (+{len(report.recovered) - 1} more)" if len(report.recovered) > 1 else ""
    return f"{best.verdict.value}, {ALGORITHM_NAMES.get(best.algorithm, best.algorithm)} {best.distance} bits{more}"


def wants_recovery(report: InspectionReport) -> bool:
    """Whether `report` is of a picture whose own credentials tell nothing (RECOVERABLE)."""
    media_type = report.file.media_type or ""
    return (report.verdict in RECOVERABLE and media_type.startswith(PICTURES) and media_type != "image/svg+xml"
            and not report.recovered)


class Recovery:
    """Searches `repositories` (the one on this computer first) for the credentials of files that carry none.
    `fingerprint` and `inspect_manifest` run in isolated workers (engine.untrusted)."""

    def __init__(self, repositories: Sequence[ManifestRepository], fingerprint: Fingerprinter,
                 inspect_manifest: ManifestInspector, limit: int = 5) -> None:
        self.repositories = list(repositories)
        self._fingerprint = fingerprint
        self._inspect_manifest = inspect_manifest
        self.limit = limit

    def recover(self, report: InspectionReport) -> InspectionReport:
        """`report` with `recovered` filled when it wants recovery and a repository has a match; never raises for
        the file or a repository (a repository that cannot be asked is logged and skipped)."""
        return self.search(report).report

    def search(self, report: InspectionReport) -> RecoverySearch:
        """recover(), saying also what was searched, what could not be, and why a picture was not looked up."""
        done = RecoverySearch(report)
        if not wants_recovery(report):
            return done
        try:
            found = self._fingerprint(Path(report.file.path))
        except Exception as e:  # noqa: BLE001 - a picture that cannot be fingerprinted has nothing to recover
            log.info("no fingerprint for %s: %s", report.file.path, e)
            done.refused = "The picture could not be decoded to fingerprint it."
            return done
        if not found.prints:
            done.refused = found.refused or "The picture could not be fingerprinted."
            return done
        candidates: list[tuple[ContentMatch, ManifestRepository]] = []
        for repository in self.repositories:
            try:
                candidates += [(m, repository) for m in match_picture(repository, found.prints, self.limit)]
                done.searched.append(repository.name)
            except (RepositoryError, OSError) as e:
                log.warning("manifest repository %s could not be searched: %s", repository.name, e)
                done.unreachable.append(repository.name)
            except Exception as e:  # noqa: BLE001 - sqlite3.Error and the like: one repository, not the report
                log.warning("manifest repository %s failed: %s", repository.name, e)
                done.unreachable.append(repository.name)
        candidates.sort(key=lambda c: (c[0].pdq_distance if c[0].pdq_distance is not None else 1 << 16,
                                       c[0].iscc_distance if c[0].iscc_distance is not None else 1 << 16))
        seen: set[str] = set()
        for match, repository in candidates:
            if match.manifest_id in seen or len(report.recovered) >= self.limit:
                continue
            seen.add(match.manifest_id)
            try:
                stored = repository.manifest(match.manifest_id)
            except Exception as e:  # noqa: BLE001 - as above
                log.warning("manifest %s could not be read from %s: %s", match.manifest_id, repository.name, e)
                continue
            if stored is not None:
                report.recovered.append(self._credentials(match, stored, repository.name))
        return done

    def _credentials(self, match: ContentMatch, stored: StoredManifest, source: str) -> RecoveredCredentials:
        own = inspect_store(stored.manifest_store, self._inspect_manifest)
        verdict, summary = own_verdict(own)
        return RecoveredCredentials(
            source=source, algorithm=match.algorithm, distance=match.distance, manifest_id=match.manifest_id,
            verdict=verdict, meaning=closeness(match.pdq_distance, match.iscc_distance), summary=summary,
            pdq_distance=match.pdq_distance, iscc_distance=match.iscc_distance, orientation=match.orientation.value,
            signer=own.signer, signed_at=own.signed_at, title=own.title or stored.title,
            claim_generator=own.claim_generator, actions=own.actions,
            thumbnail=base64.b64encode(stored.thumbnail).decode("ascii") if stored.thumbnail else None)


def inspect_store(manifest_store: bytes, inspect_manifest: ManifestInspector) -> InspectionReport:
    """Inspect a manifest store on its own: written to a private temporary .c2pa file for the isolated parser."""
    fd, name = tempfile.mkstemp(suffix=".c2pa", prefix="trustnxt-recovered-")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(manifest_store)
        return inspect_manifest(Path(name))
    finally:
        os.unlink(name)


def own_verdict(report: InspectionReport) -> tuple[Verdict, str]:
    """The recovered manifest's own verdict from its inspection alone: invalid for a failure of its integrity or
    signature (not the hard binding's, which cannot hold for another file; not trust, judged next; not a CAWG
    identity's, which the report's identity part judges), else trusted when its signer chains to a trust anchor."""
    if report.verdict in (Verdict.ERROR, Verdict.UNSUPPORTED, Verdict.NONE):
        return Verdict.ERROR, "The recovered manifest could not be read."
    failures = [c for c in report.validation.failure
                if c.code not in HARD_BINDING_CODES and c.code != UNTRUSTED and not c.code.startswith("cawg.")]
    if failures:
        return Verdict.INVALID, f"The recovered manifest itself fails: {failures[0].explanation}"
    trust = report.check("signer_trust")
    who = (report.signer.common_name or report.signer.organisation) if report.signer else None
    if trust is not None and trust.status is CheckStatus.PASS:
        return Verdict.TRUSTED, f"The recovered manifest is intact and signed by {who or 'a signer'} you trust."
    return Verdict.VALID, (f"The recovered manifest is intact, signed by {who or 'a signer'} not on your trust "
                           "lists.")


def keep_protected(repository: ManifestRepository, result: ProtectResult, options: ProtectOptions) -> bool:
    """Keep a protected copy's manifest in the repository (protect and capture); False when there is nothing to keep
    (not done, no soft binding) or it was there already."""
    if (result.status is not ProtectStatus.DONE or not result.fingerprints or result.manifest_store is None
            or result.manifest_label is None):
        return False
    return repository.add(RepositoryRecord(
        manifest_id=result.manifest_label, manifest_store=result.manifest_store, fingerprints=result.fingerprints,
        media_type=result.media_type or "application/octet-stream",
        origin="capture" if options.capture_device else "protect",
        added_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        title=options.title or result.source.name, thumbnail=result.thumbnail,
        thumbnail_type="image/jpeg" if result.thumbnail else None))


def local_recovery(repositories: Sequence[ManifestRepository], pool: IsolatedPool, trust: TrustConfig) -> Recovery:
    """A Recovery whose fingerprints and manifest inspections run in `pool`'s isolated workers under `trust`."""
    from ...engine.untrusted import fingerprint_isolated, inspect_isolated

    return Recovery(repositories, lambda path: fingerprint_isolated(pool, path, all_orientations=True),
                    lambda path: inspect_isolated(pool, path, trust))
