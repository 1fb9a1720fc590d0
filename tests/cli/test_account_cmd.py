"""cli/account_cmd.py: `trustnxt credentials set | status | clear` with the real OS keyring (read from stdin,
never argv; only masked keys printed) and `trustnxt usage` from the engine in use."""

from __future__ import annotations

import json

import pytest

from tests.cli.conftest import Trustnxt

KEY = "tnxt_live_" + "a1b2c3d4" * 4
SECRET = "tnxt_secret_" + "9z8y7x6w" * 4


@pytest.fixture(autouse=True)
def no_key_in_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TRUSTNXT_API_KEY", raising=False)
    monkeypatch.delenv("TRUSTNXT_API_SECRET", raising=False)


def test_set_status_clear_round_trip_through_the_keyring(trustnxt: Trustnxt, secret_store) -> None:
    saved = trustnxt("credentials", "set", stdin=f"{KEY}\n{SECRET}\n")
    assert saved.code == 0, saved.err
    assert "Saved the API key and secret" in saved.out and "“default”" in saved.out
    assert KEY not in saved.out + saved.err and SECRET not in saved.out + saved.err

    status = trustnxt("credentials", "status")
    assert status.code == 0
    assert "(from the OS keyring)" in status.out and "API secret: set" in status.out
    assert KEY not in status.out and KEY[-4:] in status.out

    as_json = json.loads(trustnxt("credentials", "status", "--json").out)
    assert as_json["key_masked"] and as_json["key_source"] == "keyring" and as_json["secret_set"] is True
    assert KEY not in json.dumps(as_json)
    assert as_json["service"].startswith("http")

    cleared = trustnxt("credentials", "clear")
    assert cleared.code == 0 and "Removed the API key and secret" in cleared.out
    after = trustnxt("credentials", "status")
    assert after.code == 3 and "No API key for profile “default”" in after.out


def test_profiles_are_separate(trustnxt: Trustnxt, secret_store) -> None:
    assert trustnxt("credentials", "set", "--profile", "agency", stdin=f"{KEY}\n\n").code == 0
    assert trustnxt("credentials", "status", "--profile", "agency").code == 0
    assert trustnxt("credentials", "status").code == 3
    assert "API secret: none" in trustnxt("credentials", "status", "--profile", "agency").out


def test_an_empty_key_is_a_usage_error_and_nothing_is_stored(trustnxt: Trustnxt, secret_store) -> None:
    ran = trustnxt("credentials", "set", stdin="\n")
    assert ran.code == 2 and "no API key given" in ran.err
    assert trustnxt("credentials", "status").code == 3


def test_a_key_in_the_environment_is_said_to_take_precedence(
        trustnxt: Trustnxt, secret_store, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRUSTNXT_API_KEY", KEY)
    status = trustnxt("credentials", "status")
    assert status.code == 0 and "(from the environment variables)" in status.out
    saved = trustnxt("credentials", "set", stdin="tnxt_live_other1234other1234\n")
    assert saved.code == 0 and "TRUSTNXT_API_KEY is set in this environment and takes precedence" in saved.err


def test_a_key_that_does_not_look_like_one_is_stored_with_a_warning(trustnxt: Trustnxt, secret_store) -> None:
    ran = trustnxt("credentials", "set", stdin="not-a-trustnxt-key\n")
    assert ran.code == 0 and ran.err.startswith("warning: ")


def test_usage_of_the_local_engine_counts_this_computers_calls(trustnxt: Trustnxt, secret_store) -> None:
    text = trustnxt("usage", "--backend", "local")
    assert text.code == 0, text.err
    assert text.out.startswith("Cycle ") and "  Protect calls: 0" in text.out and "  Inspect calls: 0" in text.out
    snapshot = json.loads(trustnxt("usage", "--backend", "local", "--json").out)
    assert snapshot["protect_calls"] == 0 and snapshot["inspect_calls"] == 0
    assert "period_start" in snapshot and "period_end" in snapshot
