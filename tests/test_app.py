"""app.py, the GUI's composition root: its arguments, the check before Qt opens a window, and the real program
run each way `main` can go (a window that opens files and quits, the smoke test, the PDF drawn for the CLI)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pypdfium2
import pytest

from tests.conftest import CORPUS, PROJECT
from trustnxt_desktop import __version__
from trustnxt_desktop.app import _parse, main, window_system_problem
from trustnxt_desktop.domain.report import EngineInfo, FileInfo, InspectionReport, Verdict
from trustnxt_desktop.linux_runtime import missing_libraries
from trustnxt_desktop.services.records.exports import EvidenceRequest

NO_DISPLAY = "no display to connect to (DISPLAY is not set)"


def program(*args: str, home: Path, env: dict[str, str] | None = None,
            timeout: float = 180) -> subprocess.CompletedProcess[str]:
    """`trustnxt-desktop ARGS` as a real process, offscreen, with its own data folder."""
    full = {**os.environ, "TRUSTNXT_HOME": str(home), "QT_QPA_PLATFORM": "offscreen", **(env or {})}
    return subprocess.run([sys.executable, "-m", "trustnxt_desktop.app", *args], capture_output=True, text=True,
                          env=full, timeout=timeout, cwd=PROJECT)


def test_files_and_folders_to_open_and_the_options() -> None:
    args = _parse(["a.jpg", "shoot/"])
    assert args.files == [Path("a.jpg"), Path("shoot")] and not args.smoke_test
    assert args.quit_after is None and args.render_report is None
    args = _parse(["--smoke-test", "--quit-after", "1.5", "--render-report", "request.json", "out.pdf"])
    assert args.smoke_test and args.quit_after == 1.5
    assert args.render_report == [Path("request.json"), Path("out.pdf")]


def test_help_shows_what_people_use_and_hides_what_tools_use(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        _parse(["--help"])
    assert done.value.code == 0
    shown = capsys.readouterr().out
    assert "--smoke-test" in shown and "files" in shown and "--version" in shown
    assert "--quit-after" not in shown and "--render-report" not in shown


@pytest.mark.parametrize("argv", [["--no-such-option"], ["--quit-after", "soon"], ["--render-report", "one"]])
def test_wrong_arguments_are_a_usage_error(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        _parse(argv)
    assert done.value.code == 2
    assert capsys.readouterr().err.startswith("usage: trustnxt-desktop")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the check is for Linux's X11 platform")
@pytest.mark.parametrize(("platform", "wayland", "display", "problem"), [
    ("offscreen", None, None, None),  # draws into memory: needs no screen
    ("wayland", None, None, None),  # Qt's own message is right there
    ("", "wayland-0", None, None),  # a Wayland session picks Wayland
    ("xcb", None, ":0", None),
    ("xcb:nograb", None, ":0", None),  # platform options after the colon
    ("xcb", None, None, NO_DISPLAY),
    ("", None, None, NO_DISPLAY),  # no platform set and no Wayland: xcb
    ("xcb", "wayland-0", None, NO_DISPLAY),  # xcb asked for explicitly, in a Wayland session
])
def test_the_window_system_is_checked_before_qt_tries(platform: str, wayland: str | None, display: str | None,
                                                      problem: str | None, monkeypatch: pytest.MonkeyPatch) -> None:
    assert missing_libraries() == [], "this machine has Qt's system libraries (scripts/test installs them)"
    monkeypatch.setenv("QT_QPA_PLATFORM", platform)
    for name, value in (("WAYLAND_DISPLAY", wayland), ("DISPLAY", display)):
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    found = window_system_problem()
    if problem is None:
        assert found is None
    else:
        assert found is not None and problem in found and "the trustnxt command works without one" in found


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the check is for Linux's X11 platform")
def test_main_says_why_no_window_can_open_and_exits_as_a_configuration_error(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("QT_QPA_PLATFORM", "xcb")
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    assert main(["photo.jpg"]) == 3
    said = capsys.readouterr()
    assert NO_DISPLAY in said.err and said.out == ""


def test_the_program_starts_opens_files_and_quits_cleanly(tmp_path: Path) -> None:
    home = tmp_path / "home"
    version = program("--version", home=home, timeout=60)
    assert version.returncode == 0 and version.stdout.strip() == f"TrustNXT Desktop {__version__}"
    run = program("--quit-after", "2", str(CORPUS / "c2pa" / "adobe-20220124-C.jpg"), home=home)
    assert run.returncode == 0, run.stderr
    assert "Traceback" not in run.stderr
    lines = run.stdout.splitlines()
    assert lines[0].startswith("first paint ") and lines[0].endswith(" ms"), "the start-up benchmark's line"
    assert lines[-1] == "inspected 1 file"
    assert (home / "logs").is_dir() and not list((home / "logs").glob("crash-*.log"))


def test_the_smoke_test_checks_an_installation_end_to_end(tmp_path: Path) -> None:
    home = tmp_path / "home"
    run = program("--smoke-test", home=home)
    assert run.returncode == 0, run.stdout + run.stderr
    (line,) = run.stdout.splitlines()
    assert line.startswith("smoke test ok: keyring ") and "protect+inspect trusted, Qt 6." in line
    assert not home.exists(), "it works in a folder of its own and leaves the person's data alone"


def test_the_cli_gets_its_pdf_drawn_here(tmp_path: Path) -> None:
    report = InspectionReport(
        file=FileInfo(path="/in/photo.jpg", name="photo.jpg", size=1234, sha256="ab" * 32, media_type="image/jpeg"),
        verdict=Verdict.NONE, summary="No Content Credentials.", engine=EngineInfo("Test engine", "1.0"))
    request = tmp_path / "request.json"
    request.write_text(EvidenceRequest(reports=[report]).to_json(), "utf-8")
    out = tmp_path / "evidence.pdf"
    run = program("--render-report", str(request), str(out), home=tmp_path / "home")
    assert run.returncode == 0, run.stderr
    document = pypdfium2.PdfDocument(out)
    pages = len(document)
    document.close()
    assert pages >= 1 and run.stdout.strip() == f"{pages} page{'s' if pages > 1 else ''} written to {out}"
    request.write_text('{"schema": "something else"}', "utf-8")
    refused = program("--render-report", str(request), str(tmp_path / "other.pdf"), home=tmp_path / "home")
    assert refused.returncode == 1 and "cannot make the report" in refused.stderr
    assert "Traceback" not in refused.stderr and not (tmp_path / "other.pdf").exists()
