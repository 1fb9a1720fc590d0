"""Rules for the code itself that no linter checks: every `type: ignore` names its error code and says why."""

from __future__ import annotations

import io
import re
import tokenize
from pathlib import Path

from tests.conftest import PROJECT

# Folders that hold this project's Python (not the virtual environment or build output).
SOURCES = ("trustnxt_desktop", "tests", "bench", "docs", "packaging", "scripts")
# `# type: ignore[code, code]  # why`: the code(s) mypy silences, then a comment giving the reason.
_MARKER = re.compile(r"type:\s*ignore\b")
_WELL_FORMED = re.compile(r"#\s*type:\s*ignore\[[a-z-]+(?:,\s*[a-z-]+)*\]\s+#\s*\S")


def _comments(path: Path) -> list[tuple[int, str]]:
    source = path.read_text(encoding="utf-8")
    tokens = tokenize.generate_tokens(io.StringIO(source).readline)
    return [(t.start[0], t.string) for t in tokens if t.type == tokenize.COMMENT]


def ignores_without_code_or_reason(root: Path) -> list[str]:
    """`path:line: comment` for each `type: ignore` comment under root's source folders that lacks an error
    code or a trailing reason."""
    found = []
    for folder in SOURCES:
        for path in sorted((root / folder).rglob("*.py")):
            for line, comment in _comments(path):
                if _MARKER.search(comment) and not _WELL_FORMED.search(comment):
                    found.append(f"{path.relative_to(root)}:{line}: {comment}")
    return found


def test_every_type_ignore_names_its_code_and_reason() -> None:
    bad = ignores_without_code_or_reason(PROJECT)
    assert not bad, "type: ignore without [code] and a '# reason' after it:\n" + "\n".join(bad)


def test_the_rule_tells_a_reasoned_ignore_from_a_bare_one(tmp_path: Path) -> None:
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "sample.py").write_text(
        'a = f()  # type: ignore[attr-defined]  # the stub lacks f\n'
        'b = g()  # type: ignore[arg-type]\n'
        'c = h()  # type: ignore\n'
        'd = "# type: ignore inside a string is not a comment"\n'
        'e = k()  # type: ignore[union-attr, arg-type]  # Qt may answer None here\n',
        encoding="utf-8")
    assert ignores_without_code_or_reason(tmp_path) == [
        "tests/sample.py:2: # type: ignore[arg-type]",
        "tests/sample.py:3: # type: ignore",
    ]
