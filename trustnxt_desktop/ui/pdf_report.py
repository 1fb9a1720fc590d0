"""The PDF evidence report, drawn with Qt's own PDF output (QPdfWriter + QTextDocument): no new dependency.

A cover page (date, program and validator versions, the trust-list snapshots in force, a summary and
an index of files) and one section per file (thumbnail, verdict, checks, signer, capture data, history,
ingredients, validation codes, sha256). Every page carries a running header and "page x of y". The HTML
marks where it may be cut (pdf_pages): a table row, a heading with its first row, the last lines of a
section are never split across pages; each file starts a page.

Callers: the GUI awaits `export_pdf` (thumbnails are extracted in a worker thread, drawing happens on the
calling thread); the CLI, which must not load Qt, runs `trustnxt-desktop --render-report REQUEST OUT`,
which ends in `render_command`.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import html
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import QMarginsF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QGuiApplication, QImage, QPageLayout, QPageSize, QPainter, QPdfWriter

from .. import APP_NAME
from ..domain.ai import disclosure
from ..domain.attribution import (
    identity_detail,
    identity_facts,
    identity_status_label,
    identity_type_label,
    identity_who,
    short_issuer,
    training_rows,
    training_summary,
)
from ..domain.checks import check_title
from ..domain.cross_check import banner_line, side_by_side
from ..domain.display import (
    action_label,
    capture_fields,
    plural,
    relationship_label,
    source_type_label,
    time_text,
    visible,
)
from ..domain.errors import TrustNXTError
from ..domain.evidence import NOTES, PROBLEMS, evidence_groups, source_heading
from ..domain.explain import explain_code, fetched_from, signer_trust_words
from ..domain.history import empty_history_reason
from ..domain.pictures import thumbnail_note
from ..domain.report import Capture, Ingredient, InspectionReport, Verdict
from ..domain.sources import made_from_title, source_problems
from ..domain.times import signing_time
from ..runtime.atomic import replace_file
from ..services.previews import file_preview, manifest_picture
from ..services.records.exports import EvidenceRequest, ExportError
from ..services.records.report_signing import finish_report, signed_request, unsigned_path
from ..services.repository.recovery import CAVEAT, HEADING, match_line
from .images import image_from_bytes
from .pdf_pages import PAGE, ROW, SECTION, PageLayout
from .theme import CHECK_STATUS, VERDICTS

DPI = 300
THUMB_EDGE = 480  # pixels of the extracted preview
THUMB_MM = 48  # drawn this wide
_MARK = {"check": "✓", "cross": "✗", "warn": "!", "question": "?", "none": "–"}
_INK, _MUTED, _RULE, _PANEL = "#1b1f24", "#5f6b7a", "#d5dbe3", "#f3f5f8"
Thumbnails = dict[int, bytes | None]


def _quote(value: str) -> str:
    """Text for the page's HTML: hidden characters from file names and manifests written as escapes
    (domain.display.visible, so the PDF shows "\\x1b[32m" or "\\u202e" where they were), markup quoted."""
    return html.escape(visible(value))


def _e(value: object) -> str:
    return _quote(str(value)) if value not in (None, "") else f'<span style="color:{_MUTED}">—</span>'


def _mm(value: float) -> int:
    """Millimetres in device pixels (drawing on the writer)."""
    return round(value * DPI / 25.4)


def _px(value: float) -> int:
    """Millimetres in the HTML's pixels, which Qt takes as 1/96 inch whatever the device."""
    return round(value * 96 / 25.4)


# -- thumbnails (blocking; run off the GUI thread) --------------------------------------------------

def collect_thumbnails(reports: Sequence[InspectionReport]) -> Thumbnails:
    """The manifest's own thumbnail when there is one, else a preview of the file itself (a picture, a PDF's
    first page, a video frame); both turned upright by their EXIF orientation. A thumbnail that cannot be
    read is left out rather than replaced by the file's picture under its caption."""
    found: Thumbnails = {}
    for i, r in enumerate(reports):
        path = Path(r.file.path)
        data = None
        if r.thumbnail and path.is_file():
            data = manifest_picture(path, r.thumbnail, THUMB_EDGE)
        elif path.is_file() and r.verdict not in (Verdict.UNSUPPORTED, Verdict.ERROR):
            data = file_preview(path, THUMB_EDGE)
        found[i] = data
    return found


