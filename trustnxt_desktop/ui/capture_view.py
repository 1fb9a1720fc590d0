"""Capture: take photos and record sound that are protected the moment they are saved.

The camera runs only while this view is open (the camera light means something to people). Every
capture is written to the pending folder first and shown at once; its protected copy follows in the
background as a job in the persistent job store, by the app's CaptureProtector
(services/jobs/capture_queue.py), which the composition root builds and closes; this view shows it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import shiboken6
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QSize, Qt, Signal
from PySide6.QtGui import QAction, QImage, QImageWriter, QKeySequence, QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ..domain.jobs import JobState
from ..services.jobs.capture_queue import CaptureItem, CaptureProtector
from ..services.jobs.capture_store import CaptureStore, PendingCapture
from .icons import badge
from .tasks import TaskOwner

if TYPE_CHECKING:  # Qt Multimedia loads when the view is first shown (activate), not with the window
    from PySide6.QtMultimedia import QMediaDevices

    from .audio_recorder import AudioRecorder
    from .frame_source import FrameSource

PREVIEW = QSize(640, 360)
# Qt's PulseAudio input leaves a timer behind when it is destroyed while the event loop goes on, which
# crashes the process later. Audio recorders therefore live as long as the process (one per device).
_KEEP_ALIVE: list[AudioRecorder] = []
_STATE_TEXT = {JobState.WAITING: "waiting to be protected…", JobState.PROTECTING: "protecting…",
               JobState.DONE: "protected", JobState.FAILED: "not protected", JobState.SKIPPED: "not protected",
               JobState.CANCELLED: "not protected"}


def _encode_jpeg(image: QImage, quality: int = 92) -> bytes:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QImageWriter(buffer, b"JPEG")  # QImage.save's format: the stubs want bytes, the binding str
    writer.setQuality(quality)
    if not writer.write(image):
        raise RuntimeError(f"the photo could not be encoded: {writer.errorString()}")
    return bytes(data.data())



def _fill_devices(choice: QComboBox, devices: list[Any], default: Any) -> list[Any]:
    """Camera or microphone list: every device by name, the system's default selected."""
    choice.clear()
    for device in devices:
        choice.addItem(device.description(), device)
    choice.setCurrentIndex(next((i for i, d in enumerate(devices) if d.id() == default.id()), 0))
    return devices

