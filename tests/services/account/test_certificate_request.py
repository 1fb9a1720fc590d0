"""services/account/certificate_request.py: before an issued chain is imported, whether copies signed with it would
be trusted under the official C2PA trust list, under another source in force, or not at all."""

from __future__ import annotations

from pathlib import Path

import pytest
from cryptography.x509.oid import ExtendedKeyUsageOID

from tests.issuing_ca import IssuingCA
from trustnxt_desktop.domain.secrets import SecretStore
from trustnxt_desktop.engine.csr import CLAIM_SIGNING, Subject
from trustnxt_desktop.engine.csr_store import RequestStore
from trustnxt_desktop.engine.trust import TrustSource
from trustnxt_desktop.services.account.certificate_request import CertificateRequests, preview
from trustnxt_desktop.services.trust.sources import AnchorStore


@pytest.fixture
def ca() -> IssuingCA:
    return IssuingCA()


def _issued(home: Path, secrets: SecretStore, issuer: IssuingCA, **answer: object) -> bytes:
    store = RequestStore(home, secrets)
    store.create(Subject("Ana Lima", "Diário do Sul"))
    return issuer.chain_pem(issuer.answer(store.request_pem(), **answer))  # type: ignore[arg-type]  # the CA's options


async def test_with_the_shipped_lists_a_private_ca_is_trusted_nowhere(home: Path, secret_store: SecretStore,
                                                                      ca: IssuingCA, tmp_path: Path) -> None:
    chain = tmp_path / "issued.pem"
    chain.write_bytes(_issued(home, secret_store, ca))
    seen = await CertificateRequests(home, secret_store).preview(chain)
    assert seen.usable and seen.subject == "Ana Lima" and seen.issuer == "Press Photo Root CA — issuing"
    assert seen.root == "Press Photo Root CA"
    assert seen.official_list is not None and seen.official_list.startswith("C2PA trust list (")
    assert not seen.official and seen.trusted_by == ()
    assert seen.verdict() == (f"Copies you sign would show as intact but not trusted: the root “Press Photo Root CA” "
                              f"is neither on the official {seen.official_list} nor among the certificates you "
                              "trust here.")

    AnchorStore(home).add("Press Photo", ca.root_pem())
    trusted_here = await CertificateRequests(home, secret_store).preview(chain)
    assert trusted_here.trusted_by == ("Your anchor: Press Photo",) and not trusted_here.official
    assert trusted_here.verdict().startswith("Copies you sign would show as trusted on this computer (Your anchor: "
                                             "Press Photo), but not under the official C2PA trust list (")


def test_a_root_on_the_official_list_is_said_so(home: Path, secret_store: SecretStore, ca: IssuingCA) -> None:
    issued = RequestStore(home, secret_store).check_chain(_issued(home, secret_store, ca))
    official = TrustSource("C2PA trust list (2026-08-21)", anchors_pem=ca.root_pem().decode(), kind="trust-list")
    tsa = TrustSource("C2PA TSA trust list (2026-08-21)", anchors_pem=ca.root_pem().decode(), kind="tsa-list")
    seen = preview(issued, (tsa, official))
    assert seen.official and seen.trusted_by == ("C2PA trust list (2026-08-21)",)  # a TSA list trusts no signer
    assert seen.verdict().startswith("Copies you sign would be trusted under the official C2PA trust list "
                                     "(2026-08-21): anyone who checks them")


def test_a_list_that_names_its_purposes_needs_one_of_them(home: Path, secret_store: SecretStore,
                                                          ca: IssuingCA) -> None:
    issued = RequestStore(home, secret_store).check_chain(_issued(home, secret_store, ca, eku=[CLAIM_SIGNING]))
    interim = TrustSource("Interim trust list (2025-08-28)", anchors_pem=ca.root_pem().decode(), kind="trust-list",
                          trust_config="//id-kp-emailProtection\n1.3.6.1.5.5.7.3.4\n")
    assert preview(issued, (interim,)).trusted_by == ()
    with_email = RequestStore(home / "b", secret_store).check_chain(
        _issued(home / "b", secret_store, ca, eku=[ExtendedKeyUsageOID.EMAIL_PROTECTION]))
    assert preview(with_email, (interim,)).trusted_by == ("Interim trust list (2025-08-28)",)


def test_problems_are_part_of_the_preview(home: Path, secret_store: SecretStore, ca: IssuingCA) -> None:
    issued = RequestStore(home, secret_store).check_chain(_issued(home, secret_store, ca, ca=True))
    seen = preview(issued, ())
    assert not seen.usable and any("CA certificate" in p for p in seen.problems)
