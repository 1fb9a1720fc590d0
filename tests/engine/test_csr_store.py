"""engine/csr_store.py: the pending request's key encrypted with a passphrase only the real keyring holds, the
issued chain checked against it, imported as the signing identity, and the copies it signs validated by c2pa-rs
(trusted under the CA's root) and by encypher-c2pa."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.x509.oid import ExtendedKeyUsageOID

from tests.conftest import CORPUS
from tests.expect import present, protected_copy
from tests.issuing_ca import IssuingCA
from trustnxt_desktop.domain.errors import IdentityError
from trustnxt_desktop.domain.protect import ProtectOptions, ProtectStatus
from trustnxt_desktop.domain.report import Verdict
from trustnxt_desktop.domain.secrets import SecretStore
from trustnxt_desktop.engine.cross_check import SecondValidator
from trustnxt_desktop.engine.csr import Subject
from trustnxt_desktop.engine.csr_store import RequestStore
from trustnxt_desktop.engine.identity import IdentityStore
from trustnxt_desktop.engine.inspect import inspect_file
from trustnxt_desktop.engine.protect import protect_file
from trustnxt_desktop.engine.trust import TrustConfig, TrustSource


def test_the_key_waits_encrypted_with_a_passphrase_only_the_keyring_has(home: Path, secret_store: SecretStore) -> None:
    store = RequestStore(home, secret_store)
    assert store.pending() is None
    info = store.create(Subject("Ana Lima", "Diário do Sul", "BR", "ana@example.org"))
    assert store.pending() == info and info.algorithm == "ES256"
    key_file = home / "certificate-request" / "key.pem"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert b"ENCRYPTED PRIVATE KEY" in key_file.read_bytes()
    passphrase = secret_store.get(info.secret_name)
    assert passphrase
    with pytest.raises(TypeError):  # useless without the passphrase
        serialization.load_pem_private_key(key_file.read_bytes(), None)
    serialization.load_pem_private_key(key_file.read_bytes(), passphrase.encode())
    on_disk = b"".join(p.read_bytes() for p in home.rglob("*") if p.is_file())
    assert passphrase.encode() not in on_disk
    assert json.loads((home / "certificate-request" / "request.json").read_text())["common_name"] == "Ana Lima"
    assert store.request_pem().startswith("-----BEGIN CERTIFICATE REQUEST-----")

    with pytest.raises(IdentityError, match="already waiting"):
        store.create(Subject("Someone"))
    again = store.create(Subject("Someone"), "ES384", replace=True)
    assert again.key_sha256 != info.key_sha256
    assert secret_store.get(info.secret_name) is None  # the replaced key's passphrase is gone with it
    store.discard()
    assert store.pending() is None and not (home / "certificate-request").exists()
    assert secret_store.get(again.secret_name) is None


def test_a_bad_subject_leaves_nothing_behind(home: Path, secret_store: SecretStore) -> None:
    store = RequestStore(home, secret_store)
    with pytest.raises(IdentityError, match="two-letter"):
        store.create(Subject("Ana", country="Brazil"))
    assert store.pending() is None and not (home / "certificate-request").exists()


def test_issued_chain_becomes_the_identity_and_signs_trusted_copies(
        home: Path, secret_store: SecretStore, tmp_path: Path) -> None:
    ca = IssuingCA()
    requests = RequestStore(home, secret_store)
    pending = requests.create(Subject("Ana Lima", "Diário do Sul", email="ana@example.org"))
    leaf = ca.answer(requests.request_pem())
    chain = ca.chain_pem(leaf, root_first=True)  # in the CA's order: put right before use

    checked = requests.check_chain(chain)
    assert checked.usable and [c.subject for c in checked.chain] == [leaf.subject, ca.ca.subject, ca.root.subject]

    info = requests.import_chain(chain)
    assert info.kind == "imported" and info.display_name == "Ana Lima" and info.organisation == "Diário do Sul"
    assert requests.pending() is None and secret_store.get(pending.secret_name) is None
    identities = IdentityStore(home, secret_store)
    out = protect_file(CORPUS / "media" / "trustnxt-icon.jpg", identities.load(),
                       ProtectOptions(out_dir=tmp_path / "out"))
    assert out.status is ProtectStatus.DONE, out.error
    anchor = TrustConfig(sources=(TrustSource("Press Photo Root CA", anchors_pem=ca.root_pem().decode()),))
    report = inspect_file(protected_copy(out), anchor, SecondValidator(str(tmp_path / "encypher")))
    assert report.verdict is Verdict.TRUSTED, report.validation
    assert present(report.signer).common_name == "Ana Lima"
    second = present(report.cross_check)
    assert second.ran and second.agrees, second.differences


def test_a_chain_for_another_key_or_a_bad_profile_is_refused_before_anything_changes(
        home: Path, secret_store: SecretStore) -> None:
    ca = IssuingCA()
    requests = RequestStore(home, secret_store)
    with pytest.raises(IdentityError, match="no pending certificate request"):
        requests.check_chain(b"")
    requests.create(Subject("Ana Lima"))
    other = RequestStore(home / "elsewhere", secret_store)
    other.create(Subject("Someone Else"))
    with pytest.raises(IdentityError, match="not issued for the request made here|None of these"):
        requests.check_chain(ca.chain_pem(ca.answer(other.request_pem())))
    with pytest.raises(IdentityError, match="no certificate"):
        requests.check_chain(b"not a certificate")

    lone = ca.answer(requests.request_pem())
    alone = requests.check_chain(lone.public_bytes(serialization.Encoding.PEM))
    assert not alone.usable and any("only your certificate" in p for p in alone.problems)
    code_signing = ca.answer(requests.request_pem(), eku=[ExtendedKeyUsageOID.CODE_SIGNING])
    with pytest.raises(IdentityError, match="none of the purposes"):
        requests.import_chain(ca.chain_pem(code_signing))
    assert requests.pending() is not None and not IdentityStore(home, secret_store).exists()


def test_a_lost_passphrase_is_said_and_the_identity_in_use_is_kept(home: Path, secret_store: SecretStore) -> None:
    ca = IssuingCA()
    identities = IdentityStore(home, secret_store)
    current = identities.create("Local Me", None)
    requests = RequestStore(home, secret_store)
    pending = requests.create(Subject("Ana Lima"))
    chain = ca.chain_pem(ca.answer(requests.request_pem()))
    with pytest.raises(IdentityError, match="already exists"):
        requests.import_chain(chain)  # replacing the identity in use is asked for explicitly
    secret_store.delete(pending.secret_name)
    with pytest.raises(IdentityError, match="missing from the OS keyring"):
        requests.import_chain(chain, replace=True)
    assert identities.info() == current
