"""engine/identity_assertion.py: a manifest whose claim one certificate signs and whose `cawg.identity`
assertion (CAWG identity assertion 1.1, §8.2) another signs, written by c2pa-rs from context settings."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import c2pa
import pytest
from cryptography.x509 import ObjectIdentifier

from tests.c2pa_signing import manifest
from tests.certs import TestCA
from tests.conftest import CORPUS
from trustnxt_desktop.engine import identity_assertion
from trustnxt_desktop.engine.identity_assertion import DOCUMENT_SIGNING_EKU, PemSigner, sign_with_x509_identity

SOURCE = CORPUS / "media" / "no_manifest.jpg"


def _pem(credentials: tuple[bytes, bytes], tsa_url: str | None = None) -> PemSigner:
    return PemSigner("ES256", credentials[0].decode(), credentials[1].decode(), tsa_url)


def _sign(ca: TestCA, **kwargs: Any) -> tuple[bytes, bytes]:
    out = io.BytesIO()
    with open(SOURCE, "rb") as src:
        store = sign_with_x509_identity(
            manifest(), "image/jpeg", src, out, claim_signer=_pem(ca.issue("Claim Signer")),
            identity_signer=_pem(ca.issue("Ana Lima", eku=ObjectIdentifier(DOCUMENT_SIGNING_EKU))), **kwargs)
    return out.getvalue(), store


def _active(signed: bytes) -> dict[str, Any]:
    context = c2pa.Context.from_dict({"verify": {"remote_manifest_fetch": False}})
    with c2pa.Reader("image/jpeg", io.BytesIO(signed), context=context) as reader:
        store = json.loads(reader.json())
    active: dict[str, Any] = store["manifests"][store["active_manifest"]]
    return active


def test_the_claim_and_the_identity_assertion_are_signed_by_their_own_certificates() -> None:
    signed, store = _sign(TestCA(), settings={"builder": {"thumbnail": {"enabled": False}}})
    assert store and len(signed) > SOURCE.stat().st_size
    active = _active(signed)
    assert active["signature_info"]["common_name"] == "Claim Signer"
    labels = [a["label"] for a in active["assertions"]]
    assert "cawg.identity" in labels and "c2pa.actions.v2" in labels
    identity = next(a["data"] for a in active["assertions"] if a["label"] == "cawg.identity")
    assert identity["signer_payload"]["sig_type"] == "cawg.x509.cose"
    referenced = [r["url"].rsplit("/", 1)[-1] for r in identity["signer_payload"]["referenced_assertions"]]
    assert referenced == ["c2pa.actions.v2", "c2pa.hash.data"]  # the hard binding is always added (§5.1)
    # The further settings were merged under the two signers: no thumbnail was made.
    assert "thumbnail" not in active and not any(a["label"].startswith("c2pa.thumbnail") for a in active["assertions"])


def test_without_further_settings_c2pa_makes_its_default_thumbnail() -> None:
    signed, _ = _sign(TestCA())
    assert "thumbnail" in _active(signed)


def test_a_plain_actions_reference_is_refused_before_anything_is_signed() -> None:
    out = io.BytesIO()
    ca = TestCA()
    with pytest.raises(ValueError, match=r"c2pa\.actions\.v2"), open(SOURCE, "rb") as src:
        sign_with_x509_identity(manifest(), "image/jpeg", src, out, claim_signer=_pem(ca.issue("Claim")),
                                identity_signer=_pem(ca.issue("Ana")), referenced_assertions=("c2pa.actions",))
    assert out.getvalue() == b""


def test_c2pa_refusing_the_claim_certificate_raises_its_error() -> None:
    ca = TestCA()
    chain, _ = ca.issue("Claim Signer")
    _, other_key = ca.issue("Someone else")  # the key does not belong to the certificate
    bad = PemSigner("es256", chain.decode(), other_key.decode())
    with pytest.raises(c2pa.C2paError), open(SOURCE, "rb") as src:
        sign_with_x509_identity(manifest(), "image/jpeg", src, io.BytesIO(), claim_signer=bad,
                                identity_signer=_pem(ca.issue("Ana", eku=ObjectIdentifier(DOCUMENT_SIGNING_EKU))))


def test_pem_signer_settings_and_repr_keep_the_key_out_of_sight(tmp_path: Path) -> None:
    signer = PemSigner("ES384", "CHAIN", "KEY-SECRET", "http://127.0.0.1:9/tsa")
    assert signer.settings() == {"alg": "es384", "sign_cert": "CHAIN", "private_key": "KEY-SECRET",
                                 "tsa_url": "http://127.0.0.1:9/tsa"}
    assert "tsa_url" not in PemSigner("es256", "C", "K").settings()
    assert "KEY-SECRET" not in repr(signer)


def test_a_wrapper_that_no_longer_has_the_flag_is_reported_not_silently_ignored() -> None:
    class NewerBuilder:
        pass

    with pytest.raises(RuntimeError, match="identity_assertion.py needs updating"):
        identity_assertion._tell_builder_the_context_signs(NewerBuilder())
