"""Pictures from bytes, turned the way their EXIF orientation says (Qt leaves them as stored by default)."""

from __future__ import annotations

from PySide6.QtCore import QBuffer, QByteArray, QIODevice
from PySide6.QtGui import QImage, QImageReader


def image_from_bytes(data: bytes | None) -> QImage:
    """A QImage (null when data is empty or not a picture), with its EXIF orientation applied.

    The previews reaching the GUI are JPEGs our workers made upright already; auto-transform keeps any
    other picture honest too (QImageReader.setAutoTransform, off unless asked for)."""
    if not data:
        return QImage()
    buffer = QBuffer()
    buffer.setData(QByteArray(data))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    reader = QImageReader(buffer)
    reader.setAutoTransform(True)
    image = reader.read()
    buffer.close()
    return image
