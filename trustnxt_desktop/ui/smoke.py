"""`trustnxt-desktop --smoke-test`: prove an installed copy works end to end, in a few seconds.

Checks, in order: the keyring is a real one; Qt starts (offscreen) and can encode images; a temporary
identity signs a generated picture; the local validator calls the copy trusted; the report renders.
Prints one line and exits 0, or names the first step that failed and exits 1.
"""

from __future__ import annotations

import asyncio
import shutil
import sys
import tempfile
import time
from pathlib import Path


async def _run(work: Path) -> str:
    from PySide6.QtCore import qVersion
    from PySide6.QtGui import QColor, QImage, QImageWriter, QPainter

    from ..domain.protect import ProtectOptions, ProtectStatus
    from ..domain.report import Verdict
    from ..services.account.keyring_store import KeyringSecretStore, backend_name, backend_problem
    from ..services.account.settings import Settings
    from ..services.backends.local import LocalBackend
    from .report_view import ReportView

    problem = backend_problem()
    if problem:
        raise RuntimeError(f"keyring: {problem}")
    image = QImage(640, 480, QImage.Format.Format_RGB32)
    image.fill(QColor("#204a87"))
    painter = QPainter(image)
    painter.fillRect(120, 100, 400, 280, QColor("#f57900"))
    painter.end()
    source = work / "smoke.jpg"
    writer = QImageWriter(str(source), b"JPEG")
    writer.setQuality(90)
    if not writer.write(image):
        raise RuntimeError(f"Qt could not write a JPEG (image plugins missing?): {writer.errorString()}")
    secrets = KeyringSecretStore()
    backend = LocalBackend(work / "home", secrets, Settings(display_name="Smoke Test"))
    try:
        result = await backend.protect(source, ProtectOptions())
        if result.status is not ProtectStatus.DONE or result.output is None:
            raise RuntimeError(f"protect: {result.error}")
        report = await backend.inspect(result.output)
        if report.verdict is not Verdict.TRUSTED:
            raise RuntimeError(f"inspect: expected trusted, got {report.verdict.value} ({report.summary})")
        view = ReportView(lambda message: None)
        view.resize(900, 700)
        view.show_report(report)
        if view.grab().isNull():
            raise RuntimeError("Qt could not render the report")
        await view.aclose()
    finally:
        identity = backend.identities.info()
        await backend.aclose()
        if identity is not None:
            secrets.delete(identity.secret_name)  # leave nothing behind in the user's keyring
    return (f"smoke test ok: keyring {backend_name()}, protect+inspect trusted, Qt {qVersion()}, "
            f"{report.engine.version}")


def run_smoke_test() -> int:
    import os

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    import qasync
    from PySide6.QtWidgets import QApplication

    started = time.perf_counter()
    app = QApplication.instance() or QApplication(sys.argv[:1])  # noqa: F841 - must outlive the loop
    work = Path(tempfile.mkdtemp(prefix="trustnxt-smoke-"))
    try:
        line = qasync.run(asyncio.wait_for(_run(work), timeout=120))
    except Exception as e:  # noqa: BLE001 - the point is one clear line, whatever broke
        print(f"smoke test FAILED: {e}", flush=True)
        return 1
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"{line} ({time.perf_counter() - started:.1f} s)", flush=True)
    return 0
