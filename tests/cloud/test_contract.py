"""The API model both the client and the sandbox read: what one side writes, the other reads back."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import CORPUS
from trustnxt_desktop.cloud import contract
from trustnxt_desktop.domain.protect import THUMBNAIL_EDGES, ContentSource, ProtectOptions
from trustnxt_desktop.domain.usage import DailyUsage, UsageSnapshot
from trustnxt_desktop.engine.inspect import inspect_file
from trustnxt_desktop.engine.trust import TrustConfig

TEXT = st.none() | st.text(min_size=1, max_size=40)
OPTIONS = st.builds(ProtectOptions, thumbnail_edge=st.sampled_from(THUMBNAIL_EDGES), author=TEXT,
                    do_not_train=st.booleans(), tsa_url=TEXT, title=TEXT, content_source=st.sampled_from(ContentSource),
                    capture_device=TEXT)


@given(OPTIONS, st.text(min_size=1, max_size=20))
def test_protect_options_survive_the_form(options: ProtectOptions, title: str) -> None:
    fields = {name: data for name, data, _ in contract.protect_form_fields(options, title)}
    back = contract.protect_options_from_form(fields)
    assert back.title == (options.title or title)
    assert (back.author, back.do_not_train, back.thumbnail_edge, back.tsa_url, back.content_source,
            back.capture_device) == (options.author, options.do_not_train, options.thumbnail_edge, options.tsa_url,
                                     options.content_source, options.capture_device)
    assert back.out_dir is None, "the local output folder never leaves the machine"


def test_malformed_options_are_refused_with_the_field_named() -> None:
    bad = [({"options": b"[1]"}, "JSON object"), ({"options": b'{"title": 5}'}, "options.title"),
           ({"options": b'{"do_not_train": "yes"}'}, "do_not_train"),
           ({"options": b'{"thumbnail_edge": true}'}, "thumbnail_edge"),
           ({"options": b'{"thumbnail_edge": 300}'}, "thumbnail size"), ({"source": b"painted"}, "source must be")]
    for fields, words in bad:
        with pytest.raises(ValueError, match=words):
            contract.protect_options_from_form(fields)
    assert contract.protect_options_from_form({}) == ProtectOptions(), "absent fields: the defaults (camera)"


@given(st.text(max_size=30), st.text(max_size=80))
def test_an_error_body_round_trips_and_anything_else_is_not_ours(code: str, message: str) -> None:
    assert contract.parse_error_body(json.dumps(contract.error_body(code, message)).encode()) == (code, message)


@pytest.mark.parametrize("data", [b"", b"<html>", b"[]", b'{"error": 3}', b'{"error": {"code": 4, "message": null}}',
                                  b"\xff\xfe"])
def test_foreign_error_bodies_give_nothing(data: bytes) -> None:
    assert contract.parse_error_body(data) == (None, None)


def test_the_environment_beats_the_setting_beats_the_default() -> None:
    env = {contract.API_URL_ENV: " http://127.0.0.1:8/ "}
    assert contract.resolve_base_url("https://x.example/api/", env) == "http://127.0.0.1:8"
    assert contract.resolve_base_url("https://x.example/api/", {}) == "https://x.example/api"
    assert contract.resolve_base_url(None, {}) == contract.DEFAULT_API_URL


@given(st.text(max_size=300))
def test_idempotency_keys_are_short_plain_tokens(value: str) -> None:
    ok = contract.valid_idempotency_key(value)
    assert ok == (1 <= len(value) <= contract.IDEMPOTENCY_KEY_MAX
                  and all(c.isascii() and (c.isalnum() or c in "_.:-") for c in value))


DAYS = st.lists(st.builds(DailyUsage, day=st.dates().map(str), protect=st.integers(0, 999),
                          inspect=st.integers(0, 999)), max_size=4)


@given(st.builds(UsageSnapshot, period_start=st.just("2026-11-01"), period_end=st.just("2026-11-30"),
                 protect_calls=st.integers(0, 10**6), inspect_calls=st.integers(0, 10**6), source=st.just("api"),
                 protect_limit=st.none() | st.integers(0, 10**6), inspect_limit=st.none() | st.integers(0, 10**6),
                 per_day=DAYS))
def test_usage_round_trips(snapshot: UsageSnapshot) -> None:
    assert contract.usage_from_wire(json.loads(json.dumps(contract.usage_to_wire(snapshot))), "api") == snapshot


@pytest.mark.parametrize("data", [None, [], {"cycle": {}}, {"cycle": {"start": "a", "end": "b"}, "protect": 3,
                                                             "inspect": {"calls": 1}}])
def test_malformed_usage_is_a_value_error(data: object) -> None:
    with pytest.raises(ValueError, match="malformed usage"):
        contract.usage_from_wire(data, "api")


def test_a_real_report_survives_the_wire_and_a_broken_one_does_not() -> None:
    report = inspect_file(CORPUS / "c2pa" / "adobe-20220124-C.jpg", TrustConfig())
    wire = json.loads(json.dumps(report.to_dict()))
    back = contract.report_from_wire(wire)
    assert back.verdict is report.verdict and back.file.sha256 == report.file.sha256
    assert [c.code for c in back.validation.failure] == [c.code for c in report.validation.failure]
    for broken in ([wire], {**wire, "file": {"path": "x"}}, {k: v for k, v in wire.items() if k != "verdict"}):
        with pytest.raises(ValueError):
            contract.report_from_wire(broken)
