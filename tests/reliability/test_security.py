"""Security pass: secrets only in the keyring, names from the network never decide a path, the sandbox
refuses upload bombs, and plain http is refused off this machine."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

from tests.conftest import CORPUS
from tests.reliability.conftest import cli
from tests.sandbox.process import KEY, SECRET, SECRET_KEY, SandboxProcess
from trustnxt_desktop.cloud import contract
from trustnxt_desktop.domain.protect import ProtectOptions, ProtectStatus
from trustnxt_desktop.engine.identity import IdentityStore
from trustnxt_desktop.services.account.credentials import KEY_ENV, SECRET_ENV, CredentialStore
from trustnxt_desktop.services.account.settings import Settings
from trustnxt_desktop.services.backends.cloud import CloudBackend
from trustnxt_desktop.services.jobs.runner import run_protect_job
from trustnxt_desktop.services.jobs.store import JobStore


def test_a_full_session_leaves_secrets_only_in_the_keyring(tmp_path: Path, home: Path, secret_store,
                                                          sandbox: SandboxProcess,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(KEY_ENV, raising=False)
    monkeypatch.delenv(SECRET_ENV, raising=False)
    env = {contract.API_URL_ENV: sandbox.url}
    shoot = tmp_path / "shoot"
    shoot.mkdir()
    for name in ("trustnxt-icon.jpg", "trustnxt-icon.png", "sample1.webp"):
        shutil.copy(CORPUS / "media" / name, shoot / name)
    transcript: list[str] = []

    def step(*args: str, stdin: str | None = None, expect: int = 0) -> str:
        proc = cli(*args, home=home, env=env, stdin=stdin)
        transcript.extend([proc.stdout, proc.stderr])
        assert proc.returncode == expect, f"{args}: {proc.stderr}"
        return proc.stdout

    step("credentials", "set", stdin=f"{SECRET_KEY}\n{SECRET}\n")
    step("identity", "create", "--name", "Test Photographer")
    step("protect", str(shoot), "--out", str(tmp_path / "local"), "--json")
    step("protect", "--backend", "cloud", str(shoot), "--out", str(tmp_path / "cloud"), "--json")
    step("inspect", str(tmp_path / "local"), "--json")
    step("inspect", "--backend", "cloud", str(tmp_path / "cloud"), "--json")
    step("usage", "--backend", "cloud", "--json")
    step("jobs", "list")
    step("jobs", "list", "--batch", "2", "--json")
    step("jobs", "retry")
    info = IdentityStore(home, secret_store).info()
    assert info is not None
    passphrase = secret_store.get(info.secret_name)
    assert passphrase and secret_store.get(CredentialStore(secret_store).key_name) == SECRET_KEY
    secrets = {"API key": SECRET_KEY, "API secret": SECRET, "identity passphrase": passphrase}
    written = [p for p in home.rglob("*") if p.is_file()]
    assert any(p.name == "jobs.sqlite3" for p in written), "the job store was part of the session"
    for path in written:
        data = path.read_bytes()
        for what, secret in secrets.items():
            assert secret.encode() not in data, f"{path.relative_to(home)} holds the {what}"
    for text in transcript:
        for what, secret in secrets.items():
            assert secret not in text, f"the {what} reached the terminal"
    step("credentials", "clear")


class HostileServer(ThreadingHTTPServer):
    """The service's server, holding the Content-Type its answers claim."""

    content_type = "image/jpeg"


class HostileService(BaseHTTPRequestHandler):
    """Answers every protect with a real protected JPEG under names meant to escape the output folder."""

    body = b""

    def do_POST(self) -> None:  # noqa: N802 - the http.server API
        length = int(self.headers.get("Content-Length", "0"))
        self.rfile.read(length)
        self.send_response(200)
        assert isinstance(self.server, HostileServer)
        self.send_header("Content-Type", self.server.content_type)
        self.send_header("Content-Disposition", 'attachment; filename="../../../escaped.jpg"')
        self.send_header(contract.ASSET_ID_HEADER, "../../../../tmp/escaped-asset")
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def hostile_service() -> Iterator[HostileServer]:
    HostileService.body = (CORPUS / "c2pa" / "adobe-20220124-C.jpg").read_bytes()
    server = HostileServer(("127.0.0.1", 0), HostileService)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("content_type", ["image/jpeg", "image/../../escaped", "image/jpeg; name=../../x.jpg"])
