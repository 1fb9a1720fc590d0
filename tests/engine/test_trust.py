"""The c2pa trust settings built from our sources, and naming the source that trusts a signer (C2PA 2.1+
time-stamp anchors apart from signer anchors; remote fetching off keeps inspection offline)."""

from __future__ import annotations

from pathlib import Path

from tests.certs import TestCA
from tests.conftest import CORPUS
from tests.secrets import MemorySecretStore
from trustnxt_desktop.domain.protect import ProtectOptions, ProtectStatus
from trustnxt_desktop.domain.report import Verdict
from trustnxt_desktop.engine.identity import IdentityStore
from trustnxt_desktop.engine.inspect import inspect_file
from trustnxt_desktop.engine.protect import protect_file
from trustnxt_desktop.engine.trust import TSA_KIND, ListProvenance, TrustConfig, TrustSource, offline_core

A, B, TSA = TestCA("Anchor A"), TestCA("Anchor B"), TestCA("Time Authority")


def test_settings_gather_signer_anchors_and_keep_tsa_anchors_apart() -> None:
    config = TrustConfig(sources=(TrustSource("A", anchors_pem=A.pem, trust_config="1.2.3\n"),
                                  TrustSource("B", anchors_pem=B.pem, allowed_pem="LEAF"),
                                  TrustSource("TSA list", anchors_pem=TSA.pem, kind=TSA_KIND)))
    s = config.settings()
    assert s["trust"]["trust_anchors"] == A.pem + B.pem and s["trust"]["allowed_list"] == "LEAF"
    assert s["trust"]["anchors"] == [{"trust_anchors": TSA.pem, "trust_kind": "tsa", "trust_uri": "TSA list"}]
    assert s["verify"] == {"verify_trust": True, "remote_manifest_fetch": False, "ocsp_fetch": False}
    assert s["core"] == offline_core() == {"allowed_network_hosts": []}
    only_b = config.settings(config.sources[1])
    assert only_b["trust"]["trust_anchors"] == B.pem
    assert only_b["trust"]["trust_config"] == "1.2.3\n", "EKUs are global in c2pa-rs, so in every context"
    assert [s.name for s in config.signer_sources()] == ["A", "B"]
    fetching = TrustConfig(remote_manifest_fetch=True).settings()
    assert "core" not in fetching and "trust" not in fetching and fetching["verify"]["remote_manifest_fetch"]


def test_only_published_lists_have_snapshots() -> None:
    provenance = ListProvenance("2026-08-21", "ab" * 32, "https://example/list.pem", "bundled")
    config = TrustConfig(sources=(TrustSource("mine", A.pem), TrustSource("C2PA trust list (2026-08-21)", B.pem,
                                                                            kind="trust-list", provenance=provenance)))
    assert config.names() == ["mine", "C2PA trust list (2026-08-21)"]
    assert config.snapshots() == [{"name": "C2PA trust list (2026-08-21)", "date": "2026-08-21", "sha256": "ab" * 32,
                                   "source": "https://example/list.pem", "origin": "bundled", "note": ""}]


def test_the_report_names_the_source_that_trusts_the_signer(tmp_path: Path, memory_secrets: MemorySecretStore) -> None:
    identities = IdentityStore(tmp_path / "id", memory_secrets)
    identities.create("Ada", "Tests")
    source = tmp_path / "a.jpg"
    source.write_bytes((CORPUS / "media" / "P1000827.jpg").read_bytes())
    result = protect_file(source, identities.load(), ProtectOptions(out_dir=tmp_path / "out", thumbnail_edge=0))
    assert result.status is ProtectStatus.DONE and result.output is not None, result.error
    root = identities.root_pem() or ""
    config = TrustConfig(sources=(TrustSource("Other", anchors_pem=A.pem), TrustSource("Mine", anchors_pem=root),
                                  TrustSource("Also mine", anchors_pem=root)))
    report = inspect_file(result.output, config)
    assert report.verdict is Verdict.TRUSTED and report.signer is not None
    assert report.signer.trust_source == "Mine", "the first source that trusts it, in order"
    untrusted = inspect_file(result.output, TrustConfig(sources=(TrustSource("Other", anchors_pem=A.pem),)))
    assert untrusted.verdict is Verdict.VALID


def test_an_anchor_after_a_list_that_ends_without_a_line_break_still_trusts(tmp_path: Path) -> None:
    # The interim list's anchors.pem ends right after "-----END CERTIFICATE-----"; an anchor given after it
    # (trustnxt inspect --trust-anchor) must not be glued onto that line, where c2pa-rs would skip it.
    from tests.c2pa_signing import manifest, sign

    listed = A.pem.rstrip("\n")
    config = TrustConfig(sources=(TrustSource("list", anchors_pem=listed, allowed_pem="X"),
                                  TrustSource("mine", anchors_pem=B.pem, allowed_pem="Y")))
    assert config.settings()["trust"]["trust_anchors"] == listed + "\n" + B.pem
    assert config.settings()["trust"]["allowed_list"] == "X\nY"
    signed, _ = sign(CORPUS / "media" / "no_manifest.jpg", manifest(), B.issue("Photographer"))
    (tmp_path / "b.jpg").write_bytes(signed)
    assert inspect_file(tmp_path / "b.jpg", config).verdict is Verdict.TRUSTED
