"""CloudBackend against a real sandbox process: same results as LocalBackend, same safe outputs, a ledger."""

from __future__ import annotations

import asyncio
import hashlib
import logging
import shutil
import socket
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import CORPUS
from tests.expect import protected_copy
from tests.sandbox.process import KEY, SandboxProcess
from trustnxt_desktop.cloud import contract
from trustnxt_desktop.cloud.errors import CloudAuthError
from trustnxt_desktop.cloud.multipart import MultipartUpload
from trustnxt_desktop.cloud.retry import RetryPolicy
from trustnxt_desktop.domain.errors import ConfigurationError
from trustnxt_desktop.domain.protect import ProtectOptions, ProtectStatus
from trustnxt_desktop.domain.report import Verdict
from trustnxt_desktop.engine.inspect import inspect_file
from trustnxt_desktop.engine.trust import TrustConfig, TrustSource
from trustnxt_desktop.runtime.atomic import PARTIAL_SUFFIX
from trustnxt_desktop.services.account.credentials import KEY_ENV, CredentialsMissingError, CredentialStore
from trustnxt_desktop.services.account.keyring_store import KeyringSecretStore
from trustnxt_desktop.services.account.settings import Settings
from trustnxt_desktop.services.backends.cloud import CloudBackend
from trustnxt_desktop.services.backends.local import LocalBackend
from trustnxt_desktop.services.backends.recording import RecordingBackend
from trustnxt_desktop.services.backends.registry import make_backend

FAST = RetryPolicy(max_attempts=3, base_delay=0.05, max_delay=0.1, total_seconds=2)


def cloud(home: Path, url: str, key: str = KEY, retry: RetryPolicy = FAST) -> CloudBackend:
    env = {KEY_ENV: key, contract.API_URL_ENV: url}
    return CloudBackend(home, Settings(), CredentialStore(KeyringSecretStore(), environ=env), retry=retry, environ=env)


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


async def test_protect_writes_next_to_the_original_and_never_overwrites(sandbox: SandboxProcess, home: Path,
                                                                        tmp_path: Path) -> None:
    src = tmp_path / "photo.jpg"
    shutil.copy(CORPUS / "media" / "P1000827.jpg", src)
    before = sha(src)
    backend = cloud(home, sandbox.url)
    try:
        first = await backend.protect(src, ProtectOptions())
        second = await backend.protect(src, ProtectOptions())
        elsewhere = await backend.protect(src, ProtectOptions(out_dir=tmp_path / "out" / "day1"))
    finally:
        await backend.aclose()
    assert first.status is ProtectStatus.DONE, first.error
    assert (first.output, second.output) == (tmp_path / "photo.protected.jpg", tmp_path / "photo.protected (2).jpg")
    assert elsewhere.output == tmp_path / "out" / "day1" / "photo.protected.jpg"
    assert first.engine == "cloud" and first.media_type == "image/jpeg" and first.seconds > 0
    assert sha(src) == before, "the original is never modified"
    assert not list(tmp_path.rglob(f"*{PARTIAL_SUFFIX}"))
    anchor = TrustConfig(sources=(TrustSource("Sandbox", anchors_pem=sandbox.root_pem()),))
    assert inspect_file(protected_copy(first), anchor).verdict is Verdict.TRUSTED
    ledger = backend.ledger.snapshot(backend="cloud")
    assert (ledger.protect_calls, ledger.inspect_calls) == (3, 0)


async def test_a_misnamed_file_gets_its_real_extension(sandbox: SandboxProcess, home: Path, tmp_path: Path) -> None:
    src = tmp_path / "really-a-png.jpg"
    shutil.copy(CORPUS / "media" / "trustnxt-icon.png", src)
    backend = cloud(home, sandbox.url)
    try:
        result = await backend.protect(src, ProtectOptions())
    finally:
        await backend.aclose()
    assert result.status is ProtectStatus.DONE and result.output == tmp_path / "really-a-png.protected.png"
    assert result.warnings and "image/png" in result.warnings[0]


