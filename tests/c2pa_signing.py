"""Signed test inputs made with c2pa-python's Builder, using only this machine.

- certificates come from `tests.certs.TestCA` (short-lived ones expire during a test);
- `sign()` signs a file (optionally with a parent ingredient, a remote manifest address, or no
  embedded manifest) and returns the signed bytes and the manifest store bytes.
- `local_files` serves bytes over HTTP on 127.0.0.1 (a remote manifest store) and records requests.
- `local_tsa` is an RFC 3161 timestamp authority on 127.0.0.1, answered by `openssl ts -reply`.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Protocol

import c2pa
from cryptography import x509
from cryptography.x509.oid import ExtendedKeyUsageOID

IPTC = "http://cv.iptc.org/newscodes/digitalsourcetype/"
CAPTURE = [{"action": "c2pa.created", "digitalSourceType": IPTC + "digitalCapture"}]
_NO_THUMBNAIL = {"builder": {"thumbnail": {"enabled": False}}, "verify": {"remote_manifest_fetch": False}}


def manifest(actions: list[dict[str, Any]] | None = None, *, title: str = "test.jpg",
             assertions: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {"claim_generator_info": [{"name": "verdict-tests", "version": "1.0"}], "title": title,
            "assertions": [{"label": "c2pa.actions.v2", "data": {"actions": actions or CAPTURE}}]
            + (assertions or [])}


def sign(source: Path | bytes, definition: dict[str, Any], credentials: tuple[bytes, bytes], *,
         mime: str = "image/jpeg", parent: tuple[Path | bytes, str] | None = None, tsa_url: str | None = None,
         remote_url: str | None = None, embed: bool = True) -> tuple[bytes, bytes]:
    """(signed file bytes, manifest store bytes). `parent`: (file, title) added as the parentOf ingredient
    that a `c2pa.opened` action refers to (ingredientIds ["parent"])."""
    chain, key = credentials
    signer = c2pa.Signer.from_info(c2pa.C2paSignerInfo(c2pa.C2paSigningAlg.ES256, chain, key, tsa_url))
    builder = c2pa.Builder(definition, context=c2pa.Context.from_dict(_NO_THUMBNAIL))
    if parent is not None:
        data, title = parent
        blob = data if isinstance(data, bytes) else data.read_bytes()
        builder.add_ingredient({"title": title, "relationship": "parentOf", "label": "parent"}, mime, io.BytesIO(blob))
    if remote_url:
        builder.set_remote_url(remote_url)
    if not embed:
        builder.set_no_embed()
    blob = source if isinstance(source, bytes) else source.read_bytes()
    out = io.BytesIO()
    store = builder.sign(signer, mime, io.BytesIO(blob), out)
    return out.getvalue(), store


OPENED = [{"action": "c2pa.opened", "parameters": {"ingredientIds": ["parent"]}}]


def jpeg_segments(data: bytes) -> list[tuple[int, int, bytes]]:
    """(marker, offset, whole segment) of a JPEG's header segments, up to the start of scan."""
    found, i = [], 2
    while i + 4 <= len(data) and data[i] == 0xFF and data[i + 1] != 0xDA:
        length = int.from_bytes(data[i + 2:i + 4], "big")
        found.append((data[i + 1], i, data[i:i + 2 + length]))
        i += 2 + length
    return found


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_GET(self) -> None:  # noqa: N802 - the base class's name
        self.server.requests.append(self.path)
        body = self.server.files.get(self.path)
        if body is None:
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/c2pa")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self) -> None:  # noqa: N802
        query = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        self.server.requests.append(self.path)
        answer = self.server.tsa(query) if self.server.tsa else None
        self.send_response(200 if answer else 500)
        self.send_header("Content-Type", "application/timestamp-reply")
        self.send_header("Content-Length", str(len(answer or b"")))
        self.end_headers()
        self.wfile.write(answer or b"")

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


class _Server(ThreadingHTTPServer):
    files: dict[str, bytes]
    requests: list[str]
    tsa: Any


@contextmanager
def _serve(files: dict[str, bytes] | None = None, tsa: Any = None) -> Iterator[_Server]:
    server = _Server(("127.0.0.1", 0), _Handler)
    server.files, server.requests, server.tsa = dict(files or {}), [], tsa
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


@contextmanager
def local_files(files: dict[str, bytes] | None = None) -> Iterator[tuple[str, _Server]]:
    """(base URL "http://127.0.0.1:<port>", server); `server.files[path] = bytes` serves more."""
    with _serve(files) as server:
        yield f"http://127.0.0.1:{server.server_address[1]}", server


class IssuesCertificates(Protocol):
    """What local_tsa needs of a CA (tests.certs.TestCA, tests.revocation_pki.IssuesTSA): (chain PEM, key PEM)."""

    def issue(self, common_name: str, *, seconds: float = ...,
              eku: x509.ObjectIdentifier = ...) -> tuple[bytes, bytes]: ...


@contextmanager
def local_tsa(ca: IssuesCertificates) -> Iterator[str]:
    """The URL of an RFC 3161 timestamp authority whose certificate `ca` issued (EKU timeStamping)."""
    openssl = shutil.which("openssl")
    assert openssl, "the openssl command is needed for the test timestamp authority"
    chain, key = ca.issue("Verdict Test TSA", eku=ExtendedKeyUsageOID.TIME_STAMPING)
    with tempfile.TemporaryDirectory() as folder:
        d = Path(folder)
        leaf = chain[:chain.index(b"-----END CERTIFICATE-----") + len(b"-----END CERTIFICATE-----\n")]
        (d / "tsa.pem").write_bytes(leaf)
        (d / "tsa.key").write_bytes(key)
        (d / "chain.pem").write_bytes(chain)
        (d / "serial").write_text("01\n")
        (d / "ts.cnf").write_text(
            "[ tsa ]\ndefault_tsa = tsa_config\n[ tsa_config ]\n"
            f"serial = {d}/serial\nsigner_cert = {d}/tsa.pem\ncerts = {d}/chain.pem\nsigner_key = {d}/tsa.key\n"
            "signer_digest = sha256\ndefault_policy = 1.2.3.4.1\ndigests = sha256, sha384, sha512\n"
            "accuracy = secs:1\nordering = no\ntsa_name = no\ness_cert_id_chain = no\ness_cert_id_alg = sha256\n")
        lock = threading.Lock()

        def answer(query: bytes) -> bytes | None:
            with lock, tempfile.TemporaryDirectory(dir=folder) as work:
                (Path(work) / "q.tsq").write_bytes(query)
                done = subprocess.run([openssl, "ts", "-reply", "-config", str(d / "ts.cnf"), "-queryfile",
                                       str(Path(work) / "q.tsq"), "-out", str(Path(work) / "r.tsr")],
                                      capture_output=True, timeout=30)
                return (Path(work) / "r.tsr").read_bytes() if done.returncode == 0 else None

        with _serve(tsa=answer) as server:
            yield f"http://127.0.0.1:{server.server_address[1]}/tsa"
