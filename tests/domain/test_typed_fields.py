"""A report rebuilt from someone else's JSON holds what its annotations say, or is refused."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.conftest import CORPUS
from trustnxt_desktop.domain.report import InspectionReport
from trustnxt_desktop.domain.typed_fields import check_typed
from trustnxt_desktop.engine.inspect import inspect_file
from trustnxt_desktop.engine.trust import TrustConfig


def test_reports_of_real_files_pass() -> None:
    for name in ("adobe-20220124-CAI.jpg", "truepic-20230212-camera.jpg", "C_with_CAWG_data.jpg"):
        data = json.loads(json.dumps(inspect_file(CORPUS / "c2pa" / name, TrustConfig()).to_dict()))
        check_typed(InspectionReport.from_dict(data))


@pytest.mark.parametrize(("where", "value", "field"), [
    (("file", "size"), "12", "InspectionReport.file.size"),
    (("file", "size"), True, "InspectionReport.file.size"),  # a bool is not a size
    (("manifests",), 1.5, "InspectionReport.manifests"),
    (("signer",), ["x"], None),  # from_dict itself fails on these
    (("checks",), {"id": "integrity"}, None),
    (("ingredients", 0, "title"), 7, "InspectionReport.ingredients[0].title"),
    (("engine", "trust_lists"), ["ok", 3], "InspectionReport.engine.trust_lists[1]"),
])
def test_a_value_of_the_wrong_type_is_named(where: tuple[str | int, ...], value: object, field: str | None) -> None:
    data = inspect_file(CORPUS / "c2pa" / "adobe-20220124-CAI.jpg", TrustConfig()).to_dict()
    target: Any = data  # dicts and lists, as the path goes down
    for key in where[:-1]:
        target = target[key]
    target[where[-1]] = value
    with pytest.raises(TypeError) as caught:
        check_typed(InspectionReport.from_dict(data))
    assert field is None or str(caught.value).startswith(field + ":"), caught.value
