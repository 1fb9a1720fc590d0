"""A report's source files: every ingredient at any depth, whatever its relationship (C2PA 2.2)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from tests.domain.test_evidence_words import report
from trustnxt_desktop.domain.report import Ingredient, Verdict
from trustnxt_desktop.domain.sources import (
    PROBLEM_VERDICTS,
    count_sources,
    made_from_title,
    problem_sources,
    source_problems,
    walk,
)

LEAF = st.builds(Ingredient, title=st.one_of(st.none(), st.text(min_size=1, max_size=8)),
                 relationship=st.sampled_from(["parentOf", "componentOf", "inputTo", None]),
                 verdict=st.sampled_from(list(Verdict)),
                 failure_codes=st.lists(st.sampled_from(["signingCredential.untrusted", "assertion.dataHash.mismatch",
                                                         "claim.malformed"]), max_size=3))


def _with_children(children: st.SearchStrategy[list[Ingredient]]) -> st.SearchStrategy[Ingredient]:
    return st.builds(lambda node, kids: Ingredient(node.title, node.relationship, node.verdict,
                                                   failure_codes=node.failure_codes, ingredients=kids),
                     LEAF, children)


TREES = st.recursive(st.lists(LEAF, max_size=3), lambda kids: st.lists(_with_children(kids), max_size=3), max_leaves=12)


def _size(nodes: list[Ingredient]) -> int:
    return sum(1 + _size(n.ingredients) for n in nodes)


@given(TREES)
def test_every_ingredient_counts_once_at_any_depth(tree: list[Ingredient]) -> None:
    walked = list(walk(tree))
    assert len(walked) == _size(tree) == count_sources(tree)
    assert made_from_title(report(ingredients=tree)) == f"Made from ({len(walked):,})"
    bad = [n for n in walked if n.verdict in PROBLEM_VERDICTS]
    assert count_sources(tree, bad_only=True) == len(bad)
    assert [n for n, _ in problem_sources(tree)] == bad, "depth first, in the order the manifests list them"


@given(TREES)
def test_a_problem_names_the_source_it_sits_in_and_puts_counted_codes_first(tree: list[Ingredient]) -> None:
    problems = source_problems(report(ingredients=tree))
    assert len(problems) == count_sources(tree, bad_only=True)
    top = {id(n) for n in tree}
    for (node, parent), problem in zip(problem_sources(tree), problems, strict=True):
        assert (parent is None) == (id(node) in top)
        assert problem.title == (node.title or "(untitled)") and problem.within == parent
        assert sorted(problem.codes) == sorted(node.failure_codes)
        tolerated_seen = False
        for code in problem.codes:
            if code == "signingCredential.untrusted":
                tolerated_seen = True
            else:
                assert not tolerated_seen, f"counted codes come before tolerated ones: {problem.codes}"


def test_a_nested_problem_says_which_source_holds_it() -> None:
    inner = Ingredient(None, "componentOf", Verdict.ERROR)
    outer = Ingredient("B.jpg", "parentOf", Verdict.TRUSTED, ingredients=[inner])
    ((found, within),) = problem_sources([outer, Ingredient("C.jpg", "inputTo", Verdict.VALID)])
    assert found is inner and within == "B.jpg"
    assert source_problems(report(ingredients=[outer]))[0].title == "(untitled)"
