"""The original's own Content Credentials: examined before protecting, kept as the parent ingredient.

A copy made from a file that already carries a manifest records that file as its `parentOf`
ingredient (C2PA specification, "Ingredient" assertion and "Relationship": parentOf), with the
validation results the claim generator saw when it took the ingredient in (ingredient v3
`validationResults`), so a reader of the copy sees our claim *and* the original's own verdict.

c2pa's Builder.add_ingredient does that from the original's bytes; here it runs inside an isolated
worker (engine.untrusted, task "parent"), because both reading a manifest someone else made and
building the ingredient parse it. The worker hands back a single-ingredient archive (C2PA format,
written by Builder.write_ingredient_archive), which the signing process adds with
add_ingredient_from_archive: the original's manifest reaches the signing process only after c2pa
parsed it once in a worker without crashing, hanging or running out of memory.

Broken, remote or unreadable credentials never stop a protect:
- readable (valid, trusted, or invalid — tampered, bad signature): attached with their verdict;
- stored remotely and not fetched: attached as c2pa records them (`manifest.inaccessible`);
- unreadable by c2pa (unknown algorithm, malformed assertion, prerelease format) or the worker
  failed: the archive is None and protect records the original as a parent ingredient without
  its manifest.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..domain.regular_files import open_regular
from ..domain.report import Verdict
from .c2pa_loader import c2pa
from .inspect import inspect_file
from .manifest import PARENT_LABEL, parent_ingredient
from .trust import TrustConfig

_NO_CREDENTIALS = (Verdict.NONE, Verdict.UNSUPPORTED)
_UNTRUSTED = "signingCredential.untrusted"  # "not on your lists" is no reason to warn a photographer


@dataclass(frozen=True)
class ParentCredentials:
    """What the original's own Content Credentials are, and whether they can travel with the copy.

    verdict: the original's verdict as Inspect gives it (trustnxt.inspection/1 verdicts).
    reason: a plain sentence on why they failed, could not be checked or read; None when intact.
    remote_url: where remotely stored credentials live (not fetched unless the person allowed it).
    archive: c2pa single-ingredient archive with the original's manifest; None when it cannot be attached.
    problem: why the manifest could not be attached (None when it was).
    """

    verdict: Verdict
    reason: str | None = None
    remote_url: str | None = None
    archive: bytes | None = None
    problem: str | None = None

    @property
    def present(self) -> bool:
        return self.verdict not in _NO_CREDENTIALS

    def warning(self) -> str | None:
        """One or two sentences for the person protecting the file; None when there is nothing to say."""
        if not self.present:
            return None
        kept = "The protected copy keeps them as the record of the original"
        if self.archive is None:
            why = f" ({self.problem})" if self.problem else ""
            return (f"This file's existing Content Credentials could not be read{why}. The protected copy "
                    "records the original as its source, without those credentials.")
        if self.verdict is Verdict.UNVERIFIED:
            where = f" at {self.remote_url}" if self.remote_url else " elsewhere"
            return (f"This file's existing Content Credentials are stored online{where} and were not checked. "
                    "The protected copy records the original as its source, noting that its credentials could "
                    "not be checked.")
        if self.verdict is Verdict.INVALID:
            why = f" ({self.reason})" if self.reason else ""
            return f"This file's existing Content Credentials failed verification{why}. {kept}, marked invalid."
        if self.verdict is Verdict.ERROR:
            why = f" ({self.reason})" if self.reason else ""
            return f"This file's existing Content Credentials could not be checked{why}. {kept}, unchecked."
        return None  # trusted or valid: attached as they are


def examine_parent(path: Path, media_type: str, title: str, trust: TrustConfig) -> ParentCredentials:
    """Inspect the original and build its parent ingredient. Never raises for a problem with the file.

    Runs in an isolated worker in the app (engine.untrusted.parent_isolated). `title` names the
    original in the ingredient (its file name as the person knows it).
    """
    if not _has_manifest(path, media_type, trust):
        return ParentCredentials(Verdict.NONE)
    report = inspect_file(path, trust)
    if report.verdict in _NO_CREDENTIALS:
        return ParentCredentials(report.verdict)
    reason = None
    if report.verdict is Verdict.INVALID:
        reason = next((f"{c.explanation.rstrip('.')}; {c.code}" for c in report.validation.failure
                       if c.code != _UNTRUSTED), None)
    elif report.verdict is Verdict.ERROR:
        reason = report.error
    try:
        archive = _ingredient_archive(path, media_type, title, trust)
    except c2pa.C2paError as e:
        return ParentCredentials(report.verdict, reason, report.remote_url, None, short_error(e))
    return ParentCredentials(report.verdict, reason, report.remote_url, archive)


def _has_manifest(path: Path, media_type: str, trust: TrustConfig) -> bool:
    """Whether c2pa finds a manifest store (or a reference to one): a quick answer for the many files
    with none, which spares them inspect_file's full hash (a big video's costs seconds)."""
    with open_regular(path) as f:
        try:
            reader = c2pa.Reader.try_create(media_type, f, context=trust.context())
        except c2pa.C2paError:
            return True  # there is something, if only broken or remote: inspect says what
    if reader is None:
        return False
    reader.close()
    return True


def _ingredient_archive(path: Path, media_type: str, title: str, trust: TrustConfig) -> bytes:
    settings: dict[str, Any] = {**trust.settings(), "builder": {"thumbnail": {"enabled": False}}}
    builder = c2pa.Builder({"claim_generator_info": [{"name": "ingredient"}], "assertions": []},
                           context=c2pa.Context.from_dict(settings))
    with open_regular(path) as f:
        builder.add_ingredient(parent_ingredient(title, media_type), media_type, f)
    archive = io.BytesIO()
    builder.write_ingredient_archive(PARENT_LABEL, archive)
    return archive.getvalue()


def short_error(e: BaseException) -> str:
    """An exception's text without c2pa's kind prefix, at most 200 characters."""
    text = str(e).strip() or type(e).__name__
    text = re.sub(r"^(Other|Io|Json|Decoding|Encoding|Verify|Signature|Manifest|Remote): ", "", text)
    return text if len(text) < 200 else text[:197] + "..."
