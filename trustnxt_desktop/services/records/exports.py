"""Batch exports of InspectionReports: CSV (one row per file), JSON (the reports themselves), and the
PDF evidence report, which Qt draws: in the GUI process directly (ui.pdf_report), from the CLI (which
must not load Qt) through a short-lived run of the GUI program with a hidden option.

The writers here are offered to people through the table in export_formats.py.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ... import __version__
from ...domain.cross_check import agreement_label
from ...domain.display import device_name, place_text
from ...domain.errors import TrustNXTError
from ...domain.report import Capture, InspectionReport
from ...domain.times import signing_time
from ...domain.timestamps import revocation_line
from ...runtime.atomic import write_atomic
from ..account.settings import Settings
from ..paths import documents_dir

EVIDENCE_SCHEMA = "trustnxt.evidence-report/1"
CSV_COLUMNS = ("file", "path", "sha256", "verdict", "summary", "signer", "signer_organisation", "trust_source",
               "signed_at", "signed_at_basis", "claim_generator", "device", "location", "taken_at", "capture_signed",
               "ai_generated",
               "manifests", "failure_codes", "engine", "trust_lists", "validators", "second_validator",
               "second_verdict", "validators_differ_on", "revocation", "revocation_detail",
               "recovered", "recovered_verdict", "recovered_manifest", "recovered_source", "recovered_distance")
RENDER_TIMEOUT = 600.0


class ExportError(TrustNXTError):
    """An export could not be written."""


class ExportFolder:
    """The folder export dialogs start in: the one the last export went to (kept in the settings as
    `export_dir`), else the user's Documents folder, else their home; never the folder the program was
    started from. Without `settings` nothing is remembered."""

    def __init__(self, settings: Callable[[], Settings] | None = None,
                 save: Callable[[Settings], None] | None = None) -> None:
        self._settings, self._save = settings, save

    def start(self) -> Path:
        last = self._settings().export_dir if self._settings else ""
        if last and Path(last).expanduser().is_dir():
            return Path(last).expanduser()
        return documents_dir()

    def remember(self, target: Path) -> None:
        """Remember the folder of a file the person chose to export to."""
        if self._settings is None:
            return
        settings = self._settings()
        folder = str(target.expanduser().absolute().parent)
        if settings.export_dir != folder:
            settings.export_dir = folder
            if self._save is not None:
                self._save(settings)


def _device(c: Capture | None) -> str:
    return device_name(c.make, c.model) if c else ""


def _location(c: Capture | None) -> str:
    return place_text(c.gps) if c and c.gps else ""


def csv_row(r: InspectionReport) -> dict[str, Any]:
    """Signed capture data when there is some, else the file's unsigned EXIF (capture_signed says which).
    `signed_at` is the signing time the app shows, `signed_at_basis` on whose word it rests
    (domain.times: "vouched for by a timestamp authority", "as stated by the signer", …)."""
    when = signing_time(r)
    capture = r.capture if r.capture and not r.capture.is_empty() else r.capture_unsigned
    signed = "" if capture is None or capture.is_empty() else ("yes" if capture.signed else "no (unsigned EXIF)")
    ai = "" if r.ai_generated is None else ("yes" if r.ai_generated else "no")
    return {
        "file": r.file.name, "path": r.file.path, "sha256": r.file.sha256, "verdict": r.verdict.value,
        "summary": r.summary,
        "signer": r.signer.common_name or "" if r.signer else "",
        "signer_organisation": r.signer.organisation or "" if r.signer else "",
        "trust_source": r.signer.trust_source or "" if r.signer else "",
        "signed_at": when.when if when else "", "signed_at_basis": when.marker if when else "",
        "claim_generator": r.claim_generator or "",
        "device": _device(capture), "location": _location(capture),
        "taken_at": capture.taken_at or "" if capture else "",
        "capture_signed": signed, "ai_generated": ai, "manifests": r.manifests,
        "failure_codes": " ".join(r.validation.failure_codes()),
        "engine": " ".join(p for p in (r.engine.name, r.engine.version) if p),
        "trust_lists": "; ".join(r.engine.trust_lists),
        **_second(r),
        # good | revoked | not_checked, and the line that says which certificates, how, when and why (not)
        "revocation": r.revocation.status if r.revocation else "",
        "revocation_detail": revocation_line(r.revocation),
        **_recovered(r),
    }


def _recovered(r: InspectionReport) -> dict[str, Any]:
    """The best credentials recovered by fingerprint (not embedded in the file): in words, its own verdict, its
    manifest, where it was found and the deciding distance in bits (services/repository/recovery.py)."""
    from ..repository.recovery import recovered_label

    best = r.recovered[0] if r.recovered else None
    return {"recovered": recovered_label(r), "recovered_verdict": best.verdict.value if best else "",
            "recovered_manifest": best.manifest_id if best else "", "recovered_source": best.source if best else "",
            "recovered_distance": f"{best.algorithm} {best.distance}" if best else ""}


def _second(r: InspectionReport) -> dict[str, str]:
    """The cross-check's columns: agree | differ | one only, the second validator, its verdict, the fields."""
    c = r.cross_check
    return {"validators": agreement_label(r), "second_validator": f"{c.engine} {c.version}" if c else "",
            "second_verdict": c.verdict.value if c and c.verdict else "",
            "validators_differ_on": " ".join(d.field for d in c.differences) if c else ""}


