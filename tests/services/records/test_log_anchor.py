"""The verification log's head outside the log: in the real OS keyring, and as a checkpoint signed with the
signing identity that anyone with its certificate can check."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from trustnxt_desktop.engine.identity import IdentityStore
from trustnxt_desktop.services.records.log_anchor import (
    CHECKPOINT_FILE,
    AnchorError,
    KeyringAnchor,
    LogHead,
    check_checkpoint,
    make_checkpoint,
    read_checkpoint_json,
    write_checkpoint,
)

HEAD = LogHead(volume=1, log_id="a" * 32, entries=42, head="b" * 64, at="2026-11-29T17:00:00+00:00")


def test_the_keyring_anchor_round_trips_and_is_per_data_root(home: Path, memory_secrets, tmp_path: Path) -> None:
    anchor = KeyringAnchor(home, memory_secrets)
    assert anchor.read() is None
    anchor.write(HEAD)
    assert anchor.read() == HEAD
    assert KeyringAnchor(tmp_path / "another-root", memory_secrets).read() is None
    memory_secrets.set(anchor.name, "{not json")
    with pytest.raises(AnchorError, match="anchor in the OS keyring is not readable"):
        anchor.read()
    memory_secrets.set(anchor.name, json.dumps({**HEAD.to_json(), "entries": -1}))
    with pytest.raises(AnchorError):
        anchor.read()


def test_a_checkpoint_verifies_with_the_identity_certificate(home: Path, identity_store, identity) -> None:
    write_checkpoint(home, HEAD, identity)
    data = read_checkpoint_json(home)
    assert data is not None and data["algorithm"] == "ES256" and data["signed"]["entries"] == 42
    checkpoint = check_checkpoint(data, identity_store.certificate_fingerprints())
    assert checkpoint.head == HEAD and checkpoint.fingerprint == identity.info.fingerprint
    assert "Test Photographer" in checkpoint.signer


@pytest.mark.parametrize("field,value", [("entries", 41), ("head", "c" * 64), ("log_id", "d" * 32), ("at", "later")])
def test_an_altered_checkpoint_does_not_verify(home: Path, identity_store, identity, field: str, value: object) -> None:
    data = make_checkpoint(HEAD, identity)
    data["signed"][field] = value
    with pytest.raises(AnchorError, match="signature does not verify"):
        check_checkpoint(data, identity_store.certificate_fingerprints())


def test_a_checkpoint_signed_by_another_key_is_refused(home: Path, identity_store, identity, tmp_path: Path) -> None:
    other_store = IdentityStore(tmp_path / "other", identity_store._secrets)  # someone else's identity
    other_store.create("Someone Else")
    forged = make_checkpoint(HEAD, other_store.load())
    with pytest.raises(AnchorError, match="which is not your signing identity"):
        check_checkpoint(forged, identity_store.certificate_fingerprints())
    # ...and a replaced identity's checkpoints still verify: its certificate is kept when it is retired
    old = make_checkpoint(HEAD, identity)
    identity_store.create("New Identity", replace=True)
    assert check_checkpoint(old, identity_store.certificate_fingerprints()).head == HEAD


@pytest.mark.parametrize("damage", ["not json", "no signature", "bad base64", "no certificate"])
def test_an_unreadable_checkpoint_is_an_error_not_a_crash(home: Path, identity_store, identity, damage: str) -> None:
    data = make_checkpoint(HEAD, identity)
    if damage == "not json":
        (home / CHECKPOINT_FILE).write_text("{", "utf-8")
        with pytest.raises(AnchorError, match="not readable"):
            read_checkpoint_json(home)
        return
    if damage == "no signature":
        del data["signature"]
    elif damage == "bad base64":
        data["signature"] = "%%%" + base64.b64encode(b"x").decode()
    else:
        data["certificate_chain"] = "no PEM here"
    with pytest.raises(AnchorError, match="not well-formed"):
        check_checkpoint(data, identity_store.certificate_fingerprints())
