"""The supported-format table comes from c2pa's own lists; every format in it is sniffed from its bytes,
inspected, and protected where c2pa can sign it (documents, JPEG XL and DNG built here from scratch)."""

from __future__ import annotations

import hashlib
import io
import shutil
import struct
import subprocess
import zipfile
from pathlib import Path

import pytest

from tests import documents
from tests.conftest import CORPUS, SHARED
from tests.expect import protected_copy
from trustnxt_desktop.domain.protect import ProtectOptions, ProtectStatus
from trustnxt_desktop.domain.report import Verdict
from trustnxt_desktop.engine import c2pa_formats, formats
from trustnxt_desktop.engine.c2pa_loader import c2pa
from trustnxt_desktop.engine.inspect import inspect_file
from trustnxt_desktop.engine.media import sniff
from trustnxt_desktop.engine.protect import protect_file
from trustnxt_desktop.engine.trust import TrustConfig

OOXML = "application/vnd.openxmlformats-officedocument."
DOCX = OOXML + "wordprocessingml.document"


def _covers(row: formats.Format, name: str) -> bool:
    return name in (row.media_type.lower(), row.c2pa_name, *row.extensions, *row.aliases)


def test_the_table_has_a_row_for_every_name_c2pa_reports() -> None:
    table = formats.supported_formats()
    for names, flag in ((c2pa.Reader.get_supported_mime_types(), "readable"),
                        (c2pa.Builder.get_supported_mime_types(), "writable")):
        for name in names:
            rows = [row for row in table if _covers(row, name.lower())]
            assert len(rows) == 1, f"{name}: {rows}"
            row = rows[0]
            assert row.readable if flag == "readable" else (row.writable or formats.why_not_protected(row.media_type))
    by_type = {row.media_type: row for row in table}
    for media_type in (DOCX, OOXML + "spreadsheetml.sheet", "application/vnd.oasis.opendocument.text",
                       "application/epub+zip", "application/oxps", "image/jxl", "image/x-adobe-dng"):
        assert by_type[media_type].readable and by_type[media_type].writable, media_type
    assert by_type["image/x-sony-arw"].readable and not by_type["image/x-sony-arw"].writable  # c2pa reads, not writes
    assert by_type["application/zip"].c2pa_name == "application/x-zip"  # c2pa's own spelling is what it is given


def test_the_snapshot_of_c2pas_lists_is_the_installed_librarys() -> None:
    """engine.c2pa_formats spares a process that only picks files loading c2pa; it must say what c2pa says."""
    assert c2pa_formats.current() and c2pa_formats.VERSION == c2pa.__version__
    assert c2pa_formats.READABLE == tuple(sorted(c2pa.Reader.get_supported_mime_types()))
    assert c2pa_formats.WRITABLE == tuple(sorted(c2pa.Builder.get_supported_mime_types()))
    assert formats.supported_formats() == formats.build_table(c2pa.Reader.get_supported_mime_types(),
                                                              c2pa.Builder.get_supported_mime_types())


def test_a_format_a_newer_c2pa_adds_is_inspected_the_same_day() -> None:
    readable = [*c2pa.Reader.get_supported_mime_types(), "image/x-canon-cr3", "cr3", "audio/ogg"]
    table = formats.build_table(readable, c2pa.Builder.get_supported_mime_types())
    cr3 = next(row for row in table if row.media_type == "image/x-canon-cr3")
    assert cr3.readable and not cr3.writable and cr3.c2pa_name == "image/x-canon-cr3"
    ogg = next(row for row in table if row.media_type == "audio/ogg")
    assert ogg.readable and "ogg" in ogg.extensions or "oga" in ogg.extensions
    assert len([row for row in table if row.media_type.startswith("image/jpeg")]) == 1


# -- sniffing ----------------------------------------------------------------------------------------

DOCUMENTS = {  # name: (builder taking `compressed`, media type)
    "report.docx": (lambda c: documents.ooxml("docx", compressed=c), DOCX),
    "macros.docm": (lambda c: documents.ooxml("docm", compressed=c),
                    "application/vnd.ms-word.document.macroEnabled.12"),
    "budget.xlsx": (lambda c: documents.ooxml("xlsx", compressed=c), OOXML + "spreadsheetml.sheet"),
    "slides.pptx": (lambda c: documents.ooxml("pptx", compressed=c), OOXML + "presentationml.presentation"),
    "notes.odt": (lambda c: documents.odf(compressed=c), "application/vnd.oasis.opendocument.text"),
    "sheet.ods": (lambda c: documents.odf("application/vnd.oasis.opendocument.spreadsheet", compressed=c),
                  "application/vnd.oasis.opendocument.spreadsheet"),
    "book.epub": (lambda c: documents.epub(compressed=c), "application/epub+zip"),
    "print.oxps": (lambda c: documents.oxps(compressed=c), "application/oxps"),
    "files.zip": (lambda c: documents.plain_zip(compressed=c), "application/zip"),
}


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_zip_based_documents_are_told_apart_by_their_content(name: str, tmp_path: Path) -> None:
    build, media_type = DOCUMENTS[name]
    data = build(True)
    assert sniff(_write(tmp_path / name, data)) == media_type
    assert sniff(_write(tmp_path / "renamed.zip", data)) == media_type, "the package decides, not the name"
    assert sniff(_write(tmp_path / "no-extension", data)) == media_type


