"""docs/architecture.svg shows the house as the code is: every layer, part and subpackage, and nothing else.

Import counts change with every edit, so they are not compared; the structure is.
"""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[1]


def _picture_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("architecture_picture", ROOT / "docs" / "architecture_picture.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def _structure(svg: str) -> list[str]:
    """Part titles and subpackage names in drawing order, without the counts."""
    titles = re.findall(r'font-weight="bold" fill="#1d2733">([^<]+)<tspan', svg)
    titles += re.findall(r'font-weight="bold" fill="#1d2733">([a-z_]+\.py)</text>', svg)
    subpackages = re.findall(r'fill="#2f6f9f">([^<]+)</text>', svg)
    return sorted(titles) + [re.sub(r" \d+", "", line) for line in subpackages]


def test_the_committed_picture_matches_the_code() -> None:
    picture = _picture_module()
    fresh = picture.picture()
    committed = (ROOT / "docs" / "architecture.svg").read_text()
    assert len(_structure(committed)) >= 10  # nine parts and the services' subpackages, read from the picture
    assert _structure(committed) == _structure(fresh), (
        "docs/architecture.svg is out of date: run .venv/bin/python docs/architecture_picture.py")


def test_the_picture_shows_every_layer_of_the_contract_and_every_services_subpackage() -> None:
    picture = _picture_module()
    svg = picture.picture()
    for layer in picture.layers_from_contract():
        for name in layer:
            assert f">{name}/<" in svg or f">{name}.py<" in svg, name
    services = ROOT / "trustnxt_desktop" / "services"
    for sub in sorted(p.parent.name for p in services.glob("*/__init__.py")):
        assert f"{sub}/ " in svg, sub