async def test_names_from_the_service_never_decide_a_path(tmp_path: Path, home: Path, secret_store,
                                                          hostile_service: HostileServer, content_type: str,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    hostile_service.content_type = content_type
    monkeypatch.setenv(KEY_ENV, KEY)
    url = f"http://127.0.0.1:{hostile_service.server_address[1]}"
    out = tmp_path / "deep" / "out"
    src = tmp_path / "photo.jpg"
    shutil.copy(CORPUS / "media" / "trustnxt-icon.jpg", src)
    store = JobStore(home)
    (job,) = store.add_jobs(store.create_batch(backend="cloud").id, [(src, out)])
    backend = CloudBackend(home, Settings(api_url=url), CredentialStore(secret_store), environ={})
    result = await run_protect_job(store, backend, job, ProtectOptions())
    await backend.aclose()
    store.close()
    assert result.status is ProtectStatus.DONE, result.error
    assert result.output == out / "photo.protected.jpg"
    outside = [p for p in tmp_path.rglob("*") if "escaped" in p.name or p.parent not in (tmp_path, out) and p.is_file()
               and home not in p.parents]
    assert outside == [], outside
    assert not Path("/tmp/escaped-asset").exists()


def test_sandbox_refuses_upload_bombs(sandbox_factory) -> None:
    server = sandbox_factory("--max-upload-mb", "1")
    boundary = "b0undary"
    headers = {contract.API_KEY_HEADER: KEY, "Content-Type": f"multipart/form-data; boundary={boundary}"}

    def post(body: bytes | Iterator[bytes], extra: dict[str, str] | None = None) -> httpx.Response:
        return httpx.post(server.url + contract.PROTECT_PATH, content=body, headers={**headers, **(extra or {})},
                          timeout=30)

    def part(name: str, value: bytes, filename: str | None = None, head: str = "") -> bytes:
        disposition = f'form-data; name="{name}"' + (f'; filename="{filename}"' if filename else "")
        return f"--{boundary}\r\nContent-Disposition: {disposition}\r\n{head}\r\n".encode() + value + b"\r\n"

    end = f"--{boundary}--\r\n".encode()
    many = post(b"".join(part(f"f{i}", b"x") for i in range(200)) + end)
    assert many.status_code == 400 and "Too many parts" in many.json()["error"]["message"]
    huge_header = post(part(contract.FILE_FIELD, b"abc", "a.jpg", "X-Padding: " + "A" * (512 * 1024) + "\r\n") + end)
    assert huge_header.status_code == 400, "refused by the multipart parser, not just by its size"
    lots = "".join(f"X-{i}: v\r\n" for i in range(40_000))
    many_headers = post(part(contract.FILE_FIELD, b"abc", "a.jpg", lots) + end)
    assert many_headers.status_code == 400
    too_big = post(part(contract.FILE_FIELD, b"\xff" * (2 * 1024 * 1024), "big.jpg") + end)
    assert too_big.status_code == 413

    def unannounced() -> Iterator[bytes]:  # chunked: no Content-Length to refuse up front
        yield part(contract.FILE_FIELD, b"", "big.jpg")[:-2]
        for _ in range(40):
            yield b"\xff" * (64 * 1024)
        yield b"\r\n" + end

    assert post(unannounced()).status_code == 413
    with _status_or_reset() as outcome:
        outcome.response = post(b"x", {"X-Huge": "A" * 256 * 1024})
    assert not list((server.data_dir / "uploads").iterdir()), "nothing of a refused upload is kept"
    assert server.stats()["billable"] == {}
    assert server.get(contract.SANDBOX_STATS_PATH).status_code == 200, "still serving"


class _status_or_reset:
    """A request whose headers alone are too big is refused with a 4xx or a closed connection."""

    response: httpx.Response | None = None

    def __enter__(self) -> _status_or_reset:
        return self

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> bool:
        if kind is not None:
            return issubclass(kind, httpx.TransportError)
        assert self.response is not None and 400 <= self.response.status_code < 500
        return False


@pytest.mark.parametrize("url", ["http://10.0.0.5:8787", "http://192.168.1.20", "http://api.trustnxt.com"])
def test_plain_http_off_this_machine_is_refused_before_anything_is_sent(url: str, tmp_path: Path, home: Path) -> None:
    src = tmp_path / "p.jpg"
    shutil.copy(CORPUS / "media" / "trustnxt-icon.jpg", src)
    proc = cli("protect", "--backend", "cloud", str(src), home=home,
               env={contract.API_URL_ENV: url, KEY_ENV: KEY})
    assert proc.returncode == 3
    assert "Refusing to send your files and API key unencrypted" in proc.stderr
    assert not list(tmp_path.glob("p.protected*")) and not list(tmp_path.glob(".trustnxt-*"))
