"""cli/identity_cmd.py: `trustnxt identity show | create | import`, with the real keyring holding the key."""

from __future__ import annotations

import json
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12

from tests.certs import TestCA
from tests.cli.conftest import Trustnxt


def test_show_without_an_identity_says_how_one_comes(trustnxt: Trustnxt, secret_store) -> None:
    ran = trustnxt("identity", "show")
    assert ran.code == 0 and ran.out.startswith("No signing identity yet.")


def test_create_show_and_replace(trustnxt: Trustnxt, secret_store) -> None:
    created = trustnxt("identity", "create", "--name", "Ana Lima", "--org", "Diário do Sul")
    assert created.code == 0, created.err
    assert created.out.startswith("Created signing identity “Ana Lima” (ES256, fingerprint ")
    shown = json.loads(trustnxt("identity", "show", "--json").out)
    assert shown["display_name"] == "Ana Lima" and shown["algorithm"] == "ES256"
    text = trustnxt("identity", "show").out
    assert "display_name: Ana Lima" in text and "secret_name" not in text  # where the key lives is not shown

    again = trustnxt("identity", "create", "--name", "Someone")
    assert again.code == 3 and "Pass --replace" in again.err
    replaced = trustnxt("identity", "create", "--name", "Ana Lima 2", "--replace")
    assert replaced.code == 0
    new = json.loads(trustnxt("identity", "show", "--json").out)
    assert new["display_name"] == "Ana Lima 2" and new["fingerprint"] != shown["fingerprint"]


def test_export_root_writes_the_root_once_and_never_over_a_file(
        trustnxt: Trustnxt, secret_store, tmp_path: Path) -> None:
    assert trustnxt("identity", "create", "--name", "Root Keeper").code == 0
    target = tmp_path / "root.pem"
    ran = trustnxt("identity", "show", "--export-root", target, "--json")
    assert ran.code == 0 and f"Wrote your root certificate to {target}" in ran.err
    json.loads(ran.out)  # stdout stays one JSON document
    (root,) = x509.load_pem_x509_certificates(target.read_bytes())
    assert root.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    before = target.read_bytes()
    refused = trustnxt("identity", "show", "--export-root", target)
    assert refused.code == 2 and "exists already" in refused.err and target.read_bytes() == before


def test_import_needs_a_pkcs12_or_a_certificate_and_a_key(trustnxt: Trustnxt, secret_store, tmp_path: Path) -> None:
    chain, _ = TestCA().issue("Ana Lima")
    (tmp_path / "chain.pem").write_bytes(chain)
    ran = trustnxt("identity", "import", "--cert", tmp_path / "chain.pem", stdin="")
    assert ran.code == 2 and "needs --pkcs12 FILE, or --cert CHAIN.pem and --key KEY.pem" in ran.err


def test_a_key_that_is_not_the_certificates_is_refused(trustnxt: Trustnxt, secret_store, tmp_path: Path) -> None:
    ca = TestCA()
    chain, _ = ca.issue("Ana Lima")
    _, other = ca.issue("Someone Else")
    (tmp_path / "chain.pem").write_bytes(chain)
    (tmp_path / "key.pem").write_bytes(other)
    ran = trustnxt("identity", "import", "--cert", tmp_path / "chain.pem", "--key", tmp_path / "key.pem", stdin="")
    assert ran.code == 3 and "Traceback" not in ran.err
    assert trustnxt("identity", "show").out.startswith("No signing identity yet.")


def test_a_pkcs12_with_its_password_from_stdin(trustnxt: Trustnxt, secret_store, tmp_path: Path) -> None:
    ca = TestCA("Newsroom CA")
    chain_pem, key_pem = ca.issue("Ana Lima")
    leaf, issuer = x509.load_pem_x509_certificates(chain_pem)
    key = serialization.load_pem_private_key(key_pem, None)
    assert isinstance(key, ec.EllipticCurvePrivateKey)  # TestCA's keys
    bundle = tmp_path / "ana.p12"
    bundle.write_bytes(pkcs12.serialize_key_and_certificates(
        b"ana", key, leaf, [issuer], serialization.BestAvailableEncryption(b"s3cret")))
    wrong = trustnxt("identity", "import", "--pkcs12", bundle, "--password-stdin", stdin="nope\n")
    assert wrong.code == 3
    ran = trustnxt("identity", "import", "--pkcs12", bundle, "--password-stdin", stdin="s3cret\n")
    assert ran.code == 0, ran.err
    assert "Imported signing identity “Ana Lima” issued by" in ran.out
    assert "intact but not trusted on this computer: its CA “Newsroom CA”" in ran.out
    trusted = trustnxt("identity", "import", "--pkcs12", bundle, "--password-stdin", "--replace", "--trust-issuer",
                       stdin="s3cret\n")
    assert trusted.code == 0 and "Copies you sign show as trusted on this computer (Your anchor: Newsroom CA)." \
        in trusted.out