async def test_per_file_problems_are_results_account_problems_raise(sandbox: SandboxProcess, home: Path,
                                                                    tmp_path: Path) -> None:
    work = tmp_path / "work"
    work.mkdir()
    backend = cloud(home, sandbox.url)
    try:
        skipped = await backend.protect(CORPUS / "hostile" / "unsupported_type.txt", ProtectOptions(out_dir=work))
        missing = await backend.protect(work / "gone.jpg", ProtectOptions())
        empty = work / "empty.jpg"
        empty.touch()
        nothing = await backend.protect(empty, ProtectOptions())
    finally:
        await backend.aclose()
    assert skipped.status is ProtectStatus.SKIPPED and "cannot" in (skipped.error or "")
    assert missing.status is ProtectStatus.FAILED and missing.error == "The file no longer exists."
    assert nothing.status is ProtectStatus.FAILED and nothing.error == "The file is empty."
    assert list(work.iterdir()) == [empty]
    assert backend.ledger.snapshot(backend="cloud").protect_calls == 0, "nothing protected, nothing counted"
    wrong = cloud(home, sandbox.url, key="tnxt_live_wrong-key-0000000000000000")
    try:
        with pytest.raises(CloudAuthError):
            await wrong.protect(CORPUS / "media" / "trustnxt-icon.jpg", ProtectOptions(out_dir=tmp_path / "x"))
    finally:
        await wrong.aclose()
    assert not (tmp_path / "x").exists() or not any((tmp_path / "x").iterdir())


async def test_inspect_names_the_local_file(sandbox: SandboxProcess, home: Path) -> None:
    path = CORPUS / "c2pa" / "adobe-20220124-E-sig-CA.jpg"
    backend = cloud(home, sandbox.url)
    try:
        report = await backend.inspect(path)
        unreadable = await backend.inspect(home / "no-such-file.jpg")
    finally:
        await backend.aclose()
    assert report.file.path == str(path) and report.verdict is Verdict.INVALID
    assert unreadable.verdict is Verdict.ERROR and "could not read" in (unreadable.error or "")
    assert backend.label == "engine: TrustNXT Inspect API"
    # The unreadable file never left this machine: no call, nothing recorded.
    assert backend.ledger.snapshot(backend="cloud").inspect_calls == 1


async def test_usage_from_the_service_else_from_the_ledger(sandbox: SandboxProcess, sandbox_factory,  # noqa: F811
                                                           home: Path, tmp_path: Path,
                                                           caplog: pytest.LogCaptureFixture) -> None:
    backend = cloud(home, sandbox.url)
    try:
        await backend.inspect(CORPUS / "media" / "trustnxt-icon.jpg")
        remote = await backend.usage()
    finally:
        await backend.aclose()
    assert remote.source == "TrustNXT usage API" and remote.inspect_calls >= 1

    no_usage = sandbox_factory("--no-usage-endpoint")
    backend = cloud(home, no_usage.url)
    try:
        await backend.protect(CORPUS / "media" / "trustnxt-icon.jpg", ProtectOptions(out_dir=tmp_path))
        fallback = await backend.usage()
    finally:
        await backend.aclose()
    assert fallback.source == "local ledger"
    assert (fallback.protect_calls, fallback.inspect_calls) == (1, 1)  # this home's ledger: both backends above

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{s.getsockname()[1]}"
    backend = cloud(home, dead)
    caplog.set_level(logging.INFO, "trustnxt_desktop.cloud.client")
    try:
        offline = await backend.usage()
    finally:
        await backend.aclose()
    assert offline.source == "local ledger"
    tries = [r for r in caplog.records if r.getMessage().startswith(f"GET {contract.USAGE_PATH}")]
    assert len(tries) == 2, "an unreachable service gets two tries, then the ledger answers"


