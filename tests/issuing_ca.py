"""A throwaway CA that answers certificate signing requests the way a commercial CA would: root -> intermediate ->
the requester's certificate, with the extensions the request asks for unless a test overrides them."""

from __future__ import annotations

import datetime as dt

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Issuing CA Tests")])


def _ca_usage() -> x509.KeyUsage:
    return x509.KeyUsage(False, False, False, False, False, True, True, False, False)


class IssuingCA:
    """Root and intermediate, valid from yesterday for a year."""

    def __init__(self, name: str = "Press Photo Root CA") -> None:
        now = dt.datetime.now(dt.UTC)
        self.root_key = ec.generate_private_key(ec.SECP384R1())
        self.ca_key = ec.generate_private_key(ec.SECP256R1())
        self.root = (x509.CertificateBuilder().subject_name(_name(name)).issuer_name(_name(name))
                     .public_key(self.root_key.public_key()).serial_number(x509.random_serial_number())
                     .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=365))
                     .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
                     .add_extension(_ca_usage(), critical=True)
                     .add_extension(x509.SubjectKeyIdentifier.from_public_key(self.root_key.public_key()), False)
                     .sign(self.root_key, hashes.SHA384()))
        self.ca = (x509.CertificateBuilder().subject_name(_name(f"{name} — issuing")).issuer_name(self.root.subject)
                   .public_key(self.ca_key.public_key()).serial_number(x509.random_serial_number())
                   .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=300))
                   .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
                   .add_extension(_ca_usage(), critical=True)
                   .add_extension(x509.SubjectKeyIdentifier.from_public_key(self.ca_key.public_key()), False)
                   .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(self.root_key.public_key()), False)
                   .sign(self.root_key, hashes.SHA384()))

    def root_pem(self) -> bytes:
        return self.root.public_bytes(serialization.Encoding.PEM)

    def answer(self, request_pem: str | bytes, *, days: float = 200,
               eku: list[x509.ObjectIdentifier] | None = None, key_usage: x509.KeyUsage | None = None,
               ca: bool = False) -> x509.Certificate:
        """The certificate for `request_pem`: the request's subject, key and extensions, except the extended key
        usages / key usage / CA flag a test asks for instead."""
        request = x509.load_pem_x509_csr(request_pem if isinstance(request_pem, bytes) else request_pem.encode())
        assert request.is_signature_valid
        now = dt.datetime.now(dt.UTC)
        builder = (x509.CertificateBuilder().subject_name(request.subject).issuer_name(self.ca.subject)
                   .public_key(request.public_key()).serial_number(x509.random_serial_number())
                   .not_valid_before(now - dt.timedelta(days=2)).not_valid_after(now + dt.timedelta(days=days))
                   .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(self.ca_key.public_key()), False)
                   .add_extension(x509.SubjectKeyIdentifier.from_public_key(request.public_key()), False))
        for ext in request.extensions:
            value = ext.value
            if isinstance(value, x509.ExtendedKeyUsage) and eku is not None:
                value = x509.ExtendedKeyUsage(eku)
            elif isinstance(value, x509.KeyUsage) and key_usage is not None:
                value = key_usage
            elif isinstance(value, x509.BasicConstraints) and ca:
                value = x509.BasicConstraints(ca=True, path_length=None)
            builder = builder.add_extension(value, ext.critical)
        return builder.sign(self.ca_key, hashes.SHA256())

    def chain_pem(self, leaf: x509.Certificate, *, with_root: bool = True, root_first: bool = False) -> bytes:
        """What the CA sends back: the certificate and its CA chain (in the CA's order when `root_first`)."""
        chain = [leaf, self.ca] + ([self.root] if with_root else [])
        if root_first:
            chain.reverse()
        return b"".join(c.public_bytes(serialization.Encoding.PEM) for c in chain)
