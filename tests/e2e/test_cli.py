"""The `trustnxt` command as a user runs it: a real process, real files, real keyring."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import CORPUS, EXPECTED, PROJECT, app_verdict, shipped_verdict
from tests.damaged_files import JSON_DAMAGE, SQLITE_DAMAGE, damage_json, damage_sqlite, filled_stores, set_aside_copies


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


def test_protect_folder_then_inspect_outputs(mixed_folder: Path, tmp_path: Path, home: Path, secret_store) -> None:
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
    assert all(r["schema"] == "trustnxt.inspection/2" and r["signer"]["trust_source"] for r in reports)

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
            assert by_name[name]["verdict"] == app_verdict(name, expected), name
            assert by_name[name]["cross_check"]["primary_verdict"] == shipped_verdict(expected), name
    truepic = by_name["truepic-20230212-camera.jpg"]
    assert truepic["capture"]["make"] == "Google" and truepic["capture"]["gps"]["lat"] == pytest.approx(43.1520939)


def test_human_output_explains(home: Path) -> None:
    proc = run("inspect", str(CORPUS / "c2pa" / "adobe-20240110-single_manifest_store.pdf"), home=home)
    assert proc.returncode == 0
    assert "TRUSTED" in proc.stdout and "AI-generated: yes" in proc.stdout and "cai-prod" in proc.stdout
    assert "Interim trust list (2025-08-28)" in proc.stdout, "the list shipped with the app decides, and is named"


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


def test_a_mistyped_path_is_a_usage_error(tmp_path: Path, home: Path) -> None:
    typo = tmp_path / "IMG_0001.jgp"
    for command in ("inspect", "protect"):
        proc = run(command, str(CORPUS / "media" / "sample1.png"), str(typo), home=home)
        assert proc.returncode == 2, (command, proc.stderr)
        assert f"no such file: {typo}" in proc.stderr and "no longer exists" not in proc.stderr
        assert proc.stdout == ""
    assert not list(tmp_path.glob("*.protected.*")) and not (CORPUS / "media" / "sample1.protected.png").exists()


def test_identity_and_trust_commands(tmp_path: Path, home: Path, secret_store) -> None:
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


def _claims(folder: Path, home: Path) -> dict[str, tuple[str, str]]:
    """file name -> (first action, its digitalSourceType), as `trustnxt inspect` reads the copies."""
    proc = run("inspect", str(folder), "--json", home=home)
    assert proc.returncode == 0, proc.stderr
    return {Path(r["file"]["path"]).name: (r["actions"][0]["action"], r["actions"][0]["digital_source_type"])
            for r in json.loads(proc.stdout)}


def test_protect_source_is_the_claim_and_a_resume_keeps_it(tmp_path: Path, home: Path, secret_store) -> None:
    from trustnxt_desktop.domain.protect import ContentSource

    photo = CORPUS / "media" / "trustnxt-icon.jpg"  # its EXIF names no camera; only --source decides
    for claim in ContentSource:
        proc = run("protect", str(photo), "--source", claim.value, "--out", str(tmp_path / claim.value), home=home)
        assert proc.returncode == 0, proc.stderr
        assert f"say the files were {claim.claim}" in proc.stderr
        assert _claims(tmp_path / claim.value, home) == {
            "trustnxt-icon.protected.jpg": ("c2pa.created", claim.digital_source_type)}
    default = run("protect", str(photo), "--out", str(tmp_path / "default"), home=home)
    assert default.returncode == 0, default.stderr
    assert _claims(tmp_path / "default", home)["trustnxt-icon.protected.jpg"][1].endswith("/digitalCapture")
    (home / "settings.json").write_text(json.dumps({"protect_source": "screen"}))  # the remembered default
    remembered = run("protect", str(photo), "--out", str(tmp_path / "remembered"), home=home)
    assert remembered.returncode == 0, remembered.stderr
    assert _claims(tmp_path / "remembered", home)["trustnxt-icon.protected.jpg"][1].endswith("/screenCapture")

    # A run stopped before any file (locked keyring) is resumed with the claim it was started with,
    # whatever the default is by then.
    shoot = tmp_path / "shoot"
    shoot.mkdir()
    for i in range(2):
        shutil.copy(photo, shoot / f"p{i}.jpg")
    locked = run("protect", str(shoot), "--source", "ai", "--out", str(tmp_path / "resumed"), home=home,
                 env={"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"})
    assert locked.returncode == 3, locked.stderr
    assert run("protect", "--resume", "--source", "camera", home=home).returncode == 2, "--resume keeps its claim"
    resumed = run("protect", "--resume", "--json", home=home)
    assert resumed.returncode == 0, resumed.stderr
    assert "generated with AI (IPTC trainedAlgorithmicMedia)" in resumed.stderr
    assert set(_claims(tmp_path / "resumed", home).values()) == {
        ("c2pa.created", ContentSource.AI.digital_source_type)}


def test_originals_carrying_broken_or_remote_credentials_are_protected_with_a_warning(
        tmp_path: Path, home: Path, secret_store) -> None:
    cases = PROJECT.parent / "shared" / "cases"
    originals = [CORPUS / "c2pa" / "adobe-20220124-E-dat-CA.jpg", cases / "remote-only.jpg",
                 cases / "actions-key-renamed.jpg", CORPUS / "hostile" / "no_alg.jpg"]
    before = {p: p.read_bytes() for p in originals}
    proc = run("protect", *map(str, originals), "--out", str(tmp_path / "out"), "--json", "-q", home=home)
    assert proc.returncode == 0, proc.stderr
    assert [r["status"] for r in json.loads(proc.stdout)] == ["done"] * 4
    warnings = {line.split(": ", 3)[2]: line for line in proc.stderr.splitlines()
                if line.startswith("trustnxt: warning: ")}
    assert set(warnings) == {str(p) for p in originals}, proc.stderr  # one stderr line each, even with -q
    assert "failed verification" in warnings[str(originals[0])]
    assert "stored online at http://127.0.0.1:9/manifests/remote-only.c2pa" in warnings[str(originals[1])]
    assert "could not be read" in warnings[str(originals[2])]
    assert "could not be read (unknown algorithm)" in warnings[str(originals[3])]
    assert {p: p.read_bytes() for p in originals} == before, "originals untouched"


def test_the_engine_in_use_is_said_on_stderr(tmp_path: Path, home: Path, secret_store) -> None:
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


# -- damaged stores, private data, a log that proves what it claims -----------------------------------------

@pytest.mark.parametrize("kind", SQLITE_DAMAGE)
@pytest.mark.parametrize("store,command,what", [
    ("jobs.sqlite3", ("jobs", "list", "--json"), "The job queue"),
    ("usage.sqlite3", ("usage", "--json"), "The usage ledger"),
])
def test_a_damaged_store_is_set_aside_and_said_never_a_traceback(
        home: Path, secret_store, store: str, command: tuple[str, ...], what: str, kind: str) -> None:
    filled_stores(home, secret_store)
    damage_sqlite(home / store, kind)
    proc = run(*command, home=home)
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr
    json.loads(proc.stdout)  # stdout stays clean for --json
    if kind == "zero length":  # an empty database to sqlite: nothing to say
        assert what not in proc.stderr and set_aside_copies(home / store) == []
        return
    (aside,) = set_aside_copies(home / store)
    line = next(line for line in proc.stderr.splitlines() if line.startswith(f"trustnxt: {what} ({home / store})"))
    assert "was damaged" in line and f"moved to {aside}" in line
    again = run(*command, home=home)
    assert again.returncode == 0 and what not in again.stderr, "said once: the new store is fine"


@pytest.mark.parametrize("kind", SQLITE_DAMAGE)
def test_a_damaged_verification_log_is_an_incident_and_is_kept(home: Path, secret_store, kind: str) -> None:
    filled_stores(home, secret_store)
    log = home / "verification-log.sqlite3"
    damage_sqlite(log, kind)
    evidence = log.read_bytes() if log.is_file() else None

    verify = run("log", "verify", home=home)
    assert verify.returncode == 4 and "Traceback" not in verify.stderr, verify.stderr
    assert "Verification log damaged" in verify.stderr
    if kind == "zero length":  # an empty database to sqlite, started afresh in place: its anchor tells
        assert "replaced by another log file" in verify.stderr and log.is_file()
    elif evidence is not None:
        assert log.read_bytes() == evidence, "the damaged log is kept, byte for byte, where it was"
    else:
        assert log.is_dir()
    photo = str(CORPUS / "media" / "trustnxt-icon.jpg")
    inspected = run("inspect", photo, "--json", home=home)
    assert inspected.returncode == 0 and "Traceback" not in inspected.stderr, inspected.stderr
    assert json.loads(inspected.stdout)[0]["file"]["name"] == "trustnxt-icon.jpg", "inspections go on"
    assert run("log", "verify", home=home).returncode == 4, "until the damaged log is moved away"


@pytest.mark.parametrize("kind", JSON_DAMAGE)
def test_a_damaged_trust_list_record_is_set_aside_and_said(home: Path, kind: str) -> None:
    state = home / "trust" / "lists" / "state.json"
    state.parent.mkdir(parents=True)
    state.write_text(json.dumps({"last_attempt": "2026-11-20T10:00:00+00:00", "checked": {}}))
    damage_json(state, kind)
    proc = run("trust", "status", home=home)
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr
    (aside,) = set_aside_copies(state)
    assert "was damaged" in proc.stderr and str(aside) in proc.stderr


def test_a_shortened_log_fails_log_verify(tmp_path: Path, home: Path, secret_store) -> None:
    import sqlite3

    files = [str(p) for p in sorted((CORPUS / "c2pa").glob("*.jpg"))[:4]]
    assert run("identity", "create", "--name", "Log Keeper", home=home).returncode == 0
    assert run("inspect", *files, "--json", home=home).returncode == 0
    verified = run("log", "verify", home=home)
    assert verified.returncode == 0 and "intact: 4 entries" in verified.stdout, verified.stderr
    assert (home / "verification-log.checkpoint.json").is_file()
    with sqlite3.connect(home / "verification-log.sqlite3", isolation_level=None) as db:
        db.execute("DELETE FROM entries WHERE seq = 4")
        db.execute("UPDATE head SET seq = 3, hash = (SELECT hash FROM entries WHERE seq = 3)")
    proc = run("log", "verify", home=home)  # before: "Verification log intact: 3 entries"
    assert proc.returncode == 4 and "Traceback" not in proc.stderr
    assert "ends at entry 3, but 4 entries were anchored" in proc.stderr
    assert "does not match its signed checkpoint" in proc.stderr


def test_a_session_under_umask_000_leaves_only_owner_only_files(tmp_path: Path, home: Path, secret_store) -> None:
    import stat

    photo = tmp_path / "photo.jpg"
    shutil.copy(CORPUS / "media" / "trustnxt-icon.jpg", photo)
    out = tmp_path / "out"
    for args in (("identity", "create", "--name", "Umask"), ("protect", str(photo), "--out", str(out)),
                 ("inspect", str(photo), "--json"), ("log", "verify"), ("jobs", "list")):
        proc = subprocess.run([sys.executable, "-m", "trustnxt_desktop.cli", *args], capture_output=True, text=True,
                              env={**os.environ, "TRUSTNXT_HOME": str(home)}, cwd=PROJECT, timeout=300,
                              preexec_fn=lambda: os.umask(0))
        assert proc.returncode == 0, (args, proc.stderr)
    loose = {str(p.relative_to(home)): oct(stat.S_IMODE(p.lstat().st_mode)) for p in [home, *home.rglob("*")]
             if not p.is_symlink() and stat.S_IMODE(p.lstat().st_mode) & 0o077}
    assert loose == {}, "the data folder and everything in it: owner only"
    copy = next(out.iterdir())
    assert stat.S_IMODE(copy.stat().st_mode) == 0o644, "your protected copy follows your umask, not ours"


def test_a_file_named_with_terminal_escape_codes_cannot_print_as_valid(tmp_path: Path, home: Path,
                                                                       secret_store) -> None:
    from tests.hostile_text import ATTACK_NAME, ATTACK_SHOWN, HIDDEN, invalid_file_with_attack_name

    bad = invalid_file_with_attack_name(tmp_path / "inbox")
    shutil.copy(CORPUS / "media" / "trustnxt-icon.jpg", bad.parent / "plain.jpg")  # two files: progress lines too
    human = run("inspect", str(bad.parent), "--jobs", "1", home=home)
    assert human.returncode == 0, human.stderr
    assert f"{ATTACK_SHOWN}: INVALID — " in human.stdout, "the name is shown, escaped, and the verdict is its own"
    for hidden in HIDDEN:
        assert hidden not in human.stdout + human.stderr, repr(hidden)

    exact = run("inspect", str(bad.parent), "--json", "--jobs", "1", home=home)
    by_name = {r["file"]["name"]: r for r in json.loads(exact.stdout)}
    assert by_name[ATTACK_NAME]["verdict"] == "invalid", "JSON keeps the name exact"
    assert f"invalid     {bad.parent}/{ATTACK_SHOWN}" in exact.stderr, "progress lines are for people: escaped"
    assert not any(h in exact.stderr for h in HIDDEN)

    protected = run("protect", str(bad), "--out", str(tmp_path / "out"), home=home)
    assert protected.returncode == 0, protected.stderr
    assert ATTACK_SHOWN in protected.stdout and not any(h in protected.stdout + protected.stderr for h in HIDDEN)
    listed = run("jobs", "list", home=home)
    assert listed.returncode == 0 and not any(h in listed.stdout for h in HIDDEN)


def test_inspect_into_head_ends_quietly_with_141(tmp_path: Path, home: Path) -> None:
    """`trustnxt inspect DIR | head -1`: a real pipe whose reader leaves after one line. The run stops
    without a BrokenPipeError traceback and exits 141 (128 + SIGPIPE), as a shell reports any program a
    closed pipe ended, so `set -o pipefail` scripts see the output was cut short."""
    folder = tmp_path / "inbox"
    folder.mkdir()
    for i in range(60):
        shutil.copy(CORPUS / "media" / "trustnxt-icon.jpg", folder / f"{i:02d}.jpg")
    errors = tmp_path / "stderr.txt"
    command = (f"'{sys.executable}' -m trustnxt_desktop.cli inspect '{folder}' 2>'{errors}' | head -1; "
               'echo "exit ${PIPESTATUS[0]}"')
    proc = subprocess.run(["bash", "-c", command], capture_output=True, text=True, cwd=PROJECT, timeout=300,
                          env={**os.environ, "TRUSTNXT_HOME": str(home)})
    first, status = proc.stdout.splitlines()
    assert first.endswith(": NONE — This file carries no Content Credentials: "
                          "nothing about its origin can be verified.")
    assert status == "exit 141"
    said = errors.read_text()
    assert "Traceback" not in said and "BrokenPipeError" not in said and "Exception ignored" not in said, said


def test_a_name_that_is_not_utf8_is_escaped_for_people_and_exact_in_json(tmp_path: Path, home: Path) -> None:
    folder = tmp_path / "inbox"
    folder.mkdir()
    raw = os.fsencode(folder) + b"/caf\xe9.jpg"  # Latin-1 bytes from an old camera or archive: not UTF-8
    shutil.copy(CORPUS / "media" / "trustnxt-icon.jpg", os.fsdecode(raw))
    human = run("inspect", str(folder), home=home)
    assert human.stdout.startswith("caf\\udce9.jpg: NONE — "), human.stdout
    exact = run("inspect", str(folder), "--json", home=home)
    (report,) = json.loads(exact.stdout)  # valid JSON: the undecodable byte as its escape
    assert os.fsencode(report["file"]["path"]) == raw, "JSON gives back the very bytes of the name"
