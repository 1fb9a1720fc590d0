"""engine/cawg_trust.py: an X.509 identity's certificate read from the file (e-mail, web site, issuing CA,
validity), the trust list that could accept it, and its trust status from the validator that can judge it."""

from __future__ import annotations

import io
import json
from typing import Any

import c2pa
from cryptography import x509
from cryptography.x509.oid import ExtendedKeyUsageOID

from tests.c2pa_signing import manifest
from tests.certs import TestCA
from tests.conftest import CORPUS
from tests.expect import present
from trustnxt_desktop.domain.attribution import ICA, X509, X509_NO_SECOND_NOTE
from trustnxt_desktop.domain.report import IdentityAssertion, Verdict
from trustnxt_desktop.engine import attribution, cawg_trust
from trustnxt_desktop.engine.certs import DOCUMENT_SIGNING
from trustnxt_desktop.engine.identity_assertion import PemSigner, sign_with_x509_identity
from trustnxt_desktop.engine.trust import TrustConfig, TrustSource

SOURCE = CORPUS / "media" / "no_manifest.jpg"
NAMES: list[x509.GeneralName] = [x509.RFC822Name("ana@diario.example"),
                                 x509.UniformResourceIdentifier("https://ana.example/")]
JUDGE = "encypher-c2pa 1.7.1"


def _signed(ca: TestCA) -> bytes:
    chain, key = ca.issue("Ana Lima", eku=[ExtendedKeyUsageOID.EMAIL_PROTECTION, DOCUMENT_SIGNING], names=NAMES)
    signer = PemSigner("es256", chain.decode(), key.decode())
    out = io.BytesIO()
    with open(SOURCE, "rb") as src:
        sign_with_x509_identity(manifest(), "image/jpeg", src, out, claim_signer=signer, identity_signer=signer,
                                settings={"builder": {"thumbnail": {"enabled": False}}})
    return out.getvalue()


def _read(signed: bytes) -> tuple[dict[str, Any], dict[str, Any]]:
    """(c2pa's manifest store JSON, its detailed JSON) of the signed bytes, nothing trusted."""
    context = c2pa.Context.from_dict({"verify": {"remote_manifest_fetch": False}})
    with c2pa.Reader("image/jpeg", io.BytesIO(signed), context=context) as reader:
        return json.loads(reader.json()), json.loads(reader.detailed_json())


def _identities(store: dict[str, Any]) -> list[IdentityAssertion]:
    return attribution.identities(store["manifests"][store["active_manifest"]], store["validation_results"])


def test_the_certificate_states_who_vouched_and_which_list_could_accept_it() -> None:
    ca, other = TestCA("Identity Test CA"), TestCA("Unrelated CA")
    store, detailed = _read(_signed(ca))
    chains = cawg_trust.identity_chains(detailed)
    assert list(chains) == ["cawg.identity"] and len(chains["cawg.identity"]) == 2  # leaf, then its CA
    identities = _identities(store)
    trust = TrustConfig(sources=(TrustSource("Unrelated list", anchors_pem=other.pem),
                                 TrustSource("Newsroom list", anchors_pem=ca.pem)))
    cawg_trust.describe(identities, chains, trust)
    [a] = identities
    assert a.emails == ["ana@diario.example"] and a.websites == ["https://ana.example/"]
    assert a.verified_by == "Identity Test CA · Verdict Tests"
    assert a.verified_at and a.valid_until and a.verified_at < a.valid_until
    assert a.trust_source == "Newsroom list"  # the only one of the two whose anchor issued the certificate


def test_no_list_could_accept_a_certificate_no_anchor_issued() -> None:
    store, detailed = _read(_signed(TestCA()))
    identities = _identities(store)
    cawg_trust.describe(identities, cawg_trust.identity_chains(detailed),
                        TrustConfig(sources=(TrustSource("Unrelated list", anchors_pem=TestCA("Other").pem),)))
    assert identities[0].trust_source is None and identities[0].emails == ["ana@diario.example"]


def test_a_signature_that_does_not_decode_is_left_out() -> None:
    detailed = {"active_manifest": "m", "manifests": {"m": {"assertion_store": {
        "cawg.identity": {"signature": "not base64!"}, "cawg.identity__1": {"signature": [1, 2, 3]},
        "c2pa.actions.v2": {"signature": "AAAA"}}}}}
    assert cawg_trust.identity_chains(detailed) == {}
    assert cawg_trust.identity_chains(None) == {}


def _x509(status: Verdict = Verdict.VALID, source: str | None = "Newsroom list") -> IdentityAssertion:
    return IdentityAssertion(label="cawg.identity", sig_type=X509, status=status, status_detail="c2pa-rs says",
                             trust_source=source, codes=["cawg.x509.credential.untrusted"])


def test_the_second_validator_decides_the_trust_and_names_the_list() -> None:
    a = _x509()
    cawg_trust.decide([a], {"cawg.identity": {"success": ["cawg.x509.credential.trusted", "cawg.identity.trusted"],
                                              "informational": ["cawg.x509.ocsp.skipped"]}}, JUDGE)
    assert a.status is Verdict.TRUSTED and a.trust_source == "Newsroom list" and a.trust_judged_by == JUDGE
    assert "“Newsroom list”" in a.status_detail and "c2pa-rs 0.91" in a.status_detail and JUDGE in a.status_detail
    assert "encypher-c2pa:cawg.x509.credential.trusted" in a.codes and "cawg.x509.credential.untrusted" in a.codes


def test_a_certificate_the_second_validator_does_not_trust_names_no_list() -> None:
    a = _x509()
    cawg_trust.decide([a], {"cawg.identity": {"failure": ["cawg.x509.credential.untrusted"]}}, JUDGE)
    assert a.status is Verdict.VALID and a.trust_source is None and "does not chain" in a.status_detail


def test_a_broken_identity_fails_whoever_found_it() -> None:
    a = _x509()
    cawg_trust.decide([a], {"cawg.identity": {"failure": ["cawg.identity.assertion.mismatch"]}}, JUDGE)
    assert a.status is Verdict.INVALID and a.trust_source is None and f"found by {JUDGE}" in a.status_detail
    # c2pa-rs's own failure stands whatever the second validator says
    b = _x509(Verdict.INVALID)
    cawg_trust.decide([b], {"cawg.identity": {"success": ["cawg.x509.credential.trusted"]}}, JUDGE)
    assert b.status is Verdict.INVALID and b.trust_source is None and present(b.trust_judged_by).startswith("c2pa-rs")


def test_without_the_second_validator_the_main_one_judges_and_says_how_to_get_a_judgement() -> None:
    a = _x509()
    cawg_trust.decide([a], None, None)
    assert a.status is Verdict.VALID and a.trust_source is None and a.status_detail.endswith(X509_NO_SECOND_NOTE)
    assert a.trust_judged_by == cawg_trust.primary_judge()


def test_an_aggregated_identity_keeps_the_main_validators_judgement() -> None:
    a = IdentityAssertion(label="cawg.identity", sig_type=ICA, status=Verdict.VALID, status_detail="untrusted issuer",
                          issuer="did:web:id.example")
    cawg_trust.decide([a], {"cawg.identity": {"success": ["cawg.ica.credential_valid"]}}, JUDGE)
    assert a.status is Verdict.VALID and a.status_detail == "untrusted issuer"
    assert a.trust_judged_by == cawg_trust.primary_judge()
