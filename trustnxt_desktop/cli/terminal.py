"""What `trustnxt` writes to a terminal: human text with hidden characters escaped, JSON exactly, and a
quiet end when the reader of a pipe goes away (`trustnxt inspect DIR | head -1`).

Human text passes through domain.display.visible line by line: a file name or a manifest string that
carries terminal escape codes (colours, cursor moves, a window title), bidirectional overrides or
zero-width characters is shown with those characters written as escapes ("\\x1b[32m", "\\u202e"), so it
cannot make an invalid file print as a green "valid". JSON is written as json.dumps made it, so scripts
get names exactly.
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
from collections.abc import Iterator
from typing import TextIO

from ..domain.display import visible

__all__ = ["EXIT_PIPE_CLOSED", "VisibleStream", "print_json", "reader_gone", "visible", "visible_output"]

# 128 + SIGPIPE, what a shell reports for a program ended by a closed pipe (`cat big | head -1`): a script
# with `set -o pipefail` sees that the output was cut short, as it would for any other tool.
EXIT_PIPE_CLOSED = 141
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


class VisibleStream:
    """A text stream that escapes hidden characters in everything written to it, keeping line breaks.
    Anything else (fileno, isatty, encoding, buffer) is the wrapped stream's."""

    def __init__(self, stream: TextIO) -> None:
        self.unescaped = stream  # for JSON, which must stay exact

    def write(self, text: str) -> int:
        self.unescaped.write(visible(text, keep_newlines=True))
        return len(text)

    def writelines(self, lines: list[str]) -> None:
        for line in lines:
            self.write(line)

    def flush(self) -> None:
        self.unescaped.flush()

    def __getattr__(self, name: str) -> object:
        return getattr(self.unescaped, name)


@contextlib.contextmanager
def visible_output() -> Iterator[None]:
    """sys.stdout and sys.stderr escape hidden characters while the command runs (every print, argparse's
    messages, log records); the streams are restored afterwards."""
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = VisibleStream(sys.stdout), VisibleStream(sys.stderr)
    try:
        yield
    finally:
        sys.stdout, sys.stderr = saved
        sys.stdout.flush()


def print_json(text: str) -> None:
    """JSON text (from json.dumps) on stdout exactly as made. A lone surrogate (a file name that is not
    valid UTF-8) is written as its JSON escape, which no UTF-8 stream could otherwise carry."""
    out = getattr(sys.stdout, "unescaped", sys.stdout)
    out.write(_LONE_SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text) + "\n")
    out.flush()


def reader_gone() -> int:
    """The end of a run whose output pipe was closed by its reader: nothing more is printed (not even at
    interpreter exit, when Python flushes what is left), and the exit code is EXIT_PIPE_CLOSED."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):
            os.dup2(devnull, stream.fileno())
    os.close(devnull)
    return EXIT_PIPE_CLOSED