async def test_cancel_mid_upload_leaves_no_output(sandbox_factory, home: Path, tmp_path: Path,  # noqa: F811
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    server = sandbox_factory("--latency", "1500")
    src = tmp_path / "clip.mov"
    shutil.copy(CORPUS / "media" / "c.mov", src)
    with open(src, "r+b") as f:
        f.truncate(48 * 1024 * 1024)
    out = tmp_path / "out"
    backend = cloud(home, server.url)
    uploading = asyncio.Event()
    real_init = MultipartUpload.__init__

    def noting_progress(upload: MultipartUpload, *args: Any, **kwargs: Any) -> None:
        real_init(upload, *args, **kwargs)
        upload.progress = lambda sent, total: uploading.set()  # the first chunk has gone out

    monkeypatch.setattr(MultipartUpload, "__init__", noting_progress)
    try:
        task = asyncio.ensure_future(backend.protect(src, ProtectOptions(out_dir=out)))
        await uploading.wait()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        # The call ended while the server still held the request in its delay, before it answered anything.
        assert await asyncio.to_thread(server.requests, f"POST {contract.PROTECT_PATH}") == {}
    finally:
        await backend.aclose()
    assert not out.exists() or not any(out.iterdir()), "no output and no temp file may remain"
    await asyncio.to_thread(server.wait_for, f"POST {contract.PROTECT_PATH}", "499")  # it saw the client leave
    assert server.usage()["protect"]["calls"] == 0
    assert not any((server.data_dir / "uploads").iterdir())


async def test_no_credentials_is_a_configuration_error(home: Path, secret_store: KeyringSecretStore) -> None:
    backend = CloudBackend(home, Settings(api_url="https://api.example.invalid"),
                           CredentialStore(secret_store, "no-such-profile", environ={}))
    try:
        with pytest.raises(CredentialsMissingError):
            await backend.protect(CORPUS / "media" / "trustnxt-icon.jpg", ProtectOptions())
    finally:
        await backend.aclose()


def _engine(backend: object) -> object:
    assert isinstance(backend, RecordingBackend), "make_backend records every inspection"
    return backend.inner


def test_make_backend_chooses_by_kind_or_settings(home: Path, secret_store: KeyringSecretStore) -> None:
    assert isinstance(_engine(make_backend(home, Settings(), secret_store)), LocalBackend)
    assert isinstance(_engine(make_backend(home, Settings(backend="cloud"), secret_store)), CloudBackend)
    chosen = make_backend(home, Settings(backend="cloud"), secret_store, "local")
    assert isinstance(_engine(chosen), LocalBackend)
    with pytest.raises(ConfigurationError):
        make_backend(home, Settings(), secret_store, "quantum")
    backend = _engine(make_backend(home, Settings(api_url="https://api.example.test/"), secret_store, "cloud",
                                   profile="p2"))
    assert isinstance(backend, CloudBackend) and backend.credentials.profile == "p2"
    assert backend.base_url in ("https://api.example.test", __import__("os").environ.get(contract.API_URL_ENV))


async def test_cloud_reports_say_revocation_was_not_checked_and_why(sandbox: SandboxProcess, home: Path) -> None:
    from trustnxt_desktop.domain.report import CheckStatus
    from trustnxt_desktop.domain.timestamps import NOT_CHECKED_SERVICE, REVOCATION_NOT_CHECKED

    path = CORPUS / "c2pa" / "adobe-20220124-C.jpg"
    backend = cloud(home, sandbox.url)
    try:
        report = await backend.inspect(path)
        unsigned = await backend.inspect(CORPUS / "media" / "no_manifest.jpg")
    finally:
        await backend.aclose()
    assert report.signer is not None and report.revocation is not None
    assert (report.revocation.status, report.revocation.why_not) == (REVOCATION_NOT_CHECKED, NOT_CHECKED_SERVICE)
    assert report.revocation.chain_pem  # what would have been checked, as the service read it
    check = report.check("revocation")
    assert check is not None and check.status is CheckStatus.UNKNOWN
    assert "TrustNXT service" in check.detail and "online checks are off" not in check.detail
    assert unsigned.revocation is None  # no signer: nothing to say about revocation
