"""One InspectionReport, for a person: the verdict first, the evidence one click away."""

from __future__ import annotations

import html
import json
from collections.abc import Awaitable, Callable
from pathlib import Path

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QFont, QPixmap
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QScrollArea,
    QStackedWidget,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..domain.ai import AiKind, disclosure
from ..domain.attribution import (
    identity_facts,
    identity_handle,
    identity_status_label,
    identity_type_label,
    identity_who,
    short_issuer,
    training_rows,
    training_summary,
)
from ..domain.checks import check_definition, check_title
from ..domain.cross_check import FIELDS, banner_line, differs, second_name, side_by_side
from ..domain.display import (
    action_label,
    action_line,
    capture_fields,
    map_url,
    relationship_label,
    source_type_label,
    time_text,
    visible,
)
from ..domain.evidence import PASSED, PROBLEMS, evidence_groups, evidence_title, source_heading
from ..domain.explain import explain_code, fetched_from, signer_trust_words
from ..domain.history import empty_history_reason
from ..domain.pictures import thumbnail_note
from ..domain.report import Author, Capture, IdentityAssertion, Ingredient, InspectionReport, Verdict
from ..domain.sources import made_from_title, source_problems
from ..domain.times import signing_time
from ..services.previews import file_preview_async, manifest_picture_async
from .icons import check_icon, verdict_icon
from .images import image_from_bytes
from .plain_text import tip
from .recovered_view import RecoveredSection, RecoveryState
from .tasks import TaskOwner
from .theme import VERDICTS

PICTURE_EDGE = 220


def _esc(text: object) -> str:
    """Text from a file or its manifest as rich text: hidden characters escaped (visible), markup quoted."""
    return html.escape(visible(str(text)))


def _html(text: str) -> QLabel:
    """A label for text that is already HTML (escaped with _esc): never guessed to be plain text, which
    would show an escaped apostrophe as "&#x27;"."""
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.RichText)
    return label


def _section(title: str) -> QLabel:
    label = QLabel(title)
    font = label.font()
    font.setPointSizeF(font.pointSizeF() * 1.15)
    font.setBold(True)
    label.setFont(font)
    label.setAccessibleName(title)
    return label


def _rows(pairs: list[tuple[str, str]]) -> QWidget:
    box = QWidget()
    grid = QGridLayout(box)
    grid.setContentsMargins(0, 0, 0, 0)
    grid.setColumnStretch(1, 1)
    for row, (key, value) in enumerate(pairs):
        k = _html(f"<span style='color:palette(mid)'>{_esc(key)}</span>")
        v = _html(value)
        v.setWordWrap(True)
        v.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        v.setOpenExternalLinks(True)
        v.setAccessibleName(key)
        grid.addWidget(k, row, 0, Qt.AlignmentFlag.AlignTop)
        grid.addWidget(v, row, 1)
    return box


def capture_rows(c: Capture) -> list[tuple[str, str]]:
    """Capture data as rich-text rows (domain.display.capture_fields); the place links to a map."""
    rows = [(label, _esc(text)) for label, text in capture_fields(c)]
    if c.gps:
        rows = [(label, f"{text} — <a href='{map_url(c.gps)}'>open in map</a>" if label == "Place" else text)
                for label, text in rows]
    return rows


def _link(text: str, url: str | None) -> str:
    safe = url if url and url.lower().startswith(("https://", "http://")) else None
    return f"<a href='{_esc(safe)}'>{_esc(text)}</a>" if safe else _esc(text)


def _author(a: Author) -> str:
    return f"<b>{_link(a.name, a.identifier)}</b>"


