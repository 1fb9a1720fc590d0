"""Sign a manifest that carries a CAWG identity assertion made with an X.509 certificate.

The CAWG identity assertion (`cawg.identity`, CAWG identity assertion 1.1, §8.2 "X.509 certificates
and COSE signatures") is a second signature, by a named actor such as a photographer, over a
`signer_payload` that lists hashed references to assertions of the same claim (at least its hard
binding, §5.1). Those hashes only exist while the claim is being built, so the identity assertion
cannot be prepared beforehand: c2pa-rs writes it itself when its context settings name both a claim
signer (`signer`) and an identity signer (`cawg_x509_signer`), both local, i.e. given as PEM.

c2pa-python 0.38.1 (c2pa-rs 0.91.3) has no public way to do this:
- the identity signer exists only as settings, and the claim signer must be settings too (a `Signer`
  object given to the context signs the claim alone: no identity assertion is written); but
  `Builder.sign` without a signer argument refuses ("No signer provided") unless the context was
  created with a `Signer` object: the wrapper does not know that settings can name one.
  `_tell_builder_the_context_signs` sets that one private flag; it is the only reach into the
  wrapper's internals.
- the assertions to vouch for must be named by their exact label; c2pa-rs writes `c2pa.actions.v2`
  (a plain `c2pa.actions` entry is silently ignored), and it always adds the hard binding.

Nothing here fetches anything, unless a TSA URL is given.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, BinaryIO

from .certs import DOCUMENT_SIGNING

if TYPE_CHECKING:  # loaded when a manifest is built: a process that reads identities never needs it
    from .c2pa_loader import c2pa

DOCUMENT_SIGNING_EKU = DOCUMENT_SIGNING.dotted_string  # id-kp-documentSigning (RFC 9336), what CAWG X.509 signers carry


@dataclass(frozen=True)
class PemSigner:
    """A local signer as c2pa-rs settings describe one: alg ("es256", "es384", "es512", "ps256", "ps384",
    "ps512", "ed25519"), certificate chain (leaf first, PEM) and PKCS#8 private key (PEM)."""

    alg: str
    chain_pem: str
    key_pem: str = field(repr=False)
    tsa_url: str | None = None

    def settings(self) -> dict[str, Any]:
        local: dict[str, Any] = {"alg": self.alg.lower(), "sign_cert": self.chain_pem, "private_key": self.key_pem}
        if self.tsa_url:
            local["tsa_url"] = self.tsa_url
        return local


@contextlib.contextmanager
def x509_identity_builder(definition: Mapping[str, Any], *, claim_signer: PemSigner, identity_signer: PemSigner,
                          referenced_assertions: Sequence[str] = ("c2pa.actions.v2",),
                          settings: Mapping[str, Any] | None = None) -> Iterator[c2pa.Builder]:
    """A c2pa Builder for `definition` (a c2pa manifest definition) whose `sign(media_type, source, dest)`,
    called without a signer, signs the claim with `claim_signer` and writes a `cawg.identity` assertion
    signed by `identity_signer` vouching for `referenced_assertions` (labels) and the hard binding. The
    caller may add resources and ingredients first. Closed (with its context) on leaving the block.

    `settings`: further c2pa context settings (e.g. builder.thumbnail), merged under the two signers.
    Raises ValueError for a plain `c2pa.actions` reference (c2pa-rs would drop it without a word),
    RuntimeError when the c2pa-python wrapper changed (see _tell_builder_the_context_signs).
    """
    if "c2pa.actions" in referenced_assertions:
        raise ValueError("c2pa-rs writes actions as c2pa.actions.v2; a reference to c2pa.actions would be ignored")
    from .c2pa_loader import c2pa

    identity = {**identity_signer.settings(), "referenced_assertions": list(referenced_assertions)}
    context = c2pa.Context.from_dict({**(settings or {}), "signer": {"local": claim_signer.settings()},
                                      "cawg_x509_signer": {"local": identity}})
    try:
        builder = c2pa.Builder(dict(definition), context=context)
        try:
            _tell_builder_the_context_signs(builder)
            yield builder
        finally:
            builder.close()
    finally:
        context.close()


def sign_with_x509_identity(definition: Mapping[str, Any], media_type: str, source: BinaryIO, dest: BinaryIO, *,
                            claim_signer: PemSigner, identity_signer: PemSigner,
                            referenced_assertions: Sequence[str] = ("c2pa.actions.v2",),
                            settings: Mapping[str, Any] | None = None) -> bytes:
    """Sign `source` into `dest` with a manifest built from `definition`, through x509_identity_builder
    (same arguments and errors). Returns the manifest store bytes; c2pa.C2paError when c2pa refuses to
    sign (e.g. a certificate without the key usage it requires)."""
    with x509_identity_builder(definition, claim_signer=claim_signer, identity_signer=identity_signer,
                               referenced_assertions=referenced_assertions, settings=settings) as builder:
        manifest_bytes: bytes = builder.sign(media_type, source, dest)
        return manifest_bytes


def _tell_builder_the_context_signs(builder: c2pa.Builder) -> None:
    """c2pa-python 0.38.1 only lets a context sign when the context was given a Signer object (see the
    module docstring); the settings' own signer is just as able to."""
    if not hasattr(builder, "_has_context_signer"):
        from .c2pa_loader import c2pa

        raise RuntimeError(f"c2pa-python {c2pa.__version__} changed how a builder learns that its context signs; "
                           "engine/identity_assertion.py needs updating")
    builder._has_context_signer = True