# -- HTML building ----------------------------------------------------------------------------------

def _badge(verdict: Verdict, size: float = 9) -> str:
    style = VERDICTS[verdict]
    return (f'<span style="background-color:{style.colour}; color:#ffffff; font-weight:bold; font-size:{size}pt;">'
            f"&nbsp;{_quote(verdict.value.upper())}&nbsp;</span>")


def _table(rows: Sequence[str], header: str = "") -> str:
    """Table rows (`<tr>`s whose cells, all but the last, give their width, so every row lines up) as one
    unit each: a row is never split across pages, and the header row stays with the first row."""
    return ROW.join(f'<table width="100%" cellspacing="0" cellpadding="3">{header if i == 0 else ""}{row}</table>'
                    for i, row in enumerate(rows))


def _rows(pairs: Sequence[tuple[str, str]]) -> str:
    return _table([f'<tr><td width="28%" style="color:{_MUTED}">{_quote(k)}</td><td>{v}</td></tr>'
                   for k, v in pairs])


def _section(title: str, content: str) -> str:
    """A heading, kept on one page with the first row of its content."""
    return (f'{SECTION}<h3 style="font-size:10.5pt; color:{_INK}; margin-top:0; margin-bottom:2px;">'
            f'{_quote(title)}</h3><hr style="height:1px; background-color:{_RULE};"/>{content}')


def _capture_text(c: Capture | None) -> list[tuple[str, str]]:
    if c is None or c.is_empty():
        return []
    return [(label, _e(text)) for label, text in capture_fields(c)]


def _ingredient_rows(nodes: list[Ingredient], depth: int = 0) -> list[str]:
    rows = []
    for n in nodes:
        indent = "&nbsp;" * 4 * depth + ("↳ " if depth else "")
        codes = (f' <span style="color:{_MUTED}">({_quote(", ".join(n.failure_codes))})</span>'
                 if n.failure_codes else "")
        if n.signer and n.signer.common_name:
            codes += f'<br/><span style="color:{_MUTED}">signed by {_quote(n.signer.common_name)}</span>'
        rows.append(f'<tr><td width="40%">{indent}{_e(n.title or "(untitled)")}</td>'
                    f'<td width="30%">{_e(relationship_label(n.relationship))}</td>'
                    f"<td>{_badge(n.verdict, 7.5)}{codes}</td></tr>")
        rows.extend(_ingredient_rows(n.ingredients, depth + 1))
    return rows


def _attribution_sections(r: InspectionReport) -> list[str]:
    """CAWG identity assertions and training / data-mining choices, in the words the app uses."""
    parts = []
    for a in r.identity:
        rows = [("Named", f"<b>{_e(identity_who(a))}</b>"),
                ("Status", f"<b>{_e(identity_status_label(a.status))}</b> — {_e(a.status_detail)}")]
        rows += [(what, _e(text)) for what, text in identity_facts(a)]
        if a.issuer:  # a did:jwk is a whole key: shortened, as in the app (the JSON export keeps it whole)
            rows.append(("Accounts verified by", _e(short_issuer(a.issuer))))
        rows += [(identity_type_label(v.type), _e(identity_detail(v))) for v in a.verified_identities]
        parts.append(_section("Identity (CAWG)", _rows(rows)))
    if summary := training_summary(r.training_mining):
        rows = [(what, _e(permission)) for what, permission in training_rows(r.training_mining)]
        parts.append(_section("AI training and data mining", f"<p><b>{_quote(summary)}</b></p>" + _rows(rows)))
    return parts


def _size(n: int) -> str:
    """A byte count as people read it: "812 bytes", "3.4 MB" (binary multiples, as file managers count)."""
    if n < 1024:
        return f"{n} bytes"
    size = n / 1024
    for unit in ("KB", "MB"):
        if size < 1024:
            return f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} GB"


