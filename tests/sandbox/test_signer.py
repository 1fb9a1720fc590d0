"""The sandbox's throwaway signing identity: fresh on every start, trusted only through its own root."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import CORPUS
from trustnxt_desktop.domain.protect import ProtectOptions, ProtectStatus
from trustnxt_desktop.domain.report import Verdict
from trustnxt_desktop.engine.inspect import inspect_file
from trustnxt_desktop.engine.protect import protect_file
from trustnxt_desktop.engine.trust import TrustConfig
from trustnxt_desktop.sandbox.signer import SANDBOX_SIGNER, SANDBOX_TRUST_SOURCE, InProcessSecretStore, create_signer


def test_its_outputs_are_trusted_by_its_root_alone(tmp_path: Path) -> None:
    signer = create_signer(tmp_path / "identity")
    source = tmp_path / "photo.jpg"
    source.write_bytes((CORPUS / "c2pa" / "adobe-20220124-A.jpg").read_bytes())
    result = protect_file(source, signer.identity, ProtectOptions(out_dir=tmp_path / "out", thumbnail_edge=0))
    assert result.status is ProtectStatus.DONE and result.output is not None, result.error
    trusted = inspect_file(result.output, signer.trust)
    assert trusted.verdict is Verdict.TRUSTED and trusted.signer is not None
    assert trusted.signer.common_name == SANDBOX_SIGNER and trusted.signer.trust_source == SANDBOX_TRUST_SOURCE
    assert inspect_file(result.output, TrustConfig()).verdict is Verdict.VALID, "no one else trusts it"


def test_every_start_makes_a_new_root(tmp_path: Path) -> None:
    first = create_signer(tmp_path / "identity")
    second = create_signer(tmp_path / "identity")
    assert first.root_pem != second.root_pem
    assert first.root_pem.startswith("-----BEGIN CERTIFICATE-----")


def test_the_in_process_store_holds_set_values_only() -> None:
    store = InProcessSecretStore()
    store.set("a", "1")
    assert store.get("a") == "1" and store.get("b") is None
    store.delete("a")
    store.delete("a")
    assert store.get("a") is None
