"""The `trustnxt` command as a user runs it: a real process, real files, real keyring."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import CORPUS, EXPECTED, PROJECT


def run(*args: str, home: Path, env: dict[str, str] | None = None, stdin: str | None = None,
        timeout: float = 300) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, "TRUSTNXT_HOME": str(home), **(env or {})}
    return subprocess.run([sys.executable, "-m", "trustnxt_desktop.cli", *args], capture_output=True, text=True,
                          env=full_env, timeout=timeout, input=stdin, cwd=PROJECT)


@pytest.fixture
def mixed_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "shoot"
    (folder / "day2").mkdir(parents=True)
    for p in sorted((CORPUS / "media").iterdir()):
        shutil.copy(p, folder / p.name)
    shutil.copy(CORPUS / "hostile" / "unsupported_type.txt", folder / "notes.txt")
    shutil.copy(CORPUS / "media" / "trustnxt-icon.jpg", folder / "day2" / "trustnxt-icon.jpg")  # same name, subfolder
    return folder


def test_protect_folder_then_inspect_outputs(mixed_folder: Path, tmp_path: Path, home: Path, secret_store) -> None:  # type: ignore[no-untyped-def]
    before = {p: p.read_bytes() for p in mixed_folder.rglob("*") if p.is_file()}
    out = tmp_path / "protected"
    proc = run("protect", str(mixed_folder), "--out", str(out), "--jobs", "2", "--json", home=home)
    assert proc.returncode == 0, proc.stderr
    results = json.loads(proc.stdout)
    assert len(results) == len(before)
    assert {r["status"] for r in results} == {"done", "skipped"}
    assert [r for r in results if r["status"] == "skipped"][0]["source"].endswith("notes.txt")
    assert all({"source", "output", "status", "error"} <= r.keys() for r in results)
    assert (out / "day2" / "trustnxt-icon.protected.jpg").is_file(), "subfolders are kept in --out"
    assert "Created your signing identity" in proc.stderr and f"[{len(before)}/{len(before)}]" in proc.stderr
    assert {p: p.read_bytes() for p in mixed_folder.rglob("*") if p.is_file()} == before, "originals untouched"

    inspected = run("inspect", str(out), "--json", home=home)
    assert inspected.returncode == 0, inspected.stderr
    reports = json.loads(inspected.stdout)
    assert len(reports) == len(before) - 1
    assert {r["verdict"] for r in reports} == {"trusted"}
    assert all(r["schema"] == "trustnxt.inspection/1" and r["signer"]["trust_source"] for r in reports)

    again = run("protect", str(mixed_folder), "--json", home=home)  # next to originals
    assert again.returncode == 0
    second = run("protect", str(mixed_folder), "--json", home=home)
    names = [Path(r["output"]).name for r in json.loads(second.stdout) if r["output"]]
    assert "trustnxt-icon.protected (2).jpg" in names, "existing copies are never overwritten"
    assert not any(".protected.protected" in n for n in names), "our own copies in a folder are not re-protected"


def test_inspect_corpus_json_and_exit_code(home: Path) -> None:
    proc = run("inspect", str(CORPUS / "c2pa"), str(CORPUS / "hostile"), "--json", home=home)
    assert proc.returncode == 4, "hostile files that cannot be parsed make the run exit 4"
    by_name = {r["file"]["name"]: r for r in json.loads(proc.stdout)}
    for folder in ("c2pa", "hostile"):
        for name, expected in EXPECTED[folder].items():
            assert by_name[name]["verdict"] == expected["verdict"], name
    truepic = by_name["truepic-20230212-camera.jpg"]
    assert truepic["capture"]["make"] == "Google" and truepic["capture"]["gps"]["lat"] == pytest.approx(43.1520939)


def test_human_output_explains(home: Path) -> None:
    proc = run("inspect", str(CORPUS / "c2pa" / "adobe-20240110-single_manifest_store.pdf"), home=home)
    assert proc.returncode == 0
    assert "VALID" in proc.stdout and "AI-generated: yes" in proc.stdout and "cai-prod" in proc.stdout


def test_directory_of_200_files_each_gets_a_result(tmp_path: Path, home: Path) -> None:
    folder = tmp_path / "inbox"
    folder.mkdir()
    sources = [CORPUS / "c2pa" / "adobe-20220124-C.jpg", CORPUS / "media" / "sample1.png",
               CORPUS / "hostile" / "no_alg.jpg", CORPUS / "hostile" / "unsupported_type.txt"]
    for i in range(200):
        src = sources[i % len(sources)]
        shutil.copy(src, folder / f"{i:03d}{src.suffix}")
    (folder / "000.jpg").write_bytes(b"")  # one empty file among them
    proc = run("inspect", str(folder), "--json", "--jobs", "2", home=home)
    reports = json.loads(proc.stdout)
    assert len(reports) == 200
    assert [r["file"]["name"] for r in reports] == sorted(p.name for p in folder.iterdir())
    verdicts = [r["verdict"] for r in reports]
    assert verdicts[0] == "error" and verdicts.count("valid") == 49 and verdicts.count("none") == 50
    assert verdicts.count("unsupported") == 50 and proc.returncode == 4


def test_exit_codes_for_usage_and_missing_keyring(tmp_path: Path, home: Path) -> None:
    assert run("protect", "--bogus", home=home).returncode == 2
    assert run("protect", str(tmp_path), "--jobs", "99", home=home).returncode == 2
    no_keyring = run("protect", str(CORPUS / "media" / "trustnxt-icon.jpg"), "--out", str(tmp_path / "o"),
                     home=home, env={"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"})
    assert no_keyring.returncode == 3
    assert "keyring" in no_keyring.stderr and "gnome-keyring" in no_keyring.stderr
    assert not (home / "identity").exists() and not (tmp_path / "o").exists()
    plaintext = run("identity", "create", home=home,
                    env={"PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring"})
    assert plaintext.returncode == 3


def test_identity_and_trust_commands(tmp_path: Path, home: Path, secret_store) -> None:  # type: ignore[no-untyped-def]
    assert "No signing identity yet" in run("identity", "show", home=home).stdout
    created = run("identity", "create", "--name", "Ada Lovelace", "--org", "Analytical", home=home)
    assert created.returncode == 0 and "Ada Lovelace" in created.stdout
    root = tmp_path / "root.pem"
    shown = run("identity", "show", "--json", "--export-root", str(root), home=home)
    assert json.loads(shown.stdout)["display_name"] == "Ada Lovelace"
    assert root.read_text().startswith("-----BEGIN CERTIFICATE-----")
    assert run("identity", "create", home=home).returncode == 3  # would silently replace otherwise

    # Someone else's install trusts Ada by importing her root certificate.
    other_home = tmp_path / "colleague"
    signed = run("protect", str(CORPUS / "media" / "sample1.png"), "--out", str(tmp_path / "o"), "--json", home=home)
    output = json.loads(signed.stdout)[0]["output"]
    before = json.loads(run("inspect", output, "--json", home=other_home).stdout)[0]
    assert before["verdict"] == "valid"
    assert run("trust", "add", "Ada's studio", str(root), home=other_home).returncode == 0
    assert "Ada's studio" in run("trust", "list", home=other_home).stdout
    after = json.loads(run("inspect", output, "--json", home=other_home).stdout)[0]
    assert after["verdict"] == "trusted" and after["signer"]["trust_source"] == "Your anchor: Ada's studio"
    ad_hoc = json.loads(run("inspect", output, "--json", "--no-default-trust", home=other_home).stdout)[0]
    assert ad_hoc["verdict"] == "valid"
    assert run("trust", "remove", "Ada's studio", home=other_home).returncode == 0


def test_the_engine_in_use_is_said_on_stderr(tmp_path: Path, home: Path, secret_store) -> None:  # type: ignore[no-untyped-def]
    from tests.cloud.failing_servers import closed_port_url
    from tests.sandbox.process import KEY, start_sandbox

    photo = str(CORPUS / "media" / "trustnxt-icon.jpg")
    local = run("inspect", photo, "--json", home=home)
    assert local.returncode == 0, local.stderr
    assert "engine: local (offline)" in local.stderr.splitlines()
    assert json.loads(local.stdout)[0]["file"]["name"] == "trustnxt-icon.jpg", "stdout stays clean for --json"

    server = start_sandbox(tmp_path / "sandbox")
    try:
        env = {"TRUSTNXT_API_URL": server.url}
        assert run("credentials", "set", home=home, stdin=f"{KEY}\n\n").returncode == 0
        billed = f"engine: TrustNXT cloud at {server.url} — calls are billed"
        cloud = run("inspect", "--backend", "cloud", photo, "--json", home=home, env=env)
        assert cloud.returncode == 0, cloud.stderr
        assert billed in cloud.stderr.splitlines() and json.loads(cloud.stdout)[0]["verdict"] == "none"
        protect = run("protect", "--backend", "cloud", photo, "--out", str(tmp_path / "out"), "-q", home=home,
                      env=env)
        assert protect.returncode == 0 and billed in protect.stderr.splitlines(), protect.stderr
        usage = run("usage", "--backend", "cloud", "--json", home=home, env=env)
        assert billed in usage.stderr.splitlines() and json.loads(usage.stdout)["source"] == "TrustNXT usage API"
        # The local engine stays one flag away, whatever the settings say.
        (home / "settings.json").write_text(json.dumps({"backend": "cloud"}))
        back = run("inspect", "--backend", "local", photo, "--json", home=home, env=env)
        assert "engine: local (offline)" in back.stderr.splitlines() and billed not in back.stderr
        # Usage from a service that cannot be reached: this computer's counts, and a warning that says so.
        offline = run("usage", "--backend", "cloud", "--json", home=home, env={"TRUSTNXT_API_URL": closed_port_url()})
        assert offline.returncode == 0, offline.stderr
        assert "the connection was refused" in offline.stderr and "counted on this computer" in offline.stderr
        snapshot = json.loads(offline.stdout)
        assert snapshot["source"] == "local ledger" and "refused" in snapshot["note"]
    finally:
        server.stop()
        run("credentials", "clear", home=home)
    assert not any(KEY in line for line in (local.stderr, cloud.stderr, protect.stderr, usage.stderr))
