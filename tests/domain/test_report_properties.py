"""Property: every InspectionReport survives its JSON form (to_dict → json → from_dict) unchanged.

Reports are generated from the dataclasses' own type hints, field by field (nested ingredients at any
depth, identities, pictures, every optional field set or not), so a field added to the report later
is generated too: one that to_dict writes but from_dict drops or mistypes fails here.
"""

from __future__ import annotations

import dataclasses
import json
import types
import typing
from enum import Enum
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from trustnxt_desktop.domain import report as model
from trustnxt_desktop.domain.report import InspectionReport

JSON = st.recursive(st.none() | st.booleans() | st.integers(-2 ** 53, 2 ** 53) | st.floats(allow_nan=False,
                    allow_infinity=False) | st.text(max_size=20),
                    lambda inner: st.lists(inner, max_size=4)
                    | st.dictionaries(st.text(max_size=10), inner, max_size=4),
                    max_leaves=12)


def strategy(hint: Any, depth: int = 0) -> st.SearchStrategy[Any]:
    """A strategy for one field's type hint, as domain.report writes them."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        return st.one_of(*(strategy(a, depth) for a in args))
    if origin is list:
        # Deep enough for an ingredient of an ingredient of an ingredient; wider lists only near the top.
        if depth > 3:
            return st.just([])
        return st.lists(strategy(args[0], depth + 1), max_size=3 if depth < 2 else 1)
    if origin is dict:
        return st.dictionaries(st.text(max_size=10), strategy(args[1], depth + 1), max_size=3)
    if hint is Any:
        return JSON
    if hint is type(None):
        return st.none()
    if hint is str:
        return st.text(max_size=30)
    if hint is bool:
        return st.booleans()
    if hint is int:
        return st.integers(-2 ** 53, 2 ** 53)
    if hint is float:
        return st.floats(allow_nan=False, allow_infinity=False)
    if isinstance(hint, type) and issubclass(hint, Enum):
        return st.sampled_from(list(hint))
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return dataclass_strategy(hint, depth)
    raise TypeError(f"no strategy for {hint!r}: teach this test the new field type")


def dataclass_strategy(cls: type, depth: int = 0) -> st.SearchStrategy[Any]:
    hints = typing.get_type_hints(cls, vars(model))
    fields = {f.name: strategy(hints[f.name], depth) for f in dataclasses.fields(cls) if f.name != "schema"}
    return st.fixed_dictionaries(fields).map(lambda values: cls(**values))


@settings(max_examples=300, deadline=None)
@given(dataclass_strategy(InspectionReport))
def test_a_report_survives_its_json_form(report: InspectionReport) -> None:
    text = json.dumps(report.to_dict(), ensure_ascii=False)
    again = InspectionReport.from_dict(json.loads(text))
    assert again == report
    assert json.dumps(again.to_dict(), ensure_ascii=False) == text


def test_the_generator_reaches_every_field() -> None:
    """Every field of every dataclass in the report has a strategy (a new type fails here, by name)."""
    seen: set[type] = set()

    def walk(cls: type) -> None:
        if cls in seen:
            return
        seen.add(cls)
        for hint in typing.get_type_hints(cls, vars(model)).values():
            strategy(hint)
            nested = (a for x in typing.get_args(hint) for a in typing.get_args(x))
            for inner in [hint, *typing.get_args(hint), *nested]:
                if isinstance(inner, type) and dataclasses.is_dataclass(inner):
                    walk(inner)

    walk(InspectionReport)
    assert {model.Ingredient, model.IdentityAssertion, model.VerifiedIdentity, model.PictureShape, model.Capture,
            model.GeoPoint, model.TrainingChoice, model.Author} <= seen
