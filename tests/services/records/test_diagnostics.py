"""The diagnostics zip: logs and versions for support, and never a secret (real keyring, real environment)."""

from __future__ import annotations

import secrets
import zipfile
from pathlib import Path

import pytest

from trustnxt_desktop.domain.errors import OutputExistsError
from trustnxt_desktop.engine.identity import IdentityStore
from trustnxt_desktop.services.account.credentials import CredentialStore
from trustnxt_desktop.services.account.settings import Settings
from trustnxt_desktop.services.records.diagnostics import LOG_LIMIT, DiagnosticsError, save_diagnostics, write_archive


def _members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_the_archive_holds_logs_and_versions_and_no_secret(home: Path, secret_store, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    stored_key = "tnxt_live_" + secrets.token_hex(12)
    stored_secret = "tnxt_secret_" + secrets.token_hex(12)
    CredentialStore(secret_store).set(stored_key, stored_secret)  # the real keyring
    identity = IdentityStore(home, secret_store)
    info = identity.create("Ana Lima", "Diário do Sul")
    passphrase = secret_store.get(info.secret_name)
    # Values of no known shape: only knowing them lets the archive leave them out.
    env_key, env_secret, other_token = (f"plain-{secrets.token_hex(10)}" for _ in range(3))
    bearer, query_token = secrets.token_hex(16), secrets.token_hex(16)  # unknown values in a credential's place
    monkeypatch.setenv("TRUSTNXT_API_KEY", env_key)
    monkeypatch.setenv("TRUSTNXT_API_SECRET", env_secret)
    monkeypatch.setenv("NEWSROOM_UPLOAD_TOKEN", other_token)
    known = [stored_key, stored_secret, passphrase, env_key, env_secret, other_token]
    everything = [*known, bearer, query_token]

    logs = home / "logs"
    logs.mkdir()
    (logs / "crash-20261130T101010Z.log").write_text(
        "TrustNXT Desktop 0.1.0\nTraceback: boom while uploading\n"
        + "".join(f"sending {value} to the server\n" for value in known)
        + f"headers: {{'Authorization': 'Bearer {bearer}'}}\nGET https://cdn.example/a.jpg?token={query_token}\n",
        "utf-8")
    # A long log whose kept tail begins inside a secret: the cut must not leave the rest of it readable.
    line = f"key {stored_key} at the edge\n"
    need = LOG_LIMIT + 4 + 5 - len(line)  # the tail starts 5 characters into the key
    big = "x" * 99 + "\n" + line + ("y" * 99 + "\n") * (need // 100 + 1)
    big = big[: 100 + len(line) + need]
    (logs / "app.log").write_text(big, "utf-8")
    assert big[len(big) - LOG_LIMIT:].startswith(stored_key[5:])
    (logs / "identity-link.log").symlink_to(identity.dir / "key.pem")  # must not pull the key file in

    settings = Settings(api_url=f"https://reporter:{query_token}@api.example.org/v1?key={bearer}", backend="cloud")
    target = save_diagnostics(home, settings, secret_store, tmp_path / "diag.zip", extra_versions=[("Qt", "6.12.0")])

    members = _members(target)
    assert {"versions.txt", "environment.txt", "settings.json", "trust-lists.txt",
            "logs/crash-20261130T101010Z.log", "logs/app.log"} <= set(members)
    assert "logs/identity-link.log" not in members
    raw = target.read_bytes()
    for value in everything:
        assert value.encode() not in raw
        for name, data in members.items():
            assert value.encode() not in data, f"{name} holds a secret"
    key_pem = (identity.dir / "key.pem").read_bytes()
    assert not any(b"ENCRYPTED PRIVATE KEY" in data for data in members.values()) and key_pem not in raw

    versions = members["versions.txt"].decode()
    assert "TrustNXT Desktop: 0.1.0" in versions and "c2pa-python: 0.38.1" in versions
    assert "Qt: 6.12.0" in versions and "Python: 3." in versions and "Operating system: " in versions
    crash = members["logs/crash-20261130T101010Z.log"].decode()
    assert "boom while uploading" in crash and crash.count("[redacted]") >= len(everything)
    environment = members["environment.txt"].decode()
    assert "TRUSTNXT_API_KEY" in environment  # that it is set helps; its value is never recorded
    assert "api.example.org/v1" in members["settings.json"].decode()
    tail = members["logs/app.log"].decode()
    assert tail.startswith("[first ") and stored_key[5:] not in tail and "y" * 99 in tail
    assert len(members["logs/app.log"]) <= LOG_LIMIT + 100


def test_an_existing_file_is_replaced_only_when_asked(home: Path, tmp_path: Path) -> None:
    target = tmp_path / "out" / "diag.zip"
    write_archive({"versions.txt": "first\n"}, target)
    with pytest.raises(OutputExistsError, match="diag.zip already exists"):
        write_archive({"versions.txt": "second\n"}, target)
    assert _members(target) == {"versions.txt": b"first\n"}
    write_archive({"versions.txt": "third\n"}, target, replace=True)  # the save dialog asked the person
    assert _members(target) == {"versions.txt": b"third\n"}
    assert sorted(p.name for p in target.parent.iterdir()) == ["diag.zip"]  # no temporary file left behind


def test_an_unwritable_place_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    with pytest.raises(DiagnosticsError, match="Could not write"):
        write_archive({"versions.txt": "v\n"}, blocker / "diag.zip")
