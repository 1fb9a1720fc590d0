"""engine/csr.py: the certificate signing request's contents, reading what a CA sends back, ordering a chain and
the C2PA certificate profile check."""

from __future__ import annotations

import datetime as dt

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs7
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from tests.issuing_ca import IssuingCA
from trustnxt_desktop.engine import certs, csr


def _request(subject: csr.Subject, algorithm: str = "ES256") -> tuple[x509.CertificateSigningRequest, csr.RequestKey]:
    key = csr.new_key(algorithm)
    return csr.build_request(key, subject), key


def test_the_request_asks_for_a_c2pa_signing_certificate() -> None:
    request, key = _request(csr.Subject(" Ana Lima ", "Diário do Sul", "br", "ana@example.org"))
    assert request.is_signature_valid
    assert request.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == "Ana Lima"
    assert request.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)[0].value == "Diário do Sul"
    assert request.subject.get_attributes_for_oid(NameOID.COUNTRY_NAME)[0].value == "BR"
    ku = request.extensions.get_extension_for_class(x509.KeyUsage)
    assert ku.critical and ku.value.digital_signature and ku.value.content_commitment
    assert not ku.value.key_cert_sign and not ku.value.key_encipherment
    eku = request.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert [u.dotted_string for u in eku] == ["1.3.6.1.4.1.62558.2.1", "1.3.6.1.5.5.7.3.4", "1.3.6.1.5.5.7.3.36"]
    assert ExtendedKeyUsageOID.ANY_EXTENDED_KEY_USAGE not in list(eku)
    assert request.extensions.get_extension_for_class(x509.BasicConstraints).value.ca is False
    san = request.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert san.get_values_for_type(x509.RFC822Name) == ["ana@example.org"]
    fmt = (serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    assert request.public_key().public_bytes(*fmt) == key.public_key().public_bytes(*fmt)
    assert csr.request_pem(request).startswith("-----BEGIN CERTIFICATE REQUEST-----")


def test_keys_for_each_algorithm_and_their_digests() -> None:
    p384, key = _request(csr.Subject("A"), "ES384")
    assert isinstance(key, ec.EllipticCurvePrivateKey) and key.curve.name == "secp384r1"
    assert isinstance(p384.signature_hash_algorithm, hashes.SHA384)
    rsa_request, rsa_key = _request(csr.Subject("A"), "PS256")
    assert isinstance(rsa_key, rsa.RSAPrivateKey) and rsa_key.key_size == 3072
    assert rsa_request.is_signature_valid
    with pytest.raises(ValueError, match="unsupported algorithm"):
        csr.new_key("ES256K")


@pytest.mark.parametrize(("subject", "words"), [
    (csr.Subject("  "), "needs a name"),
    (csr.Subject("x" * 65), "at most 64"),
    (csr.Subject("A", country="Germany"), "two-letter"),
    (csr.Subject("A", country="1X"), "two-letter"),
    (csr.Subject("A", email="not an address"), "e-mail"),
])
def test_a_subject_that_cannot_be_used_is_refused_by_field(subject: csr.Subject, words: str) -> None:
    with pytest.raises(ValueError, match=words):
        csr.build_request(csr.new_key(), subject)


def test_without_an_email_there_is_no_alternative_name() -> None:
    request, _ = _request(csr.Subject("A"))
    with pytest.raises(x509.ExtensionNotFound):
        request.extensions.get_extension_for_class(x509.SubjectAlternativeName)


def test_what_a_ca_sends_back_is_read_in_every_usual_form_and_ordered() -> None:
    ca = IssuingCA()
    request, _ = _request(csr.Subject("Ana Lima"))
    leaf = ca.answer(csr.request_pem(request))
    wanted = [certs.fingerprint(c) for c in (leaf, ca.ca, ca.root)]
    stranger = IssuingCA("Someone Else").root
    forms = {
        "PEM, root first": ca.chain_pem(leaf, root_first=True),
        "DER": leaf.public_bytes(serialization.Encoding.DER),
        "PKCS#7 PEM": pkcs7.serialize_certificates([ca.root, stranger, leaf, ca.ca], serialization.Encoding.PEM),
        "PKCS#7 DER": pkcs7.serialize_certificates([ca.ca, leaf, ca.root], serialization.Encoding.DER),
    }
    for form, data in forms.items():
        found = csr.load_certificates(data)
        ordered = [certs.fingerprint(c) for c in csr.order_chain(found, leaf)]
        assert ordered == (wanted[:1] if form == "DER" else wanted), form  # the stranger is not on the path
    with pytest.raises(ValueError, match="no certificate"):
        csr.load_certificates(b"hello")


def test_an_issued_certificate_as_requested_fits_the_profile() -> None:
    ca = IssuingCA()
    request, _ = _request(csr.Subject("Ana Lima"))
    profile = csr.profile_problems(ca.answer(csr.request_pem(request)))
    assert profile.problems == () and profile.notes == ()


def _no_ku(**changes: bool) -> x509.KeyUsage:
    fields = dict(digital_signature=False, content_commitment=False, key_encipherment=False, data_encipherment=False,
                  key_agreement=False, key_cert_sign=False, crl_sign=False, encipher_only=False, decipher_only=False)
    return x509.KeyUsage(**{**fields, **changes})


@pytest.mark.parametrize(("answer", "problem"), [
    ({"eku": [ExtendedKeyUsageOID.CODE_SIGNING]}, "none of the purposes"),
    ({"eku": [ExtendedKeyUsageOID.ANY_EXTENDED_KEY_USAGE]}, "anyExtendedKeyUsage"),
    ({"key_usage": _no_ku(content_commitment=True)}, "lacks digitalSignature"),
    ({"key_usage": _no_ku(digital_signature=True, key_cert_sign=True)}, "keyCertSign"),
    ({"ca": True}, "CA certificate"),
    ({"days": -0.5}, "expired"),
])
def test_what_c2pa_validators_would_reject_is_named(answer: dict[str, object], problem: str) -> None:
    ca = IssuingCA()
    request, _ = _request(csr.Subject("Ana Lima"))
    profile = csr.profile_problems(ca.answer(csr.request_pem(request), **answer))  # type: ignore[arg-type]  # the CA's options
    assert any(problem in p for p in profile.problems), profile


def test_what_the_ca_left_out_is_a_note_not_a_problem() -> None:
    ca = IssuingCA()
    request, _ = _request(csr.Subject("Ana Lima"))
    leaf = ca.answer(csr.request_pem(request), eku=[ExtendedKeyUsageOID.EMAIL_PROTECTION],
                     key_usage=_no_ku(digital_signature=True))
    profile = csr.profile_problems(leaf)
    assert profile.problems == ()
    assert any("C2PA claim signing, document signing" in n for n in profile.notes)
    assert any("nonRepudiation" in n for n in profile.notes)


def test_a_certificate_not_yet_valid_is_named_with_its_start() -> None:
    ca = IssuingCA()
    request, _ = _request(csr.Subject("Ana Lima"))
    leaf = ca.answer(csr.request_pem(request))
    early = leaf.not_valid_before_utc - dt.timedelta(days=1)
    assert any("valid only from" in p for p in csr.profile_problems(leaf, early).problems)