def identity_rows(a: IdentityAssertion) -> list[tuple[str, str]]:
    """Who a CAWG identity assertion names, which accounts were verified and by whom, and its status."""
    rows = [("Named", f"<b>{_esc(identity_who(a))}</b>"),
            ("Status", f"<b>{_esc(identity_status_label(a.status).capitalize())}</b> — {_esc(a.status_detail)}")]
    rows += [(what, _esc(text)) for what, text in identity_facts(a)]
    if a.issuer:
        rows.append(("Accounts verified by",  # the title is a tooltip: plain text (tip), then quoted for the attribute
                     f"<span title='{html.escape(tip(a.issuer))}'>{_esc(short_issuer(a.issuer))}</span>"))
    for v in a.verified_identities:
        who = identity_handle(v)
        where = _link(v.provider, v.provider_id) if v.provider else ""
        when = f", verified {_esc(v.verified_at[:10])}" if v.verified_at else ""
        named = f"{_link(who, v.uri)}{' on ' + where if where else ''}" if who else where or "not named"
        rows.append((identity_type_label(v.type), f"{named}{when}"))
    return rows


def trust_snapshot_text(t: dict[str, str]) -> str:
    """One published list in force (InspectionReport engine.trust_snapshots): where from, sha256, age note."""
    origin = "shipped with the app" if t.get("origin") == "bundled" else "downloaded"
    lines = [f"{t.get('name', '')}: {origin}, sha256 {t.get('sha256', '')}", f"published at {t.get('source', '')}"]
    return "\n".join(lines + ([t["note"]] if t.get("note") else []))


class Banner(QFrame):
    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("verdictBanner")
        self.icon = QLabel()
        self.title = QLabel()
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)  # it quotes names from the file: never markup
        # Whether two independent validators agree, or where they differ (domain.cross_check).
        self.validators = QLabel()
        self.validators.setObjectName("validatorsLine")
        self.validators.setWordWrap(True)
        self.validators.setTextFormat(Qt.TextFormat.PlainText)
        self.validators.setAccessibleName("Validators")
        self.meta = QLabel()
        self.meta.setWordWrap(True)
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        self.title.setFont(font)
        text = QVBoxLayout()
        for w in (self.title, self.summary, self.validators, self.meta):
            text.addWidget(w)
        row = QHBoxLayout(self)
        row.addWidget(self.icon, 0, Qt.AlignmentFlag.AlignTop)
        row.addLayout(text, 1)
        self.setAccessibleName("Verdict")

    def show_report(self, report: InspectionReport) -> None:
        style = VERDICTS[report.verdict]
        self.setStyleSheet(f"#verdictBanner {{ background: {style.colour}; border-radius: 10px; }}"
                           "#verdictBanner QLabel { color: white; }")
        self.icon.setPixmap(verdict_icon(report.verdict).pixmap(64, 64))
        self.title.setText(style.title)
        self.summary.setText(visible(report.summary))
        line = banner_line(report)
        self.validators.setText(visible(line))
        self.validators.setVisible(bool(line))
        # A disagreement is boxed and bold: the one line a reader must not miss after the verdict.
        self.validators.setStyleSheet("#validatorsLine { font-weight: bold; background: rgba(0, 0, 0, 0.28);"
                                      " border-radius: 6px; padding: 4px 8px; }" if differs(report) else "")
        engine = f"{report.engine.name} · {report.engine.version}"
        lists = ", ".join(report.engine.trust_lists) or "no trust lists loaded"
        snapshots = report.engine.trust_snapshots
        old = " · a trust list in use is older than 90 days" if any(t.get("note") for t in snapshots) else ""
        self.meta.setText(f"<small>{_esc(report.file.name)} · checked by {_esc(engine)} · trust: {_esc(lists)}"
                          f"{old}</small>")
        self.meta.setToolTip(tip("\n\n".join(trust_snapshot_text(t) for t in snapshots)))
        self.setAccessibleDescription(f"{style.title}. {report.summary}")


