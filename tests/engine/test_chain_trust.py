"""Naming the trust source of a trusted signer from its certificate chain (engine.chain_trust) instead of
validating the file again under each source: every report must be the one the per-source validations give,
on every shared file, with the shipped lists and with lists that trust the corpus's own roots."""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from tests.certs import TestCA
from tests.conftest import CORPUS, SHARED
from tests.secrets import MemorySecretStore
from trustnxt_desktop.domain.protect import ProtectOptions, ProtectStatus
from trustnxt_desktop.domain.report import Verdict
from trustnxt_desktop.engine import inspect as engine_inspect
from trustnxt_desktop.engine.chain_trust import chains_of, sources_accepting
from trustnxt_desktop.engine.identity import IdentityStore
from trustnxt_desktop.engine.protect import protect_file
from trustnxt_desktop.engine.trust import TrustConfig, TrustSource
from trustnxt_desktop.services.trust.lists import SnapshotStore, list_sources

FILES = sorted(p for p in [*CORPUS.rglob("*"), *(SHARED / "cases").iterdir()]
               if p.is_file() and p.suffix not in (".md", ".json", ".pem"))


def _self_signed(data: bytes) -> list[str]:
    """Every self-signed DER certificate anywhere in the bytes, as PEM (found independently of the engine)."""
    found = []
    for m in re.finditer(rb"\x30\x82(..)", data, re.S):
        try:
            cert = x509.load_der_x509_certificate(data[m.start():m.start() + 4 + int.from_bytes(m.group(1), "big")])
        except ValueError:
            continue
        if cert.subject == cert.issuer:
            found.append(cert.public_bytes(Encoding.PEM).decode())
    return found


@pytest.fixture(scope="module")
def configs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, TrustConfig]:
    shipped = tuple(list_sources(SnapshotStore(tmp_path_factory.mktemp("fresh-home"))))
    roots = list(dict.fromkeys(pem for p in FILES for pem in _self_signed(p.read_bytes())))
    cases = TrustSource("cases", anchors_pem=(SHARED / "cases" / "expired-ca.pem").read_text())
    return {"shipped": TrustConfig(sources=shipped),
            "corpus roots": TrustConfig(sources=(*shipped, cases, TrustSource("corpus roots", "".join(roots)))),
            "each root its own source": TrustConfig(sources=(
                cases, *(TrustSource(f"root {i}", pem) for i, pem in enumerate(roots)), *shipped))}


def _inspect(path: Path, trust: TrustConfig, per_source: bool, monkeypatch: pytest.MonkeyPatch,
             validations: list[str]) -> dict[str, Any]:
    """The report as a dict; `per_source`: the trust source named by validating under each source in turn
    (the way before chains were read). Every extra validation is recorded in `validations`."""
    with monkeypatch.context() as m:
        state = engine_inspect._state

        def counted(source: Any, media_type: str | None, context: Any) -> str | None:
            validations.append(path.name)
            return state(source, media_type, context)

        m.setattr(engine_inspect, "_state", counted)
        if per_source:
            m.setattr(TrustConfig, "which_source_trusts",
                      lambda self, read, chains=(): self.first_source_trusting(read))
        return engine_inspect.inspect_file(path, trust).to_dict()


def test_every_report_equals_the_one_named_by_validating_under_each_source(
        configs: dict[str, TrustConfig], monkeypatch: pytest.MonkeyPatch) -> None:
    named = 0
    for name, trust in configs.items():
        for path in FILES:
            before: list[str] = []
            now: list[str] = []
            expected = _inspect(path, trust, True, monkeypatch, before)
            report = _inspect(path, trust, False, monkeypatch, now)
            assert report == expected, (name, path.name)
            assert len(now) <= len(before), (name, path.name)
            named += report["verdict"] == Verdict.TRUSTED.value and bool(before) and not now
    assert named >= 20, "the chain named the source of trusted files without validating them again"


def test_the_local_identity_is_named_without_validating_again(tmp_path: Path, memory_secrets: MemorySecretStore,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    identities = IdentityStore(tmp_path / "id", memory_secrets)
    identities.create("Ada", "Tests")
    source = tmp_path / "a.jpg"
    source.write_bytes((CORPUS / "media" / "P1000827.jpg").read_bytes())
    result = protect_file(source, identities.load(), ProtectOptions(out_dir=tmp_path / "out", thumbnail_edge=0))
    assert result.status is ProtectStatus.DONE and result.output is not None, result.error
    root = identities.root_pem() or ""
    impostor = TestCA("Impostor")
    config = TrustConfig(sources=(TrustSource("Other", anchors_pem=impostor.pem), TrustSource("Mine", root)))
    validations: list[str] = []
    report = _inspect(result.output, config, False, monkeypatch, validations)
    assert report["verdict"] == "trusted" and report["signer"]["trust_source"] == "Mine"
    assert validations == []
    both = TrustConfig(sources=(TrustSource("Mine", root), TrustSource("Also mine", root)))
    report = _inspect(result.output, both, False, monkeypatch, validations)
    assert report["signer"]["trust_source"] == "Mine" and len(validations) == 1, "two could: validated in order"


def _der(pem: bytes | str) -> list[bytes]:
    text = pem.decode() if isinstance(pem, bytes) else pem
    return [x509.load_pem_x509_certificate(b.encode()).public_bytes(Encoding.DER)
            for b in re.findall(r"-----BEGIN CERTIFICATE-----.*?-----END CERTIFICATE-----", text, re.S)]


def test_an_anchor_with_the_issuers_name_but_another_key_could_not_have_accepted() -> None:
    real, lookalike, other = TestCA("Newsroom Root"), TestCA("Newsroom Root"), TestCA("Elsewhere")
    chain_pem, _key = real.issue("Reporter")
    chain = _der(chain_pem)
    assert sources_accepting([(lookalike.pem, ""), (real.pem, ""), (other.pem, "")], [chain]) == [1]
    assert sources_accepting([(lookalike.pem, ""), (other.pem, "")], [chain[:1]]) == []
    assert sources_accepting([(real.pem, "")], []) == []


def test_allowed_certificates_and_unreadable_lists() -> None:
    ca = TestCA("Allowed Test CA")
    chain = _der(ca.issue("Listed")[0])
    leaf_pem = x509.load_der_x509_certificate(chain[0]).public_bytes(Encoding.PEM).decode()
    digest_line = base64.b64encode(hashlib.sha256(chain[0]).digest()).decode()
    broken = "-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----\n"
    assert sources_accepting([("", leaf_pem), ("", f"# hashes\n{digest_line}\n"), ("", ""), (broken, "")],
                             [chain]) == [0, 1, 3], "an unreadable list cannot be ruled out"


def test_the_signing_chain_is_picked_by_serial_and_names() -> None:
    ca = TestCA("Picking CA")
    first, second = _der(ca.issue("First")[0]), _der(ca.issue("Second")[0])
    serial = x509.load_der_x509_certificate(first[0]).serial_number
    assert chains_of([second, first], serial) == [tuple(first)]
    assert chains_of([second, first], serial, "first", "PICKING CA") == [tuple(first)]
    assert chains_of([second, first], serial, "Second") == []
