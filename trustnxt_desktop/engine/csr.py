"""A certificate signing request for a CA-issued C2PA signing certificate, and the chain the CA sends back.

The key pair is made here and never leaves this computer: the request (PKCS#10, RFC 2986) carries the public
key, the subject and the extensions asked for; the private key waits, encrypted with a random passphrase kept
only in the OS keyring, until the issued certificate is imported (services.account.certificate_request).

What is asked for, and why (C2PA Technical Specification 2.2, §14.5.1 "Certificate profile"; §14.4.1 for what
validators accept):
- Key Usage, critical: digitalSignature (required by §14.5.1) and nonRepudiation (contentCommitment), which
  PAdES validators such as pyHanko expect by default of a certificate that signs PDF evidence reports;
- Extended Key Usage: c2pa-kp-claimSigning (1.3.6.1.4.1.62558.2.1; the C2PA Certificate Policy's purpose, which
  puts the certificate within the C2PA trust list's scope), id-kp-emailProtection (RFC 5280; the purpose c2pa-rs
  accepts without a trust configuration) and id-kp-documentSigning (RFC 9336; CAWG X.509 identity assertions,
  CAWG identity assertion 1.1 §8.2). Never anyExtendedKeyUsage, which §14.5.1 forbids;
- Basic Constraints CA:FALSE, and the e-mail address as a subject alternative name (rfc822Name) when given.
A CA decides what it finally issues: `profile_problems` checks the certificate that comes back.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs7
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from . import certs

# c2pa-kp-claimSigning: the C2PA Certificate Policy's extended key usage (C2PA 2.2 §14.4.1).
CLAIM_SIGNING = x509.ObjectIdentifier("1.3.6.1.4.1.62558.2.1")
REQUESTED_EKUS: tuple[x509.ObjectIdentifier, ...] = (CLAIM_SIGNING, ExtendedKeyUsageOID.EMAIL_PROTECTION,
                                                     certs.DOCUMENT_SIGNING)
# The purposes C2PA validators accept for a claim signer without a trust configuration of their own (§14.4.1).
C2PA_EKUS = frozenset(REQUESTED_EKUS)
ALGORITHMS = ("ES256", "ES384", "PS256")  # the keys a request can be made for; ES256 unless asked otherwise
EKU_NAMES = {CLAIM_SIGNING: "C2PA claim signing", ExtendedKeyUsageOID.EMAIL_PROTECTION: "e-mail protection",
             certs.DOCUMENT_SIGNING: "document signing"}

RequestKey = ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey


@dataclass(frozen=True)
class Subject:
    """Who the certificate is for. `country`: ISO 3166 two-letter code; `email`: goes into the subject
    alternative name, where S/MIME and C2PA validators look for it."""

    common_name: str
    organisation: str = ""
    country: str = ""
    email: str = ""

    def checked(self) -> Subject:
        """This subject with surrounding blanks removed; raises ValueError naming the field that cannot be used."""
        name, org = self.common_name.strip(), self.organisation.strip()
        country, email = self.country.strip().upper(), self.email.strip()
        if not name:
            raise ValueError("The certificate needs a name (its common name).")
        if len(name) > 64 or len(org) > 64:
            raise ValueError("A name or organisation can be at most 64 characters long (RFC 5280).")
        if country and (len(country) != 2 or not country.isascii() or not country.isalpha()):
            raise ValueError("The country is a two-letter code such as DE, FR or US.")
        if email and ("@" not in email or not email.isascii() or any(c.isspace() for c in email)):
            raise ValueError("The e-mail address is not one a certificate can carry.")
        return Subject(name, org, country, email)

    def name(self) -> x509.Name:
        attrs = [x509.NameAttribute(NameOID.COMMON_NAME, self.common_name)]
        if self.organisation:
            attrs.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, self.organisation))
        if self.country:
            attrs.append(x509.NameAttribute(NameOID.COUNTRY_NAME, self.country))
        return x509.Name(attrs)


def new_key(algorithm: str = "ES256") -> RequestKey:
    """A fresh key for `algorithm` (one of ALGORITHMS: P-256, P-384 or RSA 3072); ValueError for another."""
    if algorithm == "ES256":
        return ec.generate_private_key(ec.SECP256R1())
    if algorithm == "ES384":
        return ec.generate_private_key(ec.SECP384R1())
    if algorithm == "PS256":
        return rsa.generate_private_key(public_exponent=65537, key_size=3072)
    raise ValueError(f"unsupported algorithm {algorithm!r}: choose one of {', '.join(ALGORITHMS)}")


def build_request(key: RequestKey, subject: Subject) -> x509.CertificateSigningRequest:
    """The PKCS#10 request for `subject`'s C2PA signing certificate (extensions: see the module's docstring),
    signed with `key` (SHA-384 for a P-384 key, else SHA-256). Raises ValueError for an unusable subject."""
    subject = subject.checked()
    builder = (x509.CertificateSigningRequestBuilder().subject_name(subject.name())
               .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
               .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True, key_encipherment=False,
                                            data_encipherment=False, key_agreement=False, key_cert_sign=False,
                                            crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
               .add_extension(x509.ExtendedKeyUsage(list(REQUESTED_EKUS)), critical=False))
    if subject.email:
        builder = builder.add_extension(x509.SubjectAlternativeName([x509.RFC822Name(subject.email)]), critical=False)
    digest = hashes.SHA384() if isinstance(key, ec.EllipticCurvePrivateKey) and key.key_size == 384 else hashes.SHA256()
    return builder.sign(key, digest)


def request_pem(request: x509.CertificateSigningRequest) -> str:
    return request.public_bytes(serialization.Encoding.PEM).decode("ascii")


def load_certificates(data: bytes) -> list[x509.Certificate]:
    """Every certificate in what a CA sends back: PEM (one or more), DER, or PKCS#7 (.p7b/.p7c, PEM or DER).
    Raises ValueError when the data holds none."""
    if b"-----BEGIN PKCS7-----" in data:
        return pkcs7.load_pem_pkcs7_certificates(data)
    if b"-----BEGIN CERTIFICATE-----" in data:
        return certs.load_pem_chain(data)
    for load in (lambda d: [x509.load_der_x509_certificate(d)], pkcs7.load_der_pkcs7_certificates):
        try:
            found = load(data)
        except ValueError:
            continue
        if found:
            return found
    raise ValueError("no certificate found (expected PEM, DER or PKCS#7)")


def _issued_by(cert: x509.Certificate, issuer: x509.Certificate) -> bool:
    if cert.issuer != issuer.subject:
        return False
    try:
        cert.verify_directly_issued_by(issuer)
    except Exception:  # noqa: BLE001 - InvalidSignature, ValueError or TypeError: not its issuer either way
        return False
    return True


def order_chain(found: list[x509.Certificate], leaf: x509.Certificate) -> list[x509.Certificate]:
    """`leaf` followed by its issuers in order, each the signer of the one before, as far as `found` goes;
    certificates that are not on this path (and duplicates) are left out. RFC 5280 §6.1 order."""
    chain = [leaf]
    rest = {certs.fingerprint(c): c for c in found if certs.fingerprint(c) != certs.fingerprint(leaf)}
    while True:
        top = chain[-1]
        if top.issuer == top.subject:
            return chain  # self-signed: the root
        issuer = next((c for fp, c in rest.items() if _issued_by(top, c)), None)
        if issuer is None:
            return chain
        chain.append(issuer)
        del rest[certs.fingerprint(issuer)]


def _extension(cert: x509.Certificate, kind: type[x509.ExtensionType]) -> x509.Extension[x509.ExtensionType] | None:
    try:
        return cert.extensions.get_extension_for_class(kind)
    except x509.ExtensionNotFound:
        return None


@dataclass(frozen=True)
class Profile:
    """How an issued signing certificate measures up: `problems` make C2PA validators reject its signatures
    (C2PA 2.2 §14.5.1); `notes` do not, but say what the CA left out that was asked for."""

    problems: tuple[str, ...]
    notes: tuple[str, ...]


def profile_problems(leaf: x509.Certificate, now: dt.datetime | None = None) -> Profile:
    """Check `leaf` against the C2PA claim-signing certificate profile (§14.5.1): Key Usage critical with
    digitalSignature and without keyCertSign, not a CA, an Extended Key Usage that is present, not
    anyExtendedKeyUsage and names a purpose C2PA validators accept, valid now."""
    now = now or dt.datetime.now(dt.UTC)
    problems: list[str] = []
    notes: list[str] = []
    ku = _extension(leaf, x509.KeyUsage)
    if ku is None or not isinstance(ku.value, x509.KeyUsage):
        problems.append("It has no Key Usage extension (C2PA requires one, marked critical, with digitalSignature).")
    else:
        if not ku.critical:
            problems.append("Its Key Usage extension is not marked critical, as C2PA requires.")
        if not ku.value.digital_signature:
            problems.append("Its Key Usage lacks digitalSignature, which C2PA requires.")
        if ku.value.key_cert_sign:
            problems.append("Its Key Usage allows signing certificates (keyCertSign), which C2PA forbids.")
        if not ku.value.content_commitment:
            notes.append("Its Key Usage lacks nonRepudiation: evidence reports it signs pass here, but some PDF "
                         "validators ask for it.")
    bc = _extension(leaf, x509.BasicConstraints)
    if bc is not None and isinstance(bc.value, x509.BasicConstraints) and bc.value.ca:
        problems.append("It is a CA certificate; a signing certificate must not be one.")
    eku = _extension(leaf, x509.ExtendedKeyUsage)
    usages = set(eku.value) if eku is not None and isinstance(eku.value, x509.ExtendedKeyUsage) else set()
    if not usages:
        problems.append("It has no Extended Key Usage; C2PA requires one naming what the certificate is for.")
    elif ExtendedKeyUsageOID.ANY_EXTENDED_KEY_USAGE in usages:
        problems.append("Its Extended Key Usage is anyExtendedKeyUsage, which C2PA forbids.")
    elif not usages & C2PA_EKUS:
        problems.append("Its Extended Key Usage names none of the purposes C2PA validators accept "
                        "(C2PA claim signing, e-mail protection, document signing).")
    else:
        missing = [EKU_NAMES[o] for o in REQUESTED_EKUS if o not in usages]
        if missing:
            notes.append(f"The CA left out {', '.join(missing)} from the Extended Key Usage asked for.")
    if leaf.not_valid_before_utc > now:
        problems.append(f"It is valid only from {leaf.not_valid_before_utc:%Y-%m-%d %H:%M} UTC.")
    if leaf.not_valid_after_utc <= now:
        problems.append(f"It expired on {leaf.not_valid_after_utc:%Y-%m-%d}.")
    return Profile(tuple(problems), tuple(notes))


__all__ = ["ALGORITHMS", "CLAIM_SIGNING", "Profile", "REQUESTED_EKUS", "Subject", "build_request",
           "load_certificates", "new_key", "order_chain", "profile_problems", "request_pem"]