class CaptureView(QWidget):
    call_finished = Signal()  # a capture was protected (or failed): usage changed

    def __init__(self, protector: CaptureProtector, on_error: Callable[[str], None],
                 parent: QWidget | None = None) -> None:
        """`protector`: the app's (built and closed by the composition root). Captures are jobs in the app's
        job store: one a crash interrupted is finished at the next start."""
        super().__init__(parent)
        self._tasks = TaskOwner(on_error)
        self._on_error = on_error
        self.protector = protector
        self._items: dict[Path, QListWidgetItem] = {}
        self._thumbs: dict[Path, QPixmap] = {}
        self.source: FrameSource | None = None
        self.recorder: AudioRecorder | None = None
        self._pending_recording: PendingCapture | None = None  # the file a recording in progress goes to
        self._recorders: dict[bytes, AudioRecorder] = {}
        self._active = False
        self.resuming: asyncio.Future[list[CaptureItem]] | None = None  # the latest resume_async(), if any
        self.devices: QMediaDevices | None = None  # watched from the first activate()

        # Camera
        self.camera_choice = QComboBox()
        self.camera_choice.setAccessibleName("Camera")
        self.camera_choice.activated.connect(lambda _i: self._start_selected_camera())
        self.preview = QLabel()
        self.preview.setFixedSize(PREVIEW)
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview.setStyleSheet("QLabel { background: #111; color: #ddd; border-radius: 8px; }")
        self.preview.setAccessibleName("Camera preview")
        self.camera_state = QLabel()
        self.camera_state.setWordWrap(True)
        self.camera_state.setAccessibleName("Camera state")
        self.photo_button = QPushButton("Take &photo")
        self.photo_button.setToolTip("Take a photo (Ctrl+Shift+T)")
        self.photo_button.clicked.connect(self.take_photo)
        camera_box = QGroupBox("Camera")
        cam = QVBoxLayout(camera_box)
        cam.addWidget(self.camera_choice)
        cam.addWidget(self.preview)
        cam.addWidget(self.camera_state)
        cam.addWidget(self.photo_button)

        # Microphone
        self.mic_choice = QComboBox()
        self.mic_choice.setAccessibleName("Microphone")
        self.mic_choice.activated.connect(lambda _i: self._use_selected_microphone())
        self.level = QProgressBar()
        self.level.setRange(0, 100)
        self.level.setTextVisible(False)
        self.level.setAccessibleName("Input level")
        self.record_button = QPushButton("&Record")
        self.record_button.setToolTip("Start or stop recording (Ctrl+R)")
        self.record_button.clicked.connect(self.toggle_recording)
        self.elapsed = QLabel("0:00")
        self.elapsed.setAccessibleName("Recording time")
        self.mic_state = QLabel()
        self.mic_state.setWordWrap(True)
        self.mic_state.setAccessibleName("Microphone state")
        mic_box = QGroupBox("Microphone")
        mic = QVBoxLayout(mic_box)
        mic.addWidget(self.mic_choice)
        mic.addWidget(QLabel("Level"))
        mic.addWidget(self.level)
        row = QHBoxLayout()
        row.addWidget(self.record_button)
        row.addWidget(self.elapsed)
        row.addStretch(1)
        mic.addLayout(row)
        mic.addWidget(self.mic_state)
        mic.addStretch(1)

        # Captures
        self.captures = QListWidget()
        self.captures.setAccessibleName("Captures")
        self.captures.setIconSize(QSize(64, 64))
        self.counters = QLabel()
        self.counters.setAccessibleName("Capture counters")
        self.retry_button = QPushButton("Retry &failed")
        self.retry_button.clicked.connect(self.retry_failed)
        self.folder_label = QLabel()
        self.folder_label.setTextFormat(Qt.TextFormat.PlainText)  # a folder's name is not markup
        self.folder_button = QPushButton("Change folder…")
        self.folder_button.clicked.connect(self._choose_folder)
        bottom = QHBoxLayout()
        bottom.addWidget(self.counters, 1)
        bottom.addWidget(self.retry_button)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder_label, 1)
        folder_row.addWidget(self.folder_button)

        top = QHBoxLayout()
        top.addWidget(camera_box, 3)
        top.addWidget(mic_box, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(QLabel("<b>Captures</b> — each is saved at once and protected in the background"))
        layout.addWidget(self.captures, 1)
        layout.addLayout(bottom)
        layout.addLayout(folder_row)

        # Not Ctrl+T: that opens the trust lists from anywhere in the window, and two actions sharing a
        # shortcut in the same place make Qt run neither.
        for text, keys, slot in (("Take photo", "Ctrl+Shift+T", self.take_photo),
                                 ("Record", "Ctrl+R", self.toggle_recording)):
            action = QAction(text, self)
            action.setShortcut(QKeySequence(keys))
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            action.triggered.connect(slot)
            self.addAction(action)
        self._show_folder()
        self.photo_button.setEnabled(False)  # until a camera is ready
        self.record_button.setEnabled(False)
        protector.subscribe(self._on_capture)
        for item in protector.items:
            self._add_row(item)
        self._refresh_counters()

    @property
    def store(self) -> CaptureStore:
        """Where new captures are saved."""
        return self.protector.store

    # -- lifecycle: devices run only while the view is shown ---------------------------------------
    def activate(self) -> None:
        self._active = True
        self._watch_devices()
        if self.resuming is None or self.resuming.done():  # the store work runs off the GUI thread
            self.resuming = self._tasks.spawn(self.resume_async())
        if self.source is None:
            self._start_selected_camera()
        if self.recorder is None:
            self._use_selected_microphone()

    def _watch_devices(self) -> None:
        """The cameras and microphones, listed (and watched) from the first time the view is shown: Qt Multimedia
        and its media backend take 100 ms or more to load, which the window's first paint does not wait for."""
        if self.devices is not None:
            return
        from PySide6.QtMultimedia import QMediaDevices

        self.devices = QMediaDevices(self)
        self.devices.videoInputsChanged.connect(self._cameras_changed)
        self.devices.audioInputsChanged.connect(self._microphones_changed)
        self._fill_cameras()
        self._fill_microphones()

    async def resume_async(self) -> list[CaptureItem]:
        """Show and protect the captures an earlier run could not finish."""
        resumed = await self.protector.resume()
        for item in resumed:
            self._add_row(item)
        return resumed

    def deactivate(self) -> None:
        self._active = False
        if self.recorder is not None and self.recorder.recording:
            return  # never cut a recording short because someone looked at another tab
        self._stop_camera()
        self._stop_microphone()

    async def aclose(self) -> None:
        if self.recorder is not None and self.recorder.recording:
            await self._finish_recording()
        self._stop_camera()
        self._stop_microphone()
        await self._tasks.aclose()
        self.protector.subscribe(None)  # the protector goes on until the composition root closes it

    # -- camera ---------------------------------------------------------------------------------
    def _fill_cameras(self) -> None:
        from PySide6.QtMultimedia import QMediaDevices

        cameras = _fill_devices(self.camera_choice, QMediaDevices.videoInputs(), QMediaDevices.defaultVideoInput())
        if not cameras and self.source is None:
            self._camera_state("no-device", "No camera detected. Connect one, or protect photos you already have "
                               "in the Protect view.")

    def _start_selected_camera(self) -> None:
        if not self._active:
            return
        from PySide6.QtMultimedia import QCameraDevice

        from .frame_source import CameraFrameSource

        device = self.camera_choice.currentData()
        if not isinstance(device, QCameraDevice):
            return
        if not self._permitted("camera"):
            return
        self.use_frame_source(CameraFrameSource(device))

    def use_frame_source(self, source: FrameSource) -> None:
        """Show and take photos from this source (a real camera, or a synthetic one in tests and demos)."""
        self._stop_camera()
        self.source = source
        if self.camera_choice.findText(source.description) < 0:  # e.g. a synthetic source
            self.camera_choice.addItem(source.description)
        self.camera_choice.setCurrentIndex(self.camera_choice.findText(source.description))
        source.frame.connect(self._show_frame)
        source.state.connect(self._camera_state)
        source.start()

    def _stop_camera(self) -> None:
        if self.source is not None:
            self.source.stop()
            self.source.frame.disconnect()
            self.source.state.disconnect()
            self.source.deleteLater()
            self.source = None
        if shiboken6.isValid(self.preview):  # also called while the window is being torn down
            self.preview.setPixmap(QPixmap())

    def _cameras_changed(self) -> None:
        from PySide6.QtMultimedia import QMediaDevices

        from .frame_source import CameraFrameSource

        current = self.source.device.id() if isinstance(self.source, CameraFrameSource) else None
        self._fill_cameras()
        if current is not None and all(d.id() != current for d in QMediaDevices.videoInputs()):
            self._stop_camera()
            self._camera_state("no-device", "The camera was disconnected. Reconnect it, or choose another.")

    def _show_frame(self, image: QImage) -> None:
        self.preview.setPixmap(QPixmap.fromImage(image).scaled(PREVIEW, Qt.AspectRatioMode.KeepAspectRatio,
                                                               Qt.TransformationMode.FastTransformation))

    def _camera_state(self, state: str, message: str) -> None:
        ready = state == "ready"
        self.photo_button.setEnabled(ready)
        text = {"ready": f"Ready: {message}", "stopped": "Camera off.", "permission": message}.get(state, message)
        self.camera_state.setText(text)
        if not ready:
            self.preview.setText("" if state == "stopped" else text)

    def _permitted(self, kind: str) -> bool:
        from PySide6.QtCore import QCameraPermission, QMicrophonePermission
        from PySide6.QtWidgets import QApplication

        from .frame_source import permission_hint

        app = QApplication.instance()
        permission = QCameraPermission() if kind == "camera" else QMicrophonePermission()
        status = app.checkPermission(permission) if app is not None else Qt.PermissionStatus.Granted
        if status == Qt.PermissionStatus.Undetermined and app is not None:
            # Ask, and try again once the person has answered.
            retry = self._start_selected_camera if kind == "camera" else self._use_selected_microphone
            app.requestPermission(permission, self, lambda _p: retry())
            return False
        if status == Qt.PermissionStatus.Denied:
            message = f"Access to the {kind} was refused. {permission_hint(kind)}"
            (self._camera_state if kind == "camera" else self._mic_state)("permission", message)
            return False
        return True

    def take_photo(self) -> None:
        if self.source is not None and self.photo_button.isEnabled():
            self._tasks.spawn(self.take_photo_async())

    async def take_photo_async(self) -> CaptureItem:
        assert self.source is not None
        self.photo_button.setEnabled(False)
        try:
            image = await self.source.still()
            device = self.source.description
            data = await asyncio.to_thread(_encode_jpeg, image)
            pending = await asyncio.to_thread(self.store.reserve, "photo", ".jpg", device)
            try:
                await asyncio.to_thread(self.store.write_raw, pending, data)
            except OSError as e:
                await asyncio.to_thread(self.store.abandon, pending)
                raise _capture_error("photo", e) from e
            self._thumbs[pending.raw] = QPixmap.fromImage(image.scaled(128, 128, Qt.AspectRatioMode.KeepAspectRatio))
            item = await self.protector.submit(pending)  # recorded as a job (off the GUI thread) first
            self._add_row(item)
            return item
        finally:
            self.photo_button.setEnabled(self.source is not None)

    # -- microphone -----------------------------------------------------------------------------
    def _fill_microphones(self) -> None:
        from PySide6.QtMultimedia import QMediaDevices

        inputs = _fill_devices(self.mic_choice, QMediaDevices.audioInputs(), QMediaDevices.defaultAudioInput())
        if not inputs and self.recorder is None:
            self._mic_state("no-device", "No microphone detected. Connect one to record.")

    def _use_selected_microphone(self) -> None:
        if not self._active or (self.recorder is not None and self.recorder.recording):
            return
        from PySide6.QtMultimedia import QAudioDevice

        from .audio_recorder import AudioRecorder

        device = self.mic_choice.currentData()
        if not isinstance(device, QAudioDevice):
            return
        if not self._permitted("microphone"):
            return
        self._stop_microphone()
        key = bytes(device.id().data())  # the device's id, as Qt gives it
        recorder = self._recorders.get(key)
        if recorder is None:
            # One recorder per device, only ever stopped and restarted (see _KEEP_ALIVE).
            recorder = AudioRecorder(device)
            _KEEP_ALIVE.append(recorder)
            recorder.level.connect(lambda v: self.level.setValue(int(v * 100)))
            recorder.elapsed.connect(self._show_elapsed)
            recorder.failed.connect(lambda message: self._mic_state("error", message))
            self._recorders[key] = recorder
        self.recorder = recorder
        recorder.start_meter()
        self._mic_state("ready", device.description())

    def _stop_microphone(self) -> None:
        if self.recorder is not None and not self.recorder.recording:
            self.recorder.stop_meter()
            self.recorder = None
            if shiboken6.isValid(self.level):
                self.level.setValue(0)

    def _microphones_changed(self) -> None:
        from PySide6.QtMultimedia import QMediaDevices

        current = self.recorder.device.id() if self.recorder is not None else None
        self._fill_microphones()
        if current is not None and all(d.id() != current for d in QMediaDevices.audioInputs()):
            if self.recorder is not None and self.recorder.recording:
                self._tasks.spawn(self._finish_recording())  # keep what was recorded so far
            self._mic_state("no-device", "The microphone was disconnected; what was recorded so far is kept.")

    def _mic_state(self, state: str, message: str) -> None:
        ready = state == "ready"
        self.record_button.setEnabled(ready or (self.recorder is not None and self.recorder.recording))
        self.mic_state.setText(f"Ready: {message}" if ready else message)

    def _show_elapsed(self, ms: int) -> None:
        self.elapsed.setText(f"{ms // 60000}:{ms // 1000 % 60:02d}")

    def toggle_recording(self) -> None:
        if self.recorder is None or not self.record_button.isEnabled():
            return
        self._tasks.spawn(self._finish_recording() if self.recorder.recording else self.start_recording_async())

    async def start_recording_async(self) -> None:
        assert self.recorder is not None
        self._pending_recording = await asyncio.to_thread(self.store.reserve, "audio", ".wav",
                                                          self.recorder.description)
        self.recorder.record(self._pending_recording.raw)
        self.record_button.setText("&Stop")
        self.mic_state.setText("Recording…")

    async def _finish_recording(self) -> CaptureItem | None:
        recorder, pending = self.recorder, self._pending_recording
        if recorder is None or pending is None:
            return None
        self._pending_recording = None
        self.record_button.setText("&Record")
        try:
            produced = await recorder.stop()
            await asyncio.to_thread(self.store.adopt, pending, produced)
        except (TimeoutError, OSError, RuntimeError) as e:
            await asyncio.to_thread(self.store.abandon, pending)
            self._mic_state("error", f"The recording could not be saved: {e}")
            return None
        self._mic_state("ready", recorder.description)
        item = await self.protector.submit(pending)
        self._add_row(item)
        if not self._active:
            self._stop_microphone()
        return item

    async def record_for(self, seconds: float) -> CaptureItem | None:
        """Record for a fixed time (used by tests and the screenshot script)."""
        await self.start_recording_async()
        await asyncio.sleep(seconds)
        return await self._finish_recording()

    # -- the captures list ------------------------------------------------------------------------
    def _add_row(self, item: CaptureItem) -> None:
        row = self._items.get(item.pending.raw)
        if row is None:
            row = QListWidgetItem()
            self.captures.insertItem(0, row)
            self._items[item.pending.raw] = row
        self._on_capture(item)

    def _on_capture(self, item: CaptureItem) -> None:
        row = self._items.get(item.pending.raw)
        if row is not None:
            name = item.output.name if item.output else item.pending.raw.name
            detail = f": {item.error}" if item.error else ""
            row.setText(f"{name}\n{_STATE_TEXT[item.state]}{detail}")
            thumb = self._thumbs.get(item.pending.raw)
            colour = "#1565c0" if not item.state.finished else "#2e7d32" if item.state is JobState.DONE else "#c62828"
            glyph = "camera" if item.pending.info.kind == "photo" else "wave"
            row.setIcon(thumb if thumb is not None else badge(glyph, colour, 64))
            row.setToolTip(str(item.output or item.pending.raw))
        if item.state.finished:
            self.call_finished.emit()
        self._refresh_counters()

    def _refresh_counters(self) -> None:
        pending, done, failed = self.protector.counts()
        self.counters.setText(f"{pending} protecting · {done} protected · {failed} failed")
        self.retry_button.setEnabled(failed > 0)

    def retry_failed(self) -> None:
        self._tasks.spawn(self.protector.retry_failed())

    def _show_folder(self) -> None:
        self.folder_label.setText(f"Saving into {self.store.folder}")

    def _choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Save captures into", str(self.store.folder))
        if folder:
            self.set_folder(Path(folder))

    def set_folder(self, folder: Path) -> None:
        """New captures go here; those already waiting keep their place and are still protected."""
        self.protector.set_folder(folder)
        self._show_folder()


def _capture_error(kind: str, e: OSError) -> Exception:
    from ..domain.errors import TrustNXTError

    reason = "the disk is full" if e.errno == 28 else (e.strerror or str(e))
    return TrustNXTError(f"The {kind} could not be saved: {reason}. Free some space or choose another folder.")
