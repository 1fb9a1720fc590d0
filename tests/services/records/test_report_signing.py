"""services/records/report_signing.py: a Qt-drawn evidence report signed PAdES B-B with the local identity and B-T
with a timestamp authority on 127.0.0.1, checked under the trust in force; 200 single-byte mutations of a signed
report, each detected; an unreachable authority costs the timestamp only; a certificate issued for a request made
here signs reports that pyHanko's default policy accepts."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization

from tests.c2pa_signing import local_tsa
from tests.certs import TestCA
from tests.conftest import CORPUS
from tests.issuing_ca import IssuingCA
from trustnxt_desktop.domain.secrets import SecretStore
from trustnxt_desktop.engine.csr import Subject
from trustnxt_desktop.engine.csr_store import RequestStore
from trustnxt_desktop.engine.identity import IdentityStore
from trustnxt_desktop.engine.inspect import inspect_file
from trustnxt_desktop.engine.trust import TSA_KIND, TrustConfig, TrustSource
from trustnxt_desktop.services.records.exports import evidence_request
from trustnxt_desktop.services.records.report_signing import (
    NotSigning,
    ReportSigner,
    load_signer,
    sign_pdf,
    verify_file,
    verify_pdf,
)


@pytest.fixture(scope="module")
def unsigned_pdf(qapp, tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """A real evidence report of two corpus files, drawn by Qt as the app draws it."""
    from trustnxt_desktop.ui.pdf_report import collect_thumbnails, render_pdf

    reports = [inspect_file(CORPUS / "c2pa" / "adobe-20220124-CAI.jpg", TrustConfig()),
               inspect_file(CORPUS / "media" / "sample1.png", TrustConfig())]
    out = tmp_path_factory.mktemp("report") / "evidence.pdf"
    render_pdf(evidence_request(reports), out, collect_thumbnails(reports))
    return out.read_bytes()


def _local_sources(identities: IdentityStore) -> tuple[TrustSource, ...]:
    return (TrustSource("Your TrustNXT Desktop identity", anchors_pem=identities.root_pem() or "",
                        kind="local-identity"),)


def test_without_an_identity_reports_are_not_signed_and_say_why(home: Path, secret_store: SecretStore) -> None:
    said = load_signer(home, secret_store, None)
    assert isinstance(said, NotSigning) and "no signing identity yet" in said.reason
    assert said.describe() == {"status": "unsigned", "reason": said.reason}


def test_signed_with_the_local_identity_and_checked(home: Path, secret_store: SecretStore, unsigned_pdf: bytes,
                                                    tmp_path: Path) -> None:
    identities = IdentityStore(home, secret_store)
    identities.create("Ana Lima", "Diário do Sul")
    signer = load_signer(home, secret_store, None)
    assert isinstance(signer, ReportSigner)
    assert signer.describe()["name"] == "Ana Lima" and len(signer.describe()["fingerprint"]) == 64
    signed, how = sign_pdf(unsigned_pdf, signer)
    assert how.level == "PAdES B-B" and how.timestamp_problem == ""
    assert signed.startswith(unsigned_pdf)  # an incremental update: the report as drawn, then the signature
    assert b"/ETSI.CAdES.detached" in signed and b"/DocMDP" in signed

    check = verify_pdf(signed, _local_sources(identities), "evidence.pdf")
    assert check.intact and check.signed and check.problems == [], check.problems
    assert (check.signer, check.organisation, check.level) == ("Ana Lima", "Diário do Sul", "PAdES B-B")
    assert check.fingerprint == signer.identity.info.fingerprint
    assert check.signed_at_basis == "signer's clock" and check.signed_at.endswith("+00:00")
    assert check.trusted_by == "Your TrustNXT Desktop identity"
    lines = check.lines()
    assert lines[0] == "evidence.pdf: signature intact — the PDF is exactly as it was signed (PAdES B-B)."
    assert "(as the signer's computer states it; no timestamp)" in lines[3]

    elsewhere = verify_pdf(signed, (), "evidence.pdf")  # someone without this identity's root
    assert elsewhere.intact and elsewhere.trusted_by == ""
    assert "not trusted here" in elsewhere.lines()[4]

    path = tmp_path / "evidence.pdf"
    path.write_bytes(signed)
    assert verify_file(path, home, secret_store).trusted_by == "Your TrustNXT Desktop identity"
    unsigned = verify_pdf(unsigned_pdf, (), "plain.pdf")
    assert not unsigned.signed and not unsigned.intact and unsigned.lines() == [
        "plain.pdf: not signed — it carries no signature."]


def test_any_single_byte_change_is_detected(home: Path, secret_store: SecretStore, unsigned_pdf: bytes) -> None:
    identities = IdentityStore(home, secret_store)
    identities.create("Ana Lima", None)
    signer = load_signer(home, secret_store, None)
    assert isinstance(signer, ReportSigner)
    signed, _ = sign_pdf(unsigned_pdf, signer)
    sources = _local_sources(identities)
    contents = re.search(rb"/Contents\s*<([0-9a-fA-F]+)>", signed)
    assert contents is not None
    start, end = contents.span(1)
    cms_end = start + 2 * (len(bytes.fromhex(contents.group(1).decode()).rstrip(b"\0")))
    rng = random.Random(20)
    # Anywhere in the file, in the signature's CMS (certificates included), and in its zero padding, which the
    # signature itself does not cover.
    positions = ([rng.randrange(len(signed)) for _ in range(120)] + [rng.randrange(start, cms_end) for _ in range(50)]
                 + [rng.randrange(cms_end, end) for _ in range(30)])
    assert len(positions) == 200
    missed = []
    for pos in positions:
        changed = bytearray(signed)
        changed[pos] = (changed[pos] + rng.randrange(1, 256)) % 256
        check = verify_pdf(bytes(changed), sources)
        if check.intact:
            missed.append((pos, signed[pos], changed[pos]))
    assert missed == []
    assert verify_pdf(signed, sources).intact  # the unchanged file still passes


def test_b_t_with_a_timestamp_authority_and_without_one(home: Path, secret_store: SecretStore,
                                                        unsigned_pdf: bytes) -> None:
    identities = IdentityStore(home, secret_store)
    identities.create("Ana Lima", None)
    tsa_ca = TestCA("Report TSA Root")
    with local_tsa(tsa_ca) as url:
        signer = load_signer(home, secret_store, url)
        assert isinstance(signer, ReportSigner)
        signed, how = sign_pdf(unsigned_pdf, signer)
    assert how.level == "PAdES B-T"
    tsa_list = TrustSource("C2PA TSA trust list (test)", anchors_pem=tsa_ca.pem, kind=TSA_KIND)
    check = verify_pdf(signed, (*_local_sources(identities), tsa_list))
    assert check.intact and check.level == "PAdES B-T", check.problems
    assert check.signed_at_basis == "timestamp" and check.timestamp_trusted
    assert "Report TSA Root" not in check.timestamp_authority and check.timestamp_authority
    assert "(timestamp by " in check.lines()[3] and ", trusted)" in check.lines()[3]
    untrusted_tsa = verify_pdf(signed, _local_sources(identities))
    assert untrusted_tsa.intact and not untrusted_tsa.timestamp_trusted
    assert "not on a timestamp trust list in force" in untrusted_tsa.lines()[3]

    rng = random.Random(7)
    for pos in [rng.randrange(len(signed)) for _ in range(20)]:
        changed = bytearray(signed)
        changed[pos] ^= 0x01
        assert not verify_pdf(bytes(changed), (*_local_sources(identities), tsa_list)).intact, pos

    gone = ReportSigner(signer.identity, "http://127.0.0.1:9/tsa")  # nothing listens on the discard port
    offline, how = sign_pdf(unsigned_pdf, gone)
    assert how.level == "PAdES B-B" and "could not be used" in how.timestamp_problem
    assert verify_pdf(offline, _local_sources(identities)).intact


def test_a_certificate_requested_here_satisfies_pyhankos_default_policy(
        home: Path, secret_store: SecretStore, unsigned_pdf: bytes) -> None:
    from io import BytesIO

    from asn1crypto import x509 as asn1_x509
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    ca = IssuingCA()
    requests = RequestStore(home, secret_store)
    requests.create(Subject("Ana Lima"))
    requests.import_chain(ca.chain_pem(ca.answer(requests.request_pem())))
    signer = load_signer(home, secret_store, None)
    assert isinstance(signer, ReportSigner)
    signed, _ = sign_pdf(unsigned_pdf, signer)
    root = asn1_x509.Certificate.load(ca.root.public_bytes(serialization.Encoding.DER))
    status = validate_pdf_signature(PdfFileReader(BytesIO(signed)).embedded_signatures[0],
                                    ValidationContext(trust_roots=[root], allow_fetching=False))
    assert status.bottom_line  # nonRepudiation, as pyHanko wants by default
    press = TrustSource("Your anchor: Press Photo", anchors_pem=ca.root_pem().decode(), kind="user-anchor")
    assert verify_pdf(signed, (press,)).trusted_by == "Your anchor: Press Photo"

