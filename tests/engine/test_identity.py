"""The signing identity: key encrypted at rest, passphrase only in the real OS keyring, imports."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID

from tests.certs import newsroom_chain
from tests.conftest import CORPUS
from tests.expect import present, protected_copy
from trustnxt_desktop.domain.errors import IdentityError
from trustnxt_desktop.domain.protect import ProtectOptions, ProtectStatus
from trustnxt_desktop.domain.report import Verdict
from trustnxt_desktop.engine.identity import IdentityStore
from trustnxt_desktop.engine.inspect import inspect_file
from trustnxt_desktop.engine.protect import protect_file
from trustnxt_desktop.engine.trust import TrustConfig, TrustSource


def all_bytes_under(root: Path) -> list[tuple[Path, bytes]]:
    return [(p, p.read_bytes()) for p in root.rglob("*") if p.is_file()]


def test_key_is_encrypted_and_passphrase_lives_only_in_keyring(home: Path, secret_store) -> None:
    store = IdentityStore(home, secret_store)
    info = store.create("Jane Doe", "Daily Planet")
    key_pem = (store.dir / "key.pem").read_bytes()
    assert key_pem.startswith(b"-----BEGIN ENCRYPTED PRIVATE KEY-----")
    with pytest.raises(TypeError):  # unusable without the passphrase
        serialization.load_pem_private_key(key_pem, None)
    passphrase = secret_store.get(info.secret_name)
    assert passphrase and len(passphrase) >= 32
    for path, data in all_bytes_under(home):
        assert passphrase.encode() not in data, f"passphrase leaked into {path}"
    assert (store.dir / "key.pem").stat().st_mode & 0o077 == 0
    leaf = x509.load_pem_x509_certificates(store.chain_pem().encode())[0]
    assert leaf.extensions.get_extension_for_class(x509.BasicConstraints).value.ca is False
    ku = leaf.extensions.get_extension_for_class(x509.KeyUsage)
    assert ku.critical and ku.value.digital_signature
    assert ExtendedKeyUsageOID.EMAIL_PROTECTION in leaf.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    leaf.extensions.get_extension_for_class(x509.AuthorityKeyIdentifier)
    assert info.display_name == "Jane Doe" and info.organisation == "Daily Planet" and info.algorithm == "ES256"
    assert "ENCRYPTED" not in repr(store.load())


def test_missing_passphrase_gives_a_clear_error(home: Path, secret_store) -> None:
    store = IdentityStore(home, secret_store)
    info = store.create("Jane")
    secret_store.delete(info.secret_name)
    with pytest.raises(IdentityError, match="keyring"):
        store.load()


def test_replace_retires_the_old_root_so_old_files_stay_trusted(home: Path, secret_store, tmp_path: Path) -> None:
    from trustnxt_desktop.services.trust.sources import local_identity_source

    store = IdentityStore(home, secret_store)
    old = store.create("Old Me")
    signed = protected_copy(protect_file(CORPUS / "media" / "trustnxt-icon.jpg", store.load(),
                                         ProtectOptions(out_dir=tmp_path / "out")))
    with pytest.raises(IdentityError, match="already exists"):
        store.create("New Me")
    new = store.create("New Me", replace=True)
    assert new.fingerprint != old.fingerprint
    assert secret_store.get(old.secret_name) is None, "the retired key's passphrase must be destroyed"
    assert not list((store.dir / "retired").rglob("key.pem"))
    source = local_identity_source(store)
    assert source is not None
    report = inspect_file(signed, TrustConfig(sources=(source,)))
    assert report.verdict is Verdict.TRUSTED


def _ca_issued(tmp_path: Path, key: ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey) -> tuple[bytes, bytes, bytes]:
    """A newsroom CA and a certificate it issued to a photographer: (chain PEM, CA PEM, key)."""
    leaf, ca = newsroom_chain(ec.generate_private_key(ec.SECP384R1()), key, hashes.SHA384())
    pem = lambda c: c.public_bytes(serialization.Encoding.PEM)  # noqa: E731
    key_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.BestAvailableEncryption(b"p12-pass"))
    return pem(leaf) + pem(ca), pem(ca), key_pem


@pytest.mark.parametrize("kind", ["pem-ec", "pkcs12-rsa"])
def test_import_ca_issued_identity_and_sign(kind: str, home: Path, secret_store, tmp_path: Path) -> None:
    key = ec.generate_private_key(ec.SECP256R1()) if kind == "pem-ec" else rsa.generate_private_key(65537, 2048)
    chain, ca_pem, key_pem = _ca_issued(tmp_path, key)
    store = IdentityStore(home, secret_store)
    if kind == "pem-ec":
        info = store.import_pem(chain, key_pem, "p12-pass")
        assert info.algorithm == "ES256"
    else:
        certs = x509.load_pem_x509_certificates(chain)
        p12 = pkcs12.serialize_key_and_certificates(b"me", key, certs[0], certs[1:],
                                                    serialization.BestAvailableEncryption(b"p12-pass"))
        info = store.import_pkcs12(p12, "p12-pass")
        assert info.algorithm == "PS256"
    assert info.kind == "imported" and info.display_name == "Staff Photographer" and store.root_pem() is None
    assert b"p12-pass" not in b"".join(d for _, d in all_bytes_under(home))
    out = protect_file(CORPUS / "media" / "trustnxt-icon.png", store.load(), ProtectOptions(out_dir=tmp_path / "o"))
    assert out.status is ProtectStatus.DONE, out.error
    newsroom = TrustConfig(sources=(TrustSource("Newsroom CA", anchors_pem=ca_pem.decode()),))
    report = inspect_file(protected_copy(out), newsroom)
    assert report.verdict is Verdict.TRUSTED and present(report.signer).common_name == "Staff Photographer"


def test_import_rejects_wrong_key_lone_cert_and_wrong_password(home: Path, secret_store, tmp_path: Path) -> None:
    chain, _, key_pem = _ca_issued(tmp_path, ec.generate_private_key(ec.SECP256R1()))
    store = IdentityStore(home, secret_store)
    other = ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    with pytest.raises(IdentityError, match="does not belong"):
        store.import_pem(chain, other)
    with pytest.raises(IdentityError, match="wrong password"):
        store.import_pem(chain, key_pem, "nope")
    with pytest.raises(IdentityError, match="encrypted"):
        store.import_pem(chain, key_pem, None)
    leaf_only = chain[: chain.index(b"-----END CERTIFICATE-----") + 26]
    with pytest.raises(IdentityError, match="whole chain"):
        store.import_pem(leaf_only, key_pem, "p12-pass")
    assert not store.exists()
    assert json.dumps([str(p) for p in home.rglob("*")]).count("key.pem") == 0
