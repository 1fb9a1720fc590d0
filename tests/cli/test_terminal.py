"""cli/terminal.py: human text with hidden characters escaped, JSON exact, a quiet end when the reader of a
pipe goes away (exit 141, as a shell reports a program ended by SIGPIPE)."""

from __future__ import annotations

import io
import json
import subprocess
import sys

from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import PROJECT
from trustnxt_desktop.cli import terminal


def test_escape_codes_in_human_text_are_written_as_escapes_and_line_breaks_stay() -> None:
    raw = io.StringIO()
    stream = terminal.VisibleStream(raw)
    written = stream.write("\x1b[32mvalid\x1b[0m photo.jpg\nsecond \u202eline\n")
    assert written == len("\x1b[32mvalid\x1b[0m photo.jpg\nsecond \u202eline\n")
    assert raw.getvalue() == "\\x1b[32mvalid\\x1b[0m photo.jpg\nsecond \\u202eline\n"
    stream.writelines(["a\u200bb\n"])
    assert raw.getvalue().endswith("a\\u200bb\n")
    assert stream.getvalue is not None and stream.unescaped is raw  # the rest is the wrapped stream's


@given(st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cf", "Cs", "Zl", "Zp")), max_size=80))
def test_ordinary_text_passes_unchanged(text: str) -> None:
    raw = io.StringIO()
    terminal.VisibleStream(raw).write(text + "\n")
    assert raw.getvalue() == text + "\n"


def test_visible_output_wraps_both_streams_and_restores_them() -> None:
    before = sys.stdout, sys.stderr
    with terminal.visible_output():
        assert isinstance(sys.stdout, terminal.VisibleStream) and isinstance(sys.stderr, terminal.VisibleStream)
    assert (sys.stdout, sys.stderr) == before


def test_json_is_written_exactly_even_inside_visible_output(capsys) -> None:
    text = json.dumps({"name": "\x1b[31mred.jpg", "odd": "caf\udce9.jpg"}, ensure_ascii=False)
    with terminal.visible_output():
        terminal.print_json(text)
    out = capsys.readouterr().out
    # The escape code stays in JSON's own escape; the lone surrogate (a name that is not UTF-8) becomes one.
    assert json.loads(out) == {"name": "\x1b[31mred.jpg", "odd": "caf\udce9.jpg"}
    assert "\\udce9" in out


def test_a_closed_pipe_ends_the_run_quietly_with_141() -> None:
    code = ("import sys\nfrom trustnxt_desktop.cli.terminal import reader_gone\n"
            "print('before', flush=True)\ncode = reader_gone()\nprint('after: never seen')\n"
            "print('nor this', file=sys.stderr)\nsys.exit(code)\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=PROJECT, timeout=60)
    assert proc.returncode == terminal.EXIT_PIPE_CLOSED == 141
    assert proc.stdout == "before\n" and proc.stderr == ""
