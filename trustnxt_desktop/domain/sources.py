"""A report's source files: the ingredients its Content Credentials record, at any depth.

Every ingredient counts, whatever its relationship (C2PA 2.2 ingredient assertion `relationship`: parentOf,
componentOf, inputTo), and so does each ingredient of an ingredient: the "Made from" tree, the `ingredients`
check and the Evidence all count the same files. Thumbnails are resources, not ingredients, and never count.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from .checks import tolerated
from .report import Ingredient, InspectionReport, Verdict

PROBLEM_VERDICTS = (Verdict.INVALID, Verdict.ERROR, Verdict.UNVERIFIED)


def walk(nodes: list[Ingredient]) -> Iterator[Ingredient]:
    """Every ingredient of the tree, depth first, in the order the manifests list them."""
    for n in nodes:
        yield n
        yield from walk(n.ingredients)


def count_sources(nodes: list[Ingredient], bad_only: bool = False) -> int:
    """How many source files the tree records (all of them, or only those whose credentials failed or could
    not be checked)."""
    return sum(1 for n in walk(nodes) if not bad_only or n.verdict in PROBLEM_VERDICTS)


def problem_sources(nodes: list[Ingredient], parent: str | None = None) -> list[tuple[Ingredient, str | None]]:
    """Every source file (at any depth) whose credentials failed or could not be checked, with the title of
    the source it sits in (None at the top level)."""
    found: list[tuple[Ingredient, str | None]] = []
    for n in nodes:
        if n.verdict in PROBLEM_VERDICTS:
            found.append((n, parent))
        found += problem_sources(n.ingredients, n.title or "(untitled)")
    return found


def made_from_title(report: InspectionReport) -> str:
    """The "Made from" heading with its count: every source file the tree shows."""
    return f"Made from ({count_sources(report.ingredients):,})"


@dataclass(frozen=True)
class SourceProblem:
    """A source file whose credentials failed or could not be checked, for the Evidence: its title, where it
    sits (`within`: the source it is part of, None at the top), its verdict and its failure codes, those that
    count against it first."""

    title: str
    within: str | None
    verdict: Verdict
    codes: tuple[str, ...]


def source_problems(report: InspectionReport) -> list[SourceProblem]:
    """The Evidence's problems in source files, one entry per source file, at any depth."""
    return [SourceProblem(n.title or "(untitled)", parent, n.verdict,
                          tuple(sorted(n.failure_codes, key=tolerated)))  # stable: counted codes first
            for n, parent in problem_sources(report.ingredients)]
