"""CAWG identity assertions (CAWG identity assertion 1.1) made here, for tests.

X.509 (§8.2): `sign_x509_identity()` signs a file whose claim and whose identity assertion are signed by
two certificates of one test CA, through engine.identity_assertion (c2pa-rs writes the assertion).

Identity claims aggregation (§8.1): an identity claims aggregator (ICA) is a service that checked
someone's accounts and signs a W3C verifiable credential listing them (`verifiedIdentities`), together
with the `signer_payload` of the identity assertion (`c2paAsset`), as a COSE_Sign1 (content type
application/vc). Its key is named by the credential's `issuer`, a DID: did:jwk carries the key itself,
did:web says on which web site to fetch it.

c2pa-python 0.38.1 cannot sign an ICA assertion, and no correctly bound one can be produced here: the
`signer_payload` must hold the hashes of assertions of the same claim (at least its hard binding), and
c2pa-rs salts every assertion it writes, so those hashes exist only inside its own signing run. So:

- `ica_assertion()` / `sign_with_ica()`: a genuine ICA credential, signed here with Ed25519, that
  vouches for no assertion; signed into a file as an ordinary assertion, a validator checks its
  signature for real and reports `cawg.identity.hard_binding_missing` (not tied to the file).
- `decoded_ica()`: the manifest JSON and validation results of an intact ICA assertion as c2pa-rs 0.91
  reports one (the credential, without its signature, in place of the assertion's data), written from
  the specification, for what no file made here can show: an intact or trusted aggregator.
"""

from __future__ import annotations

import base64
import json
import struct
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.x509 import ObjectIdentifier

from tests.c2pa_signing import manifest, sign
from tests.certs import TestCA
from trustnxt_desktop.engine.identity_assertion import DOCUMENT_SIGNING_EKU, PemSigner, sign_with_x509_identity

ICA_SIG_TYPE = "cawg.identity_claims_aggregation"
VC_CONTEXTS = ["https://www.w3.org/ns/credentials/v2", "https://cawg.io/identity/1.1/ica/context/"]
VC_TYPES = ["VerifiableCredential", "IdentityClaimsAggregationCredential"]

# verifiedIdentities as §8.1.1.4 defines them: type, verifiedAt and provider {id, name} always; name for a
# document check, username for a social media account, address for a crypto wallet; uri where there is one.
VERIFIED_ACCOUNTS: list[dict[str, Any]] = [
    {"type": "cawg.document_verification", "name": "Ana Lima", "verifiedAt": "2026-03-02T09:15:00Z",
     "provider": {"id": "https://id-check.example", "name": "ID Check Example"}},
    {"type": "cawg.affiliation", "verifiedAt": "2026-03-02T09:20:00Z",
     "provider": {"id": "https://diario-do-sul.example", "name": "Diário do Sul"}},
    {"type": "cawg.social_media", "name": "Ana Lima", "username": "analima", "uri": "https://social.example/@analima",
     "verifiedAt": "2026-02-14T18:03:11Z", "provider": {"id": "https://social.example", "name": "Social Example"}},
    {"type": "cawg.crypto_wallet", "address": "0x4b1e5d7c0a9f23e6b8d1c4a7f0e3b6d9c2a5f8e1",
     "uri": "https://wallet.example/0x4b1e5d7c0a9f23e6b8d1c4a7f0e3b6d9c2a5f8e1", "verifiedAt": "2026-02-20T11:00:00Z",
     "provider": {"id": "https://wallet.example", "name": "Wallet Example"}},
]


def sign_x509_identity(source: Path, dest: Path, ca: TestCA, *, holder: str = "Ana Lima",
                       references: tuple[str, ...] = ("c2pa.actions.v2",)) -> Path:
    """`source` (a JPEG) with a manifest whose claim "Claim Signer" signed and whose cawg.identity assertion
    `holder` signed, both certificates issued by `ca` (the holder's with the document-signing EKU that
    CAWG X.509 signers carry). Raises what sign_with_x509_identity raises."""
    def pem(credentials: tuple[bytes, bytes]) -> PemSigner:
        return PemSigner("es256", credentials[0].decode(), credentials[1].decode())

    identity = pem(ca.issue(holder, eku=ObjectIdentifier(DOCUMENT_SIGNING_EKU)))
    with open(source, "rb") as src, open(dest, "wb") as out:
        sign_with_x509_identity(manifest(), "image/jpeg", src, out, claim_signer=pem(ca.issue("Claim Signer")),
                                identity_signer=identity, referenced_assertions=references,
                                settings={"builder": {"thumbnail": {"enabled": False}}})
    return dest


