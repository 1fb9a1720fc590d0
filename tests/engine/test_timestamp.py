"""Timestamps by default: offline copies are marked "no timestamp yet", a timestamp added later (a c2pa.time-stamp
assertion in an update manifest) keeps them valid after the signer's certificate expires, as a timestamp at signing
does; a copy never timestamped turns invalid. Time passes for real: the certificates live a few seconds."""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
import time
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from tests import c2pa_ts
from tests.c2pa_signing import local_files, local_tsa
from tests.certs import TestCA
from tests.conftest import CORPUS
from trustnxt_desktop.domain.protect import ProtectOptions, ProtectStatus
from trustnxt_desktop.domain.report import CheckStatus, Verdict
from trustnxt_desktop.domain.timestamps import NO_TIMESTAMP_YET, lacks_timestamp
from trustnxt_desktop.engine import certs
from trustnxt_desktop.engine.identity import IdentityInfo, SigningIdentity
from trustnxt_desktop.engine.inspect import inspect_file
from trustnxt_desktop.engine.protect import protect_file
from trustnxt_desktop.engine.timestamp import AlreadyTimestamped, TimestampError, add_timestamp, authority_answers
from trustnxt_desktop.engine.trust import TrustConfig, TrustSource

SOURCE = CORPUS / "media" / "trustnxt-icon.jpg"
OFFLINE = "http://127.0.0.1:9/tsa"  # nothing listens on the discard port


def signing_identity(ca: TestCA, seconds: float) -> SigningIdentity:
    chain, key_pem = ca.issue("Short-lived Photographer", seconds=seconds)
    leaf = x509.load_pem_x509_certificate(chain)
    key = serialization.load_pem_private_key(key_pem, None)
    assert isinstance(key, certs.PrivateKey)
    info = IdentityInfo("imported", "Short-lived Photographer", None, ca.cert.subject.rfc4514_string(), "ES256",
                        hashlib.sha256(leaf.public_bytes(serialization.Encoding.DER)).hexdigest(),
                        leaf.not_valid_before_utc.isoformat(), leaf.not_valid_after_utc.isoformat(),
                        dt.datetime.now(dt.UTC).isoformat(), "test")
    return SigningIdentity(info, chain.decode(), key)


def trusting(ca: TestCA) -> TrustConfig:
    # The same CA issued the timestamp authority's certificate: trusted as a signer and as a TSA.
    return TrustConfig(sources=(TrustSource("Test CA", anchors_pem=ca.pem, kind="user-anchor"),
                                TrustSource("Test TSA list", anchors_pem=ca.pem, kind="tsa-list")))


def check(report_checks: list[tuple[str, CheckStatus]], check_id: str) -> CheckStatus:
    return dict(report_checks)[check_id]


def test_offline_protect_is_marked_no_timestamp_yet_and_not_failed(tmp_path: Path) -> None:
    ca = TestCA()
    identity = signing_identity(ca, 3600)
    result = protect_file(SOURCE, identity, ProtectOptions(out_dir=tmp_path, tsa_url=OFFLINE, timestamp_later=True))
    assert result.status is ProtectStatus.DONE, result.error
    assert lacks_timestamp(result.warnings)
    (warning,) = [w for w in result.warnings if w.startswith(NO_TIMESTAMP_YET)]
    assert OFFLINE in warning
    # The next file of the batch does not wait for the authority again, and says the same.
    again = protect_file(SOURCE, identity, ProtectOptions(out_dir=tmp_path, tsa_url=OFFLINE, timestamp_later=True))
    assert again.status is ProtectStatus.DONE and lacks_timestamp(again.warnings)
    assert "a moment ago" in " ".join(again.warnings)
    report = inspect_file(result.output or Path(), trusting(ca))
    assert report.verdict is Verdict.TRUSTED
    assert check([(c.id, c.status) for c in report.checks], "timestamp") is CheckStatus.NOT_APPLICABLE
    stamp = report.check("timestamp")
    assert stamp is not None and "will be judged invalid (certificate expired)" in stamp.detail