def _file_section(index: int, r: InspectionReport, has_thumb: bool) -> str:
    style = VERDICTS[r.verdict]
    caption = "Thumbnail signed into its Content Credentials" if r.thumbnail else "This file"
    thumb = (f'<img src="thumb:{index}" width="{_px(THUMB_MM)}"/>'
             f'<p style="font-size:7pt; color:{_MUTED}; margin-top:2px;">{caption}</p>' if has_thumb else
             f'<table width="100%" cellpadding="{_px(9)}" style="background-color:{_PANEL}"><tr>'
             f'<td align="center" style="color:{_MUTED}">no preview</td></tr></table>')
    head = (f'<table width="100%" cellspacing="0" cellpadding="0"><tr>'
            f'<td width="{_px(THUMB_MM + 6)}" valign="top">{thumb}</td>'
            f'<td valign="top" style="padding-left:{_px(4)}px;">'
            f'<p style="font-size:7.5pt; color:{_MUTED}; margin:0;">FILE {index + 1}</p>'
            f'<p style="font-size:14pt; font-weight:bold; margin:0;">{_quote(r.file.name)}</p>'
            f'<p style="margin-top:4px;">{_badge(r.verdict, 10)}&nbsp;&nbsp;'
            f'<span style="color:{style.colour}; font-weight:bold;">{_quote(style.title)}</span></p>'
            f'<p style="margin-top:4px;">{_quote(r.summary)}</p></td></tr></table>')
    parts = [PAGE + head]
    if note := thumbnail_note(r.picture, r.thumbnail_shape):
        parts.append(f'<p style="color:{_MUTED}; font-size:7.5pt;"><b>About the thumbnail:</b> {_quote(note)}</p>')
    parts.append(_section("File", _rows([
        ("SHA-256", f'<span style="font-family:DejaVu Sans Mono, monospace; font-size:8pt;">'
                    f'{_e(r.file.sha256)}</span>'),
        ("Path", _e(r.file.path)), ("Size", _e(_size(r.file.size))), ("Media type", _e(r.file.media_type)),
        ("Content Credentials", _e(plural(r.manifests, "manifest") if r.manifests else "none")),
    ])))
    if r.checks:
        checks = [
            f'<tr><td width="4%" style="color:{CHECK_STATUS[c.status][1]}; font-weight:bold;">'
            f"{_MARK[CHECK_STATUS[c.status][0]]}</td>"
            f'<td width="24%">{_quote(check_title(c, r))}</td>'
            f'<td width="14%" style="color:{CHECK_STATUS[c.status][1]}">{_quote(c.status.value.replace("_", " "))}</td>'
            f"<td>{_e(c.detail)}</td></tr>" for c in r.checks]
        parts.append(_section("Checks", _table(checks)))
    if r.cross_check is not None:
        parts.append(_section("Two validators", _validators(r)))
    if r.signer:
        s = r.signer
        trust = (f'<b style="color:{VERDICTS[Verdict.TRUSTED].colour}">{_quote(s.trust_source)}</b>'
                 if s.trust_source else _quote(signer_trust_words(r)))
        parts.append(_section("Signer", _rows([
            ("Signed by", f"<b>{_e(s.common_name)}</b>"), ("Organisation", _e(s.organisation)),
            ("Issuer", _e(s.issuer)), ("Algorithm", _e(s.algorithm)), ("Serial", _e(s.serial)),
            ("Trusted via", trust), ("Signed at", _signed_at(r)), ("Made with", _e(r.claim_generator)),
        ] + ([("Author", _e(", ".join(a.name for a in r.authors)) + f' <span style="color:{_MUTED}">(as the '
               "signer states it)</span>")] if r.authors else []))))
    parts += _attribution_sections(r)
    capture = _capture_text(r.capture)
    unsigned = _capture_text(r.capture_unsigned)
    if capture or unsigned:
        blocks = ""
        if capture:
            blocks += "<p><b>Signed capture data</b> (covered by the signature)</p>" + _rows(capture)
        if unsigned:
            blocks += (f'{SECTION if capture else ""}<p><b>Unsigned EXIF</b> <span style="color:{_MUTED}">'
                       "(in the file, not signed: anyone could have written it)</span></p>" + _rows(unsigned))
        parts.append(_section("Capture", blocks))
    if r.actions or r.ai_generated is not None:
        # A time is never wrapped inside itself ("…17:39:52+0 / 0:00"): its cell grows instead.
        actions = [f'<tr><td width="28%">{_e(action_label(a.action))}</td>'
                   f'<td width="26%" style="white-space:nowrap; font-size:7.5pt;">{_e(time_text(a.when or ""))}</td>'
                   f'<td width="20%">{_e(a.software_agent)}</td>'
                   f'<td>{_e(source_type_label(a.digital_source_type))}</td></tr>'
                   for a in r.actions]
        said = disclosure(r)
        ai = (f'<b style="color:#c62828">{_quote(said.label)}</b> — {_quote(said.sentence)}'
              if said.sentence else {True: "yes", False: "no", None: "unknown"}[said.generated])
        header = (f'<tr style="color:{_MUTED}"><td width="28%">What happened</td><td width="26%">When</td>'
                  '<td width="20%">Software</td><td>Source type</td></tr>')
        listed = _table(actions, header) if actions else f"<p>{_e(empty_history_reason(r))}</p>"
        parts.append(_section("History", f"<p>AI: {ai}</p>{listed}"))
    if r.ingredients:
        parts.append(_section(made_from_title(r), _table(_ingredient_rows(r.ingredients))))
    if r.remote_url:
        fetched = r.verdict in (Verdict.TRUSTED, Verdict.VALID, Verdict.INVALID)
        where = fetched_from(r.remote_url) if fetched else f"Stored at {r.remote_url}; not fetched."
        parts.append(_section("Remote Content Credentials", f"<p>{_quote(where)}</p>"))
    if r.recovered:
        parts.append(_section(HEADING, _recovered(r)))
    parts += _evidence_sections(r)
    engine = " ".join(p for p in (r.engine.name, r.engine.version) if p)
    lists = ", ".join(r.engine.trust_lists) or "none"
    parts.append(f'{SECTION}<p style="color:{_MUTED}; font-size:7.5pt; margin-top:0;">Checked by {_quote(engine)} · '
                 f"trust sources: {_quote(lists)}</p>")
    return "".join(parts)


