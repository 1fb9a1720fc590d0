"""A trust-list mirror on 127.0.0.1 for tests: serves a folder, can be stopped to simulate going offline."""

from __future__ import annotations

import functools
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from tests.conftest import SHARED

TRUST_FILES = ("C2PA-TRUST-LIST.pem", "C2PA-TSA-TRUST-LIST.pem", "ITL-anchors.pem", "ITL-allowed.pem", "ITL-store.cfg")


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base class's name
        pass


class TrustMirror:
    """`folder` starts as a copy of ../shared/trust (in the test's tmp dir) so a test can damage files."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        for name in TRUST_FILES:
            shutil.copy(SHARED / "trust" / name, folder / name)
        self._server: ThreadingHTTPServer | None = None
        self.url = ""

    def start(self) -> None:
        handler = functools.partial(_Quiet, directory=str(self.folder))
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None


@contextmanager
def trust_mirror(folder: Path) -> Iterator[TrustMirror]:
    mirror = TrustMirror(folder)
    mirror.start()
    try:
        yield mirror
    finally:
        mirror.stop()
