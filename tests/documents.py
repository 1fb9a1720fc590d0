"""Small but well-formed ZIP-based documents (OOXML, ODF, EPUB, OpenXPS) and a DNG, built from scratch."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from PIL import Image

from tests.conftest import CORPUS

_OOXML = "application/vnd.openxmlformats-officedocument."
# (main part name, its content type, relationship target) for each OOXML kind (ECMA-376 part 1).
OOXML_KINDS = {
    "docx": ("word/document.xml", _OOXML + "wordprocessingml.document.main+xml"),
    "docm": ("word/document.xml", "application/vnd.ms-word.document.macroEnabled.main+xml"),
    "xlsx": ("xl/workbook.xml", _OOXML + "spreadsheetml.sheet.main+xml"),
    "pptx": ("ppt/presentation.xml", _OOXML + "presentationml.presentation.main+xml"),
}
_OFFICE_DOCUMENT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"


def _zip(entries: list[tuple[str, bytes]], compressed: bool) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name, data in entries:
            # ODF and EPUB require their `mimetype` entry first and stored; everything else follows `compressed`.
            method = zipfile.ZIP_STORED if name == "mimetype" or not compressed else zipfile.ZIP_DEFLATED
            z.writestr(zipfile.ZipInfo(name, date_time=(2026, 11, 29, 12, 0, 0)), data, compress_type=method)
    return out.getvalue()


def ooxml(kind: str, *, compressed: bool = True) -> bytes:
    part, content_type = OOXML_KINDS[kind]
    types = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
             '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
             '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
             '<Default Extension="xml" ContentType="application/xml"/>'
             f'<Override PartName="/{part}" ContentType="{content_type}"/></Types>')
    rels = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{_OFFICE_DOCUMENT}" Target="{part}"/></Relationships>')
    body = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document '
            'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r>'
            '<w:t>Council meeting notes, 29 November.</w:t></w:r></w:p></w:body></w:document>')
    return _zip([("[Content_Types].xml", types.encode()), ("_rels/.rels", rels.encode()), (part, body.encode())],
                compressed)


def odf(media_type: str = "application/vnd.oasis.opendocument.text", *, compressed: bool = True) -> bytes:
    manifest = ('<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
                'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">'
                f'<manifest:file-entry manifest:full-path="/" manifest:media-type="{media_type}"/>'
                '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
                '</manifest:manifest>')
    content = ('<?xml version="1.0" encoding="UTF-8"?><office:document-content '
               'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" office:version="1.3">'
               '<office:body><office:text/></office:body></office:document-content>')
    return _zip([("mimetype", media_type.encode()), ("content.xml", content.encode()),
                 ("META-INF/manifest.xml", manifest.encode())], compressed)


def epub(*, compressed: bool = True) -> bytes:
    container = ('<?xml version="1.0"?><container version="1.0" '
                 'xmlns="urn:oasis:names:tc:opendocument:xmlns:container"><rootfiles>'
                 '<rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/>'
                 '</rootfiles></container>')
    opf = ('<?xml version="1.0" encoding="UTF-8"?><package xmlns="http://www.idpf.org/2007/opf" version="3.0" '
           'unique-identifier="id"><metadata xmlns:dc="http://purl.org/dc/elements/1.1/">'
           '<dc:identifier id="id">urn:uuid:8c1f4a52-2f49-4c4e-9a57-0d6f2c0f5e11</dc:identifier>'
           '<dc:title>Field notes</dc:title><dc:language>en</dc:language></metadata>'
           '<manifest><item id="c1" href="c1.xhtml" media-type="application/xhtml+xml"/></manifest>'
           '<spine><itemref idref="c1"/></spine></package>')
    chapter = ('<?xml version="1.0" encoding="UTF-8"?><html xmlns="http://www.w3.org/1999/xhtml"><head>'
               '<title>1</title></head><body><p>Chapter one.</p></body></html>')
    return _zip([("mimetype", b"application/epub+zip"), ("META-INF/container.xml", container.encode()),
                 ("OEBPS/content.opf", opf.encode()), ("OEBPS/c1.xhtml", chapter.encode())], compressed)


def oxps(*, compressed: bool = True) -> bytes:
    types = ('<?xml version="1.0" encoding="UTF-8"?>'
             '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
             '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
             '<Override PartName="/FixedDocumentSequence.fdseq" '
             'ContentType="application/vnd.ms-package.xps-fixeddocumentsequence+xml"/></Types>')
    rels = ('<?xml version="1.0" encoding="UTF-8"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="R0" Type="http://schemas.openxps.org/oxps/v1.0/fixedrepresentation" '
            'Target="/FixedDocumentSequence.fdseq"/></Relationships>')
    seq = '<FixedDocumentSequence xmlns="http://schemas.openxps.org/oxps/v1.0"/>'
    return _zip([("[Content_Types].xml", types.encode()), ("_rels/.rels", rels.encode()),
                 ("FixedDocumentSequence.fdseq", seq.encode())], compressed)


def plain_zip(*, compressed: bool = True) -> bytes:
    return _zip([("notes.txt", b"not a document format, just files in an archive\n")], compressed)


def dng(path: Path) -> Path:
    """A small uncompressed RGB TIFF that declares itself a DNG 1.4 (DNGVersion, UniqueCameraModel in IFD0)."""
    picture = Image.open(CORPUS / "media" / "trustnxt-icon.png").convert("RGB").resize((96, 96))
    picture.save(path, "TIFF", tiffinfo={50706: b"\x01\x04\x00\x00", 50708: "TrustNXT Test Camera"})
    return path


def pdf(path: Path) -> Path:
    """A one-page PDF of a picture, as Pillow writes it."""
    Image.open(CORPUS / "media" / "trustnxt-icon.png").convert("RGB").resize((200, 200)).save(path, "PDF")
    return path


def svg(path: Path) -> Path:
    path.write_text('<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="64" '
                    'height="64" viewBox="0 0 64 64"><rect width="64" height="64" fill="#1565c0"/>'
                    '<circle cx="32" cy="32" r="20" fill="#fff"/></svg>\n', "utf-8")
    return path


def avi(path: Path) -> Path:
    """Five 64×64 Motion-JPEG frames in an AVI (RIFF) container, written by FFmpeg through PyAV."""
    import av  # only the tests that need a video import FFmpeg

    picture = Image.open(CORPUS / "media" / "trustnxt-icon.png").convert("RGB").resize((64, 64))
    with av.open(str(path), "w", format="avi") as out:
        stream = out.add_stream("mjpeg", rate=5)
        stream.width, stream.height, stream.pix_fmt = 64, 64, "yuvj420p"
        for _ in range(5):
            for packet in stream.encode(av.VideoFrame.from_image(picture)):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    return path