def _recovered(r: InspectionReport) -> str:
    """Credentials found by fingerprint in a manifest repository, each candidate best first with its own verdict and
    the match, after the caveat: they are not embedded in the file (services/repository/recovery.py)."""
    blocks = [f'<p style="color:{_MUTED}">{_quote(CAVEAT)}</p>']
    for rank, c in enumerate(r.recovered, 1):
        who = c.signer.common_name or c.signer.organisation if c.signer else None
        rows = [("Candidate", f"{rank}. {_badge(c.verdict, 8)} {_quote(c.summary)}"),
                ("Title", _quote(c.title or "(untitled)")), ("Signed by", _quote(who or "an unnamed signer"))]
        if c.signed_at:
            rows.append(("Signed at", _quote(time_text(c.signed_at))))
        rows += [("Match", f"{_quote(match_line(c))}<br/><i>{_quote(c.meaning)}</i>"),
                 ("Found in", _quote(f"the manifest repository of {c.source}")), ("Manifest", _quote(c.manifest_id))]
        blocks.append(_rows(rows))
    return ROW.join(blocks)


def _signed_at(r: InspectionReport) -> str:
    """The signing time and on whose word it rests (domain.times), the time never wrapped."""
    found = signing_time(r)
    if found is None:
        return _e(None)
    return ('<table cellspacing="0" cellpadding="0"><tr>'
            f'<td style="white-space:nowrap;">{_quote(time_text(found.when))}</td>'
            f'<td>&nbsp;({_quote(found.marker)})</td></tr></table>')


def _code_rows(codes: Sequence[tuple[str, str]], colour: str, indent: int = 0) -> list[str]:
    """(code, explanation) rows: the code in monospace, its meaning beside it."""
    pad = f"padding-left:{_px(indent)}px; " if indent else ""
    return [f'<tr><td width="36%" style="{pad}font-family:DejaVu Sans Mono, monospace; font-size:7.5pt; '
            f'color:{colour}">{_quote(code)}</td><td>{_e(explanation)}</td></tr>' for code, explanation in codes]


def _evidence_sections(r: InspectionReport) -> list[str]:
    """Problems (failure codes, then each source file whose credentials failed, with its codes) and notes
    (informational codes: not problems), grouped as the app's Evidence tab groups them (domain.evidence)."""
    groups = {g.title: g.codes for g in evidence_groups(r)}
    rows = _code_rows([(c.code, c.explanation) for c in groups[PROBLEMS]], "#c62828")
    for p in source_problems(r):  # a source file's name and its codes: one unit, never split across pages
        rows.append(f'<tr><td colspan="2"><b>{_quote(source_heading(p.title, p.within))}</b> '
                    f"{_badge(p.verdict, 7)}</td></tr>"
                    + "".join(_code_rows([(c, explain_code(c)) for c in p.codes], "#c62828", indent=4)))
    parts = []
    if rows or r.error:
        error = f"<p>{_e(r.error)}</p>" + (ROW if rows else "") if r.error else ""
        parts.append(_section("Problems found", error + _table(rows)))
    if groups[NOTES]:
        notes = _code_rows([(c.code, c.explanation) for c in groups[NOTES]], "#ef6c00")
        parts.append(_section("Notes (not problems)", _table(notes)))
    return parts


