"""What `trustnxt` loads: help for every command without the engine, and a local inspection without Qt, the
HTTP client, c2pa or Pillow (its parser workers load those).
(How fast that is, is bench/speed_bench.py's business, never a test's.)"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import CORPUS, EXPECTED, PROJECT, shipped_verdict

# Libraries a command loads only when it uses them (c2pa and Pillow parse and sign, httpx talks to the
# TrustNXT service and downloads trust lists, keyring holds secrets, PySide6 is the window).
HEAVY = ("c2pa", "PIL", "httpx", "keyring", "PySide6", "cryptography")


def in_process(code: str, home: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=PROJECT, timeout=300,
                          env={**os.environ, "TRUSTNXT_HOME": str(home)})


def test_help_of_every_command_works_and_loads_no_engine(home: Path) -> None:
    code = f"""
import argparse, contextlib, io, json, sys
from trustnxt_desktop.cli import main, parser

def commands(p, path):
    yield path
    for action in p._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from commands(sub, path + [name])

results = {{}}
for path in commands(parser(), []):
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        try:
            main(path + ["--help"])
            code = None
        except SystemExit as e:
            code = e.code
    results[" ".join(path)] = [code, out.getvalue()]
print(json.dumps({{"help": results, "loaded": [m for m in {HEAVY!r} if m in sys.modules]}}))
"""
    proc = in_process(code, home)
    assert proc.returncode == 0, proc.stderr
    found = json.loads(proc.stdout)
    helped = found["help"]
    assert {"", "protect", "inspect", "usage", "credentials set", "identity import", "trust update", "jobs retry",
            "log verify"} <= helped.keys()
    for command, (code, text) in helped.items():
        assert code == 0, command
        assert text.startswith(f"usage: trustnxt {command}".rstrip()), (command, text[:80])
    assert "Exit codes:" in helped[""][1]
    assert found["loaded"] == [], "help needs none of the engine's, the cloud's or the GUI's libraries"


def test_local_inspection_loads_no_qt_no_http_client_and_no_parser(home: Path, secret_store) -> None:
    code = f"""
import contextlib, io, json, sys
from trustnxt_desktop.cli import main
out = io.StringIO()
with contextlib.redirect_stdout(out):
    rc = main(["inspect", "--json", "--backend", "local", {str(CORPUS / "c2pa" / "adobe-20220124-CA.jpg")!r}])
print(json.dumps({{"rc": rc, "reports": json.loads(out.getvalue()),
                  "loaded": [m for m in ("PySide6", "httpx", "httpcore", "c2pa", "PIL") if m in sys.modules]}}))
"""
    proc = in_process(code, home)
    assert proc.returncode == 0, proc.stderr
    found = json.loads(proc.stdout.splitlines()[-1])
    expected = shipped_verdict(EXPECTED["c2pa"]["adobe-20220124-CA.jpg"])
    assert found["rc"] == 0 and [r["verdict"] for r in found["reports"]] == [expected]
    assert found["loaded"] == [], "a local inspection needs no window and no network client, and parses in its workers"
