"""cli/copies.py, what `trustnxt export-web` and `trustnxt caption` share: the output options, the service that
signs with this computer's identity (from the data folder and the real keyring), and the report — one line per
file with hidden characters made visible, warnings and a summary on stderr, or JSON — with exit 4 when any failed."""

from __future__ import annotations

import argparse
import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import CORPUS
from trustnxt_desktop.cli.common import EXIT_FAILED, EXIT_OK
from trustnxt_desktop.cli.copies import add_output_options, derived_copies, report
from trustnxt_desktop.domain.derive import WebExport
from trustnxt_desktop.domain.protect import ProtectResult, ProtectStatus
from trustnxt_desktop.domain.secrets import SecretStore


def _args(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add_output_options(parser)
    return parser.parse_args(list(argv))


RESULTS = [
    ProtectResult(Path("/photos/a.jpg"), ProtectStatus.DONE, Path("/photos/a.web.jpg"),
                  warnings=["The picture was smaller than the long edge; it was not enlarged."]),
    ProtectResult(Path("/photos/b.jpg"), ProtectStatus.SKIPPED, error="b.web.jpg exists already"),
    ProtectResult(Path("/photos/c\u202egpj.exe"), ProtectStatus.FAILED, error="not a picture"),
]


def test_the_output_options() -> None:
    assert vars(_args()) == {"out": None, "json": False, "quiet": False}
    assert vars(_args("--out", "/tmp/x", "--json", "-q")) == {"out": "/tmp/x", "json": True, "quiet": True}


def test_one_line_per_file_and_a_summary_with_exit_4_when_one_failed(capsys: pytest.CaptureFixture[str]) -> None:
    assert report(_args(), RESULTS, "exported") == EXIT_FAILED
    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert lines[:2] == ["done: /photos/a.jpg -> /photos/a.web.jpg",
                         "skipped: /photos/b.jpg (b.web.jpg exists already)"]
    assert lines[2].startswith("failed: /photos/c") and lines[2].endswith("gpj.exe (not a picture)")
    assert "\u202e" not in out, "a hidden direction mark is shown, not obeyed"
    assert "  warning: The picture was smaller" in err
    assert err.splitlines()[-1] == "1 exported, 1 skipped, 1 failed"

    assert report(_args("-q"), RESULTS[:2], "captioned") == EXIT_OK
    assert "captioned" not in capsys.readouterr().err
    assert report(_args(), RESULTS[:1], "exported") == EXIT_OK
    assert "exported" not in capsys.readouterr().err, "one file: no summary"


def test_json_is_the_results_as_dicts(capsys: pytest.CaptureFixture[str]) -> None:
    assert report(_args("--json"), RESULTS, "exported") == EXIT_FAILED
    out, err = capsys.readouterr()
    assert json.loads(out) == [r.to_dict() for r in RESULTS]
    assert err == ""


async def test_the_service_signs_with_this_computers_identity(home: Path, secret_store: SecretStore,
                                                              tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    copies = derived_copies()
    assert "engine: local" in capsys.readouterr().err
    photo = tmp_path / "icon.jpg"
    shutil.copy(CORPUS / "media" / "trustnxt-icon.jpg", photo)
    result = await copies.export_for_web(photo, WebExport(long_edge=128))
    assert result.status is ProtectStatus.DONE and result.output == tmp_path / "icon.web.jpg", result.error
    assert (home / "identity" / "identity.json").is_file(), "the identity was made in the data folder"
