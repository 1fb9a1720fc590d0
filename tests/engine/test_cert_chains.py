"""The second validator is handed only the trust anchors a file's certificates could chain to
(engine.cert_chains): its answer must be the one it gives with every anchor, on every shared file, with the
shipped lists (nothing trusted) and with lists that trust the corpus's own roots (several trusted)."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from tests.conftest import CORPUS, SHARED
from trustnxt_desktop.engine import cert_chains, cross_check, locate
from trustnxt_desktop.engine.cross_check import SecondValidator
from trustnxt_desktop.engine.media import sniff
from trustnxt_desktop.engine.trust import TrustConfig, TrustSource
from trustnxt_desktop.services.trust.lists import SnapshotStore, list_sources

FILES = sorted(p for p in [*CORPUS.rglob("*"), *(SHARED / "cases").iterdir()]
               if p.is_file() and p.suffix not in (".md", ".json", ".pem"))
SIGNED = SHARED / "corpus" / "c2pa" / "adobe-20220124-CA.jpg"


def _self_signed(data: bytes) -> str:
    """Every self-signed DER certificate anywhere in the bytes, as PEM (found independently of the module)."""
    found = ""
    for m in re.finditer(rb"\x30\x82(..)", data, re.S):
        try:
            cert = x509.load_der_x509_certificate(data[m.start():m.start() + 4 + int.from_bytes(m.group(1), "big")])
        except ValueError:
            continue
        if cert.subject == cert.issuer:
            found += cert.public_bytes(Encoding.PEM).decode()
    return found


@pytest.fixture(scope="module")
def configs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, TrustConfig]:
    shipped = tuple(list_sources(SnapshotStore(tmp_path_factory.mktemp("fresh-home"))))
    roots = "".join(_self_signed(p.read_bytes()) for p in FILES)
    cases = TrustSource("cases", anchors_pem=(SHARED / "cases" / "expired-ca.pem").read_text())
    return {"shipped": TrustConfig(sources=shipped),
            "corpus roots": TrustConfig(sources=(*shipped, cases, TrustSource("corpus roots", anchors_pem=roots)))}


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Any:
    return cross_check._library(SecondValidator(str(tmp_path_factory.mktemp("validators") / "encypher-c2pa")))


def _every_anchor(lib: Any, data: bytes, media_type: str, trust: TrustConfig) -> dict[str, Any]:
    """The answer as it was before narrowing: all anchors, then the allowed certificates of its signers. A file
    that may hold a CAWG identity assertion gets every list as identity trust material too, as the product always
    gives it (narrowing concerns only the claim signatures' anchors)."""
    def options(allowed: str) -> str:
        given = cross_check._trusted_options(trust, allowed)
        return cross_check._with_identity_trust(given, trust) if cross_check._IDENTITY_LABEL in data else given

    result: dict[str, Any] = json.loads(lib.verify_bytes(data, media_type, options("")))
    allowed = cross_check._allowed_for(trust, cross_check._serials(result))
    if allowed:
        result = json.loads(lib.verify_bytes(data, media_type, options(allowed)))
    return result


def _answer(call: Any, *args: Any) -> Any:
    try:
        result = call(*args)
    except BaseException as e:  # noqa: BLE001 - the library's refusals are answers too
        return ("raised", str(e))
    result.get("trust", {}).pop("validation_time", None)
    return result


def test_narrowed_answers_equal_the_answers_with_every_anchor(configs: dict[str, TrustConfig], library: Any) -> None:
    trusted = 0
    for name, trust in configs.items():
        for path in FILES:
            data, media_type = path.read_bytes(), sniff(path) or "application/octet-stream"
            full = _answer(_every_anchor, library, data, media_type, trust)
            narrowed = _answer(cross_check._verify, library, data, media_type, trust, True)
            assert narrowed == full, (name, path.name)
            trusted += isinstance(full, dict) and full["trust"]["status"] == "valid_for_supplied_material"
    assert trusted >= 5  # the comparison covered trusted answers, not only untrusted ones


def test_chains_and_tokens_are_found_whole() -> None:
    found = cert_chains.find(SIGNED.read_bytes())
    assert len(found.leaves) == 1 and found.tokens == 1 and not found.partial_tokens
    assert {"c2pa signer", "intermediate ca", "digicert timestamp 2022 - 2"} <= found.names
    assert found.covers(found.leaves, 1) and not found.covers(found.leaves, 2) and not found.covers({1}, 0)


def test_a_file_too_big_to_hold_gives_the_chains_of_its_bytes(monkeypatch: pytest.MonkeyPatch) -> None:
    """find_in_file reads only the manifest store of a streamed file, in pieces the store straddles."""
    monkeypatch.setattr(locate, "CHUNK", 4096)
    found = 0
    for path in FILES:
        whole = cert_chains.find(path.read_bytes())
        assert cert_chains.find_in_file(path) == whole, path.name
        found += bool(whole.x5chains)
    assert found >= 15  # the comparison covered files with certificates, not only files without


def test_a_chain_split_by_its_container_is_not_found() -> None:
    """Bytes inserted inside a certificate (as a JPEG segment header or a GIF sub-block length would be)
    leave no whole chain: the answer given with narrowed anchors would then not be vouched for."""
    data = SIGNED.read_bytes()
    at = data.find(b"x5chain") + 200
    split = data[:at] + b"\xff\xeb\x00\x10JP" + data[at:]
    assert not cert_chains.find(split).leaves
    assert cross_check._narrowed_options(TrustConfig(), cert_chains.find(split)) is None


def test_a_file_whose_chain_is_not_found_is_judged_with_every_anchor(configs: dict[str, TrustConfig], library: Any,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    trust = configs["corpus roots"]
    data = SIGNED.read_bytes()
    seen: list[str] = []

    class Counting:
        @staticmethod
        def verify_bytes(asset: bytes, media_type: str, options: str) -> str:
            seen.append(options)
            return str(library.verify_bytes(asset, media_type, options))

    found = cert_chains.find(data)
    lying = cert_chains.Chains(frozenset({1}), found.tokens, False, found.names, found.key_ids)  # another leaf
    monkeypatch.setattr(cert_chains, "find", lambda _data: lying)
    result = _answer(cross_check._verify, Counting, data, "image/jpeg", trust, True)
    assert len(seen) == 2 and seen[-1] == cross_check._trusted_options(trust, "")
    assert result == _answer(_every_anchor, library, data, "image/jpeg", trust)