def _validators(r: InspectionReport) -> str:
    """The cross-check: whether the two validators agree, their findings side by side, what each
    difference means and how the verdict was chosen (domain.cross_check)."""
    check = r.cross_check
    assert check is not None
    line = f"<p><b>{_quote(banner_line(r))}</b></p>"
    rows = side_by_side(r)
    if not rows:
        return line
    header = (f'<tr style="color:{_MUTED}"><td width="28%"></td><td width="36%">Main validator (c2pa-rs)</td>'
              f"<td>Second validator ({_quote(f'{check.engine} {check.version}')})</td></tr>")
    cells = [f'<tr><td width="28%" style="color:{_MUTED}">{_quote(label)}{"" if same else " ≠"}</td>'
             f'<td width="36%">{"" if same else "<b>"}{_e(mine)}{"" if same else "</b>"}</td>'
             f'<td>{"" if same else "<b>"}{_e(theirs)}{"" if same else "</b>"}</td></tr>'
             for label, mine, theirs, same in rows]
    notes = [d.sentence for d in check.differences] + ([check.rule_detail] if check.rule_detail else [])
    said = "".join(f"<p>• {_quote(n)}</p>" for n in notes)
    return line + _table(cells, header) + (ROW + said if said else "")


def _list_source(t: dict[str, str]) -> str:
    """Where a trust-list snapshot came from, and its age note when it is old."""
    origin = "Shipped with TrustNXT Desktop; published at " if t.get("origin") == "bundled" else "Downloaded from "
    note = f" {t['note']}" if t.get("note") else ""
    return f"{origin}{t.get('source', '')}.{note}"


def _cover(request: EvidenceRequest) -> str:
    reports = request.reports
    counts = {v: sum(1 for r in reports if r.verdict is v) for v in Verdict}
    when = request.generated_at or dt.datetime.now().astimezone().isoformat(timespec="seconds")
    engines = sorted({" ".join(p for p in (r.engine.name, r.engine.version) if p) for r in reports}) or ["—"]
    engines += sorted({f"second, independent validator: {r.cross_check.engine} {r.cross_check.version}"
                       for r in reports if r.cross_check is not None and r.cross_check.ran})
    summary = [f'<tr><td width="22%">{_badge(v)}</td><td width="8%" align="right"><b>{n}</b></td>'
               f'<td style="color:{_MUTED}">{_quote(VERDICTS[v].title)}</td></tr>' for v, n in counts.items() if n]
    if request.trust_lists:
        # The whole SHA-256 of each list: a reader can compare it with the published file.
        lists = [f'<tr><td width="30%">{_quote(t["name"])}</td>'
                 f'<td><span style="font-family:DejaVu Sans Mono, monospace; font-size:7pt;">{_quote(t["sha256"])}'
                 f'</span><br/><span style="font-size:7.5pt; color:{_MUTED}">{_quote(_list_source(t))}</span></td></tr>'
                 for t in request.trust_lists]
        lists_table = _table(lists, f'<tr style="color:{_MUTED}"><td width="30%">Trust list snapshot</td>'
                                    '<td>SHA-256 and source</td></tr>')
    else:
        used = sorted({n for r in reports for n in r.engine.trust_lists})
        lists_table = (f"<p>{_quote(', '.join(used))}</p>" if used else
                       "<p>No published trust list was loaded: signers are at most <i>valid</i>, never <i>trusted</i>, "
                       "unless the person who ran the check trusts them.</p>")
    index = [f'<tr><td width="6%">{i + 1}</td><td width="50%">{_quote(r.file.name)}</td>'
             f'<td width="14%">{_badge(r.verdict, 7.5)}</td>'
             '<td style="font-family:DejaVu Sans Mono, monospace; font-size:7.5pt;">'
             f'{_quote(r.file.sha256[:24])}…</td></tr>'
             for i, r in enumerate(reports)]
    legend = [f'<tr><td width="18%">{_badge(v, 7.5)}</td><td>{_quote(VERDICTS[v].title)}</td></tr>'
              for v in (Verdict.TRUSTED, Verdict.VALID, Verdict.INVALID, Verdict.NONE)]
    return (
        f'<p style="font-size:8pt; color:{_MUTED}; letter-spacing:2px;">{_quote(APP_NAME.upper())}</p>'
        f'<p style="font-size:22pt; font-weight:bold; color:{_INK}; margin-top:4px;">{_quote(request.title)}</p>'
        f'<p style="font-size:11pt; color:{_MUTED};">{plural(len(reports), "file")} inspected · '
        f'generated {_quote(when)}</p>'
        + _section("Summary", _table(summary))
        + _section("How these files were checked", _rows([
            ("Program", _e(f"{APP_NAME} {request.app_version}")),
            ("Validator", "<br/>".join(_quote(e) for e in engines)),
            ("Report generated", _e(when)),
            ("Verification log", _log_head(request.log_head)),
        ]) + SECTION + "<p><b>Trust lists in force</b></p>" + lists_table)
        + _signature_section(request.signature)
        + _section("Files", _table(index, f'<tr style="color:{_MUTED}"><td width="6%">#</td><td width="50%">File</td>'
                                          '<td width="14%">Verdict</td><td>SHA-256</td></tr>'))
        + _section("What the verdicts mean", _table(legend) + SECTION +
                   f'<p style="color:{_MUTED}; font-size:7.5pt;">A verdict says whether the Content Credentials are '
                   "intact and who signed them; it does not say whether what a picture shows is true.</p>")
    )


