"""API key and secret in the real OS keyring (Secret Service under scripts/test), env overrides, masking."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import PROJECT
from tests.expect import present
from trustnxt_desktop.cloud.auth import ApiCredentials
from trustnxt_desktop.domain.errors import ConfigurationError, KeyringUnavailableError
from trustnxt_desktop.services.account.credentials import (
    FROM_ENVIRONMENT,
    FROM_KEYRING,
    KEY_ENV,
    SECRET_ENV,
    CredentialsMissingError,
    CredentialStore,
    format_warnings,
    masked,
)
from trustnxt_desktop.services.account.keyring_store import KeyringSecretStore

KEY = "tnxt_live_0123456789abcdef0123456789ab9f3a"
SECRET = "tnxt_secret_fedcba9876543210fedcba9876543210"


def test_round_trip_through_the_os_keyring(secret_store: KeyringSecretStore, home: Path) -> None:
    store = CredentialStore(secret_store, "roundtrip", environ={})
    assert store.load() is None and not store.status().configured
    assert store.set(KEY, SECRET) == []
    fresh = CredentialStore(KeyringSecretStore(), "roundtrip", environ={})  # another instance reads it back
    loaded = fresh.load()
    assert loaded is not None and (loaded.key, loaded.secret) == (KEY, SECRET)
    status = fresh.status()
    assert (status.key_masked, status.key_source, status.secret_set, status.warnings) == (
        "tnxt_live_…9f3a", FROM_KEYRING, True, [])
    # The names in the keyring are per profile, and the service name is the app's.
    assert secret_store.get("api-key:roundtrip") == KEY and secret_store.get("api-secret:roundtrip") == SECRET
    assert CredentialStore(secret_store, "another-profile", environ={}).load() is None
    store.set(KEY)  # a key without a secret removes the stored secret
    assert present(fresh.load()).secret is None
    store.clear()
    assert fresh.load() is None and secret_store.get("api-key:roundtrip") is None
    assert not any(home.rglob("*")), "credentials are written to the keyring only"


def test_environment_overrides_the_keyring(secret_store: KeyringSecretStore) -> None:
    CredentialStore(secret_store, "envtest", environ={}).set("tnxt_live_from-the-keyring-000000000000")
    env = {KEY_ENV: "tnxt_test_from-the-environment-0000000abcd", SECRET_ENV: SECRET}
    store = CredentialStore(secret_store, "envtest", environ=env)
    loaded = store.load()
    assert loaded is not None and loaded.key == env[KEY_ENV] and loaded.secret == SECRET
    status = store.status()
    assert status.key_source == FROM_ENVIRONMENT and status.key_masked == "tnxt_test_…abcd"
    # An environment key is never paired with a keyring secret that belongs to another key.
    CredentialStore(secret_store, "envtest", environ={}).set("tnxt_live_keyring-key-000000000000", SECRET)
    only_key = CredentialStore(secret_store, "envtest", environ={KEY_ENV: env[KEY_ENV]}).load()
    assert only_key is not None and only_key.secret is None
    CredentialStore(secret_store, "envtest", environ={}).clear()


def test_missing_credentials_are_a_configuration_error(secret_store: KeyringSecretStore) -> None:
    with pytest.raises(CredentialsMissingError) as caught:
        CredentialStore(secret_store, "nobody", environ={}).require()
    assert isinstance(caught.value, ConfigurationError) and "trustnxt credentials set" in str(caught.value)
    with pytest.raises(ConfigurationError):
        CredentialStore(secret_store, "bad/profile")
    with pytest.raises(ConfigurationError):
        CredentialStore(secret_store, "empty", environ={}).set("   ")


def test_format_checks_warn_but_accept(secret_store: KeyringSecretStore) -> None:
    assert format_warnings(KEY, SECRET) == [] and format_warnings("tnxt_test_abc", None) == []
    assert "tnxt_live_" in format_warnings("sk_live_123")[0]
    assert "tnxt_secret_" in format_warnings(KEY, "secret-from-somewhere")[0]
    assert format_warnings(SECRET)  # the secret pasted as the key
    assert any("same as the key" in w for w in format_warnings(KEY, KEY))
    store = CredentialStore(secret_store, "odd-format", environ={})
    warnings = store.set("sk_live_123456789", "not-a-tnxt-secret")
    assert len(warnings) == 2 and store.load() is not None  # stored anyway: formats may change
    assert len(store.status().warnings) == 2
    store.clear()


def test_masking_never_shows_more_than_the_last_four() -> None:
    assert masked(KEY) == "tnxt_live_…9f3a"
    assert masked(SECRET) == "tnxt_secret_…3210"
    assert masked("tnxt_live_short") == "tnxt_live_…"  # too short to reveal even a tail
    assert masked("abcdefghijklmnopqrstuvwxyz") == "…wxyz"
    assert masked(None) == "(none)"
    creds = ApiCredentials(KEY, SECRET)
    for text in (repr(creds), str(creds), f"{creds}", repr(CredentialStore(KeyringSecretStore(), environ={}))):
        assert KEY not in text and SECRET not in text and "fedcba" not in text
    with pytest.raises(TypeError):
        import pickle

        pickle.dumps(creds)


def test_without_a_keyring_backend_the_refusal_surfaces(tmp_path: Path) -> None:
    home = tmp_path / "home"
    env = {**os.environ, "TRUSTNXT_HOME": str(home), "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}
    env.pop(KEY_ENV, None)
    proc = subprocess.run([sys.executable, "-m", "trustnxt_desktop.cli", "credentials", "set"],
                          input=f"{KEY}\n{SECRET}\n", capture_output=True, text=True, env=env, cwd=PROJECT, timeout=60)
    assert proc.returncode == 3, proc.stderr
    assert "keyring" in proc.stderr.lower() and "gnome-keyring" in proc.stderr
    assert KEY not in proc.stdout + proc.stderr and SECRET not in proc.stdout + proc.stderr
    for path in home.rglob("*") if home.exists() else []:
        if path.is_file():
            data = path.read_bytes()
            assert KEY.encode() not in data and SECRET.encode() not in data, f"{path} holds a secret"
    # With the key in the environment, automation works without any keyring at all.
    status = subprocess.run([sys.executable, "-m", "trustnxt_desktop.cli", "credentials", "status"],
                            capture_output=True, text=True, env={**env, KEY_ENV: KEY}, cwd=PROJECT, timeout=60)
    assert status.returncode == 0, status.stderr
    assert "tnxt_live_…9f3a" in status.stdout and "environment" in status.stdout and KEY not in status.stdout


def test_in_process_store_refuses_a_fail_backend(monkeypatch: pytest.MonkeyPatch) -> None:
    import keyring
    from keyring.backends import fail

    monkeypatch.setattr(keyring, "get_keyring", lambda: fail.Keyring())
    with pytest.raises(KeyringUnavailableError):
        CredentialStore(KeyringSecretStore(), environ={}).load()


def test_update_stores_what_was_typed_and_never_erases_a_secret(secret_store: KeyringSecretStore) -> None:
    """Settings' Save: an empty field keeps what is stored; a secret alone joins the stored key."""
    store = CredentialStore(secret_store, "update", environ={})
    with pytest.raises(ConfigurationError, match="Type the API key too"):
        store.update("", SECRET)
    assert store.load() is None, "a secret without a key was not stored"
    assert store.update("", "") == [] and store.load() is None
    assert store.update(KEY, SECRET) == []
    other = "tnxt_live_ffffffffffffffffffffffffffff0000"
    store.update(other, "")  # a new key, secret field left empty: the stored secret stays
    loaded = store.load()
    assert loaded is not None and (loaded.key, loaded.secret) == (other, SECRET)
    replacement = "tnxt_secret_11111111111111111111111111111111"
    store.update(None, replacement)
    loaded = store.load()
    assert loaded is not None and (loaded.key, loaded.secret) == (other, replacement)
    store.clear()


def test_candidate_is_what_save_would_store_and_stores_nothing(secret_store: KeyringSecretStore) -> None:
    store = CredentialStore(secret_store, "candidate", environ={})
    assert store.candidate("", "") is None
    typed = store.candidate(f" {KEY} ", "")
    assert typed is not None and (typed.key, typed.secret) == (KEY, None) and store.load() is None
    store.set(KEY, SECRET)
    other = "tnxt_live_ffffffffffffffffffffffffffff0000"
    for key, secret, expected in (("", "", (KEY, SECRET)), (other, "", (other, SECRET)),
                                  ("", "tnxt_secret_typed", (KEY, "tnxt_secret_typed"))):
        candidate = store.candidate(key, secret)
        assert candidate is not None and (candidate.key, candidate.secret) == expected
    loaded = store.load()
    assert loaded is not None and (loaded.key, loaded.secret) == (KEY, SECRET), "nothing was stored"
    env_store = CredentialStore(secret_store, "candidate", environ={KEY_ENV: "tnxt_live_from-the-environment-0000"})
    from_env = env_store.candidate("", "")
    assert from_env is not None and from_env.key == "tnxt_live_from-the-environment-0000"  # as the engine would
    store.clear()
