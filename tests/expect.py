"""Expectations that also narrow a type: a test states that a value is there, and the type checker then knows it.

`present(report.check("integrity")).status` fails the test at once when the check is missing, where the bare
attribute access would fail later with an AttributeError on None.
"""

from __future__ import annotations

from pathlib import Path
from typing import TypeVar

from trustnxt_desktop.domain.protect import ProtectResult

T = TypeVar("T")


def present(value: T | None, what: str = "value") -> T:
    """`value`, failing the test when it is None; `what` names it in the failure."""
    assert value is not None, f"expected a {what}, got None"
    return value


def protected_copy(result: ProtectResult) -> Path:
    """The path of the protected copy a protection wrote; fails the test with the protector's own error when it
    wrote none."""
    assert result.output is not None, f"{result.source.name} was not protected ({result.status.value}): {result.error}"
    return result.output
