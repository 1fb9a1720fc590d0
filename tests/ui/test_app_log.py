"""The app's own log (logs/trustnxt.log): real failures land in it, without secrets, owner-only, and Help ›
Save diagnostics carries it and says truthfully what the zip holds."""

from __future__ import annotations

import dataclasses
import os
import shutil
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

from tests.cloud.failing_servers import closed_port_url
from tests.conftest import CORPUS, PROJECT
from trustnxt_desktop.domain.jobs import JobState
from trustnxt_desktop.services.account.credentials import CredentialStore
from trustnxt_desktop.services.records.app_log import install_app_log, log_path, remove_app_log

# A key of the account's own shape, not tnxt_…: only the value read from the keyring can take it out.
KEY = "Ana-Lima-studio-key-7f3a1c9e"


async def test_failed_cloud_calls_are_logged_redacted_and_saved_in_diagnostics(window, context,
                                                                                tmp_path: Path) -> None:
    handler = install_app_log(context.root)
    try:
        CredentialStore(context.secrets).set(KEY)
        photo, second = tmp_path / "photo.jpg", tmp_path / "second.jpg"
        shutil.copy(CORPUS / "media" / "trustnxt-icon.jpg", photo)
        shutil.copy(CORPUS / "media" / "trustnxt-icon.jpg", second)
        # The service address points at a port where nothing listens: the upload is refused.
        context.apply_settings(dataclasses.replace(context.settings, backend="cloud", api_url=closed_port_url()))
        await window.protect.add_paths_async([photo])
        await window.protect.queue.wait_idle()
        # Then the key pasted into the address field: the error quotes it back.
        context.apply_settings(dataclasses.replace(context.settings, api_url=KEY))
        await window.protect.add_paths_async([second])
        await window.protect.queue.wait_idle()
        refused, pasted = window.protect.model.rows
        assert refused.state is JobState.FAILED and "the connection was refused" in refused.message
        assert pasted.state is JobState.FAILED and KEY in pasted.message
        handler.flush()

        log = log_path(context.root)
        text = log.read_text("utf-8")
        assert stat.S_IMODE(log.stat().st_mode) == 0o600
        assert f"WARNING trustnxt_desktop.services.jobs.protect_queue: protect {photo} failed: " in text
        assert "the connection was refused" in text
        assert "INFO trustnxt_desktop.cloud.client: POST /v1/protect failed: " in text, text
        assert f"protect {second} failed: The TrustNXT service address '[redacted]' is not a web address" in text
        assert KEY not in text

        window.show_error(f"The service refused the key {KEY}.")  # shown to the person, then logged
        handler.flush()
        text = log.read_text("utf-8")
        assert "WARNING trustnxt_desktop.ui.main_window: shown to the user: The service refused the key [redacted]." \
            in text and KEY not in text

        target = await window.save_diagnostics_async(tmp_path / "for-support.zip")
        with zipfile.ZipFile(target) as archive:
            saved = archive.read("logs/trustnxt.log").decode("utf-8")
            everything = b"".join(archive.read(n) for n in archive.namelist())
        assert "the connection was refused" in saved and "shown to the user" in saved
        assert KEY.encode() not in everything
        message = window.statusBar().currentMessage()
        assert message == f"Saved {target} (1 log file, versions, settings and trust lists; no keys or passwords).", \
            message
    finally:
        remove_app_log(handler)


async def test_diagnostics_say_when_there_are_no_logs_yet(window, tmp_path: Path) -> None:
    target = await window.save_diagnostics_async(tmp_path / "empty.zip")
    with zipfile.ZipFile(target) as archive:
        assert not [n for n in archive.namelist() if n.startswith("logs/")]
    assert window.statusBar().currentMessage() == (
        f"Saved {target} (no logs yet; versions, settings and trust lists; no keys or passwords).")


def test_the_app_writes_its_log_from_the_start(tmp_path: Path) -> None:
    home = tmp_path / "home"
    env = {**os.environ, "TRUSTNXT_HOME": str(home), "QT_QPA_PLATFORM": "offscreen"}
    run = subprocess.run([sys.executable, "-m", "trustnxt_desktop.app", "--quit-after", "1"], capture_output=True,
                         text=True, env=env, timeout=120, cwd=PROJECT)
    assert run.returncode == 0, run.stderr
    log = home / "logs" / "trustnxt.log"
    assert stat.S_IMODE(log.stat().st_mode) == 0o600 and stat.S_IMODE(log.parent.stat().st_mode) == 0o700
    assert "INFO trustnxt_desktop: TrustNXT Desktop 0.1.0 started" in log.read_text("utf-8")
