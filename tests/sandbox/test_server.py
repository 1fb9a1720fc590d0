"""The sandbox server as integrators see it: raw HTTP against the contract, keys, limits and faults."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from tests.conftest import CORPUS
from tests.sandbox.process import KEY, OTHER_KEY, SandboxProcess, start_sandbox
from trustnxt_desktop.cloud import contract

ICON = CORPUS / "media" / "trustnxt-icon.jpg"


def post(server: SandboxProcess, path: str, file: Path = ICON, key: str | None = KEY, *,
         name: str | None = None, options: dict[str, Any] | None = None,
         headers: dict[str, str] | None = None) -> httpx.Response:
    files: dict[str, tuple[str, bytes, str]] = {contract.FILE_FIELD: (name or file.name, file.read_bytes(),
                                                                      "application/octet-stream")}
    if options is not None:
        files[contract.OPTIONS_FIELD] = ("options.json", json.dumps(options).encode(), "application/json")
    all_headers = {**({contract.API_KEY_HEADER: key} if key else {}), **(headers or {})}
    return httpx.post(server.url + path, files=files, headers=all_headers, timeout=30)


def empty_soon(folder: Path, timeout: float = 5) -> bool:
    """The sandbox removes a result folder just after the answer has been sent."""
    deadline = time.monotonic() + timeout
    while any(folder.iterdir()):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


def error_code(response: httpx.Response) -> str | None:
    return contract.parse_error_body(response.content)[0]


def test_binds_loopback_and_answers_the_contract(sandbox: SandboxProcess) -> None:
    assert urlsplit(sandbox.url).hostname == "127.0.0.1"
    protected = post(sandbox, contract.PROTECT_PATH, options={"author": "Grace Hopper", "do_not_train": True})
    assert protected.status_code == 200 and protected.headers["content-type"] == "image/jpeg"
    assert protected.headers[contract.ASSET_ID_HEADER].startswith("ast_")
    out = Path(sandbox.log_dir / "out.jpg")
    out.write_bytes(protected.content)
    report = post(sandbox, contract.INSPECT_PATH, out).json()
    assert report["schema"] == "trustnxt.inspection/2" and report["verdict"] == "trusted"
    manifest = report["raw"]["manifests"][report["raw"]["active_manifest"]]
    assert "Grace Hopper" in json.dumps(manifest), "the options reached the manifest"
    assert empty_soon(sandbox.data_dir / "uploads") and empty_soon(sandbox.data_dir / "results")


def test_keys_are_checked_and_errors_are_json(sandbox: SandboxProcess) -> None:
    for key in (None, "tnxt_live_unknown"):
        response = post(sandbox, contract.INSPECT_PATH, key=key)
        assert response.status_code == 401 and error_code(response) == contract.ERR_UNAUTHORIZED
    assert sandbox.get(contract.USAGE_PATH).status_code == 401
    assert error_code(sandbox.get("/v1/elsewhere")) == contract.ERR_NOT_FOUND
    bad = httpx.post(sandbox.url + contract.INSPECT_PATH, content=b"raw bytes",
                     headers={contract.API_KEY_HEADER: KEY}, timeout=10)
    assert bad.status_code == 400 and error_code(bad) == contract.ERR_BAD_REQUEST
    broken = post(sandbox, contract.PROTECT_PATH, options={"thumbnail_edge": "big"})
    assert broken.status_code == 400 and "thumbnail_edge" in broken.json()["error"]["message"]
    odd_key = post(sandbox, contract.PROTECT_PATH, headers={contract.IDEMPOTENCY_HEADER: "no spaces allowed"})
    assert odd_key.status_code == 400


def test_a_unicode_name_and_a_hostile_path_come_back_clean(sandbox: SandboxProcess) -> None:
    report = post(sandbox, contract.INSPECT_PATH, name="Fotó \"Übersicht\".jpg").json()
    assert report["file"]["name"] == "Fotó %22Übersicht%22.jpg", report["file"]["name"]  # HTML5 form encoding
    sneaky = post(sandbox, contract.INSPECT_PATH, name="../../etc/passwd").json()
    assert sneaky["file"]["path"] == "passwd"
    assert not any((sandbox.data_dir / "uploads").iterdir())


def test_usage_counts_billable_calls_per_key(sandbox: SandboxProcess) -> None:
    before, other = sandbox.usage(KEY), sandbox.usage(OTHER_KEY)
    assert post(sandbox, contract.PROTECT_PATH).status_code == 200
    assert post(sandbox, contract.PROTECT_PATH, CORPUS / "hostile" / "unsupported_type.txt").status_code == 415
    assert post(sandbox, contract.INSPECT_PATH, CORPUS / "hostile" / "unsupported_type.txt").status_code == 200
    after = sandbox.usage(KEY)
    assert after["protect"]["calls"] == before["protect"]["calls"] + 1, "a 415 is not billed"
    assert after["inspect"]["calls"] == before["inspect"]["calls"] + 1
    assert sandbox.usage(OTHER_KEY) == other
    assert set(after) == {"cycle", "protect", "inspect", "days"}


def test_generated_key_and_keys_file(tmp_path: Path) -> None:
    server = start_sandbox(tmp_path / "generated", keys={})
    try:
        line = next(said for said in server.output().splitlines() if "generated test key" in said)
        generated = line.split()[-1]
        assert generated.startswith("tnxt_test_")
        assert post(server, contract.INSPECT_PATH, key=generated).status_code == 200
    finally:
        server.stop()
    keys = tmp_path / "keys.txt"
    keys.write_text("# team keys\ntnxt_live_fromfile0000000000000000:tnxt_secret_s3cr3t\n")
    server = start_sandbox(tmp_path / "file", "--keys-file", str(keys), keys={})
    try:
        assert post(server, contract.INSPECT_PATH, key="tnxt_live_fromfile0000000000000000").status_code == 401
        ok = post(server, contract.INSPECT_PATH, key="tnxt_live_fromfile0000000000000000",
                  headers={contract.API_SECRET_HEADER: "tnxt_secret_s3cr3t"})
        assert ok.status_code == 200
        assert b"tnxt_live_fromfile" not in (server.data_dir / "usage.sqlite3").read_bytes(), "keys stored as digests"
    finally:
        server.stop()


def test_rate_limit_answers_429_with_retry_after(sandbox_factory) -> None:
    server = sandbox_factory("--rate-limit", "2")
    statuses = [server.get(contract.USAGE_PATH, key=KEY) for _ in range(5)]
    limited = [r for r in statuses if r.status_code == 429]
    assert limited and limited[0].headers[contract.RETRY_AFTER_HEADER] == "1"
    assert error_code(limited[0]) == contract.ERR_RATE_LIMITED
    assert server.usage(OTHER_KEY)["protect"]["calls"] == 0, "the limit is per key"


def test_quota_limit_answers_402(sandbox_factory) -> None:
    server = sandbox_factory("--inspect-limit", "1")
    assert post(server, contract.INSPECT_PATH).status_code == 200
    refused = post(server, contract.INSPECT_PATH)
    assert refused.status_code == 402 and error_code(refused) == contract.ERR_QUOTA
    assert server.usage()["inspect"] == {"calls": 1, "limit": 1}


def test_injected_errors_spare_the_sandbox_helpers(sandbox_factory) -> None:
    server = sandbox_factory("--error-rate", "1")
    response = post(server, contract.PROTECT_PATH)
    assert response.status_code == 503 and error_code(response) == contract.ERR_UNAVAILABLE
    assert server.get(contract.SANDBOX_ROOT_PATH).text.startswith("-----BEGIN CERTIFICATE-----")
    stats = server.stats()
    assert stats["faults"] == {"injected_503": 1} and stats["billable"] == {}


def test_a_dropped_answer_is_billed_once_and_replayed(sandbox_factory) -> None:
    server = sandbox_factory("--drop-rate", "1")
    with pytest.raises(httpx.RemoteProtocolError):
        post(server, contract.PROTECT_PATH, headers={contract.IDEMPOTENCY_HEADER: "drop-then-replay"})
    assert server.stats()["billable"] == {"protect": 1}
    assert server.requests(f"POST {contract.PROTECT_PATH}") == {"dropped": 1}
    # The same sandbox would drop again; a second one shares nothing. So read the stored answer's folder.
    stored = list((server.data_dir / "idempotency").glob("*/body"))
    assert len(stored) == 1 and stored[0].read_bytes()[:3] == b"\xff\xd8\xff"


def test_upload_above_the_limit_is_413_and_leaves_nothing(sandbox_factory, tmp_path: Path) -> None:
    server = sandbox_factory("--max-upload-mb", "0.5")
    big = tmp_path / "big.jpg"
    big.write_bytes(ICON.read_bytes() + b"\0" * (1024 * 1024))
    declared = post(server, contract.PROTECT_PATH, big)
    assert declared.status_code == 413 and error_code(declared) == contract.ERR_TOO_LARGE

    def chunks():  # no Content-Length: the limit must hold while streaming
        yield b"--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"x.jpg\"\r\n\r\n"
        for _ in range(8):
            yield b"\0" * (128 * 1024)
        yield b"\r\n--b--\r\n"

    streamed = httpx.post(server.url + contract.INSPECT_PATH, content=chunks(), timeout=30,
                          headers={contract.API_KEY_HEADER: KEY, "Content-Type": "multipart/form-data; boundary=b"})
    assert streamed.status_code == 413
    assert not any((server.data_dir / "uploads").iterdir())


def test_an_upload_that_crashes_the_parser_costs_one_answer_not_the_server(sandbox_factory,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    from trustnxt_desktop.engine.untrusted import CRASH_SUMMARY
    from trustnxt_desktop.runtime.isolation import FAULT_ENV

    monkeypatch.setenv(FAULT_ENV, "abort:crashme")  # parser workers abort on any upload named like this
    server = sandbox_factory()
    hostile = post(server, contract.INSPECT_PATH, CORPUS / "c2pa" / "adobe-20220124-C.jpg", name="crashme.jpg")
    assert hostile.status_code == 200 and hostile.headers["content-type"] == "application/json"
    report = hostile.json()
    assert report["verdict"] == "error" and CRASH_SUMMARY in report["summary"], report["summary"]
    assert report["file"]["name"] == "crashme.jpg"
    # The picture decode for a protected copy's thumbnail crashes too: the copy is made without one.
    protected = post(server, contract.PROTECT_PATH, name="crashme.jpg", options={})
    assert protected.status_code == 200 and protected.content[:2] == b"\xff\xd8"
    # ... and the server goes on serving.
    assert server.proc.poll() is None
    good = post(server, contract.INSPECT_PATH, CORPUS / "c2pa" / "adobe-20220124-C.jpg")
    assert good.status_code == 200 and good.json()["verdict"] == "valid"
    copy = server.log_dir / "copy.jpg"
    copy.write_bytes(protected.content)
    signed = post(server, contract.INSPECT_PATH, copy).json()
    assert signed["verdict"] == "trusted" and not signed["thumbnail"], "signed, without the crashed thumbnail"
    copy.write_bytes(post(server, contract.PROTECT_PATH, options={}).content)
    assert post(server, contract.INSPECT_PATH, copy).json()["thumbnail"], "other uploads keep theirs"
    assert server.usage()["inspect"]["calls"] == 4 and server.usage()["protect"]["calls"] == 2
    assert empty_soon(server.data_dir / "uploads") and empty_soon(server.data_dir / "results")


def test_the_source_field_is_the_claim_and_is_checked(sandbox: SandboxProcess) -> None:
    def claim_of(response: httpx.Response) -> str:
        assert response.status_code == 200, response.text
        out = sandbox.log_dir / "claimed.jpg"
        out.write_bytes(response.content)
        report = post(sandbox, contract.INSPECT_PATH, out).json()
        claimed: str = report["actions"][0]["digital_source_type"]
        return claimed

    def with_source(value: str | None) -> httpx.Response:
        return httpx.post(sandbox.url + contract.PROTECT_PATH, headers={contract.API_KEY_HEADER: KEY}, timeout=30,
                          data={contract.SOURCE_FIELD: value} if value is not None else None,
                          files={contract.FILE_FIELD: (ICON.name, ICON.read_bytes(), "image/jpeg")})

    assert claim_of(with_source("edited")).endswith("/humanEdits")
    assert claim_of(with_source(None)).endswith("/digitalCapture"), "absent: a camera capture"
    refused = with_source("drone")
    assert refused.status_code == 400 and error_code(refused) == contract.ERR_BAD_REQUEST
    assert "camera, edited, ai, screen, other" in refused.json()["error"]["message"]


def test_an_original_with_unreadable_credentials_is_protected(sandbox: SandboxProcess) -> None:
    protected = post(sandbox, contract.PROTECT_PATH, CORPUS / "hostile" / "no_alg.jpg")
    assert protected.status_code == 200, protected.text
