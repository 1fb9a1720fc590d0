"""ui/smoke.py, `trustnxt-desktop --smoke-test`: keyring, Qt, the privacy check and a location coarsened to the
city, protect with a soft binding, inspect, recovery, a web export, a drawn report and a signed PDF report, with
nothing left behind; a broken step is named in one line with the piece it needs. The option reached through the
program's entry point is in tests/test_app.py."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from PIL import Image

from tests.conftest import PROJECT
from trustnxt_desktop.domain.secrets import SecretStore
from trustnxt_desktop.engine.identity import IdentityStore
from trustnxt_desktop.ui.smoke import _run


async def test_it_protects_inspects_and_draws_then_takes_its_key_out_of_the_keyring(
        tmp_path: Path, secret_store: SecretStore, qtbot) -> None:
    line = await _run(tmp_path)
    assert line.startswith("smoke test ok: keyring ") and "protect+inspect trusted" in line
    assert "location coarsened to Munich, soft binding recovered, web export, PDF report (PAdES B-B" in line
    for step in ("privacy check", "protect", "inspect", "recovery", "web export", "report", "signed PDF report"):
        assert f"{step} " in line and " ms" in line, step
    assert (tmp_path / "smoke.jpg").read_bytes()[:2] == b"\xff\xd8", "Qt wrote the picture it signs"
    assert b"Exif\x00\x00MM" in (tmp_path / "smoke.jpg").read_bytes()[:40], "the picture is geotagged"
    (web,) = (tmp_path / "web").iterdir()
    with Image.open(web) as picture:
        assert (picture.format, picture.size) == ("JPEG", (320, 240)), "the web copy is the picture made smaller"
    assert (tmp_path / "report.pdf").read_bytes().startswith(b"%PDF") and b"/ByteRange" in (
        tmp_path / "report.pdf").read_bytes(), "the PDF report is signed"
    info = IdentityStore(tmp_path / "home", secret_store).info()
    assert info is not None and info.display_name == "Smoke Test"
    assert secret_store.get(info.secret_name) is None, "its signing key's passphrase is not left in the keyring"


def smoke_test_process(tmp_path: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", "import sys; from trustnxt_desktop.ui.smoke import run_smoke_test; "
                                                 "sys.exit(run_smoke_test())"],
                          capture_output=True, text=True, timeout=120, cwd=PROJECT,
                          env={**env, "TRUSTNXT_HOME": str(tmp_path / "home"), "TMPDIR": str(tmp_path)})


def test_without_exiftool_it_names_the_privacy_check_and_how_to_get_it(tmp_path: Path) -> None:
    run = smoke_test_process(tmp_path, {**os.environ, "TRUSTNXT_EXIFTOOL": str(tmp_path / "no-exiftool")})
    assert run.returncode == 1, run.stdout + run.stderr
    assert run.stdout.startswith("smoke test FAILED: privacy check (ExifTool): ExifTool is not installed"), run.stdout
    assert "libimage-exiftool-perl" in run.stdout and "https://exiftool.org" in run.stdout
    assert len(run.stdout.splitlines()) == 1 and "Traceback" not in run.stderr
    assert not [p for p in tmp_path.iterdir() if p.name.startswith("trustnxt-smoke-")], "its folder is removed"


def test_without_a_keyring_it_names_the_step_and_fails(tmp_path: Path) -> None:
    # No session bus: no Secret Service to reach, as on a machine without a desktop session.
    env = {k: v for k, v in os.environ.items() if k not in ("DBUS_SESSION_BUS_ADDRESS", "XDG_RUNTIME_DIR")}
    run = smoke_test_process(tmp_path, env)
    assert run.returncode == 1, run.stdout + run.stderr
    assert run.stdout.startswith("smoke test FAILED: keyring: No keyring service"), run.stdout
    assert len(run.stdout.splitlines()) == 1 and "Traceback" not in run.stderr
    assert not [p for p in tmp_path.iterdir() if p.name.startswith("trustnxt-smoke-")], "its folder is removed"
