"""Draw docs/architecture.svg from the real import graph: the layers of pyproject.toml's import-linter
contract, the subpackages inside each layer with their module counts, and how many imports go from each
layer down to the others.

Run it after moving code between packages:  .venv/bin/python docs/architecture_picture.py
tests/test_architecture_picture.py fails when the committed picture no longer matches the code.
"""

from __future__ import annotations

import tomllib
from collections import Counter
from dataclasses import dataclass
from html import escape
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = "trustnxt_desktop"
OUT = ROOT / "docs" / "architecture.svg"

# What each top-level part holds, in a few words (the picture's captions).
CAPTIONS = {
    "app": "composition root of the GUI",
    "cli": "the trustnxt command, one module per subcommand",
    "ui": "every Qt widget and dialog; talks to services",
    "sandbox": "TrustNXT-compatible API server (tests, demos)",
    "services": "what the CLI and the GUI share",
    "engine": "c2pa-python, Pillow, encypher-c2pa: protect, inspect, trust",
    "cloud": "TrustNXT REST client; contract.py knows the API",
    "runtime": "isolated workers, atomic publishing, job objects",
    "domain": "data and rules: reports, verdicts, explanations",
}

WIDTH = 980
ROW_HEIGHT = 96
GAP = 34
MARGIN = 24
LABEL_WIDTH = 190


@dataclass(frozen=True)
class Part:
    """One top-level package (or app.py) inside a layer."""

    name: str
    modules: int
    subpackages: tuple[tuple[str, int], ...]


def layers_from_contract() -> list[list[str]]:
    """The layers contract of pyproject.toml, top first: each layer's part names (e.g. ["engine", "cloud"])."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    for contract in config["tool"]["importlinter"]["contracts"]:
        if contract["type"] == "layers":
            return [[name.strip().removeprefix(PACKAGE + ".") for name in layer.split("|")]
                    for layer in contract["layers"]]
    raise SystemExit("pyproject.toml has no import-linter layers contract")


def describe(graph: grimp.ImportGraph, name: str) -> Part:
    """Module count of one part and of each of its subpackages."""
    full = f"{PACKAGE}.{name}"
    modules = [m for m in graph.modules if m == full or m.startswith(full + ".")]
    children: Counter[str] = Counter()
    for module in modules:
        rest = module[len(full) + 1:].split(".") if module != full else []
        if len(rest) >= 2:  # a module inside a subpackage
            children[rest[0]] += 1
    return Part(name, len(modules), tuple(sorted(children.items())))


def part_of(module: str, names: list[str]) -> str | None:
    """The top-level part a module belongs to (e.g. "engine"), or None outside the package's parts."""
    for name in names:
        full = f"{PACKAGE}.{name}"
        if module == full or module.startswith(full + "."):
            return name
    return None


def imports_between_parts(graph: grimp.ImportGraph, names: list[str]) -> dict[str, Counter[str]]:
    """For each part, how many module-to-module imports go to each other part."""
    uses: dict[str, Counter[str]] = {name: Counter() for name in names}
    for importer in graph.modules:
        source = part_of(importer, names)
        if source is None:
            continue
        for imported in graph.find_modules_directly_imported_by(importer):
            target = part_of(imported, names)
            if target is not None and target != source:
                uses[source][target] += 1
    return uses