def test_a_plain_zip_named_like_a_document_stays_a_zip(tmp_path: Path) -> None:
    assert sniff(_write(tmp_path / "report.docx", documents.plain_zip())) == "application/zip"
    assert sniff(_write(tmp_path / "book.epub", documents.plain_zip())) == "application/zip"


def test_the_shared_signed_docx_is_a_word_document() -> None:
    # It declares no main part in [Content_Types].xml: its part names say what it is.
    assert sniff(SHARED / "cases" / "ai-report.docx") == DOCX


def test_hostile_zips_are_looked_into_only_within_caps(tmp_path: Path) -> None:
    # A [Content_Types].xml that would say "Word" only after 300 KiB of padding: never decompressed that far.
    padded = tmp_path / "padded.docx"
    with zipfile.ZipFile(padded, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", b" " * (300 * 1024) + documents.OOXML_KINDS["docx"][1].encode())
    assert sniff(padded) == "application/zip"
    # A central directory announcing more entries than we parse: left unread.
    crowded = bytearray(documents.ooxml("docx"))
    end = crowded.rfind(b"PK\x05\x06")
    crowded[end + 8:end + 12] = struct.pack("<HH", 60000, 60000)
    assert sniff(_write(tmp_path / "crowded.docx", bytes(crowded))) == "application/zip"
    # Truncated, encrypted-looking or garbage after the signature: still just "a ZIP", never an exception.
    whole = documents.ooxml("docx")
    assert sniff(_write(tmp_path / "cut.docx", whole[:len(whole) // 2])) == "application/zip"
    assert sniff(_write(tmp_path / "junk.docx", b"PK\x03\x04" + b"\xff" * 200)) == "application/zip"


def test_dng_is_told_from_tiff_by_its_dng_version_tag(tmp_path: Path) -> None:
    raw = documents.dng(tmp_path / "shot.dng")
    assert sniff(raw) == "image/x-adobe-dng"
    assert sniff(Path(shutil.copy(raw, tmp_path / "shot.tif"))) == "image/x-adobe-dng"
    assert sniff(CORPUS / "media" / "test.tiff") == "image/tiff"


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


# -- inspect and protect ----------------------------------------------------------------------------

@pytest.fixture(scope="session")
def cjxl() -> str:
    found = shutil.which("cjxl")
    if found is None:
        pytest.fail("cjxl (Debian package libjxl-tools) is needed to make JPEG XL test files; scripts/test installs it")
    return found


def _jxl(cjxl: str, out: Path, container: bool) -> Path:
    subprocess.run([cjxl, str(CORPUS / "media" / "trustnxt-icon.png"), str(out), "-d", "1", "--quiet",
                    f"--container={int(container)}"], check=True, capture_output=True, timeout=120)
    return out


def _round_trip(source: Path, out_dir: Path, identity, local_trust):
    before = hashlib.sha256(source.read_bytes()).hexdigest()
    assert inspect_file(source, local_trust).verdict is Verdict.NONE
    result = protect_file(source, identity, ProtectOptions(out_dir=out_dir))
    assert result.status is ProtectStatus.DONE, result.error
    assert hashlib.sha256(source.read_bytes()).hexdigest() == before
    report = inspect_file(protected_copy(result), local_trust)
    assert report.verdict is Verdict.TRUSTED, report.summary
    assert report.file.media_type == sniff(source)
    return result, report


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_documents_with_stored_parts_protect_and_inspect(name: str, tmp_path: Path, identity, local_trust) -> None:
    build, media_type = DOCUMENTS[name]
    source = _write(tmp_path / name, build(False))
    result, report = _round_trip(source, tmp_path / "out", identity, local_trust)
    assert result.output.suffix == source.suffix and report.file.media_type == media_type
    with zipfile.ZipFile(result.output) as z:
        assert z.testzip() is None, "the signed copy is still a sound ZIP"


def test_a_compressed_office_document_is_inspected_and_refused_for_signing_in_plain_words(
        tmp_path: Path, identity, local_trust) -> None:
    source = _write(tmp_path / "minutes.docx", documents.ooxml("docx", compressed=True))
    assert inspect_file(source, local_trust).verdict is Verdict.NONE  # readable: no credentials in it
    result = protect_file(source, identity, ProtectOptions(out_dir=tmp_path / "out"))
    assert result.status is ProtectStatus.FAILED
    error = result.error or ""
    assert "parts are compressed" in error and "cannot carry" not in error
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())


def test_the_signed_office_document_from_a_public_report_is_read() -> None:
    report = inspect_file(SHARED / "cases" / "ai-report.docx", TrustConfig())
    assert report.verdict in (Verdict.VALID, Verdict.INVALID), report.summary
    assert report.file.media_type == DOCX and report.signer is not None
    assert "cannot carry" not in report.summary  # and by the verdict above, it is not called unsupported


@pytest.mark.parametrize("container", [False, True], ids=["bare-codestream", "container"])
def test_jpeg_xl_protects_and_inspects(container: bool, cjxl: str, tmp_path: Path, identity, local_trust) -> None:
    source = _jxl(cjxl, tmp_path / "icon.jxl", container)
    assert sniff(source) == "image/jxl"
    result, report = _round_trip(source, tmp_path / "out", identity, local_trust)
    signed = result.output.read_bytes()
    assert signed.startswith(b"\x00\x00\x00\x0cJXL \r\n\x87\n") and b"jumb" in signed
    codestream = source.read_bytes() if not container else None
    if codestream is not None:  # the bare codestream went into a container, byte for byte
        assert codestream in signed
        assert any("JPEG XL container" in w for w in result.warnings)


def test_dng_protects_and_inspects(tmp_path: Path, identity, local_trust) -> None:
    source = documents.dng(tmp_path / "shot.dng")
    result, report = _round_trip(source, tmp_path / "out", identity, local_trust)
    assert result.output.suffix == ".dng" and report.file.media_type == "image/x-adobe-dng"
    assert report.thumbnail, "a DNG is a picture: its copy carries a thumbnail"


@pytest.mark.parametrize(("name", "make", "media_type"), [("page.pdf", documents.pdf, "application/pdf"),
                                                          ("logo.svg", documents.svg, "image/svg+xml")])
def test_pdf_and_svg_protect_and_inspect(name, make, media_type, tmp_path: Path, identity, local_trust) -> None:
    source = make(tmp_path / name)
    result, report = _round_trip(source, tmp_path / "out", identity, local_trust)
    assert result.output.suffix == source.suffix and report.file.media_type == media_type


def test_formats_c2pa_reads_but_cannot_write_are_skipped_with_a_reason(tmp_path: Path, identity) -> None:
    raw = shutil.copy(CORPUS / "media" / "test.tiff", tmp_path / "camera.arw")  # TIFF inside: the name decides
    result = protect_file(Path(raw), identity, ProtectOptions(out_dir=tmp_path / "out"))
    assert result.status is ProtectStatus.SKIPPED
    assert result.error == ("Sony ARW raw image files can be inspected but not protected: the C2PA library cannot "
                            "write Content Credentials into them.")


def test_a_sidecar_manifest_store_alone_is_read_but_its_media_is_not_claimed_checked(
        tmp_path: Path, identity, local_trust) -> None:
    manifest = {"claim_generator_info": [{"name": "sidecar-test"}], "assertions": [{"label": "c2pa.actions", "data": {
        "actions": [{"action": "c2pa.created",
                     "digitalSourceType": "http://cv.iptc.org/newscodes/digitalsourcetype/digitalCapture"}]}}]}
    builder = c2pa.Builder(manifest)
    builder.set_no_embed()  # the signed manifest store comes back instead of going into the copy
    with open(CORPUS / "media" / "trustnxt-icon.jpg", "rb") as src:
        store = builder.sign(identity.c2pa_signer(None), "image/jpeg", src, io.BytesIO())
    sidecar = _write(tmp_path / "photo.c2pa", store)
    assert sniff(sidecar) == "application/c2pa"
    report = inspect_file(sidecar, local_trust)
    assert report.verdict is Verdict.UNVERIFIED and report.signer is not None, report.summary
    assert "sidecar" in report.summary and "changed" not in report.summary
    integrity = next(c for c in report.checks if c.id == "integrity")
    assert integrity.status.value == "unknown" and "not part of it" in integrity.detail
    skipped = protect_file(sidecar, identity, ProtectOptions(out_dir=tmp_path / "out"))
    assert skipped.status is ProtectStatus.SKIPPED
    assert skipped.error == ("C2PA manifest store (sidecar) files can be inspected but not protected: a C2PA manifest "
                             "store on its own is not media to protect.")
