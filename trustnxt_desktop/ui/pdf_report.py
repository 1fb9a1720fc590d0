"""The PDF evidence report, drawn with Qt's own PDF output (QPdfWriter + QTextDocument): no new dependency.

A cover page (date, program and validator versions, the trust-list snapshots in force, a summary and
an index of files) and one section per file (thumbnail, verdict, checks, signer, capture data, history,
ingredients, validation codes, sha256). Every page carries a running header and "page x of y".

Callers: the GUI awaits `export_pdf` (thumbnails are extracted in a worker thread, drawing happens on the
calling thread); the CLI, which must not load Qt, runs `trustnxt-desktop --render-report REQUEST OUT`,
which ends in `render_command`.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import html
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import QMarginsF, QRectF, QSizeF, Qt, QUrl
from PySide6.QtGui import (QColor, QFont, QGuiApplication, QImage, QPageLayout, QPageSize, QPainter, QPdfWriter,
                           QTextDocument)

from .. import APP_NAME
from ..domain.errors import TrustNXTError
from ..domain.report import Capture, Ingredient, InspectionReport, Verdict
from ..services.exports import EvidenceRequest, evidence_request
from ..services.previews import file_preview, manifest_resource
from .theme import CHECK_NAMES, CHECK_STATUS, VERDICTS

DPI = 300
THUMB_EDGE = 480  # pixels of the extracted preview
THUMB_MM = 48  # drawn this wide
_MARK = {"check": "✓", "cross": "✗", "warn": "!", "question": "?", "none": "–"}
_INK, _MUTED, _RULE, _PANEL = "#1b1f24", "#5f6b7a", "#d5dbe3", "#f3f5f8"
Thumbnails = dict[int, bytes | None]


def _e(value: object) -> str:
    return html.escape(str(value)) if value not in (None, "") else f'<span style="color:{_MUTED}">—</span>'


def _mm(value: float) -> int:
    """Millimetres in device pixels (drawing on the writer)."""
    return round(value * DPI / 25.4)


def _px(value: float) -> int:
    """Millimetres in the HTML's pixels, which Qt takes as 1/96 inch whatever the device."""
    return round(value * 96 / 25.4)


# -- thumbnails (blocking; run off the GUI thread) --------------------------------------------------

def collect_thumbnails(reports: Sequence[InspectionReport]) -> Thumbnails:
    """The manifest's own thumbnail when there is one, else a preview of the picture itself."""
    found: Thumbnails = {}
    for i, r in enumerate(reports):
        path = Path(r.file.path)
        data = manifest_resource(path, r.thumbnail) if r.thumbnail and path.is_file() else None
        if data is None and path.is_file() and r.verdict not in (Verdict.UNSUPPORTED, Verdict.ERROR):
            data = file_preview(path, THUMB_EDGE)
        found[i] = data
    return found


# -- HTML building ----------------------------------------------------------------------------------

def _badge(verdict: Verdict, size: float = 9) -> str:
    style = VERDICTS[verdict]
    return (f'<span style="background-color:{style.colour}; color:#ffffff; font-weight:bold; font-size:{size}pt;">'
            f"&nbsp;{html.escape(verdict.value.upper())}&nbsp;</span>")


def _rows(pairs: Sequence[tuple[str, str]]) -> str:
    body = "".join(f'<tr><td width="28%" style="color:{_MUTED}">{html.escape(k)}</td><td>{v}</td></tr>'
                   for k, v in pairs)
    return f'<table width="100%" cellspacing="0" cellpadding="3">{body}</table>'


def _section(title: str, content: str) -> str:
    return (f'<h3 style="font-size:10.5pt; color:{_INK}; margin-top:10px; margin-bottom:2px;">{html.escape(title)}</h3>'
            f'<hr style="height:1px; background-color:{_RULE};"/>{content}')


def _capture_text(c: Capture | None) -> list[tuple[str, str]]:
    if c is None or c.is_empty():
        return []
    rows = []
    if c.make or c.model:
        rows.append(("Device", _e(" ".join(p for p in (c.make, c.model) if p))))
    if c.gps:
        alt = f", altitude {c.gps.alt:g} m" if c.gps.alt is not None else ""
        rows.append(("Location", _e(f"{c.gps.lat:.6f}, {c.gps.lon:.6f}{alt}")))
    if c.taken_at:
        rows.append(("Taken at", _e(c.taken_at)))
    return rows