class ReportView(QWidget):
    """Tabs: Overview (what a journalist needs), History, Made from, Evidence, Raw data."""

    link_activated = Signal(str)
    look_up_requested = Signal(object)  # InspectionReport: search the manifest repositories for its picture
    reembed_requested = Signal(object, object)  # InspectionReport, RecoveredCredentials: save a copy carrying them

    def __init__(self, on_error: Callable[[str], None], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._tasks = TaskOwner(on_error)
        self.report: InspectionReport | None = None
        # Where a report's look-up in the manifest repositories stands (set by the Inspect view); None: no section
        # unless the report carries recovered credentials.
        self.recovery_state: Callable[[InspectionReport], RecoveryState | None] = lambda _report: None
        self.offers_reembed = False
        self.recovered_section: RecoveredSection | None = None
        self.banner = Banner()
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("Inspection details")
        self.overview = QWidget()
        self.overview_layout = QVBoxLayout(self.overview)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.overview)
        self._scroll = scroll
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.history = QTreeWidget()
        self.history.setHeaderLabels(["What happened", "When", "With", "Source"])
        self.history.setAccessibleName("Edit history")
        self.history.setRootIsDecorated(False)
        self.history_note = QLabel()
        self.history_note.setObjectName("historyNote")
        self.history_note.setWordWrap(True)
        self.history_note.setTextFormat(Qt.TextFormat.PlainText)
        self.history_note.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.history_note.setMargin(12)
        self.history_note.setAccessibleName("Why there is no edit history")
        self.history_page = QStackedWidget()
        self.history_page.addWidget(self.history)
        self.history_page.addWidget(self.history_note)
        self.ingredients = QTreeWidget()
        self.ingredients.setHeaderLabels(["Source file", "Verdict", "Relationship", "Signed by"])
        self.ingredients.setAccessibleName("Files this was made from")
        self.ingredients.setIconSize(QSize(56, 56))
        self.evidence = QTreeWidget()
        self.evidence.setHeaderLabels(["Code", "What it means (hover for the validator's own words)"])
        self.evidence.setWordWrap(True)
        self.evidence.header().setStretchLastSection(True)
        self.evidence.setAccessibleName("Validation codes")
        self.raw = QPlainTextEdit()
        self.raw.setReadOnly(True)
        self.raw.setFont(QFont("monospace"))
        self.raw.setAccessibleName("Raw manifest JSON")
        self.tabs.addTab(scroll, "Overview")
        self.tabs.addTab(self.history_page, "History")
        self.tabs.addTab(self.ingredients, "Made from")
        self.tabs.addTab(self.evidence, "Evidence")
        self.tabs.addTab(self.raw, "Raw data")
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addWidget(self.tabs, 1)
        self.clear()

    def clear(self) -> None:
        self.report = None
        self.banner.hide()
        self.tabs.hide()

    # -- filling -----------------------------------------------------------------------------
    def show_report(self, report: InspectionReport) -> None:
        self._tasks.cancel_all()
        self.report = report
        self.banner.show_report(report)
        self.banner.show()
        self.tabs.show()
        self._fill_overview(report)
        self._fill_history(report)
        self._fill_ingredients(report)
        self._fill_evidence(report)
        self.raw.setPlainText(json.dumps(report.raw, indent=2, ensure_ascii=False) if report.raw else
                              "This file has no manifest store.")
        self.tabs.setTabText(2, made_from_title(report))
        self.tabs.setTabText(3, evidence_title(report))

    def _clear_overview(self) -> None:
        # A fresh page replaces the old one; QScrollArea deletes the old page itself, on the GUI thread.
        # (Unparenting the old widgets instead hands them to Python, whose garbage collector may run on
        # a worker thread, and Qt objects destroyed there leave dangling timers behind.)
        self.overview = QWidget()
        self.overview_layout = QVBoxLayout(self.overview)
        self._scroll.setWidget(self.overview)

    def _fill_overview(self, r: InspectionReport) -> None:
        self._clear_overview()
        top = QHBoxLayout()
        pictures = QVBoxLayout()
        self.file_picture = self._picture_box(pictures, "This file")
        self.manifest_picture = self._picture_box(pictures, "Thumbnail signed into its Content Credentials")
        pictures.addStretch(1)
        facts = QVBoxLayout()
        top.addLayout(pictures)
        top.addLayout(facts, 1)
        holder = QWidget()
        holder.setLayout(top)
        self.overview_layout.addWidget(holder)
        self.recovered_section = None
        if (state := self.recovery_state(r)) is not None or r.recovered:
            self.recovered_section = RecoveredSection(
                r, state, self._tasks, lambda: self.look_up_requested.emit(r),
                self.reembed_requested.emit if self.offers_reembed else None)
            self.overview_layout.addWidget(self.recovered_section)
        path = Path(r.file.path)
        self._tasks.spawn(self._load_picture(self.file_picture, file_preview_async, path, PICTURE_EDGE))
        if r.thumbnail:
            self._tasks.spawn(self._load_picture(self.manifest_picture, manifest_picture_async, path, r.thumbnail,
                                                 PICTURE_EDGE))
        elif (frame := self.manifest_picture.parentWidget()) is not None:  # nothing to compare with: no empty frame
            frame.hide()
        self.thumbnail_note = None
        if note := thumbnail_note(r.picture, r.thumbnail_shape):
            self.thumbnail_note = QLabel(f"<small>{_esc(note)}</small>")
            self.thumbnail_note.setObjectName("thumbnailNote")
            self.thumbnail_note.setWordWrap(True)
            self.thumbnail_note.setFixedWidth(PICTURE_EDGE)
            self.thumbnail_note.setAccessibleName("About the signed thumbnail")
            pictures.insertWidget(pictures.count() - 1, self.thumbnail_note)
        self._fill_facts(facts, r)
        facts.addStretch(1)
        add = self.overview_layout.addWidget
        if r.verdict in (Verdict.TRUSTED, Verdict.VALID, Verdict.INVALID):
            add(_section("Checks"))
            add(self._checks(r))
        if r.cross_check is not None:
            add(_section("Two validators"))
            add(self._validators(r))
        add(_section("File"))
        add(_rows([("Name", _esc(r.file.name)), ("Type", _esc(r.file.media_type or "unknown")),
                   ("Size", f"{r.file.size:,} bytes"), ("SHA-256", f"<code>{_esc(r.file.sha256)}</code>"),
                   ("Location", _esc(r.file.path))]))
        self.overview_layout.addStretch(1)

    def _fill_facts(self, facts: QVBoxLayout, r: InspectionReport) -> None:
        add = facts.addWidget
        ai = disclosure(r)
        if ai.sentence:
            badge = QLabel(f"{ai.label.upper()} · {ai.sentence}")
            badge.setObjectName("aiBadge")
            badge.setWordWrap(True)
            badge.setTextFormat(Qt.TextFormat.PlainText)
            colour = "#455a64" if ai.kind is AiKind.ENHANCED else "#6a1b9a"  # enhanced is not generated
            badge.setStyleSheet(f"#aiBadge {{ background: {colour}; color: white; border-radius: 8px; padding: 6px;"
                                " font-weight: bold; }")
            badge.setAccessibleName(ai.label)
            add(badge)  # the full width of the column, so the wrapped sentence gets its height
        if r.signer:
            s = r.signer
            trust = (f"Trusted via <b>{_esc(s.trust_source)}</b>" if s.trust_source
                     else _esc(signer_trust_words(r)))
            rows = [("Signed by", f"<b>{_esc(s.common_name or 'unknown')}</b>"), ("Trust", trust)]
            if r.authors:
                rows.append(("Author", ", ".join(_author(a) for a in r.authors)
                             + " <span style='color:palette(mid)'>(as the signer states it)</span>"))
            if s.organisation:
                rows.append(("Organisation", _esc(s.organisation)))
            rows.append(("Certificate issuer", _esc(s.issuer or "unknown")))
            when = signing_time(r)
            rows.append(("Signed at", _esc(when.text() if when else "not stated")))
            if r.claim_generator:
                rows.append(("Made with", _esc(r.claim_generator)))
            add(_section("Who signed"))
            add(_rows(rows))
        for identity in r.identity:
            add(_section("Identity (CAWG)"))
            add(_rows(identity_rows(identity)))
        if summary := training_summary(r.training_mining):
            add(_section("AI training and data mining"))
            headline = _html(f"<b>{_esc(summary)}</b>")
            headline.setObjectName("trainingSummary")
            headline.setWordWrap(True)
            add(headline)
            add(_rows([(what, _esc(permission)) for what, permission in training_rows(r.training_mining)]))
        if r.capture:
            add(_section("Capture (signed)"))
            add(_rows(capture_rows(r.capture)))
        if r.capture_unsigned:
            add(_section("Capture (file metadata, unsigned)"))
            note = QLabel("<i>Not covered by any signature: anyone could have written these values.</i>")
            note.setWordWrap(True)
            add(note)
            add(_rows(capture_rows(r.capture_unsigned)))
        if r.actions:
            add(_section("History"))
            lines = []
            for a in r.actions:
                lines.append(f"• {_esc(action_line(a.action, a.digital_source_type))}")
            history = _html("<br>".join(lines))
            history.setWordWrap(True)
            add(history)
        if r.remote_url:
            add(_section("Remote Content Credentials"))
            fetched = r.verdict in (Verdict.TRUSTED, Verdict.VALID, Verdict.INVALID)
            add(_rows([("Fetched from" if fetched else "Stored at, not fetched", _esc(r.remote_url))]))
            if fetched:
                note = QLabel(fetched_from(r.remote_url))
                note.setWordWrap(True)
                note.setTextFormat(Qt.TextFormat.PlainText)
                add(note)
        if r.error:
            add(_section("What went wrong"))
            add(_rows([("Reader said", _esc(r.error))]))

    def _checks(self, r: InspectionReport) -> QWidget:
        checks = QWidget()
        grid = QGridLayout(checks)
        grid.setContentsMargins(0, 0, 0, 0)
        for row, check in enumerate(r.checks):
            icon = QLabel()
            icon.setPixmap(check_icon(check.status).pixmap(20, 20))
            title = check_title(check, r)
            name = _html(f"<b>{_esc(title)}</b>")
            detail = _html(_esc(check.detail))
            detail.setWordWrap(True)
            name.setAccessibleName(f"{title}: {check.status.value}")
            if (definition := check_definition(check.id)) is not None:
                name.setToolTip(definition.explanation)  # what the check asks; its row says what it found
            grid.addWidget(icon, row, 0)
            grid.addWidget(name, row, 1)
            grid.addWidget(detail, row, 2)
        grid.setColumnStretch(2, 1)
        return checks

    def _validators(self, r: InspectionReport) -> QWidget:
        """The cross-check side by side: each field as the main and the second validator see it (a
        difference marked), then what each difference means and how the verdict was chosen."""
        check = r.cross_check
        assert check is not None
        box = QWidget()
        box.setObjectName("validatorsDetails")
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        rows = side_by_side(r)
        if not rows:
            note = _html(_esc(banner_line(r)))
            note.setWordWrap(True)
            column.addWidget(note)
            return box
        grid = QGridLayout()
        grid.setColumnMinimumWidth(0, 230)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(2, 1)
        headers = ("", "Main validator (c2pa-rs)", f"Second validator ({check.engine} {check.version})")
        for col, text in enumerate(headers):
            grid.addWidget(_html(f"<b>{_esc(text)}</b>"), 0, col)
        for row, (label, mine, theirs, same) in enumerate(rows, start=1):
            mark = "" if same else " <span style='color:#c62828'>≠</span>"
            weight = ("", "") if same else ("<b>", "</b>")
            cells = (f"<span style='color:palette(mid)'>{_esc(label)}</span>{mark}",
                     f"{weight[0]}{_esc(mine)}{weight[1]}", f"{weight[0]}{_esc(theirs)}{weight[1]}")
            for col, text in enumerate(cells):
                cell = _html(text)
                cell.setWordWrap(True)
                cell.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
                cell.setAccessibleName(f"{label}, {headers[col] or 'field'}" + ("" if same else ", differs"))
                grid.addWidget(cell, row, col, Qt.AlignmentFlag.AlignTop)
        column.addLayout(grid)
        sentences = [d.sentence for d in check.differences] + ([check.rule_detail] if check.rule_detail else [])
        if sentences:
            said = _html("<br>".join(f"• {_esc(t)}" for t in sentences))
            said.setObjectName("validatorsDifferences")
            said.setWordWrap(True)
            said.setAccessibleName("Where the validators differ")
            column.addWidget(said)
        else:
            said = _html(_esc(f"The main validator and {second_name(check)} agree on every point compared."))
            said.setWordWrap(True)
            column.addWidget(said)
        return box

    def _picture_box(self, column: QVBoxLayout, caption: str) -> QLabel:
        frame = QWidget()
        box = QVBoxLayout(frame)
        box.setContentsMargins(0, 0, 0, 0)
        picture = QLabel("…")
        picture.setFixedSize(PICTURE_EDGE, PICTURE_EDGE)
        picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        picture.setStyleSheet("QLabel { border: 1px solid palette(mid); border-radius: 6px; }")
        picture.setAccessibleName(caption)
        text = QLabel(f"<small>{_esc(caption)}</small>")
        text.setWordWrap(True)
        text.setFixedWidth(PICTURE_EDGE)
        box.addWidget(picture)
        box.addWidget(text)
        column.addWidget(frame)
        return picture

    async def _load_picture(self, target: QLabel, load: Callable[..., Awaitable[bytes | None]], *args: object) -> None:
        image = image_from_bytes(await load(*args))
        if not image.isNull():
            target.setPixmap(QPixmap.fromImage(image).scaled(
                PICTURE_EDGE, PICTURE_EDGE, Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation))
        else:
            target.setText("no preview")

    def _fill_history(self, r: InspectionReport) -> None:
        self.history.clear()
        reason = empty_history_reason(r)  # an empty list would read as "nothing was done to it"
        self.history_note.setText(reason or "")
        self.history_page.setCurrentWidget(self.history_note if reason else self.history)
        for a in r.actions:
            item = QTreeWidgetItem([visible(t) for t in (action_label(a.action), time_text(a.when or ""),
                                                         a.software_agent or "",
                                                         source_type_label(a.digital_source_type) or "")])
            item.setToolTip(0, tip(a.action))
            if a.description:
                item.setToolTip(2, tip(a.description))
            self.history.addTopLevelItem(item)
        # As wide as their contents, and never narrower than a typical value: an empty When or With column
        # squeezed to its header would hide the next file's values until someone drags it wider.
        metrics = self.history.fontMetrics()
        typical = ("Opened an existing file", "0000-00-00 00:00:00+00:00", "TrustNXT Desktop 0.0.0", "")
        for i, sample in enumerate(typical):
            self.history.resizeColumnToContents(i)
            if sample:
                self.history.setColumnWidth(i, max(self.history.columnWidth(i), metrics.horizontalAdvance(sample) + 24))

    def _fill_ingredients(self, r: InspectionReport) -> None:
        self.ingredients.clear()
        path = Path(r.file.path)

        def add(parent: QTreeWidget | QTreeWidgetItem, node: Ingredient) -> None:
            relation = relationship_label(node.relationship)
            signer = node.signer.common_name or "" if node.signer else ""
            item = QTreeWidgetItem([visible(node.title or "(untitled)"), VERDICTS[node.verdict].title,
                                    visible(relation), visible(signer)])
            item.setIcon(1, verdict_icon(node.verdict, 32))
            if node.failure_codes:
                item.setToolTip(1, tip("\n".join(f"{c}: {explain_code(c)}" for c in node.failure_codes)))
            if isinstance(parent, QTreeWidget):
                parent.addTopLevelItem(item)
            else:
                parent.addChild(item)
            if node.thumbnail:
                self._tasks.spawn(self._ingredient_thumbnail(item, path, node.thumbnail))
            for child in node.ingredients:
                add(item, child)

        for node in r.ingredients:
            add(self.ingredients, node)
        self.ingredients.expandAll()
        self.ingredients.setColumnWidth(0, 320)
        self.ingredients.setColumnWidth(1, 260)
        self.ingredients.setColumnWidth(2, 260)

    async def _ingredient_thumbnail(self, item: QTreeWidgetItem, path: Path, identifier: str) -> None:
        image = image_from_bytes(await manifest_picture_async(path, identifier, 96))
        if not image.isNull():
            item.setIcon(0, QPixmap.fromImage(image).scaled(48, 48, Qt.AspectRatioMode.KeepAspectRatio,
                                                            Qt.TransformationMode.SmoothTransformation))

    def _fill_evidence(self, r: InspectionReport) -> None:
        self.evidence.clear()
        for found in evidence_groups(r):  # one classification for the app, the CLI and the PDF
            group = QTreeWidgetItem([f"{found.title} ({len(found.codes)})"])
            self.evidence.addTopLevelItem(group)
            for c in found.codes:
                child = QTreeWidgetItem([c.code, c.explanation])
                words = f"Validator: {c.detail}" + (f"\nWhere: {c.url}" if c.url else "")
                child.setToolTip(0, tip(words))
                child.setToolTip(1, tip(words))
                group.addChild(child)
            group.setExpanded(found.title != PASSED)
            if found.title == PROBLEMS:
                self._source_evidence(r)
        self._second_evidence(r)
        self.evidence.resizeColumnToContents(0)

    def _source_evidence(self, r: InspectionReport) -> None:
        """Source files whose own credentials failed: each under its name, with its codes."""
        problems = source_problems(r)
        if not problems:
            return
        group = QTreeWidgetItem([f"{PROBLEMS} in source files ({len(problems)})"])
        group.setToolTip(0, "The files this one was made from, whose own Content Credentials failed or could not "
                            "be checked")
        self.evidence.addTopLevelItem(group)
        for p in problems:
            source = QTreeWidgetItem([visible(source_heading(p.title, p.within)), VERDICTS[p.verdict].title])
            source.setIcon(1, verdict_icon(p.verdict, 16))
            group.addChild(source)
            for code in p.codes:  # recorded in the file: from whoever made it, so shown escaped
                source.addChild(QTreeWidgetItem([visible(code), visible(explain_code(code))]))
            source.setExpanded(True)
        group.setExpanded(True)

    def _second_evidence(self, r: InspectionReport) -> None:
        """The second validator's own result: its verdict, state, trust status and failure codes."""
        check = r.cross_check
        if check is None:
            return
        group = QTreeWidgetItem([f"Second validator: {check.engine} {check.version}",
                                 "agrees" if check.agrees else "could not run" if not check.ran else "differs"])
        self.evidence.addTopLevelItem(group)
        if not check.ran:
            group.addChild(QTreeWidgetItem(["did not run", visible(check.problem or "")]))
        else:
            verdict = check.verdict.value if check.verdict else "?"
            group.addChild(QTreeWidgetItem(["its verdict", f"{verdict} (its own state: {check.state or 'none'}; "
                                                           f"trust: {check.trust or 'not reported'})"]))
            if check.problem:
                group.addChild(QTreeWidgetItem(["what it said", visible(check.problem)]))
            for code in check.failure_codes:
                child = QTreeWidgetItem([visible(code), explain_code(code)])
                child.setToolTip(1, f"Reported by {check.engine} as a failure")
                group.addChild(child)
            for d in check.differences:
                child = QTreeWidgetItem([f"differs: {FIELDS.get(d.field, d.field).lower()}", visible(d.sentence)])
                child.setToolTip(1, visible(d.sentence))
                group.addChild(child)
        group.setExpanded(True)

    async def aclose(self) -> None:
        await self._tasks.aclose()
