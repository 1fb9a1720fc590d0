"""ui/smoke.py, `trustnxt-desktop --smoke-test`: keyring, Qt, protect, inspect and a drawn report, with nothing
left behind; a broken step is named in one line. The option reached through the program's entry point is in
tests/test_app.py."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import PROJECT
from trustnxt_desktop.domain.secrets import SecretStore
from trustnxt_desktop.engine.identity import IdentityStore
from trustnxt_desktop.ui.smoke import _run


async def test_it_protects_inspects_and_draws_then_takes_its_key_out_of_the_keyring(
        tmp_path: Path, secret_store: SecretStore, qtbot) -> None:
    line = await _run(tmp_path)
    assert line.startswith("smoke test ok: keyring ") and "protect+inspect trusted" in line
    assert (tmp_path / "smoke.jpg").read_bytes()[:2] == b"\xff\xd8", "Qt wrote the picture it signs"
    info = IdentityStore(tmp_path / "home", secret_store).info()
    assert info is not None and info.display_name == "Smoke Test"
    assert secret_store.get(info.secret_name) is None, "its signing key's passphrase is not left in the keyring"


def test_without_a_keyring_it_names_the_step_and_fails(tmp_path: Path) -> None:
    # No session bus: no Secret Service to reach, as on a machine without a desktop session.
    env = {k: v for k, v in os.environ.items() if k not in ("DBUS_SESSION_BUS_ADDRESS", "XDG_RUNTIME_DIR")}
    run = subprocess.run([sys.executable, "-c", "import sys; from trustnxt_desktop.ui.smoke import run_smoke_test; "
                                                "sys.exit(run_smoke_test())"],
                         capture_output=True, text=True, timeout=120, cwd=PROJECT,
                         env={**env, "TRUSTNXT_HOME": str(tmp_path / "home"), "TMPDIR": str(tmp_path)})
    assert run.returncode == 1, run.stdout + run.stderr
    assert run.stdout.startswith("smoke test FAILED: keyring: No keyring service"), run.stdout
    assert len(run.stdout.splitlines()) == 1 and "Traceback" not in run.stderr
    assert not [p for p in tmp_path.iterdir() if p.name.startswith("trustnxt-smoke-")], "its folder is removed"
