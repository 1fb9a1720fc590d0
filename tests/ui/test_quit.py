"""Quitting the app in every engine: the shutdown (network connections, workers) runs while the event loop
still runs, and the program ends with exit code 0 — no traceback, no native crash, no crash log."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from contextlib import ExitStack
from pathlib import Path

import pytest

from tests.conftest import PROJECT
from tests.sandbox.process import KEY, SandboxProcess
from tests.ui.conftest import until
from tests.xvfb import virtual_screen, x_env
from trustnxt_desktop.cloud import contract

ENGINES = ["local", "cloud"]


def _configure(home: Path, engine: str, sandbox: SandboxProcess, secret_store) -> None:
    """A profile as a user leaves it: settings.json names the engine; the key is in the OS keyring."""
    home.mkdir(parents=True, exist_ok=True)
    settings = {"backend": engine, "api_url": sandbox.url} if engine == "cloud" else {}
    (home / "settings.json").write_text(json.dumps(settings), "utf-8")
    if engine == "cloud":
        from trustnxt_desktop.services.account.credentials import CredentialStore

        CredentialStore(secret_store, environ={}).set(KEY)


@pytest.mark.parametrize("platform", ["offscreen", "xcb"])
@pytest.mark.parametrize("engine", ENGINES)
def test_the_real_program_quits_cleanly(engine: str, platform: str, home: Path, sandbox: SandboxProcess,
                                        secret_store) -> None:
    """The program as a user starts it, offscreen and on an X server (Qt's xcb platform, as on a Linux
    desktop). `--quit-after` asks Qt to quit as the OS does (QApplication.quit), after the window has
    fetched this month's usage, so the cloud engine holds an open connection when it quits."""
    _configure(home, engine, sandbox, secret_store)
    usage_before = sandbox.requests(f"GET {contract.USAGE_PATH}").get("200", 0)
    with ExitStack() as stack:
        if platform == "xcb":
            env = x_env(stack.enter_context(virtual_screen()))
        else:
            env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
        env = {**env, "TRUSTNXT_HOME": str(home)}
        env.pop(contract.API_URL_ENV, None)
        run = subprocess.run([sys.executable, "-m", "trustnxt_desktop.app", "--quit-after", "2"],
                             capture_output=True, text=True, env=env, timeout=180, cwd=PROJECT)
    # A native crash (segfault, abort) shows as a negative return code; a Python one as 1 with a traceback.
    assert run.returncode == 0, f"exit code {run.returncode}\n{run.stderr}"
    assert "Traceback" not in run.stderr, run.stderr
    assert "inspected 0 file" in run.stdout, "the shutdown ran to its end"
    assert not list((home / "logs").glob("crash-*.log")), "no crash was logged"
    if engine == "cloud":
        assert sandbox.requests(f"GET {contract.USAGE_PATH}").get("200", 0) > usage_before, \
            "the window asked the service for usage: a connection was open when it quit"


@pytest.mark.parametrize("engine", ENGINES)
async def test_quit_stops_the_windows_work_before_it_closes(engine: str, home: Path, sandbox: SandboxProcess,
                                                            secret_store, qapp, qtbot,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """In process, as the composition root runs it: Quit refuses the first close, stops the window's work
    while the loop runs, then closes; the engine's HTTP client and workers close after that."""
    from trustnxt_desktop.services.app_context import AppContext
    from trustnxt_desktop.services.backends.cloud import CloudBackend
    from trustnxt_desktop.services.backends.recording import RecordingBackend
    from trustnxt_desktop.ui.main_window import MainWindow

    monkeypatch.delenv(contract.API_URL_ENV, raising=False)
    _configure(home, engine, sandbox, secret_store)
    context = AppContext.create(home)
    assert context.settings.backend == engine
    window = MainWindow(context)
    closed: list[bool] = []
    window.closed.connect(lambda: closed.append(True))
    quit_on_last = qapp.quitOnLastWindowClosed()
    qapp.setQuitOnLastWindowClosed(False)  # as app.run_window: the loop outlives the window
    cloud: CloudBackend | None = None  # the cloud engine, when that is the one in use
    try:
        window.show()
        snapshot = await window.usage.refresh_async()
        assert snapshot is not None and snapshot.note is None
        assert snapshot.source == ("TrustNXT usage API" if engine == "cloud" else "local ledger")
        if engine == "cloud":
            recording = context.backend.current
            assert isinstance(recording, RecordingBackend) and isinstance(recording.inner, CloudBackend)
            cloud = recording.inner
            assert cloud._client is not None, "the engine holds an HTTP client"
        window.quit_action.trigger()
        assert window.isVisible() and not closed, "the first close waits for the window's work to stop"
        await until(lambda: bool(closed), timeout=30)
        assert not window.isVisible()
        await context.aclose()  # what the composition root does next, on the running loop
        if cloud is not None:
            assert cloud._client is None, "the HTTP client was closed"
    finally:
        qapp.setQuitOnLastWindowClosed(quit_on_last)
        window.deleteLater()