def _mono(text: str, size: float = 7) -> str:
    return f'<span style="font-family:DejaVu Sans Mono, monospace; font-size:{size}pt;">{_quote(text)}</span>'


def _log_head(head: dict[str, str]) -> str:
    """The verification log's head when the report was made: every inspection in it is logged up to there."""
    if not head:
        return _e("no verification log on this computer")
    return (f"volume {_quote(head.get('volume', ''))} · {_quote(head.get('entries', ''))} entries · head "
            f"{_mono(head.get('head', ''))}<br/><span style=\"color:{_MUTED}; font-size:7.5pt;\">Every inspection "
            "in this report was logged before it was shown; <i>trustnxt log verify</i> checks the log up to this head."
            "</span>")


def _signature_section(signature: dict[str, str]) -> str:
    """What the report's own PAdES signature is, announced before it is made (services.records.report_signing)."""
    if signature.get("status") == "signed":
        who = f"<b>{_quote(signature.get('name', ''))}</b>" + (
            f", {_quote(signature['organisation'])}" if signature.get("organisation") else "")
        return _section("Signature of this report", _rows([
            ("Signed by", who), ("Certificate issued by", _e(signature.get("issuer"))),
            ("Certificate SHA-256", _mono(signature.get("fingerprint", ""))),
        ]) + SECTION + "<p>This PDF carries a PAdES signature over the whole file: a change of even one byte breaks "
            "it. Check it with a PDF reader that shows signatures, or with <i>trustnxt report verify</i> "
            "FILE.pdf, which says who signed and when.</p>")
    if signature.get("status") == "unsigned":
        return _section("Signature of this report",
                        f"<p>This PDF is <b>not signed</b>: {_quote(signature.get('reason', ''))}.</p>")
    return ""


def build_html(request: EvidenceRequest, thumbnails: Thumbnails) -> tuple[str, dict[str, QImage]]:
    """The whole report as HTML marked for pagination (see pdf_pages), and the pictures it names."""
    images: dict[str, QImage] = {}
    for i, data in thumbnails.items():
        image = image_from_bytes(data)
        if not image.isNull():  # a preview that does not decode is left out, not drawn broken
            images[f"thumb:{i}"] = image
    body = _cover(request) + "".join(_file_section(i, r, f"thumb:{i}" in images)
                                     for i, r in enumerate(request.reports))
    return body, images


# -- drawing ----------------------------------------------------------------------------------------

def render_pdf(request: EvidenceRequest, out: Path, thumbnails: Thumbnails | None = None) -> int:
    """Draw the report into `out` (replaced atomically); returns the number of pages. Needs a QGuiApplication.
    Raises OSError when the file cannot be written (nothing is left behind then)."""
    out = out.expanduser()
    tmp = out.with_name(f".{out.name}.partial")
    try:
        return _draw(request, tmp, out, thumbnails)
    finally:
        with contextlib.suppress(OSError):  # gone already once it took its name; on Windows maybe still held open
            tmp.unlink(missing_ok=True)


