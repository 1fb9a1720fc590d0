"""An InspectionReport as plain text for terminals, clipboards and logs."""

from __future__ import annotations

from ...domain.ai import disclosure
from ...domain.attribution import (
    identity_facts,
    identity_line,
    identity_status_label,
    identity_who,
    training_rows,
    training_summary,
)
from ...domain.checks import check_title
from ...domain.cross_check import FIELDS, banner_line
from ...domain.display import action_line, capture_fields, visible
from ...domain.evidence import source_heading
from ...domain.explain import explain_code
from ...domain.history import empty_history_reason
from ...domain.pictures import thumbnail_note
from ...domain.report import Capture, Ingredient, InspectionReport
from ...domain.sources import source_problems
from ...domain.times import signing_time_text
from ...domain.timestamps import revocation_line

_MARK = {"pass": "✓", "fail": "✗", "warn": "!", "unknown": "?", "not_applicable": "-"}


def _capture_lines(label: str, c: Capture | None) -> list[str]:
    if c is None:
        return []
    lead = {"Device": "", "Place": "at ", "Taken": "taken "}  # "Canon EOS R5; at 52.520008, 13.404954; taken …"
    return [f"  {label}: " + "; ".join(lead[name] + text for name, text in capture_fields(c))]


def _ingredient_lines(nodes: list[Ingredient], depth: int = 2) -> list[str]:
    lines = []
    for n in nodes:
        signed = f", signed by {n.signer.common_name}" if n.signer and n.signer.common_name else ""
        codes = f" ({', '.join(n.failure_codes)})" if n.failure_codes else ""
        lines.append(f"{'  ' * depth}- {n.title or '(untitled)'} [{n.relationship or '?'}] "
                     f"{n.verdict.value}{signed}{codes}")
        lines.extend(_ingredient_lines(n.ingredients, depth + 1))
    return lines


def _attribution_lines(r: InspectionReport) -> list[str]:
    lines = []
    if summary := training_summary(r.training_mining):
        lines.append(f"  AI training and data mining: {summary}")
        lines += [f"    {what}: {permission}" for what, permission in training_rows(r.training_mining)]
    for a in r.identity:
        lines.append(f"  identity (CAWG): {identity_who(a)} — {identity_status_label(a.status)}: {a.status_detail}")
        lines += [f"    {what}: {text}" for what, text in identity_facts(a)]
        lines += [f"    {identity_line(v)}" for v in a.verified_identities]
    return lines


def _cross_check_lines(r: InspectionReport) -> list[str]:
    """That two validators agree, or each field where they differ with its sentence."""
    if not (line := banner_line(r)):
        return []
    lines = [f"  validators: {line}"]
    for d in r.cross_check.differences if r.cross_check else []:
        lines.append(f"    {FIELDS.get(d.field, d.field)}: main “{d.primary}”, second “{d.second}” — {d.sentence}")
    return lines


def _recovered_lines(r: InspectionReport) -> list[str]:
    """Credentials found by fingerprint (services/repository/recovery.py), each candidate apart, with the caveat."""
    from ..repository.recovery import CAVEAT, HEADING

    if not r.recovered:
        return []
    lines = [f"  {HEADING}:"]
    for i, c in enumerate(r.recovered, 1):
        who = c.signer.common_name if c.signer and c.signer.common_name else "an unnamed signer"
        when = f", signed {c.signed_at}" if c.signed_at else ""
        lines.append(f"    {i}. {c.verdict.value.upper()} — {c.title or c.manifest_id}, by {who}{when}")
        lines.append(f"       {c.summary}")
        turned = f", file turned {c.orientation.replace('_', ' ')}" if c.orientation != "upright" else ""
        lines.append(f"       match: {c.algorithm} distance {c.distance} bits{turned} in {c.source} — {c.meaning}")
        lines.append(f"       manifest: {c.manifest_id}")
        if c.actions:
            lines.append("       history: " + "; ".join(action_line(a.action, a.digital_source_type)
                                                      for a in c.actions))
    lines.append(f"  {CAVEAT}")
    return lines


def render(report: InspectionReport) -> str:
    """The report as lines of plain text. Names and every string from the file or its manifest are shown
    with their control, bidirectional and zero-width characters escaped (domain.display.visible), so a
    file named with terminal escape codes cannot colour or rewrite what is printed; `--json` keeps them
    exact."""
    r = report
    lines = [f"{r.file.name}: {r.verdict.value.upper()} — {r.summary}"]
    lines += _cross_check_lines(r)
    if r.signer:
        s = r.signer
        trust = f", trusted via {s.trust_source}" if s.trust_source else ""
        lines.append(f"  signer: {s.common_name or '?'} (issuer {s.issuer or '?'}, {s.algorithm or '?'}{trust})")
        if s.organisation:
            lines.append(f"  organisation: {s.organisation}")
    if when := signing_time_text(r):
        lines.append(f"  signed at: {when}")
    if r.revocation is not None:  # how revocation was handled: checked and good, revoked, or not checked and why
        lines.append(f"  revocation: {revocation_line(r.revocation)}")
        if len(r.revocation.certificates) > 1:
            lines += [f"    {c.role} {c.certificate}: {c.detail}" for c in r.revocation.certificates]
    if r.claim_generator:
        lines.append(f"  made with: {r.claim_generator}")
    if r.authors:
        lines.append("  author: " + ", ".join(a.name for a in r.authors))
    lines += _attribution_lines(r)
    lines += _capture_lines("capture (signed)", r.capture)
    lines += _capture_lines("capture (unsigned EXIF, anyone could have written it)", r.capture_unsigned)
    if r.actions:
        lines.append("  history: " + "; ".join(action_line(a.action, a.digital_source_type) for a in r.actions))
    elif r.manifests:
        lines.append(f"  history: none recorded — {empty_history_reason(r)}")
    if (ai := disclosure(r)).sentence:
        lines.append(f"  AI-generated: {'yes' if ai.generated else 'no'} — {ai.sentence}")
    if r.ingredients:
        lines.append("  made from:")
        lines += _ingredient_lines(r.ingredients)
    if r.remote_url:
        fetched = "fetched from" if r.verdict.value in ("trusted", "valid", "invalid") else "stored at, not fetched"
        lines.append(f"  remote Content Credentials ({fetched}): {r.remote_url}")
    if note := thumbnail_note(r.picture, r.thumbnail_shape):
        lines.append(f"  thumbnail: {note}")
    if r.verdict.value in ("trusted", "valid", "invalid"):
        lines.append("  checks: " + "  ".join(f"{_MARK[c.status.value]} {check_title(c, r)}" for c in r.checks))
    for code in r.validation.failure:
        lines.append(f"  problem: {code.code}: {code.explanation}")
    for p in source_problems(r):  # listed apart, as in the app's Evidence (domain.evidence)
        where = source_heading(p.title, p.within)  # "In source file “A.jpg”"
        lines += [f"  problem {where[:1].lower()}{where[1:]}: {code}: {explain_code(code)}" for code in p.codes]
    lines += _recovered_lines(r)
    lines.append(f"  sha256: {r.file.sha256}" if r.file.sha256 else "  sha256: (unreadable)")
    return "\n".join(visible(line) for line in lines)  # each line is one line: a newline in a value is escaped
