"""cli/certificate_request_cmd.py: `trustnxt identity csr` and `trustnxt identity import-chain`, with the real
keyring holding the request's key passphrase and a throwaway CA answering the request."""

from __future__ import annotations

import json
from pathlib import Path

from cryptography import x509
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from tests.cli.conftest import Trustnxt
from tests.issuing_ca import IssuingCA
from trustnxt_desktop.domain.secrets import SecretStore


def test_request_then_import_the_issued_chain(trustnxt: Trustnxt, secret_store: SecretStore, home: Path,
                                              tmp_path: Path) -> None:
    out = tmp_path / "me.csr"
    made = trustnxt("identity", "csr", "--out", out, "--name", "Ana Lima", "--org", "Diário do Sul", "--email",
                    "ana@example.org", "--country", "br")
    assert made.code == 0, made.err
    assert made.out.startswith("Made a certificate request for “Ana Lima” (ES256, ")
    assert "C2PA claim signing, e-mail protection and document signing" in made.out
    request = x509.load_pem_x509_csr(out.read_bytes())
    assert request.subject.get_attributes_for_oid(NameOID.COUNTRY_NAME)[0].value == "BR"

    again = trustnxt("identity", "csr")  # still waiting: the same request, printed
    assert again.code == 0 and again.out == out.read_text() and "Still waiting for its CA" in again.err
    refused = trustnxt("identity", "csr", "--out", out)
    assert refused.code == 2 and "exists already" in refused.err

    ca = IssuingCA()
    chain = tmp_path / "issued.pem"
    chain.write_bytes(ca.chain_pem(ca.answer(out.read_bytes())))
    checked = trustnxt("identity", "import-chain", chain, "--check")
    assert checked.code == 0, checked.err
    assert checked.out.splitlines()[0].startswith("Certificate for “Ana Lima”, issued by “Press Photo Root CA — "
                                                  "issuing”, valid until ")
    assert "intact but not trusted: the root “Press Photo Root CA” is neither on the official C2PA trust list (" \
        in checked.out
    assert trustnxt("identity", "show").out.startswith("No signing identity yet")  # --check imported nothing

    imported = trustnxt("identity", "import-chain", chain)
    assert imported.code == 0, imported.err
    assert "Now signing as “Ana Lima”, issued by " in imported.out
    shown = json.loads(trustnxt("identity", "show", "--json").out)
    assert shown["kind"] == "imported" and shown["display_name"] == "Ana Lima"
    assert not (home / "certificate-request").exists()
    gone = trustnxt("identity", "import-chain", chain, "--replace")
    assert gone.code == 3 and "no pending certificate request" in gone.err


def test_a_chain_validators_would_reject_is_not_imported(trustnxt: Trustnxt, secret_store: SecretStore,
                                                         tmp_path: Path) -> None:
    out = tmp_path / "me.csr"
    assert trustnxt("identity", "csr", "--out", out, "--name", "Ana Lima").code == 0
    ca = IssuingCA()
    chain = tmp_path / "issued.pem"
    chain.write_bytes(ca.chain_pem(ca.answer(out.read_bytes(), eku=[ExtendedKeyUsageOID.CODE_SIGNING])))
    ran = trustnxt("identity", "import-chain", chain, "--json")
    assert ran.code == 4 and "nothing was imported" in ran.err
    said = json.loads(ran.out)
    assert said["usable"] is False and any("none of the purposes" in p for p in said["problems"])
    assert trustnxt("identity", "show").out.startswith("No signing identity yet")


def test_replacing_the_identity_in_use_is_asked_for(trustnxt: Trustnxt, secret_store: SecretStore,
                                                    tmp_path: Path) -> None:
    assert trustnxt("identity", "create", "--name", "Local Me").code == 0
    out = tmp_path / "me.csr"
    assert trustnxt("identity", "csr", "--out", out, "--name", "Ana Lima", "--algorithm", "ES384").code == 0
    ca = IssuingCA()
    chain = tmp_path / "issued.pem"
    chain.write_bytes(ca.chain_pem(ca.answer(out.read_bytes())))
    kept = trustnxt("identity", "import-chain", chain)
    assert kept.code == 3 and "Pass --replace" in kept.err
    assert trustnxt("identity", "import-chain", chain, "--replace").code == 0
    assert json.loads(trustnxt("identity", "show", "--json").out)["algorithm"] == "ES384"


def test_discard_and_a_new_request(trustnxt: Trustnxt, secret_store: SecretStore, home: Path) -> None:
    first = trustnxt("identity", "csr", "--name", "Ana Lima")
    second = trustnxt("identity", "csr", "--new", "--name", "Ana Lima")
    assert first.code == second.code == 0 and first.out != second.out
    assert trustnxt("identity", "csr", "--discard").out.startswith("The waiting certificate request and its key")
    assert not (home / "certificate-request").exists()
    bad = trustnxt("identity", "csr", "--name", "Ana", "--country", "Brazil")
    assert bad.code != 0 and "two-letter" in bad.err
