"""Check that a dataclass built from data someone else sent holds what its annotations say.

`InspectionReport.from_dict` builds the dataclasses from a dict without looking at the values' types
(a size given as text, a list where a string belongs, an ingredient that is a number): fine for
reports we wrote, not for data from a parser worker that a hostile file may control, or from a
service. check_typed() walks the dataclass tree and refuses any field whose value does not match its
annotation, so such data either becomes a well-formed domain object or is rejected.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from enum import Enum
from functools import cache
from typing import Any

MAX_DEPTH = 64  # nested ingredients deeper than this are not a report anyone made


@cache
def _hints(cls: type) -> tuple[tuple[str, Any], ...]:
    hints = typing.get_type_hints(cls)
    return tuple((f.name, hints[f.name]) for f in dataclasses.fields(cls))


def check_typed(obj: Any) -> None:
    """Raise TypeError naming the first field (as a dotted path) whose value does not match its type
    annotation; dataclasses inside are checked too. Understands str, int, float (an int is accepted),
    bool, None, Any, X | Y, list[X], dict[K, V], Enum classes and dataclasses."""
    if not dataclasses.is_dataclass(obj) or isinstance(obj, type):
        raise TypeError(f"not a dataclass instance: {type(obj).__name__}")
    _check_object(obj, type(obj).__name__, 0)


def _check_object(obj: Any, where: str, depth: int) -> None:
    if depth > MAX_DEPTH:
        raise TypeError(f"{where}: nested more than {MAX_DEPTH} levels deep")
    for name, hint in _hints(obj.__class__):
        _check(getattr(obj, name), hint, f"{where}.{name}", depth)


def _check(value: Any, hint: Any, where: str, depth: int) -> None:
    if hint is Any:
        return
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        errors = []
        for arm in typing.get_args(hint):
            try:
                _check(value, arm, where, depth)
                return
            except TypeError as e:
                errors.append(str(e))
        raise TypeError(errors[0] if len(errors) == 1 else f"{where}: {type(value).__name__} is none of {hint}")
    if origin is list:
        if not isinstance(value, list):
            raise TypeError(f"{where}: expected a list, got {type(value).__name__}")
        (item,) = typing.get_args(hint)
        for i, v in enumerate(value):
            _check(v, item, f"{where}[{i}]", depth)
        return
    if origin is dict:
        if not isinstance(value, dict):
            raise TypeError(f"{where}: expected a mapping, got {type(value).__name__}")
        key, item = typing.get_args(hint)
        for k, v in value.items():
            _check(k, key, f"{where} key", depth)
            _check(v, item, f"{where}[{k!r}]", depth)
        return
    if hint is type(None):
        if value is not None:
            raise TypeError(f"{where}: expected nothing, got {type(value).__name__}")
        return
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        if type(value) is not hint:
            raise TypeError(f"{where}: expected {hint.__name__}, got {type(value).__name__}")
        _check_object(value, where, depth + 1)
        return
    if isinstance(hint, type) and issubclass(hint, Enum):
        if not isinstance(value, hint):
            raise TypeError(f"{where}: expected a {hint.__name__}, got {type(value).__name__}")
        return
    allowed = {float: (int, float)}.get(hint, (hint,))
    if type(value) not in allowed:  # exact types: a bool is not an int here, a str subclass is not a str
        raise TypeError(f"{where}: expected {getattr(hint, '__name__', hint)}, got {type(value).__name__}")


__all__ = ["check_typed"]
