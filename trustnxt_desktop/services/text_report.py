"""An InspectionReport as plain text for terminals, clipboards and logs."""

from __future__ import annotations

from ..domain.report import Capture, Ingredient, InspectionReport

_MARK = {"pass": "✓", "fail": "✗", "warn": "!", "unknown": "?", "not_applicable": "-"}


def _capture_lines(label: str, c: Capture | None) -> list[str]:
    if c is None:
        return []
    parts = []
    if c.make or c.model:
        parts.append(" ".join(p for p in (c.make, c.model) if p))
    if c.gps:
        alt = f", {c.gps.alt:g} m" if c.gps.alt is not None else ""
        parts.append(f"at {c.gps.lat:.6f}, {c.gps.lon:.6f}{alt}")
    if c.taken_at:
        parts.append(f"taken {c.taken_at}")
    return [f"  {label}: " + "; ".join(parts)]


def _ingredient_lines(nodes: list[Ingredient], depth: int = 2) -> list[str]:
    lines = []
    for n in nodes:
        lines.append(f"{'  ' * depth}- {n.title or '(untitled)'} [{n.relationship or '?'}] {n.verdict.value}")
        lines.extend(_ingredient_lines(n.ingredients, depth + 1))
    return lines


def render(report: InspectionReport) -> str:
    r = report
    lines = [f"{r.file.name}: {r.verdict.value.upper()} — {r.summary}"]
    if r.signer:
        s = r.signer
        trust = f", trusted via {s.trust_source}" if s.trust_source else ""
        lines.append(f"  signer: {s.common_name or '?'} (issuer {s.issuer or '?'}, {s.algorithm or '?'}{trust})")
    if r.signed_at:
        lines.append(f"  signed at: {r.signed_at}")
    if r.claim_generator:
        lines.append(f"  made with: {r.claim_generator}")
    lines += _capture_lines("capture (signed)", r.capture)
    lines += _capture_lines("capture (unsigned EXIF, anyone could have written it)", r.capture_unsigned)
    if r.actions:
        lines.append("  history: " + ", ".join(a.action.removeprefix("c2pa.") for a in r.actions))
    if r.ai_generated:
        lines.append("  AI-generated: yes (declared in the Content Credentials)")
    if r.ingredients:
        lines.append("  made from:")
        lines += _ingredient_lines(r.ingredients)
    if r.remote_url:
        lines.append(f"  remote Content Credentials: {r.remote_url}")
    if r.verdict.value in ("trusted", "valid", "invalid"):
        lines.append("  checks: " + "  ".join(f"{_MARK[c.status.value]} {c.id}" for c in r.checks))
    for code in r.validation.failure:
        lines.append(f"  problem: {code.code}: {code.explanation}")
    lines.append(f"  sha256: {r.file.sha256}" if r.file.sha256 else "  sha256: (unreadable)")
    return "\n".join(lines)
