"""Secrets never reach a log, a crash report or a dialog: known values, remembered keyring values, anything
shaped like a TrustNXT key, credential headers (RFC 9110 §11.6.2) and credentials in URL queries."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from trustnxt_desktop.services.redact import SECRET_NAME, redact, remember_secrets, remembered_secrets

TOKEN = st.text(st.characters(codec="ascii", categories=["L", "N"]), min_size=8, max_size=40)
PROSE = st.text(st.characters(codec="ascii", categories=["L", "Zs"]), max_size=40)


@given(st.sampled_from(["live", "test", "secret"]), TOKEN, PROSE, PROSE)
def test_anything_shaped_like_a_key_is_cut(kind: str, body: str, before: str, after: str) -> None:
    token = f"tnxt_{kind}_{body}"
    assert redact(f"{before} {token} {after}") == f"{before} {token[:10]}…[redacted] {after}"


@given(st.sampled_from(["X-API-Key", "x-api-secret", "Authorization"]), st.sampled_from([": ", "=", "': '"]),
       st.sampled_from(["", "Bearer ", "basic "]), TOKEN)
def test_credential_headers_lose_their_values_and_schemes(name: str, sep: str, scheme: str, value: str) -> None:
    out = redact(f"{{'{name}{sep}{scheme}{value}', 'Accept': 'json'}}")
    assert value not in out and "[redacted]" in out and "Accept" in out


@given(st.sampled_from(["token", "access_token", "api_key", "api-key", "password", "sig"]), TOKEN)
def test_credentials_in_a_url_query(param: str, value: str) -> None:
    out = redact(f"GET https://x.example/a?page=2&{param}={value}#top failed")
    assert value not in out and "page=2" in out and out.endswith("#top failed")


def test_known_and_remembered_values_go_whatever_their_shape() -> None:
    remember_secrets("correct horse battery", None, "", "short")
    assert "correct horse battery" in remembered_secrets() and "short" not in remembered_secrets()
    assert redact("pass=correct horse battery; pin abc; word") == "pass=[redacted]; pin abc; word"
    assert redact("one abcdefgh two abcdefghij", known=["abcdefgh", "abcdefghij"]) == "one [redacted] two [redacted]", \
        "the longer value first: nothing is half replaced"
    assert redact("the key is abc", known=["abc"]) == "the key is abc", "too short to tell from ordinary words"


def test_secret_like_variable_names() -> None:
    for name in ("TRUSTNXT_API_KEY", "GITHUB_TOKEN", "DB_PASSWORD", "SESSION_COOKIE", "AWS_SECRET_ACCESS_KEY"):
        assert SECRET_NAME.search(name)
    for name in ("HOME", "PATH", "LANG", "QT_QPA_PLATFORM"):
        assert not SECRET_NAME.search(name)
