"""Recording from a microphone to a WAV file, with a live level for the meter."""

from __future__ import annotations

import asyncio
import struct
from pathlib import Path

from PySide6.QtCore import QIODevice, QObject, QUrl, Signal
from PySide6.QtMultimedia import (
    QAudioDevice,
    QAudioFormat,
    QAudioInput,
    QAudioSource,
    QMediaCaptureSession,
    QMediaFormat,
    QMediaRecorder,
)


class AudioRecorder(QObject):
    level = Signal(float)  # 0..1, peak of the last buffer
    elapsed = Signal(int)  # milliseconds recorded
    failed = Signal(str)

    def __init__(self, device: QAudioDevice, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.device = device
        self.description = device.description()
        # Every Qt object is parented, so Qt deletes it on the GUI thread. Left to Python, a reference
        # cycle could be collected on any thread, and a multimedia object destroyed off its thread
        # leaves dangling timers behind (a crash much later).
        self.input = QAudioInput(device, self)
        self.session = QMediaCaptureSession(self)
        self.session.setAudioInput(self.input)
        self.recorder = QMediaRecorder(self)
        self.session.setRecorder(self.recorder)
        fmt = QMediaFormat(QMediaFormat.FileFormat.Wave)
        fmt.setAudioCodec(QMediaFormat.AudioCodec.Wave)
        self.recorder.setMediaFormat(fmt)
        self.recorder.setQuality(QMediaRecorder.Quality.HighQuality)
        self.recorder.durationChanged.connect(lambda ms: self.elapsed.emit(int(ms)))
        self.recorder.errorOccurred.connect(self._on_error)
        self.recorder.recorderStateChanged.connect(self._on_state)
        self._stopped: asyncio.Future[None] | None = None
        self._meter: QAudioSource | None = None
        self._meter_io: QIODevice | None = None

    # -- level meter: a second, light stream from the same device --------------------------------
    def start_meter(self) -> None:
        if self._meter is not None:  # made once, restarted after each stop
            self._meter_io = self._meter.start()
            if self._meter_io is not None:
                self._meter_io.readyRead.connect(self._read_level)
            return
        fmt = QAudioFormat()
        fmt.setSampleRate(16000)
        fmt.setChannelCount(1)
        fmt.setSampleFormat(QAudioFormat.SampleFormat.Int16)
        if not self.device.isFormatSupported(fmt):
            fmt = self.device.preferredFormat()
        self._meter = QAudioSource(self.device, fmt, self)
        self._meter_io = self._meter.start()
        if self._meter_io is not None:
            self._meter_io.readyRead.connect(self._read_level)

    def _read_level(self) -> None:
        if self._meter_io is None:
            return
        data = bytes(self._meter_io.readAll().data())
        if len(data) < 2:
            return
        count = len(data) // 2
        samples = struct.unpack(f"<{count}h", data[: count * 2])
        self.level.emit(min(1.0, max(abs(s) for s in samples) / 32768))

    def stop_meter(self) -> None:
        if self._meter is not None:
            if self._meter_io is not None:
                self._meter_io.readyRead.disconnect(self._read_level)
            self._meter.stop()
            self._meter_io = None

    # -- recording --------------------------------------------------------------------------------
    def record(self, target: Path) -> None:
        self.recorder.setOutputLocation(QUrl.fromLocalFile(str(target)))
        self._stopped = asyncio.get_running_loop().create_future()
        self.recorder.record()

    @property
    def recording(self) -> bool:
        return self.recorder.recorderState() == QMediaRecorder.RecorderState.RecordingState

    async def stop(self) -> Path:
        """Stop and wait until the file is complete on disk."""
        self.recorder.stop()
        if self._stopped is not None and not self._stopped.done():
            await asyncio.wait_for(self._stopped, timeout=10)
        return Path(self.recorder.actualLocation().toLocalFile())

    def _on_state(self, state: QMediaRecorder.RecorderState) -> None:
        stopped = state == QMediaRecorder.RecorderState.StoppedState
        if stopped and self._stopped is not None and not self._stopped.done():
            self._stopped.set_result(None)

    def _on_error(self, error: QMediaRecorder.Error, message: str) -> None:
        if self._stopped is not None and not self._stopped.done():
            self._stopped.set_exception(RuntimeError(message or "Recording failed."))
        self.failed.emit(message or "Recording failed.")