def cbor(value: Any) -> bytes:
    """Deterministic CBOR (RFC 8949 §4.2) of ints, bytes, str, lists, dicts and ("tag", n, value)."""
    def head(major: int, n: int) -> bytes:
        if n < 24:
            return bytes([major << 5 | n])
        for extra, fmt in ((24, ">B"), (25, ">H"), (26, ">I"), (27, ">Q")):
            if n < 1 << (8 * struct.calcsize(fmt)):
                return bytes([major << 5 | extra]) + struct.pack(fmt, n)
        raise ValueError(n)

    if isinstance(value, bool):
        return b"\xf5" if value else b"\xf4"
    if isinstance(value, int):
        return head(0, value) if value >= 0 else head(1, -1 - value)
    if isinstance(value, bytes):
        return head(2, len(value)) + value
    if isinstance(value, str):
        return head(3, len(value.encode())) + value.encode()
    if isinstance(value, list):
        return head(4, len(value)) + b"".join(cbor(v) for v in value)
    if isinstance(value, dict):
        return head(5, len(value)) + b"".join(cbor(k) + cbor(v) for k, v in value.items())
    if isinstance(value, tuple) and value[0] == "tag":
        return head(6, value[1]) + cbor(value[2])
    raise TypeError(type(value))


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def did_jwk(key: Ed25519PrivateKey) -> str:
    """did:jwk of an Ed25519 public key (the DID is the key, so nothing is fetched to check a signature)."""
    x = _b64url(key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw))
    return "did:jwk:" + _b64url(json.dumps({"alg": "EdDSA", "kty": "OKP", "crv": "Ed25519", "x": x},
                                           separators=(",", ":")).encode())


def ica_assertion(key: Ed25519PrivateKey, issuer: str, verified: list[dict[str, Any]] | None = None, *,
                  valid_from: str = "2026-03-02T09:30:00Z") -> dict[str, Any]:
    """A `cawg.identity` assertion for a manifest definition: an ICA credential by `issuer`, signed with
    `key` (COSE_Sign1, EdDSA), whose signer_payload references no assertion (see the module docstring).

    The assertion data goes through c2pa's JSON-to-CBOR conversion, which has no byte strings: the
    signature is given as a list of byte values, which c2pa-rs reads back as bytes."""
    payload = {"referenced_assertions": [], "sig_type": ICA_SIG_TYPE}
    credential = {"@context": VC_CONTEXTS, "type": VC_TYPES, "issuer": issuer, "validFrom": valid_from,
                  "credentialSubject": {"verifiedIdentities": verified or VERIFIED_ACCOUNTS, "c2paAsset": payload}}
    body = json.dumps(credential).encode()
    protected = cbor({1: -8, 3: "application/vc"})  # alg EdDSA, content type (RFC 9052 §3.1)
    signature = key.sign(cbor(["Signature1", protected, b"", body]))  # Sig_structure (RFC 9052 §4.4)
    sign1 = cbor(("tag", 18, [protected, {}, body, signature]))
    return {"label": "cawg.identity", "data": {"signer_payload": payload, "signature": list(sign1), "pad1": []}}


def sign_with_ica(source: Path, dest: Path, issuer: str | None = None, verified: list[dict[str, Any]] | None = None,
                  key: Ed25519PrivateKey | None = None) -> Path:
    """`source` (a JPEG) signed by a fresh test CA's "Claim Signer" with an ICA identity assertion signed
    with `key` (a fresh one by default); the issuer is that key's did:jwk unless given."""
    key = key or Ed25519PrivateKey.generate()
    ca = TestCA("Claim Test CA")
    signed, _store = sign(source, manifest(assertions=[ica_assertion(key, issuer or did_jwk(key), verified)]),
                          ca.issue("Claim Signer"))
    dest.write_bytes(signed)
    return dest


def decoded_ica(issuer: str, verified: list[dict[str, Any]] | None = None, *,
                codes: tuple[tuple[str, str], ...] = (("informational", "cawg.ica.untrusted_issuer"),),
                label: str = "cawg.identity") -> tuple[dict[str, Any], dict[str, Any]]:
    """(active manifest, validation_results) as c2pa-rs 0.91 reports a manifest holding an intact ICA
    identity assertion: the assertion's data is the credential's summary (@context, type, issuer,
    validFrom, verifiedIdentities, c2paAsset with base64 hashes), and each (kind, code) about it has the
    assertion's JUMBF address. The default code: the aggregator is not one you trust."""
    manifest_label = "urn:c2pa:5e1f2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b"
    url = f"self#jumbf=/c2pa/{manifest_label}/c2pa.assertions/{label}"
    data = {"@context": VC_CONTEXTS, "type": VC_TYPES, "issuer": issuer, "validFrom": "2026-03-02T09:30:00Z",
            "verifiedIdentities": verified or VERIFIED_ACCOUNTS,
            "c2paAsset": {"referenced_assertions": [
                {"url": "self#jumbf=c2pa.assertions/c2pa.actions.v2",
                 "hash": "4v3xJ0o0cZ2Yh1fM7m1b2V9qk5s8d3Wc6pQe0rT2uYw="},
                {"url": "self#jumbf=c2pa.assertions/c2pa.hash.data",
                 "hash": "n0Jf8hK2rQ6pT9wX3zV5bY7cA1dE4gH8jL2mN6qR0sU="}],
                "sig_type": ICA_SIG_TYPE}}
    manifest_json = {"label": manifest_label, "assertions": [
        {"label": "c2pa.actions.v2", "data": {"actions": [{"action": "c2pa.created"}]}},
        {"label": label, "data": data}]}
    results: dict[str, Any] = {"success": [], "informational": [], "failure": []}
    results["success"].append({"code": "assertion.hashedURI.match", "url": url,
                               "explanation": f"hashed uri matched: self#jumbf=c2pa.assertions/{label}"})
    for kind, code in codes:
        results[kind].append({"code": code, "url": url})
    return manifest_json, {"activeManifest": results}
