"""The main validator given only the trust material a file's certificates could use (engine.narrowed_trust):
every report must be the one it gives with every anchor, on every shared file, with the shipped lists and
with lists that trust the corpus's own roots."""

from __future__ import annotations

import io
from typing import Any, BinaryIO

import pytest

from tests.certs import TestCA
from tests.engine.test_chain_trust import FILES, configs
from trustnxt_desktop.engine import cert_chains, narrowed_trust
from trustnxt_desktop.engine import inspect as engine_inspect
from trustnxt_desktop.engine.trust import TrustConfig, TrustSource

__all__ = ["configs"]  # the fixture, shared with test_chain_trust


def test_every_report_equals_the_one_given_with_every_anchor(configs: dict[str, TrustConfig],
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    stood: list[bool] = []
    covers = narrowed_trust.covers

    def counted(store: dict[str, Any], chains: cert_chains.Chains) -> bool:
        stood.append(covers(store, chains))
        return stood[-1]

    for name, trust in configs.items():
        for path in FILES:
            with monkeypatch.context() as m:
                m.setattr(narrowed_trust, "context", lambda trust, chains: None)
                expected = engine_inspect.inspect_file(path, trust).to_dict()
            with monkeypatch.context() as m:
                m.setattr(narrowed_trust, "covers", counted)
                report = engine_inspect.inspect_file(path, trust).to_dict()
            assert report == expected, (name, path.name)
    assert sum(stood) >= 40, "narrowed answers stood for most signed files"


def test_an_answer_that_judged_a_certificate_not_found_is_given_again_with_every_anchor(
        monkeypatch: pytest.MonkeyPatch) -> None:
    signed = next(p for p in FILES if p.name == "adobe-20220124-CA.jpg")
    data = signed.read_bytes()
    found = cert_chains.find(data)
    another_leaf = cert_chains.Chains(frozenset({1}), found.tokens, False, found.names, found.key_ids)
    trust = TrustConfig(sources=(TrustSource("A", TestCA("Unrelated A").pem), TrustSource("B", TestCA("B").pem)))
    contexts: list[Any] = []
    read = engine_inspect._read

    def recorded(f: BinaryIO, media_type: str | None, context: Any, thumbnail: BinaryIO | None = None) -> Any:
        contexts.append(context)
        return read(f, media_type, context, thumbnail)

    monkeypatch.setattr(engine_inspect, "_read", recorded)
    source = engine_inspect._Source(signed, data)
    store = engine_inspect._read_narrowed(source, "image/jpeg", trust, trust.context(), another_leaf, io.BytesIO())[0]
    assert len(contexts) == 2 and contexts[0] is not trust.context() and contexts[1] is trust.context()
    assert not narrowed_trust.covers(store, another_leaf) and narrowed_trust.covers(store, found)
    contexts.clear()
    engine_inspect._read_narrowed(source, "image/jpeg", trust, trust.context(), found, io.BytesIO())
    assert len(contexts) == 1 and contexts[0] is not trust.context(), "the narrowed answer stands"
    assert narrowed_trust.context(trust, cert_chains.Chains()) is None, "no whole chain: nothing is narrowed"