def test_a_later_timestamp_keeps_a_copy_valid_after_its_certificate_expires(tmp_path: Path) -> None:
    ca = TestCA()
    identity = signing_identity(ca, 12)
    expires = time.time() + 12
    with local_tsa(ca) as tsa:
        at_signing = protect_file(SOURCE, identity, ProtectOptions(out_dir=tmp_path / "a", tsa_url=tsa))
        offline = protect_file(SOURCE, identity, ProtectOptions(out_dir=tmp_path / "b", tsa_url=OFFLINE,
                                                                 timestamp_later=True))
        assert at_signing.status is ProtectStatus.DONE and offline.status is ProtectStatus.DONE
        assert offline.output is not None and at_signing.output is not None
        never = tmp_path / "never.jpg"
        shutil.copy(offline.output, never)
        written = hashlib.sha256(offline.output.read_bytes()).hexdigest()
        stamped = add_timestamp(offline.output, identity, tsa, expected_sha256=written)
    assert stamped.path == offline.output and stamped.sha256 == hashlib.sha256(offline.output.read_bytes()).hexdigest()
    assert sorted(p.name for p in offline.output.parent.iterdir()) == [offline.output.name]  # no leftovers

    time.sleep(max(0.0, expires - time.time()) + 2)
    trust = trusting(ca)
    first = inspect_file(at_signing.output, trust)
    later = inspect_file(offline.output, trust)
    bare = inspect_file(never, trust)
    assert first.verdict is Verdict.TRUSTED, first.validation.failure_codes()
    assert later.verdict is Verdict.TRUSTED, later.validation.failure_codes()
    assert "signingCredential.expired" not in later.validation.failure_codes()
    assert bare.verdict is Verdict.INVALID
    assert "signingCredential.expired" in bare.validation.failure_codes()
    assert later.ingredients and later.ingredients[0].verdict is not Verdict.INVALID


def test_a_changed_copy_or_an_unreachable_authority_leaves_the_file_alone(tmp_path: Path) -> None:
    ca = TestCA()
    identity = signing_identity(ca, 3600)
    result = protect_file(SOURCE, identity, ProtectOptions(out_dir=tmp_path, tsa_url=OFFLINE, timestamp_later=True))
    assert result.output is not None
    before = result.output.read_bytes()
    with pytest.raises(TimestampError, match="changed after it was made"):
        add_timestamp(result.output, identity, OFFLINE, expected_sha256="0" * 64)
    with pytest.raises(TimestampError, match="could not be used"):
        add_timestamp(result.output, identity, OFFLINE)
    assert result.output.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [result.output.name]
    with pytest.raises(TimestampError):
        add_timestamp(tmp_path, identity, OFFLINE)  # a folder is not a file


def test_only_an_authority_that_grants_a_token_answers() -> None:
    ca = TestCA()
    with local_tsa(ca) as tsa:
        assert authority_answers(tsa)
    assert not authority_answers(OFFLINE)
    with local_files() as (base, server):
        assert not authority_answers(f"{base}/tsa")  # a web server, but no timestamp authority: an error status
        server.tsa = lambda _query: b"<html>not a TimeStampResp</html>"
        assert not authority_answers(f"{base}/tsa")  # 200, but no granted TimeStampResp


def test_a_timestamped_copy_is_not_timestamped_again(tmp_path: Path) -> None:
    ca = TestCA()
    identity = signing_identity(ca, 3600)
    with local_tsa(ca) as tsa:
        result = protect_file(SOURCE, identity, ProtectOptions(out_dir=tmp_path, tsa_url=tsa))
        assert result.output is not None
        before = result.output.read_bytes()
        with pytest.raises(AlreadyTimestamped):
            add_timestamp(result.output, identity, tsa)
    assert result.output.read_bytes() == before


def test_c2pa_ts_refuses_timestamped_copies_that_both_our_engines_accept(tmp_path: Path) -> None:
    """@trustnxt/c2pa-ts 0.9.4 reads every `tstTokens` value as an RFC 3161 TimeStampResp (the C2PA 1.x `sigTst`
    form; its Signature.readTimestamps calls pkijs TimeStampResp.fromBER for `sigTst2` too), while c2pa-rs 0.91
    writes a TimeStampToken in `sigTst2` (C2PA 2.2 §10.3.2.5): it throws "Malformed timestamp" and reports the claim
    signature `signingCredential.invalid`. The same copy untimestamped validates. This records that; when it fails,
    c2pa-ts reads C2PA 2.x tokens and the assertion should become `verdict.valid` (docs/timestamps.md)."""
    ca = TestCA()
    identity = signing_identity(ca, 3600)
    with local_tsa(ca) as tsa:
        plain = protect_file(SOURCE, identity, ProtectOptions(out_dir=tmp_path / "p", tsa_url=""))
        at_signing = protect_file(SOURCE, identity, ProtectOptions(out_dir=tmp_path / "a", tsa_url=tsa))
        offline = protect_file(SOURCE, identity, ProtectOptions(out_dir=tmp_path / "b", tsa_url=OFFLINE,
                                                                 timestamp_later=True))
        assert plain.output and at_signing.output and offline.output
        add_timestamp(offline.output, identity, tsa)
    untimestamped = c2pa_ts.validate(plain.output)
    assert untimestamped.valid and untimestamped.failures() == [], untimestamped.codes
    for copy in (at_signing.output, offline.output):
        assert inspect_file(copy, trusting(ca)).verdict is Verdict.TRUSTED  # c2pa-rs (and the report) accept it
        verdict = c2pa_ts.validate(copy)
        assert verdict.readable and not verdict.valid and verdict.failures() == ["signingCredential.invalid"], verdict
