"""Where pictures come from: a small interface over the camera, so capture can be tested without one.

FrameSource emits preview frames and states, and takes stills. CameraFrameSource drives a real camera
through QtMultimedia; SyntheticFrameSource paints frames itself (tests, demos, machines without a
camera must still exercise the whole capture → protect pipeline).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import sys

from PySide6.QtCore import QObject, QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QImage, QLinearGradient, QPainter
from PySide6.QtMultimedia import QCamera, QCameraDevice, QImageCapture, QMediaCaptureSession, QVideoFrame, QVideoSink


def permission_hint(kind: str) -> str:
    """What to do when the OS refuses camera or microphone access."""
    if sys.platform == "darwin":
        return f"Allow TrustNXT Desktop in System Settings → Privacy & Security → {kind.capitalize()}, then reopen it."
    if sys.platform == "win32":
        return (f"Turn on {kind} access for desktop apps in Settings → Privacy & security → {kind.capitalize()}, "
                "then reopen the app.")
    return (f"Check that your user may use the {kind} (e.g. is in the 'video' or 'audio' group) and that no "
            "other app holds it, or if the app runs as a sandboxed package (Flatpak/Snap), grant it access.")


class FrameSource(QObject):
    frame = Signal(QImage)  # preview frames, already on the GUI thread
    state = Signal(str, str)  # ("ready" | "no-device" | "error" | "stopped" | "permission", message)

    description = "camera"

    def start(self) -> None:
        raise NotImplementedError

    def stop(self) -> None:
        raise NotImplementedError

    async def still(self) -> QImage:
        """A full-resolution still picture."""
        raise NotImplementedError


class SyntheticFrameSource(FrameSource):
    """Paints a moving test card at ~25 frames per second."""

    def __init__(self, size: tuple[int, int] = (1920, 1080),
                 description: str = "TrustNXT test card (synthetic)") -> None:
        super().__init__()
        self.size = size
        self.description = description
        self._timer = QTimer(self)
        self._timer.setInterval(40)
        self._timer.timeout.connect(self._tick)
        self._n = 0
        self._running = False

    def start(self) -> None:
        self._running = True
        self._timer.start()
        self.state.emit("ready", self.description)

    def stop(self) -> None:
        self._running = False
        self._timer.stop()
        self.state.emit("stopped", "")

    def render(self, width: int, height: int) -> QImage:
        image = QImage(width, height, QImage.Format.Format_RGB32)
        p = QPainter(image)
        gradient = QLinearGradient(0, 0, width, height)
        gradient.setColorAt(0, QColor("#0b5394"))
        gradient.setColorAt(1, QColor("#6fa8dc"))
        p.fillRect(0, 0, width, height, gradient)
        x = (self._n * 7) % width
        p.setBrush(QColor("#f1c232"))
        p.setPen(Qt.PenStyle.NoPen)
        p.drawEllipse(QPointF(x, height / 2), height / 6, height / 6)
        p.setPen(QColor("white"))
        font = QFont()
        font.setPixelSize(max(12, height // 18))
        p.setFont(font)
        p.drawText(QRectF(0, 0, width, height * 0.2), Qt.AlignmentFlag.AlignCenter,
                   dt.datetime.now().strftime("%H:%M:%S.%f")[:-3])
        p.end()
        return image

    def _tick(self) -> None:
        self._n += 1
        self.frame.emit(self.render(640, 360))

    async def still(self) -> QImage:
        if not self._running:
            raise RuntimeError("the camera is not running")
        return self.render(*self.size)


class CameraFrameSource(FrameSource):
    """A real camera: preview through a video sink, stills through QImageCapture."""

    def __init__(self, device: QCameraDevice) -> None:
        super().__init__()
        self.device = device
        self.description = device.description()
        # Parented: Qt deletes them on the GUI thread (see AudioRecorder for why that matters).
        self.camera = QCamera(device, self)
        self.session = QMediaCaptureSession(self)
        self.sink = QVideoSink(self)
        self.capture = QImageCapture(self)
        self.session.setCamera(self.camera)
        self.session.setVideoSink(self.sink)
        self.session.setImageCapture(self.capture)
        self.sink.videoFrameChanged.connect(self._on_frame)
        self.camera.errorOccurred.connect(self._on_error)
        self.capture.imageCaptured.connect(self._on_still)
        self.capture.errorOccurred.connect(self._on_capture_error)
        self._waiting: dict[int, asyncio.Future[QImage]] = {}
        self._last_frame = 0.0

    def start(self) -> None:
        self.camera.start()
        self.state.emit("ready", self.description)

    def stop(self) -> None:
        self.camera.stop()
        for future in self._waiting.values():
            if not future.done():
                future.set_exception(RuntimeError("the camera stopped"))
        self._waiting.clear()
        self.state.emit("stopped", "")

    def _on_frame(self, frame: QVideoFrame) -> None:
        import time

        now = time.monotonic()
        if now - self._last_frame < 1 / 30:  # the preview needs no more; converting frames costs CPU
            return
        self._last_frame = now
        image = frame.toImage()
        if not image.isNull():
            self.frame.emit(image)

    def _on_error(self, error: QCamera.Error, message: str) -> None:
        self.state.emit("error", message or "The camera stopped working.")

    async def still(self) -> QImage:
        if not self.capture.isReadyForCapture():
            raise RuntimeError("The camera is not ready to take a photo yet.")
        future: asyncio.Future[QImage] = asyncio.get_running_loop().create_future()
        request = self.capture.capture()
        if request < 0:
            raise RuntimeError(self.capture.errorString() or "The camera refused to take a photo.")
        self._waiting[request] = future
        return await asyncio.wait_for(future, timeout=10)

    def _on_still(self, request: int, image: QImage) -> None:
        future = self._waiting.pop(request, None)
        if future is not None and not future.done():
            future.set_result(image)

    def _on_capture_error(self, request: int, error: QImageCapture.Error, message: str) -> None:
        future = self._waiting.pop(request, None)
        if future is not None and not future.done():
            future.set_exception(RuntimeError(message or "The photo could not be taken."))
