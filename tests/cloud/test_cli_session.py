"""A whole `trustnxt` session against the sandbox: credentials, protect, inspect, usage. No secret leaks."""

from __future__ import annotations

import io
import json
import logging
import shutil
import sys
from pathlib import Path

import pytest

from tests.conftest import CORPUS
from tests.sandbox.process import SECRET, SECRET_KEY, SandboxProcess
from trustnxt_desktop import cli
from trustnxt_desktop.cloud import contract
from trustnxt_desktop.services.account.credentials import KEY_ENV, SECRET_ENV

FILES = ["trustnxt-icon.jpg", "trustnxt-icon.png", "sample1.webp"]


@pytest.fixture
def session_env(home: Path, sandbox: SandboxProcess, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv(contract.API_URL_ENV, sandbox.url)
    monkeypatch.delenv(KEY_ENV, raising=False)
    monkeypatch.delenv(SECRET_ENV, raising=False)
    return home


def run(argv: list[str], capsys: pytest.CaptureFixture[str], stdin: str = "") -> tuple[int, str, str]:
    sys.stdin = io.StringIO(stdin)  # not a TTY: `credentials set` reads lines
    try:
        code = cli.main(argv)
    finally:
        sys.stdin = sys.__stdin__
    out, err = capsys.readouterr()
    return code, out, err


def test_cloud_session_leaks_no_secret(session_env: Path, sandbox: SandboxProcess, secret_store, tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)  # httpx, httpcore and our own loggers at their most talkative
    shoot = tmp_path / "shoot"
    shoot.mkdir()
    for name in FILES:
        shutil.copy(CORPUS / "media" / name, shoot / name)
    out_dir = tmp_path / "protected"
    transcript: list[str] = []

    def step(argv: list[str], stdin: str = "", expect: int = 0) -> str:
        code, out, err = run(argv, capsys, stdin)
        transcript.extend([out, err])
        assert code == expect, f"{argv}: {code}\n{out}\n{err}"
        return out

    try:
        before = sandbox.usage(SECRET_KEY)
        step(["credentials", "set"], stdin=f"{SECRET_KEY}\n{SECRET}\n")
        status = step(["credentials", "status"])
        assert "tnxt_live_…4b3a" in status and "OS keyring" in status and "API secret: set" in status
        results = json.loads(step(["protect", "--backend", "cloud", str(shoot), "--out", str(out_dir), "--json"]))
        assert [r["status"] for r in results] == ["done"] * 3 and {r["engine"] for r in results} == {"cloud"}
        reports = json.loads(step(["inspect", "--backend", "cloud", str(out_dir), "--json"]))
        assert [r["verdict"] for r in reports] == ["trusted"] * 3
        assert all(r["file"]["path"].startswith(str(out_dir)) for r in reports)
        text = step(["inspect", "--backend", "cloud", str(out_dir / "trustnxt-icon.protected.jpg")])
        assert "TRUSTED" in text
        usage = json.loads(step(["usage", "--backend", "cloud", "--json"]))
        assert usage["source"] == "TrustNXT usage API"
        assert usage["protect_calls"] == before["protect"]["calls"] + 3
        assert usage["inspect_calls"] == before["inspect"]["calls"] + 4
        assert "Protect calls:" in step(["usage", "--backend", "cloud"])
        step(["inspect", "--backend", "cloud", "--trust-anchor", str(shoot / FILES[0]), str(shoot)], expect=2)
        step(["credentials", "clear"])
        step(["credentials", "status"], expect=3)
        step(["protect", "--backend", "cloud", str(shoot)], expect=3)  # no key any more: configuration error
    finally:
        run(["credentials", "clear"], capsys)

    leaks = [SECRET_KEY, SECRET]
    for text in [*transcript, caplog.text]:
        for secret in leaks:
            assert secret not in text, "a secret reached the terminal or the log"
    assert any("HTTP Request" in r.getMessage() for r in caplog.records), "the HTTP layer did log (at DEBUG)"
    for root in (session_env, sandbox.data_dir, sandbox.log_dir):
        for path in root.rglob("*"):
            if path.is_file():
                data = path.read_bytes()
                for secret in leaks:
                    assert secret.encode() not in data, f"{path} holds a secret"
    assert not list(shoot.glob("*.protected*")), "outputs went to --out, originals' folder untouched"


def test_refused_key_is_a_configuration_error(session_env: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv(KEY_ENV, "tnxt_live_this-key-was-revoked-000000000000")
    code, out, err = run(["protect", "--backend", "cloud", str(CORPUS / "media" / "trustnxt-icon.jpg"),
                          "--out", str(tmp_path / "o")], capsys)
    assert code == 3 and "did not accept your API key" in err
    assert "this-key-was-revoked" not in out + err
    assert not (tmp_path / "o").exists() or not any((tmp_path / "o").iterdir())


@pytest.mark.parametrize("url", ["ht!tp://", "http://", "https://exa mple.com", "http://[::1", "https://api.example:99999",
                                 "http://localhost:8787", "http://api.localhost:8787"])
@pytest.mark.parametrize("where", ["environment", "settings"])
def test_a_malformed_or_plain_http_service_address_is_a_configuration_error(
        home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], url: str, where: str) -> None:
    from trustnxt_desktop.services.account.settings import Settings, SettingsStore

    monkeypatch.setenv(KEY_ENV, "tnxt_test_4f1c2a9e7b3d5f6a8c0e1d2b3a4f5e6d")  # no keyring needed to get that far
    if where == "environment":
        monkeypatch.setenv(contract.API_URL_ENV, url)
    else:
        monkeypatch.delenv(contract.API_URL_ENV, raising=False)
        SettingsStore(home).save(Settings(api_url=url))
    code, out, err = run(["inspect", "--backend", "cloud", str(CORPUS / "media" / "trustnxt-icon.jpg")], capsys)
    assert code == 3, err
    said = [line for line in err.splitlines() if not line.startswith("engine: ")]
    assert len(said) == 1 and said[0].startswith("trustnxt: ") and "Traceback" not in err, err
    assert out == ""