def _draw(request: EvidenceRequest, tmp: Path, out: Path, thumbnails: Thumbnails | None) -> int:
    writer = QPdfWriter(str(tmp))
    writer.setResolution(DPI)
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    writer.setPageMargins(QMarginsF(16, 14, 16, 14), QPageLayout.Unit.Millimeter)
    writer.setTitle(request.title)
    writer.setCreator(f"{APP_NAME} {request.app_version}")
    page = writer.pageLayout().paintRectPixels(DPI)
    header, footer = _mm(9), _mm(9)
    body_h = page.height() - header - footer

    body, images = build_html(request, thumbnails or {})
    font = QFont("DejaVu Sans")
    font.setPointSizeF(8.5)
    layout = PageLayout(writer, page.width(), body_h, font, f"color:{_INK};", images, _mm(3))
    placed = layout.paginate(body)
    pages = len(placed)

    painter = QPainter()
    if not painter.begin(writer):
        raise OSError(f"cannot write {out}")
    try:
        for n in range(pages):
            if n:
                writer.newPage()
            _chrome(painter, request, page.width(), page.height(), header, footer, n + 1, pages)
            for unit in placed[n]:
                layout.draw(painter, unit, header)
    finally:
        painter.end()
    with open(tmp, "rb") as f:  # QPdfWriter has closed it; made durable before it takes the name
        os.fsync(f.fileno())
    replace_file(tmp, out)
    return pages


def _chrome(painter: QPainter, request: EvidenceRequest, width: int, height: int, header: int, footer: int,
            number: int, total: int) -> None:
    painter.save()
    font = QFont("DejaVu Sans")
    font.setPointSizeF(7)
    painter.setFont(font)
    painter.setPen(QColor(_MUTED))
    top = QRectF(0, 0, width, header - _mm(3))
    painter.drawText(top, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom),
                     f"{APP_NAME} · {request.title}")
    painter.drawText(top, int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignBottom), request.generated_at[:10])
    painter.setPen(QColor(_RULE))
    painter.drawLine(0, header - _mm(2), width, header - _mm(2))
    painter.drawLine(0, height - footer + _mm(2), width, height - footer + _mm(2))
    painter.setPen(QColor(_MUTED))
    bottom = QRectF(0, height - footer + _mm(3), width, footer - _mm(3))
    painter.drawText(bottom, int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop), f"Page {number} of {total}")
    painter.drawText(bottom, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop),
                     f"{plural(len(request.reports), 'file')} · generated by {APP_NAME} {request.app_version}")
    painter.restore()


# -- entry points -----------------------------------------------------------------------------------

async def export_pdf(reports: Sequence[InspectionReport], out: Path, root: Path | None = None,
                     on_thumbnails: Callable[[], None] | None = None) -> int:
    """For the GUI: the request and its signer (keyring), then thumbnails, in worker threads; drawing on this (the
    GUI) thread into a hidden file beside `out`; signing it into `out` in a worker thread (report_signing).
    Returns pages. Raises ExportError when a report announced as signed cannot be signed."""
    request, signer = await asyncio.to_thread(signed_request, reports, root)
    thumbnails = await asyncio.to_thread(collect_thumbnails, request.reports)
    if on_thumbnails:
        on_thumbnails()
    out = out.expanduser()
    staging = unsigned_path(out)
    try:
        pages = render_pdf(request, staging, thumbnails)
    except OSError as e:
        raise ExportError(f"The PDF report could not be drawn: {e.strerror or e}") from e
    await asyncio.to_thread(finish_report, staging, out, signer)
    return pages


def render_command(request_file: Path, out: Path) -> int:
    """`trustnxt-desktop --render-report REQUEST OUT`: the CLI's way to a PDF without loading Qt itself."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # draws into a file: never needs a screen
    _app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    try:
        request = EvidenceRequest.from_json(request_file.read_text("utf-8"))
        pages = render_pdf(request, out, collect_thumbnails(request.reports))
    except (OSError, ValueError, TrustNXTError) as e:
        print(f"trustnxt-desktop: cannot make the report: {e}", file=sys.stderr)
        return 1
    print(f"{plural(pages, 'page')} written to {out}")
    return 0

