"""Accepted keys: from the environment and a keys file, stored as digests; a generated key when none is given."""

from __future__ import annotations

import hashlib
from pathlib import Path

from trustnxt_desktop.cloud import contract
from trustnxt_desktop.sandbox.config import KEYS_ENV, key_id, load_keys, parse_keys


def _sha(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def test_keys_with_and_without_secrets(tmp_path: Path) -> None:
    accounts = parse_keys(["tnxt_live_a:tnxt_secret_b", " tnxt_test_c ", "", "# comment", ":orphan-secret"])
    assert set(accounts) == {_sha("tnxt_live_a"), _sha("tnxt_test_c")}
    assert accounts[_sha("tnxt_live_a")].secret_digest == _sha("tnxt_secret_b")
    assert accounts[_sha("tnxt_test_c")].secret_digest is None
    assert accounts[_sha("tnxt_live_a")].id == key_id("tnxt_live_a") and len(key_id("x")) == 16
    assert all("tnxt_live_a" not in repr(a) for a in accounts.values()), "the sandbox never holds a usable key"


def test_environment_and_file_add_up_and_nothing_configured_generates_a_test_key(tmp_path: Path) -> None:
    keys = tmp_path / "keys.txt"
    keys.write_text("tnxt_live_file\n# note\n")
    accounts, generated = load_keys({KEYS_ENV: "tnxt_live_env, ,tnxt_live_env2:s"}, keys)
    assert generated is None
    assert set(accounts) == {_sha("tnxt_live_env"), _sha("tnxt_live_env2"), _sha("tnxt_live_file")}
    accounts, generated = load_keys({}, None)
    assert generated is not None and generated.startswith(contract.KEY_PREFIXES[1])
    assert set(accounts) == {_sha(generated)}
    assert load_keys({}, None)[1] != generated