def to_csv(reports: Sequence[InspectionReport]) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=CSV_COLUMNS)
    writer.writeheader()
    for r in reports:
        writer.writerow({k: _no_formula(v) for k, v in csv_row(r).items()})
    return buf.getvalue()


def _no_formula(value: Any) -> Any:
    """File names and manifest text come from strangers: never let a spreadsheet run them as formulas."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def to_json(reports: Sequence[InspectionReport]) -> str:
    return json.dumps([r.to_dict() for r in reports], indent=2, ensure_ascii=False)


def write_text(path: Path, text: str, *, private: bool = False) -> Path:
    """Written next to its target and renamed into place (runtime.atomic.write_atomic), so a reader never
    sees half a file and a full disk leaves the old one; `private`: owner-only (0600). Raises ExportError."""
    path = path.expanduser()
    try:
        return write_atomic(path, text, private=private)
    except OSError as e:
        raise ExportError(f"Could not write {path}: {e.strerror or e}") from e


def write_csv(reports: Sequence[InspectionReport], path: Path) -> Path:
    return write_text(path, to_csv(reports))


def write_json(reports: Sequence[InspectionReport], path: Path) -> Path:
    return write_text(path, to_json(reports))


# -- PDF evidence report ----------------------------------------------------------------------------

@dataclass
class EvidenceRequest:
    """Everything the PDF shows besides the reports themselves (the renderer reads only this)."""

    reports: list[InspectionReport]
    trust_lists: list[dict[str, str]] = field(default_factory=list)  # {name, sha256, source, origin, note}
    generated_at: str = ""
    app_version: str = __version__
    title: str = "Content Credentials evidence report"
    # The verification log's head when the report was made: {volume, entries, head} (services.records.
    # verification_log); empty without a log. Every inspection is logged before it is shown, so the head covers them.
    log_head: dict[str, str] = field(default_factory=dict)
    # The report's own signature, as its cover announces it (report_signing.ReportSigner/NotSigning.describe()).
    signature: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> str:
        return json.dumps({"schema": EVIDENCE_SCHEMA, "title": self.title, "generated_at": self.generated_at,
                           "app_version": self.app_version, "trust_lists": self.trust_lists,
                           "log_head": self.log_head, "signature": self.signature,
                           "reports": [r.to_dict() for r in self.reports]}, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> EvidenceRequest:
        data = json.loads(text)
        if data.get("schema") != EVIDENCE_SCHEMA:
            raise ExportError(f"not an evidence report request: {data.get('schema')!r}")
        return cls(reports=[InspectionReport.from_dict(r) for r in data["reports"]],
                   trust_lists=list(data.get("trust_lists", [])), generated_at=data.get("generated_at", ""),
                   app_version=data.get("app_version", __version__), title=data.get("title", cls.title),
                   log_head=dict(data.get("log_head") or {}), signature=dict(data.get("signature") or {}))


def evidence_request(reports: Sequence[InspectionReport], root: Path | None = None) -> EvidenceRequest:
    """The request for these reports, with the snapshots of the trust lists in force: {name, sha256, source
    (published addresses), origin ("bundled" | "downloaded"), note (e.g. older than 90 days)}."""
    lists: list[dict[str, str]] = []
    if root is not None:
        from ..trust.lists import SnapshotStore, list_sources

        for source in list_sources(SnapshotStore(root)):
            if source.provenance is not None:
                p = source.provenance
                lists.append({"name": source.name, "sha256": p.sha256, "source": p.source, "origin": p.origin,
                              "note": p.note})
    now = dt.datetime.now(dt.UTC).astimezone().isoformat(timespec="seconds")
    return EvidenceRequest(reports=list(reports), trust_lists=lists, generated_at=now,
                           log_head=log_head(root) if root is not None else {})


def log_head(root: Path) -> dict[str, str]:
    """{volume, entries, head} of the verification log in `root` as it stands; empty when there is none or it
    cannot be read (the report then says so rather than failing)."""
    from .verification_log import VerificationLog, volumes

    if not volumes(root):
        return {}
    try:
        log = VerificationLog(root)
    except (TrustNXTError, OSError, sqlite3.Error):
        return {}
    try:
        head = log.head()
        return {} if head is None else {"volume": str(log.volume), "entries": str(head[0]), "head": head[1]}
    except (OSError, sqlite3.Error):
        return {}
    finally:
        log.close()


def gui_program() -> list[str]:
    """How to start the GUI program: the sibling executable in a frozen bundle, else this Python."""
    if getattr(sys, "frozen", False):
        exe = Path(sys.executable).with_name("trustnxt-desktop" + (".exe" if os.name == "nt" else ""))
        return [str(exe)]
    return [sys.executable, "-m", "trustnxt_desktop.app"]


def render_pdf_in_subprocess(request: EvidenceRequest, out: Path, timeout: float = RENDER_TIMEOUT) -> Path:
    """For callers that must not load Qt (the CLI): the GUI program renders offscreen and exits."""
    out = out.expanduser().resolve()
    with tempfile.TemporaryDirectory(prefix="trustnxt-report-") as tmp:
        payload = Path(tmp) / "request.json"
        payload.write_text(request.to_json(), "utf-8")
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
        try:
            proc = subprocess.run([*gui_program(), "--render-report", str(payload), str(out)], env=env,
                                  capture_output=True, text=True, timeout=timeout, cwd=tmp)
        except (OSError, subprocess.TimeoutExpired) as e:
            raise ExportError(f"Could not run the PDF renderer: {e}") from e
    if proc.returncode != 0 or not out.is_file():
        raise ExportError(f"The PDF report could not be made: {_renderer_failure(proc.returncode, proc.stderr)}")
    return out


def _renderer_failure(returncode: int, stderr: str) -> str:
    """Why the renderer made no report, in one line: its own message, or how it stopped and the interpreter's
    fatal error (a crash's last lines are only "<no Python frame>" or a stack, which say nothing)."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    said = next((line for line in lines if line.startswith(("trustnxt-desktop:", "Fatal Python error:"))),
                lines[-1] if lines else "")
    if returncode < 0:
        try:
            how = f"the renderer was stopped by {signal.Signals(-returncode).name}"
        except ValueError:
            how = f"the renderer was stopped by signal {-returncode}"
    elif returncode > 0:
        how = f"the renderer exited with status {returncode}"
    else:
        how = "the renderer wrote no file"
    return f"{how} ({said[:300]})" if said else how


def write_pdf(reports: Sequence[InspectionReport], path: Path, root: Path | None = None) -> Path:
    """The PDF evidence report, for callers that must not load Qt: rendered by the GUI program in a short-lived
    subprocess (render_pdf_in_subprocess; seconds, not milliseconds), then signed with the signing identity
    (report_signing; unsigned, saying why on its cover, without one). `root`: the data folder whose trust-list
    snapshots, verification log and identity the report names. The folder is created when missing, as for the
    other formats. Raises ExportError."""
    from .report_signing import finish_report, signed_request, unsigned_path

    try:
        path.expanduser().parent.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise ExportError(f"Could not write {path}: {e.strerror or e}") from e
    request, signer = signed_request(reports, root)
    staging = unsigned_path(path.expanduser().resolve())
    try:
        render_pdf_in_subprocess(request, staging)
    except ExportError:
        staging.unlink(missing_ok=True)  # whatever a failed renderer left is not a report
        raise
    return finish_report(staging, path.expanduser().resolve(), signer)
