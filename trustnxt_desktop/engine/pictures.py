"""The picture of a file as people see it: a still image turned by its EXIF orientation, the first page of
a PDF (PDFium via pypdfium2), a frame of a video or an audio file's cover art (FFmpeg via PyAV); and the
shape of a picture (size and EXIF orientation) for comparing a file with its signed thumbnail.

These decoders parse files we did not make: callers run them in the isolated workers (engine.untrusted),
whose memory and time limits bound a hostile file.
"""

from __future__ import annotations

import io
from pathlib import Path

from PIL import ExifTags, Image

from ..domain.report import PictureShape
from .media import is_audio_or_video, is_image
from .thumbnails import encode_thumbnail, make_thumbnail, open_image

PDF = "application/pdf"
# Where to take a video's frame: a tenth into it (the first frame is often black), at most this far.
FRAME_AT_MOST_SECONDS = 5.0


def make_preview(source: Path, media_type: str | None, edge: int) -> bytes | None:
    """A JPEG of the file's picture with its long edge at most `edge` pixels, or None when the file has
    none (audio without cover art, unsupported types). Raises for files that fail to decode."""
    if edge <= 0:
        return None
    if media_type == PDF:
        return _pdf_first_page(source, edge)
    if is_audio_or_video(media_type):
        return _video_frame(source, edge)
    if is_image(media_type):
        return make_thumbnail(source, media_type, edge)
    return None


def _pdf_first_page(source: Path, edge: int) -> bytes | None:
    import pypdfium2 as pdfium  # only workers that meet a PDF pay for loading PDFium

    pdf = pdfium.PdfDocument(str(source))
    try:
        if len(pdf) == 0:
            return None
        page = pdf[0]
        try:
            width, height = page.get_size()  # points, with the page's /Rotate applied by render()
            if not (width > 0 and height > 0):
                return None
            bitmap = page.render(scale=edge / max(width, height, 1.0))
            try:
                return encode_thumbnail(bitmap.to_pil(), edge)
            finally:
                bitmap.close()
        finally:
            page.close()
    finally:
        pdf.close()


def _video_frame(source: Path, edge: int) -> bytes | None:
    import av  # only workers that meet a video pay for loading FFmpeg

    with av.open(str(source)) as container:
        if not container.streams.video:
            return None  # audio without cover art
        stream = container.streams.video[0]
        if container.duration and container.duration > 0:
            at = min(container.duration / 10, FRAME_AT_MOST_SECONDS * av.time_base)
            try:
                container.seek(int(at))  # the keyframe at or before it
            except av.FFmpegError:
                container.seek(0)
        for frame in container.decode(stream):
            image: Image.Image = frame.to_image()  # type: ignore[no-untyped-call]  # PyAV's stub leaves it untyped
            # Phones record portrait video as landscape pixels plus a display matrix, as EXIF does for stills.
            turn = round((frame.rotation or 0) / 90) % 4
            if turn:
                image = image.transpose((Image.Transpose.ROTATE_90, Image.Transpose.ROTATE_180,
                                         Image.Transpose.ROTATE_270)[turn - 1])
            return encode_thumbnail(image, edge)
    return None


def picture_shape(source: Path | io.BytesIO, media_type: str | None = None) -> PictureShape | None:
    """Stored size and EXIF orientation of a still image, from its header (no pixels are decoded);
    None for other files or when the header cannot be read."""
    if media_type is not None and (not is_image(media_type) or media_type == "image/svg+xml"):
        return None
    try:
        with open_image(source) as im:
            width, height = im.size
            orientation = 1
            if im.format != "PNG" or "exif" in im.info:  # PNG: see exif.read_capture, no scan past the pixels
                orientation = int(im.getexif().get(ExifTags.Base.Orientation, 1) or 1)
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError, Image.DecompressionBombWarning,
            KeyError, TypeError, ZeroDivisionError, IndexError, AttributeError, MemoryError):
        return None  # a damaged header: no shape to compare, never a failed inspection
    return PictureShape(width=width, height=height, orientation=orientation if 1 <= orientation <= 8 else 1)