def _ingredient_rows(nodes: list[Ingredient], depth: int = 0) -> list[str]:
    rows = []
    for n in nodes:
        indent = "&nbsp;" * 4 * depth + ("↳ " if depth else "")
        codes = f' <span style="color:{_MUTED}">({html.escape(", ".join(n.failure_codes))})</span>' if n.failure_codes else ""
        rows.append(f"<tr><td>{indent}{_e(n.title or '(untitled)')}</td><td>{_e(n.relationship)}</td>"
                    f"<td>{_badge(n.verdict, 7.5)}{codes}</td></tr>")
        rows.extend(_ingredient_rows(n.ingredients, depth + 1))
    return rows


def _size(n: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1024  # type: ignore[assignment]
    return str(n)


def _file_section(index: int, r: InspectionReport, has_thumb: bool) -> str:
    style = VERDICTS[r.verdict]
    thumb = (f'<img src="thumb:{index}" width="{_px(THUMB_MM)}"/>' if has_thumb else
             f'<table width="100%" cellpadding="{_px(9)}" style="background-color:{_PANEL}"><tr>'
             f'<td align="center" style="color:{_MUTED}">no preview</td></tr></table>')
    head = (f'<table width="100%" cellspacing="0" cellpadding="0"><tr>'
            f'<td width="{_px(THUMB_MM + 6)}" valign="top">{thumb}</td>'
            f'<td valign="top" style="padding-left:{_px(4)}px;">'
            f'<p style="font-size:7.5pt; color:{_MUTED}; margin:0;">FILE {index + 1}</p>'
            f'<p style="font-size:14pt; font-weight:bold; margin:0;">{html.escape(r.file.name)}</p>'
            f'<p style="margin-top:4px;">{_badge(r.verdict, 10)}&nbsp;&nbsp;'
            f'<span style="color:{style.colour}; font-weight:bold;">{html.escape(style.title)}</span></p>'
            f'<p style="margin-top:4px;">{html.escape(r.summary)}</p></td></tr></table>')
    parts = [f'<div style="page-break-before:always;">{head}</div>']
    parts.append(_section("File", _rows([
        ("SHA-256", f'<span style="font-family:DejaVu Sans Mono, monospace; font-size:8pt;">{_e(r.file.sha256)}</span>'),
        ("Path", _e(r.file.path)), ("Size", _e(_size(r.file.size))), ("Media type", _e(r.file.media_type)),
        ("Content Credentials", _e(f"{r.manifests} manifest(s)" if r.manifests else "none")),
    ])))
    if r.checks:
        rows = "".join(
            f'<tr><td width="4%" style="color:{CHECK_STATUS[c.status][1]}; font-weight:bold;">'
            f"{_MARK[CHECK_STATUS[c.status][0]]}</td>"
            f'<td width="24%">{html.escape(CHECK_NAMES.get(c.id, c.id))}</td>'
            f'<td width="14%" style="color:{CHECK_STATUS[c.status][1]}">{html.escape(c.status.value.replace("_", " "))}</td>'
            f"<td>{_e(c.detail)}</td></tr>" for c in r.checks)
        parts.append(_section("Checks", f'<table width="100%" cellspacing="0" cellpadding="3">{rows}</table>'))
    if r.signer:
        s = r.signer
        trust = (f'<b style="color:{VERDICTS[Verdict.TRUSTED].colour}">{html.escape(s.trust_source)}</b>'
                 if s.trust_source else "not on any trust list in use")
        parts.append(_section("Signer", _rows([
            ("Signed by", f"<b>{_e(s.common_name)}</b>"), ("Organisation", _e(s.organisation)),
            ("Issuer", _e(s.issuer)), ("Algorithm", _e(s.algorithm)), ("Serial", _e(s.serial)),
            ("Trusted via", trust), ("Signed at", _e(r.signed_at)), ("Made with", _e(r.claim_generator)),
        ])))
    capture = _capture_text(r.capture)
    unsigned = _capture_text(r.capture_unsigned)
    if capture or unsigned:
        blocks = ""
        if capture:
            blocks += "<p><b>Signed capture data</b> (covered by the signature)</p>" + _rows(capture)
        if unsigned:
            blocks += (f'<p><b>Unsigned EXIF</b> <span style="color:{_MUTED}">(in the file, not signed: anyone '
                       "could have written it)</span></p>" + _rows(unsigned))
        parts.append(_section("Capture", blocks))
    if r.actions or r.ai_generated is not None:
        rows = "".join(f"<tr><td>{_e(a.action.removeprefix('c2pa.'))}</td><td>{_e(a.when)}</td>"
                       f"<td>{_e(a.software_agent)}</td><td>{_e((a.digital_source_type or '').rsplit('/', 1)[-1])}</td></tr>"
                       for a in r.actions)
        ai = {True: '<b style="color:#c62828">yes</b> (declared in the Content Credentials)', False: "no",
              None: "unknown"}[r.ai_generated]
        table = (f'<table width="100%" cellspacing="0" cellpadding="3"><tr style="color:{_MUTED}">'
                 "<td>Action</td><td>When</td><td>Software</td><td>Source type</td></tr>" + rows + "</table>") if rows else ""
        parts.append(_section("History", f"<p>AI-generated: {ai}</p>{table}"))
    if r.ingredients:
        parts.append(_section("Made from", '<table width="100%" cellspacing="0" cellpadding="3">'
                              + "".join(_ingredient_rows(r.ingredients)) + "</table>"))
    codes = [(c, "failure") for c in r.validation.failure] + [(c, "warning") for c in r.validation.warning]
    if codes or r.error:
        rows = "".join(f'<tr><td width="32%" style="font-family:DejaVu Sans Mono, monospace; font-size:7.5pt;">'
                       f'{html.escape(c.code)}</td><td width="10%" style="color:{"#c62828" if kind == "failure" else "#ef6c00"}">'
                       f"{kind}</td><td>{_e(c.explanation)}</td></tr>" for c, kind in codes)
        error = f"<p>{_e(r.error)}</p>" if r.error else ""
        parts.append(_section("Problems found", error + f'<table width="100%" cellspacing="0" cellpadding="3">{rows}</table>'))
    engine = " ".join(p for p in (r.engine.name, r.engine.version) if p)
    lists = ", ".join(r.engine.trust_lists) or "none"
    parts.append(f'<p style="color:{_MUTED}; font-size:7.5pt; margin-top:8px;">Checked by {html.escape(engine)} · '
                 f"trust sources: {html.escape(lists)}</p>")
    return "".join(parts)


def _cover(request: EvidenceRequest) -> str:
    reports = request.reports
    counts = {v: sum(1 for r in reports if r.verdict is v) for v in Verdict}
    when = request.generated_at or dt.datetime.now().astimezone().isoformat(timespec="seconds")
    engines = sorted({" ".join(p for p in (r.engine.name, r.engine.version) if p) for r in reports}) or ["—"]
    summary = "".join(
        f'<tr><td width="22%">{_badge(v)}</td><td width="8%" align="right"><b>{n}</b></td>'
        f'<td style="color:{_MUTED}">{html.escape(VERDICTS[v].title)}</td></tr>' for v, n in counts.items() if n)
    if request.trust_lists:
        lists = "".join(f"<tr><td>{html.escape(t['name'])}</td>"
                        f'<td style="font-family:DejaVu Sans Mono, monospace; font-size:7.5pt;">{html.escape(t["sha256"][:16])}…</td>'
                        f'<td style="font-size:7.5pt; color:{_MUTED}">{html.escape(t.get("source", ""))}</td></tr>'
                        for t in request.trust_lists)
        lists_table = (f'<table width="100%" cellspacing="0" cellpadding="3"><tr style="color:{_MUTED}">'
                       f"<td>Trust list snapshot</td><td>SHA-256</td><td>Downloaded from</td></tr>{lists}</table>")
    else:
        used = sorted({n for r in reports for n in r.engine.trust_lists})
        lists_table = (f"<p>{html.escape(', '.join(used))}</p>" if used else
                       "<p>No published trust list was loaded: signers are at most <i>valid</i>, never <i>trusted</i>, "
                       "unless the person who ran the check trusts them.</p>")
    index = "".join(
        f"<tr><td>{i + 1}</td><td>{html.escape(r.file.name)}</td><td>{_badge(r.verdict, 7.5)}</td>"
        f'<td style="font-family:DejaVu Sans Mono, monospace; font-size:7.5pt;">{html.escape(r.file.sha256[:24])}…</td></tr>'
        for i, r in enumerate(reports))
    legend = "".join(f"<tr><td width=\"18%\">{_badge(v, 7.5)}</td><td>{html.escape(VERDICTS[v].title)}</td></tr>"
                     for v in (Verdict.TRUSTED, Verdict.VALID, Verdict.INVALID, Verdict.NONE))
    return (
        f'<p style="font-size:8pt; color:{_MUTED}; letter-spacing:2px;">{html.escape(APP_NAME.upper())}</p>'
        f'<p style="font-size:22pt; font-weight:bold; color:{_INK}; margin-top:4px;">{html.escape(request.title)}</p>'
        f'<p style="font-size:11pt; color:{_MUTED};">{len(reports)} file(s) inspected · generated {html.escape(when)}</p>'
        + _section("Summary", f'<table cellspacing="0" cellpadding="3">{summary}</table>')
        + _section("How these files were checked", _rows([
            ("Program", _e(f"{APP_NAME} {request.app_version}")),
            ("Validator", "<br/>".join(html.escape(e) for e in engines)),
            ("Report generated", _e(when)),
        ]) + "<p><b>Trust lists in force</b></p>" + lists_table)
        + _section("Files", f'<table width="100%" cellspacing="0" cellpadding="3"><tr style="color:{_MUTED}">'
                            f"<td>#</td><td>File</td><td>Verdict</td><td>SHA-256</td></tr>{index}</table>")
        + _section("What the verdicts mean", f'<table cellspacing="0" cellpadding="2">{legend}</table>'
                   f'<p style="color:{_MUTED}; font-size:7.5pt;">A verdict says whether the Content Credentials are '
                   "intact and who signed them; it does not say whether what a picture shows is true.</p>")
    )


def build_document(request: EvidenceRequest, thumbnails: Thumbnails) -> QTextDocument:
    doc = QTextDocument()
    font = QFont("DejaVu Sans")
    font.setPointSizeF(8.5)
    doc.setDefaultFont(font)
    doc.setDocumentMargin(0)
    has: set[int] = set()
    for i, data in thumbnails.items():
        image = QImage.fromData(data) if data else QImage()
        if not image.isNull():  # a preview that does not decode is left out, not drawn broken
            doc.addResource(QTextDocument.ResourceType.ImageResource, QUrl(f"thumb:{i}"), image)
            has.add(i)
    body = _cover(request) + "".join(_file_section(i, r, i in has) for i, r in enumerate(request.reports))
    doc.setHtml(f'<html><body style="color:{_INK};">{body}</body></html>')
    return doc


# -- drawing ----------------------------------------------------------------------------------------

def render_pdf(request: EvidenceRequest, out: Path, thumbnails: Thumbnails | None = None) -> int:
    """Draw the report into `out` (replaced atomically); returns the number of pages. Needs a QGuiApplication."""
    out = out.expanduser()
    tmp = out.with_name(f".{out.name}.partial")
    writer = QPdfWriter(str(tmp))
    writer.setResolution(DPI)
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    writer.setPageMargins(QMarginsF(16, 14, 16, 14), QPageLayout.Unit.Millimeter)
    writer.setTitle(request.title)
    writer.setCreator(f"{APP_NAME} {request.app_version}")
    page = writer.pageLayout().paintRectPixels(DPI)
    header, footer = _mm(9), _mm(9)
    body_h = page.height() - header - footer

    doc = build_document(request, thumbnails or {})
    doc.documentLayout().setPaintDevice(writer)
    doc.setPageSize(QSizeF(page.width(), body_h))
    pages = doc.pageCount()

    painter = QPainter()
    if not painter.begin(writer):
        raise OSError(f"cannot write {out}")
    try:
        for n in range(pages):
            if n:
                writer.newPage()
            _chrome(painter, request, page.width(), page.height(), header, footer, n + 1, pages)
            painter.save()
            painter.translate(0, header - n * body_h)
            doc.drawContents(painter, QRectF(0, n * body_h, page.width(), body_h))
            painter.restore()
    finally:
        painter.end()
    tmp.replace(out)
    return pages


def _chrome(painter: QPainter, request: EvidenceRequest, width: int, height: int, header: int, footer: int,
            number: int, total: int) -> None:
    painter.save()
    font = QFont("DejaVu Sans")
    font.setPointSizeF(7)
    painter.setFont(font)
    painter.setPen(QColor(_MUTED))
    top = QRectF(0, 0, width, header - _mm(3))
    painter.drawText(top, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom), f"{APP_NAME} · {request.title}")
    painter.drawText(top, int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignBottom), request.generated_at[:10])
    painter.setPen(QColor(_RULE))
    painter.drawLine(0, header - _mm(2), width, header - _mm(2))
    painter.drawLine(0, height - footer + _mm(2), width, height - footer + _mm(2))
    painter.setPen(QColor(_MUTED))
    bottom = QRectF(0, height - footer + _mm(3), width, footer - _mm(3))
    painter.drawText(bottom, int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop), f"Page {number} of {total}")
    painter.drawText(bottom, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop),
                     f"{len(request.reports)} file(s) · generated by {APP_NAME} {request.app_version}")
    painter.restore()


# -- entry points -----------------------------------------------------------------------------------

async def export_pdf(reports: Sequence[InspectionReport], out: Path, root: Path | None = None,
                     on_thumbnails: Callable[[], None] | None = None) -> int:
    """For the GUI: thumbnails in a worker thread, then drawing on this (the GUI) thread. Returns pages."""
    request = evidence_request(reports, root)
    thumbnails = await asyncio.to_thread(collect_thumbnails, request.reports)
    if on_thumbnails:
        on_thumbnails()
    return render_pdf(request, out, thumbnails)


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
    print(f"{pages} page(s) written to {out}")
    return 0

