"""Command tests: the real `trustnxt` entry point (cli.main) run in this process, so each command module's own
argument handling, exit codes and output are checked in milliseconds; tests/e2e runs the real process."""

from __future__ import annotations

import gc
import io
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest


@dataclass(frozen=True)
class Ran:
    code: int
    out: str
    err: str


Trustnxt = Callable[..., Ran]


@pytest.fixture
def trustnxt(home: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Iterator[Trustnxt]:
    """trustnxt(*args, stdin=None) -> Ran: `trustnxt ARGS` with this test's TRUSTNXT_HOME and keyring service."""
    from trustnxt_desktop.cli import main

    def run(*args: str | Path, stdin: str | None = None) -> Ran:
        capsys.readouterr()  # what came before is not this command's
        if stdin is not None:
            monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        try:
            code = main([str(a) for a in args])
        except SystemExit as e:  # argparse: --help, --version and usage errors
            code = e.code if isinstance(e.code, int) else 1
        finally:
            gc.unfreeze()  # main() freezes what the command loaded; this process goes on to other tests
        captured = capsys.readouterr()
        return Ran(code, captured.out, captured.err)

    yield run