def render(layers: list[list[str]], parts: dict[str, Part], uses: dict[str, Counter[str]]) -> str:
    """The picture as SVG text: one band per layer, one box per part with what it imports from the others."""
    height = MARGIN * 2 + len(layers) * ROW_HEIGHT + (len(layers) - 1) * GAP + 40
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
           f'viewBox="0 0 {WIDTH} {height}" font-family="DejaVu Sans, Arial, sans-serif">',
           f'<rect width="{WIDTH}" height="{height}" fill="#ffffff"/>',
           '<defs><marker id="head" markerWidth="10" markerHeight="8" refX="9" refY="4" orient="auto">'
           '<path d="M0,0 L10,4 L0,8 z" fill="#5b6b7a"/></marker></defs>',
           f'<text x="{MARGIN}" y="{MARGIN + 4}" font-size="15" font-weight="bold" fill="#1d2733">'
           'TrustNXT Desktop: layers (imports only go down)</text>']
    top = MARGIN + 24
    band_left = MARGIN + LABEL_WIDTH
    band_width = WIDTH - band_left - MARGIN
    for index, names in enumerate(layers):
        y = top + index * (ROW_HEIGHT + GAP)
        out.append(f'<rect x="{band_left}" y="{y}" width="{band_width}" height="{ROW_HEIGHT}" rx="8" '
                   'fill="#eef3f8" stroke="#c5d3e0"/>')
        box_width = (band_width - 12 * (len(names) + 1)) / len(names)
        for column, name in enumerate(names):
            part = parts[name]
            x = band_left + 12 + column * (box_width + 12)
            out.append(f'<rect x="{x:.0f}" y="{y + 10}" width="{box_width:.0f}" height="{ROW_HEIGHT - 20}" '
                       'rx="6" fill="#ffffff" stroke="#7f97ad"/>')
            title = f"{name}.py" if part.modules == 1 and not part.subpackages else f"{name}/"
            count = "" if part.modules == 1 and not part.subpackages else f"  ({part.modules} modules)"
            out.append(f'<text x="{x + 10:.0f}" y="{y + 30}" font-size="14" font-weight="bold" fill="#1d2733">'
                       f'{escape(title)}<tspan font-weight="normal" font-size="11" fill="#5b6b7a">'
                       f'{escape(count)}</tspan></text>')
            out.append(f'<text x="{x + 10:.0f}" y="{y + 48}" font-size="11" fill="#33414f">'
                       f'{escape(CAPTIONS.get(name, ""))}</text>')
            if part.subpackages:
                subs = "  ".join(f"{sub}/ {n}" for sub, n in part.subpackages)
                out.append(f'<text x="{x + 10:.0f}" y="{y + 64}" font-size="11" fill="#2f6f9f">'
                           f'{escape(subs)}</text>')
            if uses[name]:
                used = "  ".join(f"{other} {n}" for other, n in uses[name].most_common())
                out.append(f'<text x="{x + 10:.0f}" y="{y + 78}" font-size="10" fill="#5b6b7a">'
                           f'imports from: {escape(used)}</text>')
    # One arrow down the left: the only direction imports may take.
    first = top + ROW_HEIGHT / 2
    last = top + (len(layers) - 1) * (ROW_HEIGHT + GAP) + ROW_HEIGHT / 2
    x = MARGIN + LABEL_WIDTH / 2
    out.append(f'<line x1="{x}" y1="{first:.0f}" x2="{x}" y2="{last:.0f}" stroke="#5b6b7a" stroke-width="3" '
               'marker-end="url(#head)"/>')
    for index in range(len(layers)):
        label_y = top + index * (ROW_HEIGHT + GAP) + ROW_HEIGHT / 2 + 4
        out.append(f'<text x="{x - 14:.0f}" y="{label_y:.0f}" font-size="12" text-anchor="end" fill="#33414f">'
                   f'layer {index + 1}</text>')
    foot = top + len(layers) * (ROW_HEIGHT + GAP) - GAP + 24
    out.append(f'<text x="{MARGIN}" y="{foot}" font-size="11" fill="#5b6b7a">A layer imports only from the '
               'layers below it (import-linter, pyproject.toml). "imports from": module imports counted in the code '
               'by grimp.</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


def picture() -> str:
    """Build the import graph and return the SVG text."""
    graph = grimp.build_graph(PACKAGE)
    layers = layers_from_contract()
    names = [name for layer in layers for name in layer]
    parts = {name: describe(graph, name) for name in names}
    return render(layers, parts, imports_between_parts(graph, names))


if __name__ == "__main__":
    OUT.write_text(picture())
    print(f"wrote {OUT.relative_to(ROOT)}")
